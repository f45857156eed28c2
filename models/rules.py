"""Rules a version must satisfy before it is submitted or published (domain.md §9).

Pure functions: each returns the problems it finds as (field path, message) pairs, so the
caller can report every problem at once instead of the first.
"""

from collections.abc import Iterator

from models.content import CatalogItemContent, ServiceItemContent
from models.enums import HandlingKind, ItemType, OnlineDepth

Problem = tuple[tuple[str | int, ...], str]


def service_item_problems(
    content: ServiceItemContent, catalog: CatalogItemContent, item_type: ItemType
) -> list[Problem]:
    return [
        *_time_limit_problems(content, catalog),
        *_trip_problems(content),
        *_fee_problems(content),
        *_material_problems(content, catalog),
        *_power_problems(content, item_type),
    ]


def _time_limit_problems(
    content: ServiceItemContent, catalog: CatalogItemContent
) -> Iterator[Problem]:
    promised, statutory = content.promised_time_limit, catalog.statutory_time_limit
    too_long = (
        promised is not None
        and statutory is not None
        and promised.in_working_days() > statutory.in_working_days()
    )
    if too_long:
        message = f"承诺办结时限（{promised}）不得超过法定办结时限（{statutory}）"
        yield ("promised_time_limit",), message
    instant_limit = promised is not None and promised.value == 0
    if content.handling_kind == HandlingKind.INSTANT and not instant_limit:
        yield ("promised_time_limit",), "即办件的承诺办结时限应为即办（0）"
    if instant_limit and content.handling_kind != HandlingKind.INSTANT:
        yield ("handling_kind",), "承诺办结时限为即办的事项，办件类型应为即办件"


def _trip_problems(content: ServiceItemContent) -> Iterator[Problem]:
    if content.online_depth == OnlineDepth.FULLY_ONLINE and content.onsite_visits != 0:
        yield ("onsite_visits",), "全程网办事项的到办事现场次数应为0"
    if content.onsite_visits > 0 and not content.onsite_visits_reason:
        yield ("onsite_visits_reason",), "到办事现场次数不为0时，须说明必须现场办理的原因"


def _fee_problems(content: ServiceItemContent) -> Iterator[Problem]:
    if content.charging and not content.fees:
        yield ("fees",), "收费事项至少应有一个收费项目"
    if content.charging and not content.fee_basis:
        yield ("fee_basis",), "收费事项须填写收费依据"
    if not content.charging and content.fees:
        yield ("fees",), "不收费事项不应有收费项目"
    if not content.charging and content.channels.online_payment:
        yield ("channels", "online_payment"), "不收费事项不应支持网上支付"


def _material_problems(
    content: ServiceItemContent, catalog: CatalogItemContent
) -> Iterator[Problem]:
    baseline = {m.name for m in catalog.baseline_materials}
    for i, material in enumerate(content.materials):
        if material.name in baseline:
            yield ("materials", i, "name"), f"“{material.name}”已是基本目录材料，不能重复添加"
    known = baseline | {m.name for m in content.materials}
    for i, note in enumerate(content.material_notes):
        if note.material not in known:
            yield ("material_notes", i, "material"), f"说明所指材料“{note.material}”不存在"


def _power_problems(content: ServiceItemContent, item_type: ItemType) -> Iterator[Problem]:
    if item_type.is_power and content.power_source is None:
        yield ("power_source",), "行政权力事项须填写权力来源"

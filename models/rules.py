"""Rules a version must satisfy before it is submitted or published (domain.md §9).

Pure functions: each returns the problems it finds as (field path, message) pairs, so the
caller can report every problem at once instead of the first.
"""

from collections.abc import Iterator
from decimal import Decimal

from models.content import (
    CatalogItemContent,
    FeeItemContent,
    IntermediaryServiceContent,
    ServiceItemContent,
)
from models.enums import HandlingKind, IntermediaryCharging, ItemType, OnlineDepth

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
    if not item_type.is_power:
        return
    duties = content.responsibilities
    if duties is None or not duties.steps:
        yield ("responsibilities", "steps"), "行政权力事项须列明至少一个办理环节的责任事项"
    if duties is None or not duties.supervision_phone:
        yield ("responsibilities", "supervision_phone"), "行政权力事项须填写监督电话"


# --- the fee and intermediary lists -------------------------------------------------------------


def fee_item_problems(content: FeeItemContent) -> list[Problem]:
    """A fee item is published with its policy basis and document number (政策依据及文号)."""
    problems: list[Problem] = []
    if not any(basis.document_number for basis in content.basis):
        problems.append((("basis",), "收费项目须列明政策依据及其文号"))
    if not content.payer:
        problems.append((("payer",), "收费项目须写明征收对象"))
    return problems


def fee_amount_problem(amount: Decimal, fee: FeeItemContent) -> str | None:
    """Why an item may not charge `amount` under `fee`'s standard, if it may not: never above
    the standard, and below it only where the fee item provides reductions (减免)."""
    standard = fee.standard
    ceiling, floor = standard.ceiling, standard.floor
    if ceiling is not None and amount > ceiling:
        return f"收费金额 {amount} 元超出收费标准（{standard.text}）"
    if floor is not None and amount < floor and not fee.reducible:
        return f"收费金额 {amount} 元低于收费标准（{standard.text}），而该收费项目没有减免政策"
    return None


def intermediary_problems(content: IntermediaryServiceContent) -> list[Problem]:
    problems: list[Problem] = []
    if not content.approval_items:
        problems.append((("approval_items",), "中介服务事项须列明需要它的审批事项"))
    if not content.basis:
        problems.append((("basis",), "中介服务事项须列明设定依据"))
    priced = content.charging in (
        IntermediaryCharging.GOVERNMENT_PRICED,
        IntermediaryCharging.GOVERNMENT_GUIDED,
    )
    if priced and not content.fee_standard:
        problems.append((("fee_standard",), "政府定价或指导价的中介服务须写明收费标准"))
    if priced and not content.fee_basis:
        problems.append((("fee_basis",), "政府定价或指导价的中介服务须写明收费依据"))
    if content.charging == IntermediaryCharging.FREE and content.fee_standard:
        problems.append((("fee_standard",), "不收费的中介服务不应有收费标准"))
    return problems

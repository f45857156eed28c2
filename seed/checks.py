"""Self-checks of seed data: codes, references and the guide rules of domain.md §9.

The quality rule engine is the authority at run time; these checks keep the seed data honest
on its own (the tests run them over every demo item and over samples of the synthetic data).
"""

import re
from collections.abc import Iterable, Iterator

from models.codes import (
    derive_implementation_code,
    item_type_of_basic_code,
    validate_basic_code,
    validate_uscc,
)
from models.content import CatalogItemContent, ServiceItemContent
from models.enums import HandlingKind, ItemType, OnlineDepth
from seed.records import AgencySeed, CatalogSeed, ServiceSeed

PHONE_RE = re.compile(r"^0531-\d{8}$")
MIN_STEPS, MAX_STEPS, MIN_LICENSING_STEPS = 4, 6, 5


def implementation_code(item: ServiceSeed) -> str:
    code = item.catalog_code
    return derive_implementation_code(item.agency_uscc, item.level, code[:12], code[12:] or None)


def _limit_rules(content: ServiceItemContent, catalog: CatalogItemContent) -> Iterator[str]:
    promised, statutory = content.promised_time_limit, catalog.statutory_time_limit
    if promised and statutory and promised.in_working_days() > statutory.in_working_days():
        yield f"承诺时限{promised}超过法定时限{statutory}"
    instant = promised is not None and promised.value == 0
    if instant != (content.handling_kind is HandlingKind.INSTANT):
        yield "即办件必须且只能对应承诺时限为即办"


def _trip_rules(content: ServiceItemContent) -> Iterator[str]:
    if content.online_depth is OnlineDepth.FULLY_ONLINE and content.onsite_visits:
        yield "全程网办事项到办事现场次数应为0"
    if content.onsite_visits and not content.onsite_visits_reason:
        yield "到办事现场次数大于0时应说明必须现场办理的原因"
    if not content.onsite_visits and content.onsite_visits_reason:
        yield "到办事现场次数为0时不应填写现场办理原因"


def _fee_rules(content: ServiceItemContent) -> Iterator[str]:
    if content.charging and (not content.fees or not content.fee_basis):
        yield "收费事项应有收费项目和收费依据"
    if not content.charging and (content.fees or content.channels.online_payment):
        yield "不收费事项不应有收费项目或网上支付"


def _phone_rules(content: ServiceItemContent) -> Iterator[str]:
    phones = (("咨询电话", content.consult_phone), ("监督电话", content.supervise_phone))
    for label, phone in phones:
        if phone is None or not PHONE_RE.match(phone):
            yield f"{label}应带0531区号：{phone}"
    if content.consult_phone == content.supervise_phone:
        yield "咨询电话与监督电话不能相同"


def _shape_rules(content: ServiceItemContent, catalog: CatalogItemContent,
                 item_type: ItemType) -> Iterator[str]:
    if not MIN_STEPS <= len(content.process) <= MAX_STEPS:
        yield f"办理流程应为{MIN_STEPS}至{MAX_STEPS}个环节，实为{len(content.process)}个"
    if item_type is ItemType.ADMINISTRATIVE_LICENSING:
        if not content.faqs:
            yield "行政许可事项应至少有1个常见问题"
        if len(content.process) < MIN_LICENSING_STEPS:
            yield "行政许可事项办理流程应不少于5个环节"
        if content.result and content.result.name and not content.result.sample:
            yield "行政许可事项有结果名称时应提供结果样本"
    if item_type.is_power and (content.power_source is None or content.responsibilities is None):
        yield "行政权力事项应有权力来源和责任事项"
    baseline = {material.name for material in catalog.baseline_materials}
    local = {material.name for material in content.materials}
    if local & baseline:
        yield f"本地材料与基本目录材料重名：{sorted(local & baseline)}"
    for note in content.material_notes:
        if note.material not in baseline:
            yield f"材料说明引用了基本目录中不存在的材料：{note.material}"


def guide_violations(item: ServiceSeed, catalog: CatalogItemContent) -> list[str]:
    """Every §9 rule the content can express, as readable messages (empty when clean)."""
    content = item.content
    item_type = item_type_of_basic_code(item.catalog_code[:12])
    return [
        *_limit_rules(content, catalog),
        *_trip_rules(content),
        *_fee_rules(content),
        *_phone_rules(content),
        *_shape_rules(content, catalog, item_type),
    ]


def file_references(content: CatalogItemContent | ServiceItemContent) -> Iterator[str]:
    """Every sha256 a content points to: blank forms, samples, result samples."""
    if isinstance(content, CatalogItemContent):
        found = content.baseline_materials
    else:
        found = content.materials
        if content.result is not None and content.result.sample:
            yield content.result.sample
    for material in found:
        yield from (ref for ref in (material.blank_form, material.sample) if ref)


def code_violations(agencies: Iterable[AgencySeed], catalog_items: Iterable[CatalogSeed],
                    service_items: Iterable[ServiceSeed]) -> list[str]:
    """Codes well-formed and unique, and every service item pointing at a known record."""
    errors: list[str] = []
    usccs = [validate_uscc(agency.uscc) for agency in agencies]
    codes = [item.code for item in catalog_items]
    for code in codes:
        validate_basic_code(code[:12])
    seen: set[str] = set()
    for item in service_items:
        derived = implementation_code(item)
        if derived in seen:
            errors.append(f"实施编码重复：{derived}")
        seen.add(derived)
    for label, values in (("统一社会信用代码", usccs), ("基本编码", codes)):
        if len(set(values)) != len(values):
            errors.append(f"{label}重复")
    return errors

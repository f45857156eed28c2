"""Guides for synthetic items: a few validated variants per catalog leaf, stamped per agency.

Validating a pydantic model per item would dominate the cost at a million items, so each leaf
gets a handful of fully validated variants (different trips, online depth and promise), and
every service item is a `model_copy` of one with the agency's own unit, hall, phones and links.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from models.content import (
    CatalogItemContent,
    Channels,
    Faq,
    FeeItemContent,
    FeeLine,
    FeeStandard,
    LegalBasis,
    Responsibilities,
    Result,
    ServiceItemContent,
    TimeLimit,
)
from models.enums import (
    HandlingKind,
    ItemType,
    OnlineDepth,
    PowerSource,
    ResultType,
    ServiceScope,
    TimeUnit,
)
from seed import guide_parts as parts
from seed.procedures import process_steps, responsibilities

EX_OFFICIO = frozenset({ItemType.ADMINISTRATIVE_PENALTY, ItemType.ADMINISTRATIVE_COERCION,
                        ItemType.ADMINISTRATIVE_INSPECTION})
# (trips, online depth, quarters of the statutory limit promised); picked per item by weight.
VARIANTS = (
    (0, OnlineDepth.FULLY_ONLINE, 1),
    (0, OnlineDepth.ONLINE_APPLICATION, 2),
    (1, OnlineDepth.ONLINE_APPLICATION, 2),
    (1, OnlineDepth.ONLINE_PREREVIEW, 4),
)
VARIANT_BY_ROLL = (0, 0, 0, 0, 1, 1, 2, 2, 2, 3)  # 60% zero trips, the rest one (or two)
TRIP_REASONS = ("需现场核验申请人身份并签字确认", "需现场核验申请材料原件",
                "需现场踏勘核查申请人经营场所")
# The two fee items synthetic guides charge (sequences 9xx: never a demo code).
_FEE_LIST = [
    LegalBasis(title="《山东省行政事业性收费目录清单》", document_number="鲁财税〔2019〕1号")
]
LEVY_FEE_ITEM = FeeItemContent(
    name="行政事业性收费（按省定标准）",
    payer="依法应当缴费的单位和个人",
    standard=FeeStandard(text="按照山东省行政事业性收费目录清单规定的标准征收"),
    basis=_FEE_LIST,
)
CERTIFICATE_FEE_ITEM = FeeItemContent(
    name="证书工本费",
    payer="领取证书的申请人",
    standard=FeeStandard(text="每本10元", amount=Decimal("10.00"), unit="元/本"),
    basis=_FEE_LIST,
)
LEVY_FEE = FeeLine(fee_item="SF370100901")
CERTIFICATE_FEE = FeeLine(fee_item="SF370100902")
FEE_ITEMS = {LEVY_FEE.fee_item: LEVY_FEE_ITEM, CERTIFICATE_FEE.fee_item: CERTIFICATE_FEE_ITEM}
FEE_BASIS = "《山东省行政事业性收费目录清单》（鲁财税〔2019〕1号）"
_PLACEHOLDER = {"consult_phone": "0531-00000000", "supervise_phone": "0531-00000001"}


@dataclass(frozen=True)
class Leaf:
    """A synthetic catalog leaf and what its guides depend on."""

    code: str
    item_type: ItemType
    content: CatalogItemContent
    result_name: str
    result_sample: str | None
    charging: bool
    two_trips: bool


@dataclass(frozen=True)
class Variant:
    content: ServiceItemContent
    channel_fields: Mapping[str, Any]
    ex_officio: bool


def _promise(statutory: TimeLimit, share: int) -> TimeLimit:
    if statutory.value == 0:
        return statutory
    value = max(1, statutory.value * share // 4) if statutory.unit is TimeUnit.WORKING_DAY else (
        statutory.value)
    return TimeLimit(value=value, unit=statutory.unit)


def _process_template(leaf: Leaf, promised: TimeLimit) -> str:
    if promised.value == 0 and leaf.item_type is not ItemType.ADMINISTRATIVE_LICENSING:
        return "即办"
    return leaf.item_type.label


def _channel_fields(trips: int, depth: OnlineDepth, charging: bool, ex_officio: bool) -> dict:
    online = depth.value >= OnlineDepth.ONLINE_APPLICATION.value
    # Zero trips without applying online means the post carries both ways (rule R05).
    by_post = depth is OnlineDepth.FULLY_ONLINE or (trips == 0 and not online and not ex_officio)
    return {"window": not ex_officio, "express": by_post, "booking": trips > 0,
            "online_payment": charging and online,
            "mobile_app": parts.MOBILE_APP if online else None}


def _build(leaf: Leaf, trips: int, depth: OnlineDepth, share: int) -> Variant:
    ex_officio = leaf.item_type in EX_OFFICIO
    if ex_officio:
        trips, depth, share = 0, OnlineDepth.DISCLOSURE, 4
    if trips and leaf.two_trips and depth is OnlineDepth.ONLINE_PREREVIEW:
        trips = 2
    statutory = leaf.content.statutory_time_limit or TimeLimit(value=0)
    promised = _promise(statutory, share)
    fees = [LEVY_FEE if leaf.item_type is ItemType.ADMINISTRATIVE_LEVY else CERTIFICATE_FEE
            ] if leaf.charging else []
    online = depth.value >= OnlineDepth.ONLINE_APPLICATION.value
    channel_fields = _channel_fields(trips, depth, bool(fees), ex_officio)
    probe = Channels(**channel_fields)
    outcome = Result(name=leaf.result_name, result_type=parts.result_type_of(leaf.result_name),
                     sample=leaf.result_sample)
    content = ServiceItemContent(
        power_source=PowerSource.STATUTORY if leaf.item_type.is_power else None,
        handling_kind=HandlingKind.INSTANT if promised.value == 0 else HandlingKind.PROMISED,
        promised_time_limit=promised,
        onsite_visits=trips,
        onsite_visits_reason=TRIP_REASONS[int(leaf.code[6:9]) % 3] if trips else None,
        online_depth=depth,
        online_stages=parts.online_stages(depth, outcome.result_type is ResultType.CERTIFICATE),
        channels=probe,
        handling_forms=parts.handling_forms(probe, depth),
        process=process_steps(_process_template(leaf, promised), promised),
        charging=bool(fees),
        fee_basis=FEE_BASIS if fees else None,
        fees=fees,
        result=outcome,
        themes=[leaf.content.supervising_department.removeprefix("济南市")]
        if leaf.content.supervising_department else [],
        service_scope=ServiceScope.CROSS_COUNTY if online else ServiceScope.LOCAL,
        quantity_limit="无数量限制",
        **_PLACEHOLDER,
    )
    return Variant(content, channel_fields, ex_officio)


def variants(leaf: Leaf) -> tuple[Variant, ...]:
    return tuple(_build(leaf, trips, depth, share) for trips, depth, share in VARIANTS)


@dataclass(frozen=True)
class Stamp:
    """What one implementing agency puts on every guide it publishes."""

    unit: str
    hall: str
    office: str
    phone: str
    supervise_phone: str
    hours: str
    short_name: str
    township: bool


class GuideStamper:
    """Turns a variant into one agency's guide; caches the per-agency and per-type parts."""

    def __init__(self) -> None:
        self._duties: dict[tuple[ItemType, str], Responsibilities | None] = {}
        self._faqs: dict[tuple[str, bool], list[Faq]] = {}

    def _responsibilities(self, item_type: ItemType, phone: str) -> Responsibilities | None:
        key = (item_type, phone)
        if key not in self._duties:
            self._duties[key] = responsibilities(item_type, phone)
        return self._duties[key]

    def _faq_list(self, stamp: Stamp, ex_officio: bool) -> list[Faq]:
        key = (stamp.phone, ex_officio)
        if key not in self._faqs:
            self._faqs[key] = parts.faqs(None, stamp.short_name, stamp.phone, ex_officio)
        return self._faqs[key]

    def stamp(self, variant: Variant, leaf: Leaf, stamp: Stamp, code: str, window: int) -> (
            ServiceItemContent):
        online = variant.content.online_depth is not OnlineDepth.DISCLOSURE
        channels = Channels.model_construct(
            pc_url=f"{parts.PORTAL}{code}" if online else None,
            self_service_terminal=False, mobile_url=None, **variant.channel_fields)
        spot = f"{1 + window % 3}楼{'ABCD'[window // 3 % 4]}区{1 + window // 12 % 30}号窗口"
        address = stamp.office if variant.ex_officio else f"{stamp.hall}{spot}"
        update = {
            "undertaking_unit": stamp.unit, "address": address, "channels": channels,
            "consult_phone": stamp.phone, "supervise_phone": stamp.supervise_phone,
            "hours": stamp.hours, "faqs": self._faq_list(stamp, variant.ex_officio),
            "responsibilities": self._responsibilities(leaf.item_type, stamp.supervise_phone),
        }
        if stamp.township and leaf.item_type.is_power:
            update["power_source"] = PowerSource.ENTRUSTED_BY_ABOVE
        return variant.content.model_copy(update=update)

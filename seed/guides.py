"""Local guides (办事指南): one ServiceItemContent per (catalog leaf, implementing agency).

A catalog item's `guide` template says how the city runs the item; each implementing agency
varies it the way districts really differ, chosen by a stable hash of (agency, item): some
promise shorter limits, some have moved verification online (全程网办) where the template
allows it, windows and booking differ. Local phones, hall, hours and units come from the agency.
"""

from dataclasses import dataclass

from models.codes import derive_implementation_code
from models.content import Channels, MaterialNote, ProcessStep, ServiceItemContent, TimeLimit
from models.enums import (
    ExerciseLevel,
    HandlingKind,
    ItemType,
    MaterialSource,
    OnlineDepth,
    PowerSource,
    ResultType,
    ServiceScope,
    TimeUnit,
)
from seed import guide_parts as parts
from seed import lists
from seed.catalog_data import CatalogEntry
from seed.forms import Attachments
from seed.materials import materials
from seed.procedures import process_steps, responsibilities
from seed.records import ServiceSeed
from seed.reference import AgencyProfile
from seed.yaml_data import member, stable_int, time_limit

# Powers the agency exercises on its own initiative: nobody applies, nobody travels.
EX_OFFICIO = frozenset({ItemType.ADMINISTRATIVE_PENALTY, ItemType.ADMINISTRATIVE_COERCION,
                        ItemType.ADMINISTRATIVE_INSPECTION})
UPGRADE_SHARE = 45  # percent of implementers that took an upgradable item fully online
LICENSING_SPECIAL = (
    "依法需要听证、招标、拍卖、检验、检测、检疫、鉴定和专家评审的，"
    "所需时间不计算在办理时限内，实施机关应当将所需时间书面告知申请人"
)
ELECTRONIC_NOTE = "已归集至山东省电子证照库，办理时可授权在线调取，无需提交纸质材料"
UPGRADED_NOTE = (
    "本事项已实现全程网办：身份、材料原件和现场情况通过远程视频方式核验，办理结果免费邮寄送达。"
)


@dataclass(frozen=True)
class _Plan:
    """The decisions a guide is built around, after local variation."""

    promised: TimeLimit | None
    visits: int
    reason: str | None
    depth: OnlineDepth
    express: bool
    upgraded: bool
    ex_officio: bool


def _local_promise(base: TimeLimit | None, agency: AgencyProfile, code: str) -> TimeLimit | None:
    """Districts often promise less than the city's standard; never more."""
    if base is None or base.value <= 1 or base.unit is not TimeUnit.WORKING_DAY:
        return base
    if agency.seed.level is ExerciseLevel.MUNICIPAL:
        return base
    options = sorted({base.value, max(1, base.value * 2 // 3), max(1, base.value // 2)})
    value = options[stable_int("promise", agency.seed.uscc, code) % len(options)]
    return TimeLimit(value=value, unit=base.unit, note=base.note)


def _plan(entry: CatalogEntry, agency: AgencyProfile) -> _Plan:
    guide, ex_officio = entry.guide, entry.item_type in EX_OFFICIO
    promised = _local_promise(time_limit(guide.get("promised")), agency, entry.seed.code)
    visits = guide.get("visits", 0 if ex_officio else 1)
    depth = member(OnlineDepth, guide.get("depth", 1 if ex_officio else 3))
    roll = stable_int("online", agency.seed.uscc, entry.seed.code) % 100
    upgraded = bool(guide.get("upgrade")) and visits == 1 and roll < UPGRADE_SHARE
    if upgraded:
        visits, depth = 0, OnlineDepth.FULLY_ONLINE
    # Zero trips without applying online means the post carries both ways (rule R05).
    offline = depth.value < OnlineDepth.ONLINE_APPLICATION.value
    express = bool(guide.get("express")) or upgraded or (visits == 0 and offline and not ex_officio)
    reason = guide.get("reason") if visits else None
    return _Plan(promised, visits, reason, depth, express, upgraded, ex_officio)


def _check_limits(entry: CatalogEntry, plan: _Plan) -> None:
    statutory = entry.seed.content.statutory_time_limit
    promised = plan.promised
    if promised and statutory and promised.in_working_days() > statutory.in_working_days():
        raise ValueError(f"{entry.seed.code}: promised {promised} exceeds statutory {statutory}")


def _address(entry: CatalogEntry, agency: AgencyProfile, plan: _Plan) -> str:
    if plan.ex_officio:
        return agency.seed.address or agency.hall
    if window := entry.guide.get("window"):
        return f"{agency.hall}{window}"
    if agency.seed.level is ExerciseLevel.TOWNSHIP:
        return f"{agency.hall}综合受理窗口"
    spot = stable_int("window", agency.seed.uscc, entry.seed.code[:9])
    return f"{agency.hall}{1 + spot % 3}楼{'ABCD'[spot // 3 % 4]}区{1 + spot // 12 % 30}号窗口"


def _material_notes(entry: CatalogEntry, plan: _Plan) -> list[MaterialNote]:
    notes = [MaterialNote(material=name, note=note)
             for name, note in entry.guide.get("notes", {}).items()]
    if plan.depth.value >= OnlineDepth.ONLINE_APPLICATION.value:
        notes += [MaterialNote(material=item.name, note=ELECTRONIC_NOTE)
                  for item in entry.seed.content.baseline_materials
                  if item.source is MaterialSource.E_LICENCE_LIBRARY]
    return notes


def _process(entry: CatalogEntry, plan: _Plan) -> list[ProcessStep]:
    template = entry.guide.get("process")
    if template is None:
        instant = plan.promised is not None and plan.promised.value == 0
        licensing = entry.item_type is ItemType.ADMINISTRATIVE_LICENSING
        template = "即办" if instant and not licensing else entry.item_type.label
    return process_steps(template, plan.promised)


def _power_source(entry: CatalogEntry, agency: AgencyProfile) -> PowerSource | None:
    if not entry.item_type.is_power:
        return None
    if agency.seed.level is ExerciseLevel.TOWNSHIP:
        return PowerSource.ENTRUSTED_BY_ABOVE
    return member(PowerSource, entry.guide.get("power_source", "法定本级行使"))


def _notes(agency: AgencyProfile, plan: _Plan) -> str | None:
    if plan.ex_officio:
        return f"本事项由{agency.seed.short_name}依职权实施，无需当事人申请；所列时限为办案时限。"
    return UPGRADED_NOTE if plan.upgraded else None


def _channels(entry: CatalogEntry, agency: AgencyProfile, plan: _Plan, charging: bool) -> Channels:
    seed, guide = agency.seed, entry.guide
    code = derive_implementation_code(seed.uscc, seed.level, entry.seed.code[:12],
                                      entry.seed.code[12:] or None)
    booking = bool(guide.get("booking")) or (
        plan.visits > 0 and stable_int("booking", seed.uscc) % 2 == 0)
    online = plan.depth.value >= OnlineDepth.ONLINE_APPLICATION.value
    flags = {"window": not plan.ex_officio, "booking": booking, "payment": charging and online,
             "terminal": bool(guide.get("terminal"))}
    return parts.channels(code, plan.depth, plan.express, flags)


def guide_content(
    entry: CatalogEntry, agency: AgencyProfile, files: Attachments
) -> ServiceItemContent:
    guide, seed = entry.guide, agency.seed
    plan = _plan(entry, agency)
    _check_limits(entry, plan)
    fee_names = guide.get("fees", [])
    fees = lists.fee_lines(fee_names)
    outcome = parts.result(guide.get("result"), files)
    chosen = _channels(entry, agency, plan, bool(fees))
    licensing = entry.item_type is ItemType.ADMINISTRATIVE_LICENSING
    unit = parts.undertaking_unit(guide.get("unit"), seed.short_name or seed.name, seed.level.value)
    return ServiceItemContent(
        undertaking_unit=unit,
        joint_agencies=guide.get("joint", []),
        power_source=_power_source(entry, agency),
        handling_kind=HandlingKind.INSTANT if plan.promised and plan.promised.value == 0
        else HandlingKind.PROMISED,
        promised_time_limit=plan.promised,
        onsite_visits=plan.visits,
        onsite_visits_reason=plan.reason,
        online_depth=plan.depth,
        online_stages=parts.online_stages(
            plan.depth, outcome is not None and outcome.result_type is ResultType.CERTIFICATE),
        channels=chosen,
        handling_forms=parts.handling_forms(chosen, plan.depth),
        materials=materials(guide.get("local"), files),
        material_notes=_material_notes(entry, plan),
        process=_process(entry, plan),
        charging=bool(fees),
        fee_basis=lists.fee_basis(fee_names),
        fees=fees,
        intermediaries=lists.intermediary_codes(guide.get("intermediaries", [])),
        faqs=parts.faqs(guide.get("faqs"), seed.short_name or seed.name, seed.phone or "",
                        plan.ex_officio),
        result=outcome,
        address=_address(entry, agency, plan),
        hours=agency.hours,
        consult_phone=seed.phone,
        supervise_phone=agency.supervise_phone,
        themes=guide.get("themes", []),
        service_scope=member(ServiceScope, guide.get("scope", "本辖区")),
        quantity_limit=guide.get("quantity", "无数量限制"),
        special_procedure=guide.get("special", LICENSING_SPECIAL if licensing else None),
        responsibilities=responsibilities(entry.item_type, agency.supervise_phone),
        notes=_notes(agency, plan),
    )


def implements(agency: AgencyProfile, entry: CatalogEntry) -> bool:
    levels = entry.seed.content.levels
    return bool(set(agency.depts) & set(entry.implementers)) and agency.seed.level in levels


def build_service_items(entries: list[CatalogEntry], agencies: list[AgencyProfile],
                        files: Attachments) -> list[ServiceSeed]:
    """Every catalog leaf, implemented by every agency of its departments at its levels."""
    return [
        ServiceSeed(agency.seed.uscc, agency.seed.level, entry.seed.code,
                    guide_content(entry, agency, files))
        for entry in entries if entry.is_leaf
        for agency in agencies if implements(agency, entry)
    ]

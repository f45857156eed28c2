"""What a scenario (一件事) adds up to, computed from its members' guides, never stored.

- **One material list.** Materials are matched by normalised name (NFKC, punctuation and
  spaces dropped, case folded: 居民身份证（原件） and 居民身份证(原件) are one material). A
  material needed by several items appears once, at its first appearance, listing the items
  that need it, and keeps the strictest requirement: the larger count of originals and of
  copies, 必要 if any item requires it (else 容缺后补 if any allows deferring it, else 非必要),
  original and copy if one item wants the original and another a copy.
- **Total trips**: the sum of the members' on-site visits (到办事现场次数).
- **Longest time limit**: the largest promised limit (承诺办结时限), compared in working days
  (`TimeLimit.in_working_days`: a natural day is 5/7 of a working day, a month 21 working days,
  an hour 1/8); 即办 (an instant item, or a limit of 0) counts 0; an item without a promised
  limit counts its catalog item's statutory limit, and is left out when it has neither. The
  limit is reported as its item states it; on a tie the earlier member wins.
- **Channels**: those every member offers.
"""

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from models.content import CatalogItemContent, Material, ServiceItemContent, TimeLimit
from models.enums import Channel, HandlingKind, MaterialType, Necessity


@dataclass(frozen=True)
class MemberGuide:
    """A member as in force at the moment read: its code, name and both guides."""

    code: str
    name: str
    guide: ServiceItemContent
    catalog: CatalogItemContent

    def materials(self) -> list[Material]:
        """Baseline materials, then local ones (the order a guide shows them)."""
        return [*self.catalog.baseline_materials, *self.guide.materials]

    def time_limit(self) -> TimeLimit | None:
        if self.guide.handling_kind == HandlingKind.INSTANT:
            return TimeLimit(value=0)
        return self.guide.promised_time_limit or self.catalog.statutory_time_limit


@dataclass
class MergedMaterial:
    material: Material
    items: list[str] = field(default_factory=list)  # member codes, in member order


@dataclass(frozen=True)
class LongestLimit:
    limit: TimeLimit
    item: str


@dataclass(frozen=True)
class ScenarioSummary:
    materials: list[MergedMaterial]
    total_onsite_visits: int
    longest_time_limit: LongestLimit | None
    channels: list[Channel]


def material_key(name: str) -> str:
    folded = unicodedata.normalize("NFKC", name)
    return "".join(
        char
        for char in folded
        if not char.isspace() and not unicodedata.category(char).startswith("P")
    ).casefold()


def summarise(members: Sequence[MemberGuide]) -> ScenarioSummary:
    return ScenarioSummary(
        materials=merge_materials(members),
        total_onsite_visits=sum(member.guide.onsite_visits for member in members),
        longest_time_limit=longest_time_limit(members),
        channels=common_channels(members),
    )


def merge_materials(members: Sequence[MemberGuide]) -> list[MergedMaterial]:
    merged: dict[str, MergedMaterial] = {}
    for member in members:
        for material in member.materials():
            key = material_key(material.name)
            found = merged.get(key)
            if found is None:
                merged[key] = MergedMaterial(material, [member.code])
                continue
            found.material = _stricter(found.material, material)
            if member.code not in found.items:
                found.items.append(member.code)
    return list(merged.values())


_NECESSITY_ORDER = (Necessity.REQUIRED, Necessity.DEFERRABLE, Necessity.OPTIONAL)
_WANTS_ORIGINAL = {MaterialType.ORIGINAL, MaterialType.ORIGINAL_AND_COPY}
_WANTS_COPY = {MaterialType.COPY, MaterialType.ORIGINAL_AND_COPY}


def _stricter(kept: Material, other: Material) -> Material:
    types = {kept.material_type, other.material_type}
    original, copy = bool(types & _WANTS_ORIGINAL), bool(types & _WANTS_COPY)
    if original and copy:
        material_type = MaterialType.ORIGINAL_AND_COPY
    elif original or copy:
        material_type = MaterialType.ORIGINAL if original else MaterialType.COPY
    else:
        material_type = MaterialType.ORIGINAL_OR_COPY
    necessity = min(kept.necessity, other.necessity, key=_NECESSITY_ORDER.index)
    return kept.model_copy(
        update={
            "material_type": material_type,
            "necessity": necessity,
            "original_copies": _larger(kept.original_copies, other.original_copies),
            "copy_copies": _larger(kept.copy_copies, other.copy_copies),
        }
    )


def _larger(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else max(a, b)


def longest_time_limit(members: Sequence[MemberGuide]) -> LongestLimit | None:
    longest: LongestLimit | None = None
    for member in members:
        limit = member.time_limit()
        if limit is None:
            continue
        if longest is None or limit.in_working_days() > longest.limit.in_working_days():
            longest = LongestLimit(limit, member.code)
    return longest


def common_channels(members: Sequence[MemberGuide]) -> list[Channel]:
    if not members:
        return []
    common = set.intersection(*(member.guide.channels.available() for member in members))
    return [channel for channel in Channel if channel in common]

"""Which local fields of a service item need review when its catalog item publishes a new version.

A service item inherits the catalog item's unified elements live (design.md "Inheritance and
consistency"): a new name, legal basis, alias, service object, acceptance condition or supervising
department simply shows through, and nothing local has to change. Only where a *local* field
depends on what changed is the item flagged, field by field, with the catalog diff entries that
caused it:

- the statutory time limit changed and is now shorter than the local promised limit;
- a baseline material a local material note refers to was removed or renamed;
- a baseline material was added under the name of a local material (it would be listed twice);
- the item's own exercise level was among the catalog item's levels and no longer is.

Anything else flags nothing: a flag nobody needs to act on teaches editors to ignore flags.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from models.content import CatalogItemContent, Material, ServiceItemContent
from models.diff import FieldChange, Path, diff_models
from models.enums import ExerciseLevel


@dataclass(frozen=True)
class ReviewFlag:
    """A local `field` to review, why (in Chinese, for the editor), and the catalog changes."""

    field: Path
    reason: str
    changes: tuple[FieldChange, ...]


def review_flags(
    old: CatalogItemContent,
    new: CatalogItemContent,
    local: ServiceItemContent,
    level: ExerciseLevel,
    changes: list[FieldChange] | None = None,
) -> list[ReviewFlag]:
    """The flags a new catalog version raises on one derived service item; [] if none.
    `changes` is `diff_models(old, new)`, passed in when flagging many items at once."""
    changes = diff_models(old, new) if changes is None else changes
    return [
        *_time_limit_flags(old, new, local, changes),
        *_material_note_flags(old, new, local, changes),
        *_duplicate_material_flags(old, new, local, changes),
        *_level_flags(old, new, level, changes),
    ]


def _under(changes: list[FieldChange], *prefix: str) -> tuple[FieldChange, ...]:
    return tuple(change for change in changes if change.path[: len(prefix)] == prefix)


def _time_limit_flags(
    old: CatalogItemContent,
    new: CatalogItemContent,
    local: ServiceItemContent,
    changes: list[FieldChange],
) -> Iterator[ReviewFlag]:
    """The promised limit may not exceed the statutory one (rules._time_limit_problems).

    Only a change of duration counts: a new note or the same duration in another unit leaves the
    promise as valid (or invalid) as it was, and a removed statutory limit constrains nothing.
    """
    before, after = old.statutory_time_limit, new.statutory_time_limit
    promised = local.promised_time_limit
    if after is None or promised is None:
        return
    if before is not None and before.in_working_days() == after.in_working_days():
        return
    if after.in_working_days() >= promised.in_working_days():
        return
    was = "新设为" if before is None else f"由{before}改为"
    reason = f"法定办结时限{was}{after}，已短于承诺办结时限{promised}"
    yield ReviewFlag(("promised_time_limit",), reason, _under(changes, "statutory_time_limit"))


def _material_note_flags(
    old: CatalogItemContent,
    new: CatalogItemContent,
    local: ServiceItemContent,
    changes: list[FieldChange],
) -> Iterator[ReviewFlag]:
    """A note on a baseline material that is gone now annotates nothing (one flag per material).

    A removed material whose other fields equal those of an added one is reported as renamed.
    """
    removed = _only_in(old.baseline_materials, new.baseline_materials)
    renames = _renames(removed, _only_in(new.baseline_materials, old.baseline_materials))
    noted = dict.fromkeys(note.material for note in local.material_notes)
    for name in (name for name in noted if name in removed):
        renamed_to = renames.get(name)
        paths = {("baseline_materials", name), ("baseline_materials", renamed_to or name)}
        caused_by = tuple(change for change in changes if change.path in paths)
        if renamed_to is None:
            reason = f"基本目录材料“{name}”已删除，本地材料说明仍指向该材料"
        else:
            reason = f"基本目录材料“{name}”已更名为“{renamed_to}”，本地材料说明仍指向原名称"
        yield ReviewFlag(("material_notes", name), reason, caused_by)


def _only_in(materials: list[Material], others: list[Material]) -> dict[str, Material]:
    other_names = {material.name for material in others}
    return {m.name: m for m in materials if m.name not in other_names}


def _renames(removed: dict[str, Material], added: dict[str, Material]) -> dict[str, str]:
    """Removed name → added name, pairing materials that differ in their name only."""
    renames: dict[str, str] = {}
    unpaired = dict(added)
    for old_name, material in removed.items():
        for new_name, candidate in unpaired.items():
            if material.model_copy(update={"name": new_name}) == candidate:
                renames[old_name] = new_name
                del unpaired[new_name]
                break
    return renames


def _duplicate_material_flags(
    old: CatalogItemContent,
    new: CatalogItemContent,
    local: ServiceItemContent,
    changes: list[FieldChange],
) -> Iterator[ReviewFlag]:
    """A local material that the baseline now also lists would be shown to applicants twice."""
    added = _only_in(new.baseline_materials, old.baseline_materials)
    for material in local.materials:
        if material.name in added:
            path = ("baseline_materials", material.name)
            reason = f"基本目录新增材料“{material.name}”，与本地增加的材料同名，将重复列出"
            caused_by = tuple(change for change in changes if change.path == path)
            yield ReviewFlag(("materials", material.name), reason, caused_by)


def _level_flags(
    old: CatalogItemContent,
    new: CatalogItemContent,
    level: ExerciseLevel,
    changes: list[FieldChange],
) -> Iterator[ReviewFlag]:
    """The item is exercised at a level the catalog item no longer provides for.

    Only a level that *was* listed and no longer is raises a flag: an item whose level was
    already missing is not made any worse by this version.
    """
    if level in old.levels and level not in new.levels:
        was, now = _labels(old.levels), _labels(new.levels) or "无"
        reason = f"行使层级由{was}改为{now}，不再包含本事项的{level.label}"
        yield ReviewFlag(("level",), reason, _under(changes, "levels"))


def _labels(levels: list[ExerciseLevel]) -> str:
    return "、".join(level.label for level in levels)

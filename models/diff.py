"""Field-level differences between two versions' content (design.md "Versions": `diff`).

Content is compared as it is stored: `model.model_dump(mode="json", exclude_none=True)`, so an
absent key and a None value are the same thing ("not set"). The rules:

- nested objects recurse, so a changed `channels.pc_url` is one change at ("channels", "pc_url");
- lists of objects with a natural key (materials by name, legal basis by title, …) are matched
  by key, not position: adding or removing one element is one ADDED/REMOVED at
  (list, key) carrying the whole element, a changed element yields CHANGED entries for its
  changed fields at (list, key, field); a change in the order of the elements that both sides
  share is one CHANGED at (list,) with the lists of keys before and after, because the order of
  materials and steps is what applicants see;
- a keyed list whose keys are missing or repeated on either side (two legal-basis entries citing
  different articles of one law, say) cannot be matched reliably and is compared whole, as are
  lists of scalars (levels, themes, aliases …) and any other list: one CHANGED at (list,).

Output order is deterministic: keys in the order of `after`, then keys only `before` has, in the
order of `before`. Paths use the stored snake_case keys; the GraphQL layer camelCases them.
"""

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import BaseModel

NATURAL_KEYS: Mapping[str, str] = {
    "materials": "name",
    "baseline_materials": "name",
    "fees": "fee_item",
    "process": "name",
    "faqs": "question",
    "legal_basis": "title",
    "basis": "title",  # fee items' and intermediary services' bases
    "reductions": "description",
    "material_notes": "material",
    "steps": "step",  # responsibilities.steps
}
"""The field that identifies an element, by the name of the list that holds it."""

Path = tuple[str, ...]


class ChangeKind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


@dataclass(frozen=True)
class FieldChange:
    """One difference: `before`/`after` are JSON values; None on the side where it is absent."""

    path: Path
    kind: ChangeKind
    before: Any
    after: Any


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[FieldChange]:
    """Every field-level change from `before` to `after` (content JSON dicts, as stored)."""
    return list(_diff_objects((), before, after))


def diff_models(before: BaseModel | None, after: BaseModel) -> list[FieldChange]:
    """`diff` of two content models dumped as stored; no `before` makes every set field ADDED."""
    return diff({} if before is None else _dump(before), _dump(after))


def _dump(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json", exclude_none=True)


def _diff_objects(
    path: Path, before: Mapping[str, Any], after: Mapping[str, Any]
) -> Iterator[FieldChange]:
    for key in _ordered_keys(after, before):
        yield from _diff_values((*path, key), before.get(key), after.get(key))


def _ordered_keys(after: Mapping[str, Any], before: Mapping[str, Any]) -> list[str]:
    return [*after, *(key for key in before if key not in after)]


def _diff_values(path: Path, before: Any, after: Any) -> Iterator[FieldChange]:
    if before is None and after is None:
        return
    if before is None:
        yield FieldChange(path, ChangeKind.ADDED, None, after)
    elif after is None:
        yield FieldChange(path, ChangeKind.REMOVED, before, None)
    elif isinstance(before, Mapping) and isinstance(after, Mapping):
        yield from _diff_objects(path, before, after)
    elif isinstance(before, list) and isinstance(after, list):
        yield from _diff_lists(path, before, after)
    elif not _same(before, after):
        yield FieldChange(path, ChangeKind.CHANGED, before, after)


def _same(before: Any, after: Any) -> bool:
    """Equal JSON values; `type` is checked too so that `1` and `true` never compare equal."""
    return type(before) is type(after) and before == after


def _diff_lists(path: Path, before: list[Any], after: list[Any]) -> Iterator[FieldChange]:
    key = NATURAL_KEYS.get(path[-1])
    before_by_key = _index(before, key)
    after_by_key = _index(after, key)
    if before_by_key is None or after_by_key is None:
        if before != after:
            yield FieldChange(path, ChangeKind.CHANGED, before, after)
        return
    yield from _reorder(path, list(before_by_key), list(after_by_key))
    for name in _ordered_keys(after_by_key, before_by_key):
        yield from _diff_values((*path, name), before_by_key.get(name), after_by_key.get(name))


def _index(elements: list[Any], key: str | None) -> dict[str, Mapping[str, Any]] | None:
    """Elements by their natural key, or None when the list cannot be matched by key."""
    if key is None:
        return None
    indexed: dict[str, Mapping[str, Any]] = {}
    for element in elements:
        if not isinstance(element, Mapping) or not isinstance(element.get(key), str):
            return None
        if element[key] in indexed:
            return None
        indexed[element[key]] = element
    return indexed


def _reorder(path: Path, before: Sequence[str], after: Sequence[str]) -> Iterator[FieldChange]:
    """One CHANGED with the key lists when the elements on both sides changed their order."""
    before_names, after_names = set(before), set(after)
    shared_before = [name for name in before if name in after_names]
    shared_after = [name for name in after if name in before_names]
    if shared_before != shared_after:
        yield FieldChange(path, ChangeKind.CHANGED, list(before), list(after))

"""The basic catalog (基本目录) from seed/data/catalog/*.yaml.

Items nest: a main item (sub code 00Y) lists its sub-items under `items` with a 3-digit sub code,
and a sub-item its handling items with a 2-digit sequence. Children inherit the unified elements
and the guide template of their parent; `more_materials` / `more_basis` append to the inherited
lists, and a child's `guide` keys override its parent's.
"""

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from models.codes import validate_basic_code
from models.content import CatalogItemContent, LegalBasis
from models.enums import ExerciseLevel, ItemType, ServiceObject
from seed.forms import Attachments
from seed.materials import materials
from seed.records import CatalogSeed
from seed.yaml_data import member, members, read_yaml_dir, time_limit

_INHERITED = ("type", "supervising", "implementers", "levels", "objects", "basis", "content",
              "conditions", "materials", "statutory")
_BASIS_RE = re.compile(r"^(《.+?》)(?:（(.+?)）)?(.*)$")


@dataclass(frozen=True)
class CatalogEntry:
    """A catalog item plus what implementing it needs: its type, departments and guide template."""

    seed: CatalogSeed
    item_type: ItemType
    implementers: tuple[str, ...]
    guide: Mapping[str, Any]
    is_leaf: bool


def legal_basis(raw: str | dict[str, Any]) -> LegalBasis:
    """`《条例》第三条` or `《意见》（国发〔2015〕52号）`, or a dict with the LegalBasis fields."""
    if isinstance(raw, dict):
        return LegalBasis(**raw)
    match = _BASIS_RE.match(raw)
    if match is None:
        raise ValueError(f"legal basis must start with a 《title》: {raw}")
    title, number, article = match.groups()
    return LegalBasis(title=title, document_number=number, article=article.strip() or None)


def _child_code(parent: str, code: str) -> str:
    if len(code) == 3:
        if not parent.endswith("00Y"):
            raise ValueError(f"{parent} has sub-items, so its sub code must be 00Y")
        return parent[:9] + code
    if len(code) == 2:
        return parent + code
    raise ValueError(f"child code must be a 3-digit sub code or a 2-digit sequence: {code}")


def _merge(node: dict[str, Any], parent: dict[str, Any]) -> dict[str, Any]:
    merged = {key: parent[key] for key in _INHERITED if key in parent}
    merged.update({key: value for key, value in node.items() if key != "items"})
    merged["materials"] = node.get("materials", parent.get("materials", [])) + node.get(
        "more_materials", [])
    merged["basis"] = node.get("basis", parent.get("basis", [])) + node.get("more_basis", [])
    merged["guide"] = {**parent.get("guide", {}), **node.get("guide", {})}
    return merged


def _check_code(code: str, item_type: ItemType) -> None:
    validate_basic_code(code[:12])
    if code[2:4] != item_type.value:
        raise ValueError(f"{code}: type digits {code[2:4]} but the item is {item_type.label}")
    if len(code) not in (12, 14) or (len(code) == 14 and not code[12:].isdigit()):
        raise ValueError(f"{code}: a handling item adds exactly 2 digits to its sub-item's code")


def _content(spec: dict[str, Any], files: Attachments) -> CatalogItemContent:
    return CatalogItemContent(
        name=spec["name"],
        aliases=spec.get("aliases", []),
        legal_basis=[legal_basis(raw) for raw in spec["basis"]],
        supervising_department=spec.get("supervising"),
        levels=members(ExerciseLevel, spec.get("levels")),
        service_objects=members(ServiceObject, spec.get("objects")),
        accept_conditions=spec.get("conditions"),
        baseline_materials=materials(spec["materials"], files),
        statutory_time_limit=time_limit(spec.get("statutory")),
        exercise_content=spec.get("content"),
    )


def _walk(node: dict[str, Any], parent: dict[str, Any], parent_code: str | None,
          files: Attachments) -> Iterator[CatalogEntry]:
    """Pre-order, so every parent comes before its children."""
    code = node["code"] if parent_code is None else _child_code(parent_code, node["code"])
    spec = _merge(node, parent)
    item_type = member(ItemType, spec["type"])
    _check_code(code, item_type)
    children = node.get("items", [])
    yield CatalogEntry(
        seed=CatalogSeed(code, parent_code, _content(spec, files)),
        item_type=item_type,
        implementers=tuple(spec["implementers"]),
        guide=spec["guide"],
        is_leaf=not children,
    )
    for child in children:
        yield from _walk(child, spec, code, files)


def load_catalog(files: Attachments) -> list[CatalogEntry]:
    entries = [entry for area in read_yaml_dir("catalog") for node in area
               for entry in _walk(node, {}, None, files)]
    codes = [entry.seed.code for entry in entries]
    if len(set(codes)) != len(codes):
        raise ValueError("duplicate basic codes in seed/data/catalog")
    return entries

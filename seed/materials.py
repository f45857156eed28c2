"""Application materials (申请材料) from YAML: shared entries by key, or inline with overrides."""

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from models.content import Material
from models.enums import MaterialForm, MaterialSource, MaterialType, Necessity
from seed.forms import Attachments
from seed.yaml_data import member, read_yaml

# YAML key -> (Material field, converter); the YAML keys are short so entries fit on one line.
_FIELDS = {
    "name": ("name", str),
    "type": ("material_type", lambda v: member(MaterialType, v)),
    "medium": ("form", lambda v: member(MaterialForm, v)),
    "original": ("original_copies", int),
    "copies": ("copy_copies", int),
    "spec": ("paper_spec", str),
    "need": ("necessity", lambda v: member(Necessity, v)),
    "source": ("source", lambda v: member(MaterialSource, v)),
    "source_note": ("source_note", str),
    "fill": ("fill_instructions", str),
    "accept": ("accept_standard", str),
    "basis": ("basis", str),
    "note": ("note", str),
}


@lru_cache(maxsize=1)
def _library() -> Mapping[str, dict[str, Any]]:
    return read_yaml("materials.yaml")


def material(raw: str | dict[str, Any], files: Attachments) -> Material:
    """A library key, or an inline dict (optionally `use: <key>` to start from a library entry)."""
    spec = dict(_library()[raw]) if isinstance(raw, str) else dict(raw)
    if "use" in spec:
        spec = {**_library()[spec.pop("use")], **spec}
    values = {_FIELDS[key][0]: _FIELDS[key][1](value) for key, value in spec.items()
              if key != "table"}
    if "table" in spec:
        # A form the applicant fills in: link the blank form and the filled sample.
        values["blank_form"] = files.blank[spec["table"]]
        values["sample"] = files.sample[spec["table"]]
    return Material(**values)


def materials(raws: list[str | dict[str, Any]] | None, files: Attachments) -> list[Material]:
    return [material(raw, files) for raw in raws or []]

"""Reading the seed YAML, and turning its readable labels into code-list members and limits."""

import hashlib
import re
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

import yaml

from models.content import TimeLimit
from models.enums import TimeUnit

DATA_DIR = Path(__file__).parent / "data"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_LIMIT_RE = re.compile(r"^(\d+)\s*(工作日|自然日|小时|月)?$")

E = TypeVar("E", bound=Enum)


def read_yaml(relative: str) -> Any:
    with (DATA_DIR / relative).open(encoding="utf-8") as handle:
        # CSafeLoader when libyaml is there (several times faster), else the pure-Python safe one.
        return yaml.load(handle, Loader=_Loader)


def read_yaml_dir(relative: str) -> list[Any]:
    """Every YAML file of a folder, in file-name order so the result is deterministic."""
    paths = sorted((DATA_DIR / relative).glob("*.yaml"))
    return [read_yaml(f"{relative}/{path.name}") for path in paths]


def member(enum_cls: type[E], text: str | int) -> E:
    """A code-list member named in YAML by its Chinese label, its name or its code."""
    raw = str(text)
    for candidate in enum_cls:
        if raw in (candidate.name, candidate.value, getattr(candidate, "label", None)):
            return candidate
    raise ValueError(f"{enum_cls.__name__} has no member {raw!r}")


def members(enum_cls: type[E], texts: list[str | int] | None) -> list[E]:
    return [member(enum_cls, text) for text in texts or []]


def time_limit(raw: Any) -> TimeLimit | None:
    """`5` (working days), `"30自然日"`, or `{value, unit, note}`; None stays None."""
    if raw is None:
        return None
    if isinstance(raw, dict):
        unit = member(TimeUnit, raw.get("unit", "工作日"))
        return TimeLimit(value=raw["value"], unit=unit, note=raw.get("note"))
    match = _LIMIT_RE.match(str(raw).strip())
    if match is None:
        raise ValueError(f"unreadable time limit: {raw!r}")
    return TimeLimit(value=int(match[1]), unit=member(TimeUnit, match[2] or "工作日"))


def stable_int(*parts: str) -> int:
    """A hash that is the same on every run and machine (unlike `hash()`), for seeded variation."""
    digest = hashlib.sha256("|".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big")

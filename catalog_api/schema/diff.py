"""Field-level differences between versions, as GraphQL values."""

import re
from typing import Any

import strawberry
from strawberry.scalars import JSON

from models.diff import ChangeKind as ModelChangeKind
from models.diff import FieldChange as ModelFieldChange

ChangeKind = strawberry.enum(ModelChangeKind, description="What happened to a field.")


@strawberry.type(description="One changed field; `path` in camelCase, list elements by key.")
class FieldChange:
    path: list[str]
    kind: ChangeKind
    before: JSON | None
    after: JSON | None

    @classmethod
    def of(cls, change: ModelFieldChange) -> "FieldChange":
        return cls(
            path=[camel(segment) for segment in change.path],
            kind=change.kind,
            before=_camel_keys(change.before),
            after=_camel_keys(change.after),
        )


def camel(segment: Any) -> str:
    return re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), str(segment))


def _camel_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {camel(key): _camel_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_camel_keys(item) for item in value]
    return value

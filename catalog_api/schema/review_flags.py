"""Review flags on a service item: what in its catalog item changed that it depends on."""

from datetime import datetime
from typing import Any

import strawberry

from catalog_api.schema.diff import FieldChange, camel
from models.diff import ChangeKind
from models.diff import FieldChange as ModelFieldChange


@strawberry.type(description="A catalog change a local field depends on (复核提示).")
class ReviewFlag:
    field: list[str]
    reason: str
    catalog_version_number: int
    changes: list[FieldChange]
    created_at: datetime

    @classmethod
    def of(cls, row: Any) -> "ReviewFlag":
        return cls(
            field=[camel(part) for part in row.field],
            reason=row.reason,
            catalog_version_number=row.catalog_version_number,
            changes=[
                FieldChange.of(
                    ModelFieldChange(
                        tuple(c["path"]), ChangeKind(c["kind"]), c["before"], c["after"]
                    )
                )
                for c in row.changes
            ],
            created_at=row.created_at,
        )

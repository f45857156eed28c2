"""The one versioning mechanism every kind of record shares.

A record is a stable identity with a natural code and a `lock_version` for optimistic
concurrency; its versions are immutable once published. The database enforces the invariants:
version numbers are unique per record, a record has at most one open draft (draft or in review)
and at most one version in status `published` (the latest published one; the previous one is
superseded with `effective_to` set to the new one's `effective_from`, which may lie in the
future). Reads ask "as of" a moment and go by the effective period, not the status.
"""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from models.base import EnumCode, JsonDocument, UtcDateTime, new_id, utc_now
from models.enums import VersionStatus

_OPEN = "status IN ('draft', 'in_review')"
_PUBLISHED = "status = 'published'"


class RecordColumns(SQLModel):
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    lock_version: int = Field(default=1)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)


class VersionColumns(SQLModel):
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    number: int = Field(ge=1)
    status: VersionStatus = Field(sa_type=EnumCode(VersionStatus, 16))
    effective_from: datetime | None = Field(default=None, sa_type=UtcDateTime)
    effective_to: datetime | None = Field(default=None, sa_type=UtcDateTime)
    content: dict[str, Any] = Field(sa_type=JsonDocument)
    author: str | None = Field(default=None, max_length=200)
    change_note: str | None = Field(default=None, max_length=2000)
    reason: str | None = Field(default=None, max_length=2000)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)
    submitted_by: str | None = Field(default=None, max_length=200)
    published_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    published_by: str | None = Field(default=None, max_length=200)
    # When the "took effect" event went out; null while a scheduled version still waits.
    announced_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


def version_table_args(table: str) -> tuple[Any, ...]:
    """Constraints and indexes every version table carries."""
    return (
        UniqueConstraint("record_id", "number"),
        Index(
            f"uq_{table}_one_open",
            "record_id",
            unique=True,
            sqlite_where=text(_OPEN),
            postgresql_where=text(_OPEN),
        ),
        Index(
            f"uq_{table}_one_published",
            "record_id",
            unique=True,
            sqlite_where=text(_PUBLISHED),
            postgresql_where=text(_PUBLISHED),
        ),
        Index(f"ix_{table}_effective", "record_id", "effective_from", "effective_to"),
    )

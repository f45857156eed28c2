"""The outbox: one change event per state change, written in the same transaction.

`seq` grows monotonically in commit order (writers serialise on the event lock), so a consumer
that stores the last `seq` it saw never misses an event; later issues build the change feed,
subscriptions and the search indexer on it.
"""

import uuid
from datetime import datetime
from typing import Any

from sqlmodel import Field, SQLModel

from models.base import JsonDocument, UtcDateTime, utc_now


class ChangeEvent(SQLModel, table=True):
    __tablename__ = "change_event"
    __table_args__ = {"sqlite_autoincrement": True}

    seq: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32)
    record_id: uuid.UUID = Field(index=True)
    code: str = Field(max_length=40, index=True)
    version_number: int | None = None
    action: str = Field(max_length=32)
    at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)
    region_code: str | None = Field(default=None, max_length=12)
    agency_uscc: str | None = Field(default=None, max_length=18)
    actor: str | None = Field(default=None, max_length=200)
    cause: str | None = Field(default=None, max_length=200)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JsonDocument)

"""Review flags: a catalog change that a derived service item's local fields depend on."""

import uuid
from datetime import datetime
from typing import Any

from sqlmodel import Field, SQLModel

from models.base import JsonDocument, UtcDateTime, utc_now


class ReviewFlagRow(SQLModel, table=True):
    __tablename__ = "review_flag"

    id: uuid.UUID = Field(primary_key=True)
    service_item_id: uuid.UUID = Field(foreign_key="service_item.id", index=True)
    catalog_version_number: int
    field: list[str] = Field(sa_type=JsonDocument)  # the local field's path
    reason: str = Field(max_length=2000)
    changes: list[Any] = Field(default_factory=list, sa_type=JsonDocument)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    resolved_by: str | None = Field(default=None, max_length=200)

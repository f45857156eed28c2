"""The audit log: who changed what, when and from where; written in the writing transaction."""

import uuid
from datetime import datetime

from sqlmodel import Field, SQLModel

from models.base import UtcDateTime, utc_now


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_entry"
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime, index=True)
    actor: str | None = Field(default=None, max_length=200, index=True)
    action: str = Field(max_length=32)
    kind: str = Field(max_length=32)
    record_id: uuid.UUID = Field(index=True)
    code: str = Field(max_length=40)
    version_number: int | None = None
    change_note: str | None = Field(default=None, max_length=2000)
    agency_uscc: str | None = Field(default=None, max_length=18, index=True)
    client_address: str | None = Field(default=None, max_length=64)
    user_agent: str | None = Field(default=None, max_length=500)

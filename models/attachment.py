"""Blank forms and samples (表格及样表), stored once per content hash."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.base import UtcDateTime, utc_now


class Attachment(SQLModel, table=True):
    sha256: str = Field(primary_key=True, min_length=64, max_length=64)
    file_name: str = Field(max_length=255)
    content_type: str = Field(max_length=100)
    size: int
    created_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)

"""Basic-catalog items (基本目录) and implementation items (实施清单), each with its versions."""

import uuid

from sqlalchemy import Index
from sqlmodel import Field

from models.base import EnumCode
from models.enums import ExerciseLevel, ItemType
from models.versioning import RecordColumns, VersionColumns, version_table_args


class CatalogItem(RecordColumns, table=True):
    """A basic-catalog entry. `code` is the 12-char basic code, or 14 chars for a handling item
    (the sub-item's basic code + a 2-digit sequence); the tree is main → sub → handling item."""

    __tablename__ = "catalog_item"

    item_type: ItemType = Field(sa_type=EnumCode(ItemType, 2), index=True)
    parent_id: uuid.UUID | None = Field(default=None, foreign_key="catalog_item.id", index=True)


class CatalogItemVersion(VersionColumns, table=True):
    __tablename__ = "catalog_item_version"
    __table_args__ = version_table_args("catalog_item_version")

    record_id: uuid.UUID = Field(foreign_key="catalog_item.id")
    # Filter projection of the content, kept in step by the commands.
    service_objects: int = Field(default=0)


class ServiceItem(RecordColumns, table=True):
    """One agency's implementation of a catalog item at one level. `code` is derived: the
    agency's USCC + level digit + basic code (31 chars), + a handling suffix (33 chars)."""

    __tablename__ = "service_item"

    catalog_item_id: uuid.UUID = Field(foreign_key="catalog_item.id", index=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    level: ExerciseLevel = Field(sa_type=EnumCode(ExerciseLevel, 1))
    item_type: ItemType = Field(sa_type=EnumCode(ItemType, 2), index=True)


class ServiceItemVersion(VersionColumns, table=True):
    __tablename__ = "service_item_version"
    __table_args__ = (
        *version_table_args("service_item_version"),
        # Lists filter and page on these alone; covering them keeps the JSON content unread.
        Index(
            "ix_service_item_version_filters",
            "record_id",
            "status",
            "effective_from",
            "effective_to",
            "onsite_visits",
            "online_depth",
            "charging",
            "channels",
            "handling_kind",
        ),
    )

    record_id: uuid.UUID = Field(foreign_key="service_item.id")
    # Filter projections of the content, kept in step by the commands.
    handling_kind: str = Field(max_length=1)
    onsite_visits: int
    online_depth: str = Field(max_length=1)
    charging: bool
    channels: int = Field(default=0)

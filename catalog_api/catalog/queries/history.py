"""Versions of records: the public history and the version that applied at a moment."""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_api.catalog.kinds import CATALOG_ITEM, Kind
from models import ReviewFlagRow
from models.enums import OPEN_STATUSES, PUBLIC_STATUSES


async def public_versions(
    session: AsyncSession, kind: Kind, record_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Any]]:
    """Every version that was ever published, newest first, per record."""
    statement = (
        select(kind.version)
        .where(kind.version.record_id.in_(record_ids), kind.version.status.in_(PUBLIC_STATUSES))
        .order_by(kind.version.record_id, kind.version.number.desc())
    )
    history: dict[uuid.UUID, list[Any]] = {record_id: [] for record_id in record_ids}
    for version in (await session.execute(statement)).scalars():
        history[version.record_id].append(version)
    return history


async def catalog_versions_in_force(
    session: AsyncSession, catalog_item_ids: Sequence[uuid.UUID], at: datetime
) -> dict[uuid.UUID, Any]:
    """For each catalog item, the latest version published at or before `at` (the current one,
    or the last one if the item has since been withdrawn); failing that, its first published
    version. Inherited elements of a service item therefore always have a value."""
    statement = (
        select(CATALOG_ITEM.version)
        .where(
            CATALOG_ITEM.version.record_id.in_(catalog_item_ids),
            CATALOG_ITEM.version.status.in_(PUBLIC_STATUSES),
        )
        .order_by(CATALOG_ITEM.version.record_id, CATALOG_ITEM.version.effective_from)
    )
    in_force: dict[uuid.UUID, Any] = {}
    for version in (await session.execute(statement)).scalars():
        if version.record_id not in in_force or version.effective_from <= at:
            in_force[version.record_id] = version
    return in_force


async def records_by_ids(
    session: AsyncSession, kind: Kind, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Any]:
    rows = await session.execute(select(kind.record).where(kind.record.id.in_(ids)))
    return {record.id: record for record in rows.scalars()}


async def open_drafts(
    session: AsyncSession, kind: Kind, record_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Any]:
    statement = select(kind.version).where(
        kind.version.record_id.in_(record_ids), kind.version.status.in_(OPEN_STATUSES)
    )
    return {version.record_id: version for version in (await session.execute(statement)).scalars()}


async def open_flags(
    session: AsyncSession, service_item_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[ReviewFlagRow]]:
    statement = (
        select(ReviewFlagRow)
        .where(
            ReviewFlagRow.service_item_id.in_(service_item_ids),
            ReviewFlagRow.resolved_at.is_(None),
        )
        .order_by(ReviewFlagRow.created_at)
    )
    flags: dict[uuid.UUID, list[ReviewFlagRow]] = {item_id: [] for item_id in service_item_ids}
    for flag in (await session.execute(statement)).scalars():
        flags[flag.service_item_id].append(flag)
    return flags

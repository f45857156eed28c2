"""Catalog items and service items as published at a moment, by code and in keyset pages."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, String, cast, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_api.catalog.kinds import CATALOG_ITEM, SERVICE_ITEM, Kind
from catalog_api.catalog.queries.as_of import current_at
from catalog_api.catalog.queries.reference import region_and_descendants
from models import Agency, CatalogItem, CatalogItemVersion, ServiceItem, ServiceItemVersion
from models.enums import (
    PUBLIC_STATUSES,
    Channel,
    ExerciseLevel,
    HandlingKind,
    ItemType,
    OnlineDepth,
    ServiceObject,
    bit,
)


@dataclass(frozen=True)
class Shown:
    """A record and the version a read shows of it."""

    record: Any
    version: Any


@dataclass(frozen=True)
class Page:
    rows: list[Shown]
    has_next: bool


@dataclass(frozen=True)
class CatalogItemFilter:
    item_types: Sequence[ItemType] = ()
    service_object: ServiceObject | None = None
    parent_code: str | None = None
    roots_only: bool = False


@dataclass(frozen=True)
class ServiceItemFilter:
    region_code: str | None = None
    agency_uscc: str | None = None
    catalog_code: str | None = None
    item_types: Sequence[ItemType] = ()
    levels: Sequence[ExerciseLevel] = ()
    service_object: ServiceObject | None = None
    channels: Sequence[Channel] = field(default_factory=tuple)
    max_onsite_visits: int | None = None
    min_online_depth: OnlineDepth | None = None
    charging: bool | None = None
    instant: bool | None = None


@dataclass(frozen=True)
class ListRecordFilter:
    """Fee items or intermediary services, by the owning agency or its region."""

    region_code: str | None = None
    agency_uscc: str | None = None
    # also those a service item in force in the region charges or requires (the lists)
    used_in_region: bool = False


def _shown(kind: Kind, at: datetime) -> Select[Any]:
    return select(kind.record, kind.version).join(
        kind.version, (kind.version.record_id == kind.record.id) & current_at(kind.version, at)
    )


async def by_code(session: AsyncSession, kind: Kind, code: str, at: datetime) -> Shown | None:
    statement = _shown(kind, at).where(kind.record.code == code)
    row = (await session.execute(statement)).first()
    return Shown(*row) if row else None


async def by_codes(
    session: AsyncSession, kind: Kind, codes: Sequence[str], at: datetime
) -> dict[str, Shown]:
    """The version in force at `at` of each code that has one."""
    statement = _shown(kind, at).where(kind.record.code.in_(codes))
    return {row[0].code: Shown(*row) for row in await session.execute(statement)}


async def by_ids(
    session: AsyncSession, kind: Kind, ids: Sequence[uuid.UUID], at: datetime
) -> dict[uuid.UUID, Shown]:
    statement = _shown(kind, at).where(kind.record.id.in_(ids))
    return {row[0].id: Shown(*row) for row in await session.execute(statement)}


def _keys(kind: Kind, at: datetime) -> Select[Any]:
    """Only the record's key columns: filtering and sorting never read the JSON content."""
    return select(kind.record.id, kind.record.code).join(
        kind.version, (kind.version.record_id == kind.record.id) & current_at(kind.version, at)
    )


async def catalog_items_page(
    session: AsyncSession,
    where: CatalogItemFilter,
    at: datetime,
    first: int,
    after: str | None,
) -> Page:
    statement = await _catalog_filtered(session, _keys(CATALOG_ITEM, at), where)
    return await _page(session, CATALOG_ITEM, statement, first, after, at)


async def service_items_page(
    session: AsyncSession,
    where: ServiceItemFilter,
    at: datetime,
    first: int,
    after: str | None,
) -> Page:
    statement = await _service_filtered(session, _keys(SERVICE_ITEM, at), where, at)
    return await _page(session, SERVICE_ITEM, statement, first, after, at)


async def count_catalog_items(session: AsyncSession, where: CatalogItemFilter, at: datetime) -> int:
    base = (
        select(func.count())
        .select_from(CatalogItem)
        .join(
            CatalogItemVersion,
            (CatalogItemVersion.record_id == CatalogItem.id) & current_at(CatalogItemVersion, at),
        )
    )
    statement = await _catalog_filtered(session, base, where)
    return (await session.execute(statement)).scalar_one()


async def count_service_items(session: AsyncSession, where: ServiceItemFilter, at: datetime) -> int:
    base = (
        select(func.count())
        .select_from(ServiceItem)
        .join(
            ServiceItemVersion,
            (ServiceItemVersion.record_id == ServiceItem.id) & current_at(ServiceItemVersion, at),
        )
    )
    statement = await _service_filtered(session, base, where, at)
    return (await session.execute(statement)).scalar_one()


async def _page(
    session: AsyncSession,
    kind: Kind,
    statement: Select[Any],
    first: int,
    after: str | None,
    at: datetime,
) -> Page:
    """Keyset pagination on the unique code (stable however many rows are added meanwhile):
    first the page's keys, then the page's records and versions in one more query."""
    if after is not None:
        statement = statement.where(kind.record.code > after)
    statement = statement.order_by(kind.record.code).limit(first + 1)
    keys = [record_id for record_id, _code in await session.execute(statement)]
    shown = await by_ids(session, kind, keys[:first], at)
    return Page([shown[key] for key in keys[:first] if key in shown], has_next=len(keys) > first)


async def _catalog_filtered(
    session: AsyncSession, statement: Select[Any], where: CatalogItemFilter
) -> Select[Any]:
    if where.item_types:
        statement = statement.where(CatalogItem.item_type.in_(where.item_types))
    if where.service_object is not None:
        mask = bit(where.service_object)
        statement = statement.where(CatalogItemVersion.service_objects.op("&")(mask) != 0)
    if where.roots_only:
        statement = statement.where(CatalogItem.parent_id.is_(None))
    if where.parent_code is not None:
        parent = select(CatalogItem.id).where(CatalogItem.code == where.parent_code)
        statement = statement.where(CatalogItem.parent_id.in_(parent.scalar_subquery()))
    return statement


async def _service_filtered(
    session: AsyncSession, statement: Select[Any], where: ServiceItemFilter, at: datetime
) -> Select[Any]:
    v, item = ServiceItemVersion, ServiceItem
    if where.region_code is not None:
        regions = await region_and_descendants(session, where.region_code)
        outside = select(Agency.id).where(Agency.region_code.not_in(regions)).limit(1)
        if (await session.execute(outside)).first() is not None:
            # only when the region leaves some agencies out: a city-wide filter that keeps
            # every agency would steer the planner away from paging in code order
            agencies = select(Agency.id).where(Agency.region_code.in_(regions))
            statement = statement.where(item.agency_id.in_(agencies.scalar_subquery()))
    if where.agency_uscc is not None:
        agency = select(Agency.id).where(Agency.uscc == where.agency_uscc)
        statement = statement.where(item.agency_id.in_(agency.scalar_subquery()))
    if where.catalog_code is not None:
        catalog = select(CatalogItem.id).where(CatalogItem.code == where.catalog_code)
        statement = statement.where(item.catalog_item_id.in_(catalog.scalar_subquery()))
    if where.item_types:
        statement = statement.where(item.item_type.in_(where.item_types))
    if where.levels:
        statement = statement.where(item.level.in_(where.levels))
    if where.service_object is not None:
        serving = select(CatalogItemVersion.record_id).where(
            current_at(CatalogItemVersion, at),
            CatalogItemVersion.service_objects.op("&")(bit(where.service_object)) != 0,
        )
        statement = statement.where(item.catalog_item_id.in_(serving.scalar_subquery()))
    for channel in where.channels:
        statement = statement.where(v.channels.op("&")(bit(channel)) != 0)
    if where.max_onsite_visits is not None:
        statement = statement.where(v.onsite_visits <= where.max_onsite_visits)
    if where.min_online_depth is not None:
        statement = statement.where(v.online_depth >= where.min_online_depth.value)
    if where.charging is not None:
        statement = statement.where(v.charging.is_(where.charging))
    if where.instant is not None:
        instant = v.handling_kind == HandlingKind.INSTANT.value
        statement = statement.where(instant if where.instant else ~instant)
    return statement


async def children_by_parent_ids(
    session: AsyncSession, parent_ids: Sequence[uuid.UUID], at: datetime
) -> dict[uuid.UUID, list[Shown]]:
    statement = (
        _shown(CATALOG_ITEM, at)
        .where(CatalogItem.parent_id.in_(parent_ids))
        .order_by(CatalogItem.code)
    )
    children: dict[uuid.UUID, list[Shown]] = {parent_id: [] for parent_id in parent_ids}
    for row in await session.execute(statement):
        children[row[0].parent_id].append(Shown(*row))
    return children


async def list_records_page(
    session: AsyncSession,
    kind: Kind,
    where: ListRecordFilter,
    at: datetime,
    first: int,
    after: str | None,
) -> Page:
    statement = await _owner_filtered(session, kind, _keys(kind, at), where, at)
    return await _page(session, kind, statement, first, after, at)


async def count_list_records(
    session: AsyncSession, kind: Kind, where: ListRecordFilter, at: datetime
) -> int:
    base = (
        select(func.count())
        .select_from(kind.record)
        .join(
            kind.version,
            (kind.version.record_id == kind.record.id) & current_at(kind.version, at),
        )
    )
    statement = await _owner_filtered(session, kind, base, where, at)
    return (await session.execute(statement)).scalar_one()


async def _owner_filtered(
    session: AsyncSession,
    kind: Kind,
    statement: Select[Any],
    where: ListRecordFilter,
    at: datetime | None = None,
) -> Select[Any]:
    if where.region_code is not None:
        regions = await region_and_descendants(session, where.region_code)
        agencies = select(Agency.id).where(Agency.region_code.in_(regions))
        owned = kind.record.agency_id.in_(agencies.scalar_subquery())
        if where.used_in_region and at is not None:
            owned = owned | _used_by(kind, agencies, at)
        statement = statement.where(owned)
    if where.agency_uscc is not None:
        agency = select(Agency.id).where(Agency.uscc == where.agency_uscc)
        statement = statement.where(kind.record.agency_id.in_(agency.scalar_subquery()))
    return statement


def _used_by(kind: Kind, agencies: Select[Any], at: datetime) -> Any:
    """Whether a service item of those agencies, in force at `at`, names the record in its
    guide: its code quoted inside the JSON text (as the change fan-out finds referrers)."""
    content = cast(ServiceItemVersion.content, String)
    quoted = literal('"') + kind.record.code + literal('"')
    return (
        select(ServiceItem.id)
        .join(
            ServiceItemVersion,
            (ServiceItemVersion.record_id == ServiceItem.id) & current_at(ServiceItemVersion, at),
        )
        .where(
            ServiceItem.agency_id.in_(agencies.scalar_subquery()),
            content.contains(quoted),
        )
        .exists()
    )


async def in_force_by_codes(
    session: AsyncSession, kind: Kind, codes: Sequence[str], at: datetime
) -> dict[str, Shown]:
    """For each code, the version published at or before `at` that took effect last (the one in
    force, or the last one if the record has since been withdrawn); failing that, its first
    published version. What a published guide links to therefore always reads."""
    statement = (
        select(kind.record, kind.version)
        .join(kind.version, kind.version.record_id == kind.record.id)
        .where(kind.record.code.in_(codes), kind.version.status.in_(PUBLIC_STATUSES))
        .order_by(kind.record.code, kind.version.effective_from, kind.version.number)
    )
    found: dict[str, Shown] = {}
    for record, version in await session.execute(statement):
        if record.code not in found or version.effective_from <= at:
            found[record.code] = Shown(record, version)
    return found

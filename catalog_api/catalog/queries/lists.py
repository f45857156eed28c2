"""The public lists (权责清单, 收费清单, 中介服务清单, 公共服务清单, 零跑腿/最多跑一次): views of
the one catalog, read as of a moment, in keyset pages."""

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlalchemy import String, cast, func, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_api.catalog.kinds import FEE_ITEM, INTERMEDIARY_SERVICE, SERVICE_ITEM, Kind
from catalog_api.catalog.queries import items
from catalog_api.catalog.queries.as_of import current_at
from catalog_api.catalog.queries.reference import region_and_descendants
from models import Agency, Region, ServiceItem, ServiceItemVersion
from models.enums import ItemType

TRIP_LIMITS = (0, 1)  # 零跑腿, 最多跑一次


class ListName(StrEnum):
    """The public lists, by the name their export URL uses."""

    POWER = "power-list"  # 权责清单
    FEE = "fee-list"  # 行政事业性收费清单
    INTERMEDIARY = "intermediary-list"  # 中介服务事项清单
    PUBLIC_SERVICE = "public-service-list"  # 公共服务事项清单
    TRIP = "trip-list"  # 零跑腿 / 最多跑一次

    @property
    def kind(self) -> Kind:
        return {ListName.FEE: FEE_ITEM, ListName.INTERMEDIARY: INTERMEDIARY_SERVICE}.get(
            self, SERVICE_ITEM
        )


@dataclass(frozen=True)
class ListFilter:
    """Region (with every region below it), agency (USCC), item types; codes already checked."""

    region_code: str | None = None
    agency_uscc: str | None = None
    item_types: Sequence[ItemType] = field(default_factory=tuple)


class UnknownRegion(LookupError):
    pass


async def ensure_region(session: AsyncSession, code: str | None) -> None:
    """A list for a region nobody knows is a mistake, not an empty list."""
    if code is None:
        return
    if (await session.execute(select(Region.code).where(Region.code == code))).first() is None:
        raise UnknownRegion(code)


def service_filter(
    name: ListName, where: ListFilter, max_trips: int | None = None
) -> items.ServiceItemFilter | None:
    """The service-item filter of a list over service items; None when the requested item
    types leave nothing on the list (public services asked of the 权责清单)."""
    asked = tuple(where.item_types)
    if name is ListName.POWER:
        types = tuple(t for t in (asked or tuple(ItemType)) if t.is_power)
    elif name is ListName.PUBLIC_SERVICE:
        types = (ItemType.PUBLIC_SERVICE,) if not asked or ItemType.PUBLIC_SERVICE in asked else ()
    else:
        types = asked
    if not types and (asked or name in (ListName.POWER, ListName.PUBLIC_SERVICE)):
        return None
    if name is ListName.TRIP and max_trips not in TRIP_LIMITS:
        raise ValueError(f"max_trips must be one of {TRIP_LIMITS}")
    return items.ServiceItemFilter(
        region_code=where.region_code,
        agency_uscc=where.agency_uscc,
        item_types=types,
        max_onsite_visits=max_trips if name is ListName.TRIP else None,
    )


def record_filter(where: ListFilter) -> items.ListRecordFilter:
    """A region's fee or intermediary list: those its agencies own, and those a service item
    of its agencies charges or requires (a city fee charged by a district's items is on the
    district's list)."""
    return items.ListRecordFilter(
        region_code=where.region_code, agency_uscc=where.agency_uscc, used_in_region=True
    )


async def list_page(
    session: AsyncSession,
    name: ListName,
    where: ListFilter,
    at: datetime,
    first: int,
    after: str | None,
    max_trips: int | None = None,
) -> items.Page:
    await ensure_region(session, where.region_code)
    if name in (ListName.FEE, ListName.INTERMEDIARY):
        return await items.list_records_page(
            session, name.kind, record_filter(where), at, first, after
        )
    service = service_filter(name, where, max_trips)
    if service is None:
        return items.Page([], has_next=False)
    return await items.service_items_page(session, service, at, first, after)


async def count_list(
    session: AsyncSession,
    name: ListName,
    where: ListFilter,
    at: datetime,
    max_trips: int | None = None,
) -> int:
    if name in (ListName.FEE, ListName.INTERMEDIARY):
        return await items.count_list_records(session, name.kind, record_filter(where), at)
    service = service_filter(name, where, max_trips)
    if service is None:
        return 0
    return await items.count_service_items(session, service, at)


@dataclass(frozen=True)
class Charging:
    """The published service items that charge one fee item: how many, and the first few."""

    total: int = 0
    item_ids: list[uuid.UUID] = field(default_factory=list)


async def charging_items(
    session: AsyncSession,
    fee_codes: Sequence[str],
    at: datetime,
    region_code: str | None,
    limit: int,
) -> dict[str, Charging]:
    """For each fee code, the service items in force at `at` (in the region and below, if
    given) whose guide charges it, in code order: one statement for the whole batch. The code
    inside the JSON text selects them on both dialects (as the change fan-out does)."""
    if not fee_codes:
        return {}
    agencies = None
    if region_code is not None:
        regions = await region_and_descendants(session, region_code)
        agencies = select(Agency.id).where(Agency.region_code.in_(regions)).scalar_subquery()
    parts = []
    for code in fee_codes:
        part = (
            select(
                literal(code).label("fee_code"),
                ServiceItem.id.label("item_id"),
                ServiceItem.code.label("item_code"),
            )
            .join(
                ServiceItemVersion,
                (ServiceItemVersion.record_id == ServiceItem.id)
                & current_at(ServiceItemVersion, at),
            )
            .where(
                ServiceItemVersion.charging.is_(True),
                cast(ServiceItemVersion.content, String).contains(f'"fee_item": "{code}"')
                | cast(ServiceItemVersion.content, String).contains(f'"fee_item":"{code}"'),
            )
        )
        if agencies is not None:
            part = part.where(ServiceItem.agency_id.in_(agencies))
        parts.append(part)
    found = union_all(*parts).subquery()
    ranked = select(
        found.c.fee_code,
        found.c.item_id,
        func.row_number()
        .over(partition_by=found.c.fee_code, order_by=found.c.item_code)
        .label("n"),
        func.count().over(partition_by=found.c.fee_code).label("total"),
    ).subquery()
    statement = (
        select(ranked.c.fee_code, ranked.c.item_id, ranked.c.total)
        .where(ranked.c.n <= max(limit, 1))
        .order_by(ranked.c.fee_code, ranked.c.n)
    )
    shown: dict[str, list[uuid.UUID]] = defaultdict(list)
    totals: dict[str, int] = {}
    for code, item_id, total in await session.execute(statement):
        totals[code] = total
        if limit > 0:
            shown[code].append(item_id if isinstance(item_id, uuid.UUID) else uuid.UUID(item_id))
    return {code: Charging(totals.get(code, 0), shown.get(code, [])) for code in fee_codes}

"""The public lists over GraphQL: 权责清单, 行政事业性收费清单, 中介服务事项清单, 公共服务事项清单,
零跑腿 / 最多跑一次: views of the one catalog, as Relay connections."""

from datetime import datetime
from typing import Any

import strawberry

from catalog_api.catalog.queries import lists
from catalog_api.catalog.queries.lists import ListName, UnknownRegion
from catalog_api.schema.context import Info
from catalog_api.schema.enums import ItemType
from catalog_api.schema.errors import bad_argument
from catalog_api.schema.filters import optional_code, optional_uscc
from catalog_api.schema.list_records import FeeItem, IntermediaryService
from catalog_api.schema.pagination import Connection, connection, decode_cursor, page_size
from catalog_api.schema.service_items import ServiceItem
from catalog_api.schema.versioned import moment

EXPORT_NOTE = " Also as a file: GET /export/{name}.csv or .xlsx with the same filter."


@strawberry.input(description="Which entries of a public list to show.")
class ListFilter:
    region: str | None = strawberry.field(
        default=None,
        description="Region code (GB/T 2260) of the implementing, collecting or approving "
        "agency; includes every region below it.",
    )
    agency: str | None = strawberry.field(
        default=None, description="USCC of the implementing (or collecting, approving) agency."
    )
    item_types: list[ItemType] | None = strawberry.field(
        default=None,
        description="Item types (事项类型); lists of service items only. The 权责清单 keeps "
        "power types (01–10), the 公共服务事项清单 type 20.",
    )

    def to_query(self) -> lists.ListFilter:
        return lists.ListFilter(
            region_code=optional_code(self.region),
            agency_uscc=optional_uscc(self.agency, "filter.agency"),
            item_types=tuple(self.item_types or ()),
        )


async def _list(
    info: Info,
    name: ListName,
    view: Any,
    filter: ListFilter | None,
    first: int | None,
    after: str | None,
    as_of: datetime | None,
    max_trips: int | None = None,
) -> Connection[Any]:
    at = moment(info, as_of)
    size = page_size(first, info.context.settings.max_page_size)
    after_key = decode_cursor(after)
    where = (filter or ListFilter()).to_query()
    try:
        async with info.context.database.read() as session:
            page = await lists.list_page(session, name, where, at, size, after_key, max_trips)
    except UnknownRegion:
        raise bad_argument("filter.region", f"没有行政区划 {where.region_code}") from None

    async def count() -> int:
        async with info.context.database.read() as session:
            return await lists.count_list(session, name, where, at, max_trips)

    return connection(
        [view.of(info, row.record, row.version, at) for row in page.rows],
        [row.record.code for row in page.rows],
        has_next=page.has_next,
        has_previous=after_key is not None,
        count=count,
    )


@strawberry.type
class PublicListQueries:
    @strawberry.field(
        description="权责清单: power-type service items (types 01–10) with their power source, "
        "legal basis, responsibilities per step, accountability and supervision phone."
        + EXPORT_NOTE.format(name="power-list")
    )
    async def power_list(
        self,
        info: Info,
        filter: ListFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        as_of: datetime | None = None,
    ) -> Connection[ServiceItem]:
        return await _list(info, ListName.POWER, ServiceItem, filter, first, after, as_of)

    @strawberry.field(
        description="行政事业性收费清单: fee items in force, each with the service items "
        "charging it (`chargingItems`)." + EXPORT_NOTE.format(name="fee-list")
    )
    async def fee_list(
        self,
        info: Info,
        filter: ListFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        as_of: datetime | None = None,
    ) -> Connection[FeeItem]:
        return await _list(info, ListName.FEE, FeeItem, filter, first, after, as_of)

    @strawberry.field(
        description="中介服务事项清单: intermediary services in force, with the approvals "
        "requiring them." + EXPORT_NOTE.format(name="intermediary-list")
    )
    async def intermediary_list(
        self,
        info: Info,
        filter: ListFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        as_of: datetime | None = None,
    ) -> Connection[IntermediaryService]:
        return await _list(
            info, ListName.INTERMEDIARY, IntermediaryService, filter, first, after, as_of
        )

    @strawberry.field(
        description="公共服务事项清单: public-service items (type 20)."
        + EXPORT_NOTE.format(name="public-service-list")
    )
    async def public_service_list(
        self,
        info: Info,
        filter: ListFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        as_of: datetime | None = None,
    ) -> Connection[ServiceItem]:
        return await _list(info, ListName.PUBLIC_SERVICE, ServiceItem, filter, first, after, as_of)

    @strawberry.field(
        description="零跑腿 (maxTrips: 0) or 最多跑一次 (maxTrips: 1): items needing at most that "
        "many visits on site, with `onsiteVisits` and `onsiteVisitsReason`."
        + EXPORT_NOTE.format(name="trip-list")
        + " (and maxTrips)."
    )
    async def trip_list(
        self,
        info: Info,
        max_trips: int,
        filter: ListFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        as_of: datetime | None = None,
    ) -> Connection[ServiceItem]:
        if max_trips not in lists.TRIP_LIMITS:
            raise bad_argument("maxTrips", "应为 0（零跑腿）或 1（最多跑一次）")
        return await _list(info, ListName.TRIP, ServiceItem, filter, first, after, as_of, max_trips)

"""The root `Query`: lookups by code, lists, and Relay node resolution."""

from datetime import datetime

import strawberry

from catalog_api.catalog.kinds import CATALOG_ITEM, SERVICE_ITEM
from catalog_api.catalog.queries import items, reference
from catalog_api.schema.catalog_items import CatalogItem
from catalog_api.schema.changes import ChangeQueries
from catalog_api.schema.context import Info
from catalog_api.schema.enums import ExerciseLevel
from catalog_api.schema.errors import bad_argument
from catalog_api.schema.filters import CatalogItemFilter, ServiceItemFilter
from catalog_api.schema.ids import from_global_id, record_uuid
from catalog_api.schema.list_queries import ListQueries
from catalog_api.schema.node import Node
from catalog_api.schema.pagination import Connection, connection, decode_cursor, page_size
from catalog_api.schema.people import PeopleQueries
from catalog_api.schema.public_lists import PublicListQueries
from catalog_api.schema.reference import Agency, Region
from catalog_api.schema.scenarios import ScenarioQueries
from catalog_api.schema.search import SearchQueries
from catalog_api.schema.service_items import ServiceItem, service_items_connection
from catalog_api.schema.versioned import moment
from catalog_api.schema.views import VIEWS
from catalog_api.schema.visibility import drafts_visible
from catalog_api.schema.webhooks import WebhookQueries
from models.codes import (
    CodeError,
    normalise,
    normalise_catalog_code,
    parse_implementation_code,
    validate_uscc,
)

AS_OF = "The moment to read as of; default now. A time without zone is Beijing time."


def _catalog_code(raw: str) -> str:
    try:
        return normalise_catalog_code(raw)
    except CodeError as exc:
        raise bad_argument("code", str(exc)) from None


@strawberry.type
class Query(
    PeopleQueries,
    SearchQueries,
    ChangeQueries,
    ListQueries,
    PublicListQueries,
    ScenarioQueries,
    WebhookQueries,
):
    @strawberry.field(description="Any object by its global ID.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return await _resolve_node(info, id)

    @strawberry.field(description="Objects by global IDs, in order; null where none.")
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
        if len(ids) > info.context.settings.max_page_size:
            raise bad_argument("ids", f"一次最多 {info.context.settings.max_page_size} 个")
        return [await _resolve_node(info, global_id) for global_id in ids]

    @strawberry.field(description="A region by its code (GB/T 2260).")
    async def region(self, info: Info, code: str) -> Region | None:
        row = await info.context.loaders.region_by_code.load(normalise(code))
        return Region.of(row) if row else None

    @strawberry.field(description="Regions below `parent` (top-level regions without it).")
    async def regions(
        self,
        info: Info,
        parent: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Region]:
        size = page_size(first, info.context.settings.max_page_size)
        after_key = decode_cursor(after)
        async with info.context.database.read() as session:
            rows, has_next = await reference.regions_page(
                session, normalise(parent) if parent else None, size, after_key
            )
        return connection(
            [Region.of(row) for row in rows],
            [row.code for row in rows],
            has_next=has_next,
            has_previous=after_key is not None,
        )

    @strawberry.field(description="An agency by its unified social credit code.")
    async def agency(self, info: Info, uscc: str) -> Agency | None:
        try:
            code = validate_uscc(uscc)
        except CodeError as exc:
            raise bad_argument("uscc", str(exc)) from None
        async with info.context.database.read() as session:
            row = await reference.agency_by_uscc(session, code)
        return Agency.of(row) if row else None

    @strawberry.field(description="Agencies, optionally in a region (with the regions below).")
    async def agencies(
        self,
        info: Info,
        region: str | None = None,
        level: ExerciseLevel | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Agency]:
        size = page_size(first, info.context.settings.max_page_size)
        after_key = decode_cursor(after)
        async with info.context.database.read() as session:
            rows, has_next = await reference.agencies_page(
                session,
                region_code=normalise(region) if region else None,
                level=level,
                first=size,
                after=after_key,
            )
        return connection(
            [Agency.of(row) for row in rows],
            [row.uscc for row in rows],
            has_next=has_next,
            has_previous=after_key is not None,
        )

    @strawberry.field(description="A catalog item by its basic code (12 chars, 14 for handling).")
    async def catalog_item(
        self, info: Info, code: str, as_of: datetime | None = None
    ) -> CatalogItem | None:
        at = moment(info, as_of)
        async with info.context.database.read() as session:
            shown = await items.by_code(session, CATALOG_ITEM, _catalog_code(code), at)
        return CatalogItem.shown(info, shown, at)

    @strawberry.field(description="Catalog items in force at `asOf`, ordered by code.")
    async def catalog_items(
        self,
        info: Info,
        filter: CatalogItemFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        as_of: datetime | None = None,
    ) -> Connection[CatalogItem]:
        at = moment(info, as_of)
        size = page_size(first, info.context.settings.max_page_size)
        after_key = decode_cursor(after)
        where = (filter or CatalogItemFilter()).to_query()
        async with info.context.database.read() as session:
            page = await items.catalog_items_page(session, where, at, size, after_key)

        async def count() -> int:
            async with info.context.database.read() as session:
                return await items.count_catalog_items(session, where, at)

        return connection(
            [CatalogItem.of(info, row.record, row.version, at) for row in page.rows],
            [row.record.code for row in page.rows],
            has_next=page.has_next,
            has_previous=after_key is not None,
            count=count,
        )

    @strawberry.field(description="A service item by its implementation code (31 or 33 chars).")
    async def service_item(
        self, info: Info, code: str, as_of: datetime | None = None
    ) -> ServiceItem | None:
        try:
            parsed = parse_implementation_code(code)
        except CodeError as exc:
            raise bad_argument("code", str(exc)) from None
        at = moment(info, as_of)
        async with info.context.database.read() as session:
            shown = await items.by_code(session, SERVICE_ITEM, str(parsed), at)
        return None if shown is None else ServiceItem.of(info, shown.record, shown.version, at)

    @strawberry.field(description="Service items in force at `asOf`, ordered by code.")
    async def service_items(
        self,
        info: Info,
        filter: ServiceItemFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        as_of: datetime | None = None,
    ) -> Connection[ServiceItem]:
        return await service_items_connection(info, filter, first, after, moment(info, as_of))


async def _resolve_node(info: Info, global_id: str) -> Node | None:
    type_name, key = from_global_id(global_id)
    loaders, at = info.context.loaders, info.context.now
    if type_name == "Region":
        row = await loaders.region_by_code.load(key)
        return Region.of(row) if row else None
    if type_name == "Agency":
        row = await loaders.agency_by_id.load(record_uuid(key))
        return Agency.of(row) if row else None
    if type_name in VIEWS:
        kind, view = VIEWS[type_name]
        record_id = record_uuid(key)
        async with info.context.database.read() as session:
            shown = (await items.by_ids(session, kind, [record_id], at)).get(record_id)
            record = shown.record if shown else await session.get(kind.record, record_id)
        if shown is not None:
            return view.of(info, shown.record, shown.version, at)
        # a record never published yet: its draft, for those who may see it
        if record is None or not await drafts_visible(info, record):
            return None
        draft = await loaders.open_draft.load((kind.name, record_id))
        return None if draft is None else view.of(info, record, draft, at)
    raise bad_argument("id", f"未知的对象类型 {type_name}")

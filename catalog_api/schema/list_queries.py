"""Root fields of the fee and intermediary lists: one record by code, or keyset pages."""

from datetime import datetime
from typing import Any

import strawberry

from catalog_api.catalog.kinds import FEE_ITEM, INTERMEDIARY_SERVICE, Kind
from catalog_api.catalog.queries import items
from catalog_api.schema.context import Info
from catalog_api.schema.errors import bad_argument
from catalog_api.schema.filters import optional_code, optional_uscc
from catalog_api.schema.list_records import FeeItem, IntermediaryService
from catalog_api.schema.pagination import Connection, connection, decode_cursor, page_size
from catalog_api.schema.versioned import moment
from models.codes import FEE_ITEM_PREFIX, INTERMEDIARY_PREFIX, CodeError, normalise_list_code


@strawberry.input(description="Which fee items or intermediary services to list.")
class ListRecordFilter:
    region: str | None = strawberry.field(
        default=None, description="Region code of the owning agency, with the regions below."
    )
    agency: str | None = strawberry.field(
        default=None, description="USCC of the owning agency (执收部门 / 审批部门)."
    )

    def to_query(self) -> items.ListRecordFilter:
        return items.ListRecordFilter(
            region_code=optional_code(self.region),
            agency_uscc=optional_uscc(self.agency, "filter.agency"),
        )


def _code(prefix: str, raw: str) -> str:
    try:
        return normalise_list_code(prefix, raw)
    except CodeError as exc:
        raise bad_argument("code", str(exc)) from None


async def _one(info: Info, kind: Kind, view: Any, code: str, as_of: datetime | None) -> Any:
    at = moment(info, as_of)
    async with info.context.database.read() as session:
        shown = await items.by_code(session, kind, code, at)
    return None if shown is None else view.of(info, shown.record, shown.version, at)


async def _page(
    info: Info,
    kind: Kind,
    view: Any,
    filter: ListRecordFilter | None,
    first: int | None,
    after: str | None,
    as_of: datetime | None,
) -> Connection[Any]:
    at = moment(info, as_of)
    size = page_size(first, info.context.settings.max_page_size)
    after_key = decode_cursor(after)
    where = (filter or ListRecordFilter()).to_query()
    async with info.context.database.read() as session:
        page = await items.list_records_page(session, kind, where, at, size, after_key)

    async def count() -> int:
        async with info.context.database.read() as session:
            return await items.count_list_records(session, kind, where, at)

    return connection(
        [view.of(info, row.record, row.version, at) for row in page.rows],
        [row.record.code for row in page.rows],
        has_next=page.has_next,
        has_previous=after_key is not None,
        count=count,
    )


@strawberry.type
class ListQueries:
    @strawberry.field(description="A fee item (收费项目) by its code, as in force at `asOf`.")
    async def fee_item(
        self, info: Info, code: str, as_of: datetime | None = None
    ) -> FeeItem | None:
        return await _one(info, FEE_ITEM, FeeItem, _code(FEE_ITEM_PREFIX, code), as_of)  # type: ignore[no-any-return]

    @strawberry.field(description="Fee items in force at `asOf`, ordered by code.")
    async def fee_items(
        self,
        info: Info,
        filter: ListRecordFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        as_of: datetime | None = None,
    ) -> Connection[FeeItem]:
        return await _page(info, FEE_ITEM, FeeItem, filter, first, after, as_of)

    @strawberry.field(description="An intermediary service (中介服务事项) by its code.")
    async def intermediary_service(
        self, info: Info, code: str, as_of: datetime | None = None
    ) -> IntermediaryService | None:
        code = _code(INTERMEDIARY_PREFIX, code)
        return await _one(info, INTERMEDIARY_SERVICE, IntermediaryService, code, as_of)  # type: ignore[no-any-return]

    @strawberry.field(description="Intermediary services in force at `asOf`, ordered by code.")
    async def intermediary_services(
        self,
        info: Info,
        filter: ListRecordFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        as_of: datetime | None = None,
    ) -> Connection[IntermediaryService]:
        return await _page(
            info, INTERMEDIARY_SERVICE, IntermediaryService, filter, first, after, as_of
        )

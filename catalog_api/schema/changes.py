"""The change feed and its subscription: `changes(after, first, filter)` and
`catalogChanged(filter, after)`.

Both read the same events in the same order, with the same filter and the same visibility
(`catalog.queries.changes` says who sees what), so a portal can page through the feed, then
subscribe with its last cursor and neither miss nor repeat an event.
"""

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Any

import strawberry

from catalog_api.catalog.feed import ChangeFeed
from catalog_api.catalog.queries import changes
from catalog_api.schema.context import Info
from catalog_api.schema.errors import PublicError, bad_argument
from catalog_api.schema.ids import to_global_id
from catalog_api.schema.pagination import Edge, PageInfo, decode_cursor, encode_cursor, page_size
from catalog_api.schema.views import VIEWS
from models import enums
from models.codes import CodeError, normalise, validate_uscc

ChangeAction = strawberry.enum(enums.ChangeAction, description="What happened (变更类型).")

MAX_FILTER_VALUES = 100
# GraphQL type name of each kind, from the one registry the node lookups use
TYPE_NAMES = {kind.name: type_name for type_name, (kind, _view) in VIEWS.items()}


@strawberry.input(
    description="Which change events to read: each list means any of its values; "
    "lists given together must all match. At most 100 values per list."
)
class ChangeFilter:
    kinds: list[str] | None = strawberry.field(
        default=None, description='Record kinds: "catalog_item", "service_item".'
    )
    regions: list[str] | None = strawberry.field(
        default=None,
        description="Region codes of the service items' agencies; each includes every region "
        "below it (catalog items have no region).",
    )
    agencies: list[str] | None = strawberry.field(
        default=None, description="USCCs of the service items' agencies (实施主体)."
    )
    codes: list[str] | None = strawberry.field(
        default=None, description="Record codes: basic codes (基本编码) or implementation codes."
    )

    def values(self) -> dict[str, list[str]]:
        """The lists, checked for size and form (existence is the catalog's to check)."""
        lists = {
            "kinds": self.kinds or [],
            "regions": [normalise(code) for code in self.regions or []],
            "agencies": self.agencies or [],
            "codes": [normalise(code) for code in self.codes or []],
        }
        for name, values in lists.items():
            if len(values) > MAX_FILTER_VALUES:
                raise bad_argument(f"filter.{name}", f"最多 {MAX_FILTER_VALUES} 个值")
        try:
            lists["agencies"] = [validate_uscc(uscc) for uscc in lists["agencies"]]
        except CodeError as exc:
            raise bad_argument("filter.agencies", str(exc)) from None
        return lists


@strawberry.type(description="One change to one record (变更事件), in commit order.")
class ChangeEvent:
    cursor: str = strawberry.field(description="Pass as `after` to resume after this event.")
    seq: int = strawberry.field(description="Position in the feed; grows with every commit.")
    kind: str = strawberry.field(description="Record kind: catalog_item or service_item.")
    record_id: strawberry.ID = strawberry.field(description="Global ID of the record.")
    code: str = strawberry.field(description="The record's code (基本编码 or 实施编码).")
    version_number: int | None = strawberry.field(
        description="The version concerned; null for CATALOG_CHANGED."
    )
    action: ChangeAction
    at: datetime
    region: str | None = strawberry.field(description="Region code of the item's agency.")
    agency: str | None = strawberry.field(description="USCC of the item's agency (实施主体).")
    cause: str | None = strawberry.field(
        description="Why, when another record's change caused it: for CATALOG_CHANGED, the "
        'catalog item version, as "catalog_item:<basic code>:<version>".'
    )

    @classmethod
    def of(cls, row: Any) -> "ChangeEvent":
        return cls(
            cursor=encode_cursor(str(row.seq)),
            seq=row.seq,
            kind=row.kind,
            record_id=strawberry.ID(to_global_id(TYPE_NAMES[row.kind], row.record_id)),
            code=row.code,
            version_number=row.version_number,
            action=enums.ChangeAction(row.action),
            at=row.at,
            region=row.region_code,
            agency=row.agency_uscc,
            cause=row.cause,
        )


def event_json(row: Any) -> dict[str, Any]:
    """An event as webhooks deliver it: the fields `changes` shows, as it shows them."""
    event = ChangeEvent.of(row)
    return {
        "cursor": event.cursor,
        "seq": event.seq,
        "kind": event.kind,
        "recordId": event.record_id,
        "code": event.code,
        "versionNumber": event.version_number,
        "action": event.action.name,
        "at": event.at.isoformat(),
        "region": event.region,
        "agency": event.agency,
        "cause": event.cause,
    }


@strawberry.type(description="A page of the change feed, oldest event first.")
class ChangeConnection:
    edges: list[Edge[ChangeEvent]]
    page_info: PageInfo = strawberry.field(
        description="`endCursor` is null on an empty page: keep the cursor you had."
    )

    @strawberry.field(description="The events of `edges`.")
    def nodes(self) -> list[ChangeEvent]:
        return [edge.node for edge in self.edges]


def decode_seq(cursor: str) -> int:
    """An event's `seq` from its cursor; "" is the start of the feed."""
    if cursor == "":
        return 0
    key = decode_cursor(cursor) or ""
    if not key.isdigit():
        raise bad_argument("after", "不是本接口返回的游标")
    return int(key)


async def _resolve(
    info: Info, filter: ChangeFilter | None
) -> tuple[changes.ChangeFilter, changes.Viewer]:
    values = (filter or ChangeFilter()).values()
    async with info.context.database.read() as session:
        try:
            where = await changes.resolve_filter(session, **values)
        except changes.UnknownFilterValue as exc:
            raise bad_argument(exc.argument, exc.message) from None
        viewer = await changes.viewer_of(session, info.context.principal)
    return where, viewer


FEED_RULES = (
    "Anonymous readers see PUBLISHED events, and WITHDRAWN, CATALOG_CHANGED and "
    "RELATED_CHANGED events of records published earlier in the feed; editors and reviewers "
    "also see every event of the service items in their scope; catalog administrators see all."
)


@strawberry.type
class ChangeQueries:
    @strawberry.field(
        description="The change feed (变更订阅源): events after the cursor `after` (from the "
        'start without it, or with ""), oldest first. ' + FEED_RULES
    )
    async def changes(
        self,
        info: Info,
        after: str | None = None,
        first: int | None = None,
        filter: ChangeFilter | None = None,
    ) -> ChangeConnection:
        size = page_size(first, info.context.settings.max_page_size)
        after_seq = decode_seq(after or "")
        where, viewer = await _resolve(info, filter)
        async with info.context.database.read() as session:
            rows, has_next = await changes.changes_after(session, after_seq, size, where, viewer)
        edges = [Edge(cursor=encode_cursor(str(row.seq)), node=ChangeEvent.of(row)) for row in rows]
        return ChangeConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=has_next,
                has_previous_page=after_seq > 0,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )


def _feed(info: Info) -> ChangeFeed:
    feed = info.context.feed
    if feed is None:
        raise PublicError("本服务未启用变更订阅", "SUBSCRIPTIONS_UNAVAILABLE")
    return feed


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Change events as they commit, over graphql-transport-ws. With `after` "
        '(a cursor, or "" for the start), the stored events after it come first, then the '
        "live ones, with no gap and no repeat. " + FEED_RULES
    )
    async def catalog_changed(
        self, info: Info, filter: ChangeFilter | None = None, after: str | None = None
    ) -> AsyncGenerator[ChangeEvent, None]:
        after_seq = None if after is None else decode_seq(after)
        where, viewer = await _resolve(info, filter)
        async for row in _feed(info).follow(after_seq, where, viewer):
            yield ChangeEvent.of(row)

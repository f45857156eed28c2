"""Search, suggestions and the index's status: `search`, `suggest`, `searchStatus`.

Hits are published service items read from the catalog, not from the index: an item the index
still holds but the catalog no longer publishes is left out of the page.
"""

import contextlib
import logging
import uuid
from collections.abc import Iterator, Sequence
from datetime import datetime
from enum import Enum

import strawberry

from catalog_api.catalog.kinds import SERVICE_ITEM
from catalog_api.catalog.queries import items
from catalog_api.catalog.search import CatalogSearch
from catalog_api.schema.cache_policy import uncacheable
from catalog_api.schema.context import Info
from catalog_api.schema.enums import Channel, ExerciseLevel, ItemType, OnlineDepth, ServiceObject
from catalog_api.schema.errors import PublicError, bad_argument
from catalog_api.schema.filters import optional_code, optional_uscc
from catalog_api.schema.pagination import PageInfo, page_size
from catalog_api.schema.service_items import ServiceItem
from models import enums, lists
from search import documents
from search.backend import SearchUnavailable

log = logging.getLogger(__name__)

PublicList = strawberry.enum(lists.PublicList, description="A public list (公开清单).")
FacetField = strawberry.enum(documents.FacetField, description="A field hits are counted by.")

MAX_BUCKETS = 50  # per facet, most hits first: a city has hundreds of agencies

LIST_LABELS = {
    lists.PublicList.POWER: "权责清单",
    lists.PublicList.PUBLIC_SERVICE: "公共服务事项清单",
    lists.PublicList.FEE: "行政事业性收费清单",
    lists.PublicList.INTERMEDIARY: "中介服务事项清单",
    lists.PublicList.ZERO_TRIP: "零跑腿",
    lists.PublicList.ONE_TRIP: "最多跑一次",
}
CODE_LISTS: dict[str, type[enums.CodedEnum]] = {
    documents.FacetField.ITEM_TYPE: enums.ItemType,
    documents.FacetField.LEVEL: enums.ExerciseLevel,
    documents.FacetField.SERVICE_OBJECT: enums.ServiceObject,
    documents.FacetField.ONLINE_DEPTH: enums.OnlineDepth,
    documents.FacetField.CHANNEL: enums.Channel,
}
FIXED_LABELS: dict[str, dict[str, str]] = {
    documents.FacetField.LIST: dict(LIST_LABELS),
    documents.FacetField.TRIPS: {"0": "零跑腿", "1": "跑一次", "2+": "跑两次及以上"},
    documents.FacetField.CHARGING: {"true": "收费", "false": "不收费"},
}


@strawberry.input(description="Which items to search among.")
class SearchFilter:
    region: str | None = strawberry.field(
        default=None, description="Region code; includes every region below it."
    )
    agency: str | None = strawberry.field(default=None, description="Agency USCC.")
    item_types: list[ItemType] | None = None
    levels: list[ExerciseLevel] | None = None
    service_objects: list[ServiceObject] | None = strawberry.field(
        default=None, description="Items serving any of these."
    )
    online_depths: list[OnlineDepth] | None = None
    max_trips: int | None = strawberry.field(
        default=None, description="At most this many trips (0: 零跑腿, 1: 最多跑一次)."
    )
    charging: bool | None = None
    lists: list[PublicList] | None = strawberry.field(
        default=None, description="Items on any of these lists."
    )
    channels: list[Channel] | None = strawberry.field(
        default=None, description="Items offering any of these channels."
    )

    def to_query(self) -> documents.SearchFilter:
        agency = optional_uscc(self.agency, "filter.agency")
        if self.max_trips is not None and self.max_trips < 0:
            raise bad_argument("filter.maxTrips", "不能为负数")
        return documents.SearchFilter(
            region=optional_code(self.region),
            agency=agency,
            item_types=_codes(self.item_types),
            levels=_codes(self.levels),
            service_objects=_codes(self.service_objects),
            online_depths=_codes(self.online_depths),
            max_trips=self.max_trips,
            charging=self.charging,
            lists=_codes(self.lists),
            channels=_codes(self.channels),
        )


def _codes(members: Sequence[Enum] | None) -> tuple[str, ...]:
    return tuple(str(member.value) for member in members or ())


@strawberry.type(description="Where a hit matched: HTML-escaped text, matches in <em>…</em>.")
class Highlight:
    field: str = strawberry.field(description="name, conditions, materials or guide.")
    fragment: str


@strawberry.type
class SearchHit:
    item: ServiceItem
    score: float = strawberry.field(description="Relevance; higher is better.")
    highlights: list[Highlight]


@strawberry.type
class FacetBucket:
    value: str = strawberry.field(description="The code (a region code, a USCC, a type code …).")
    label: str | None = strawberry.field(description="What the code means, in Chinese.")
    count: int = strawberry.field(description="Hits with this value, over every page.")


@strawberry.type
class Facet:
    field: FacetField
    buckets: list[FacetBucket] = strawberry.field(
        description=f"Values with hits, most hits first (at most {MAX_BUCKETS})."
    )


@strawberry.type
class SearchResult:
    total_count: int
    hits: list[SearchHit]
    facets: list[Facet]
    page_info: PageInfo


@strawberry.type(description="A completion for what is being typed.")
class Suggestion:
    text: str
    catalog_code: str | None


@strawberry.type(description="How far the search index is behind the catalog.")
class SearchStatus:
    backend: str
    lag: int = strawberry.field(description="Change events not yet in the index.")
    lag_seconds: float = strawberry.field(
        description="Age of the oldest change event not yet in the index (0 when none)."
    )
    last_indexed_at: datetime | None = strawberry.field(
        description="When the last change the index holds was made."
    )
    indexed_documents: int
    healthy: bool = strawberry.field(description="The last indexing round succeeded.")
    error: str | None = strawberry.field(description="Why the last indexing round failed.")


def _search(info: Info) -> CatalogSearch:
    search = info.context.search
    if search is None:
        raise PublicError("本服务未启用检索", "SEARCH_UNAVAILABLE")
    return search


@contextlib.contextmanager
def _reachable() -> Iterator[None]:
    """An unreachable index is the client's to know about (retry later), not an internal
    error; the catalog itself keeps answering."""
    try:
        yield
    except SearchUnavailable as exc:
        log.warning("search unavailable: %s", exc)
        raise PublicError("检索服务暂不可用，请稍后再试", "SEARCH_UNAVAILABLE") from None


@strawberry.type
class SearchQueries:
    @strawberry.field(
        description="Published service items matching what the public types: Chinese words, "
        "pinyin, initials, everyday names (俗称). With facet counts and highlights."
    )
    async def search(
        self,
        info: Info,
        query: str,
        filter: SearchFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> SearchResult:
        uncacheable(info)  # the index follows the catalog a moment later
        size = page_size(first, info.context.settings.max_page_size)
        where = (filter or SearchFilter()).to_query()
        try:
            with _reachable():
                page = await _search(info).search(query, where, size, after)
        except ValueError:
            raise bad_argument("after", "不是本接口返回的游标") from None
        async with info.context.database.read() as session:
            shown = await items.by_ids(
                session, SERVICE_ITEM, [uuid.UUID(hit.id) for hit in page.hits], info.context.now
            )
        hits = [
            SearchHit(
                item=ServiceItem.of(info, row.record, row.version, info.context.now),
                score=hit.score,
                highlights=[Highlight(field=h.field, fragment=h.fragment) for h in hit.highlights],
            )
            for hit in page.hits
            if (row := shown.get(uuid.UUID(hit.id))) is not None
        ]
        return SearchResult(
            total_count=page.total,
            hits=hits,
            facets=[await _facet(info, facet) for facet in page.facets],
            page_info=PageInfo(
                has_next_page=page.next_cursor is not None,
                has_previous_page=after is not None,
                start_cursor=None,
                end_cursor=page.next_cursor,
            ),
        )

    @strawberry.field(description="Item names completing a prefix, in Chinese or pinyin.")
    async def suggest(self, info: Info, prefix: str, first: int | None = 10) -> list[Suggestion]:
        uncacheable(info)  # the index follows the catalog a moment later
        size = page_size(first, 50)
        with _reachable():
            found = await _search(info).suggest(prefix, size)
        return [Suggestion(text=s.text, catalog_code=s.catalog_code) for s in found]

    @strawberry.field(description="The search index's backend, lag and health.")
    async def search_status(self, info: Info) -> SearchStatus:
        uncacheable(info)  # the index follows the catalog a moment later
        status = await _search(info).status()
        lag_seconds = 0.0
        if status.oldest_pending_at is not None:
            lag_seconds = max((info.context.now - status.oldest_pending_at).total_seconds(), 0.0)
        return SearchStatus(
            backend=status.backend,
            lag=status.lag,
            lag_seconds=lag_seconds,
            last_indexed_at=status.last_indexed_at,
            indexed_documents=status.documents,
            healthy=status.error is None,
            error=status.error,
        )


async def _facet(info: Info, facet: documents.Facet) -> Facet:
    field = documents.FacetField(facet.field)
    return Facet(
        field=field,
        buckets=[
            FacetBucket(value=b.value, label=await _label(info, field, b.value), count=b.count)
            for b in facet.buckets[:MAX_BUCKETS]
        ],
    )


async def _label(info: Info, field: documents.FacetField, value: str) -> str | None:
    if code_list := CODE_LISTS.get(field):
        try:
            return code_list(value).label
        except ValueError:
            return None
    if field in FIXED_LABELS:
        return FIXED_LABELS[field].get(value)
    if field == documents.FacetField.REGION:
        region = await info.context.loaders.region_by_code.load(value)
        return region.name if region else None
    if field == documents.FacetField.AGENCY:
        agency = await info.context.loaders.agency_by_uscc.load(value)
        return agency.name if agency else None
    return None

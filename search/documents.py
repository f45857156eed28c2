"""What the search index holds and answers: plain values, no ORM and no GraphQL.

A `SearchDocument` is one published service item as the public sees it, flattened by the
catalog (`catalog_api.catalog.queries.search_documents`) and analysed here, so that every
backend indexes the same tokens. Filter and facet values are the code-list codes
(`models.enums`), kept as strings.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from models.lists import PublicList as PublicList  # re-exported for filters and facets


class FacetField(StrEnum):
    """Fields the search counts hits by."""

    ITEM_TYPE = "item_type"
    AGENCY = "agency"
    REGION = "region"
    LEVEL = "level"
    SERVICE_OBJECT = "service_object"
    ONLINE_DEPTH = "online_depth"
    TRIPS = "trips"
    CHARGING = "charging"
    LIST = "list"
    CHANNEL = "channel"


@dataclass(frozen=True)
class SearchDocument:
    id: str  # the service item's record id
    code: str  # 实施编码
    catalog_code: str  # 基本编码 of the catalog item it implements
    name: str
    aliases: tuple[str, ...] = ()  # colloquial names, themes and the catalog item's other names
    conditions: str = ""  # 受理条件
    materials: tuple[str, ...] = ()  # material names
    guide: str = ""  # the rest of the guide: process, result, FAQs, notes, agency name
    region_codes: tuple[str, ...] = ()  # the agency's region first, then its ancestors
    agency_uscc: str = ""
    item_type: str = ""  # ItemType code
    level: str = ""  # ExerciseLevel code
    service_objects: tuple[str, ...] = ()  # ServiceObject codes
    online_depth: str = ""  # OnlineDepth code
    onsite_visits: int = 0
    charging: bool = False
    lists: tuple[str, ...] = ()  # PublicList values
    channels: tuple[str, ...] = ()  # Channel codes


@dataclass(frozen=True)
class SearchFilter:
    """Every field narrows the hits; a sequence means "any of these"."""

    region: str | None = None  # a region code: the region and its sub-regions
    agency: str | None = None  # USCC
    item_types: Sequence[str] = ()
    levels: Sequence[str] = ()
    service_objects: Sequence[str] = ()
    online_depths: Sequence[str] = ()
    max_trips: int | None = None
    charging: bool | None = None
    lists: Sequence[str] = ()
    channels: Sequence[str] = ()


@dataclass(frozen=True)
class Highlight:
    field: str  # "name" or the field the snippet comes from
    fragment: str  # HTML-escaped text with matches in <em>…</em>


@dataclass(frozen=True)
class Hit:
    id: str
    code: str
    score: float
    highlights: tuple[Highlight, ...] = ()


@dataclass(frozen=True)
class FacetBucket:
    value: str
    count: int


@dataclass(frozen=True)
class Facet:
    field: str
    buckets: tuple[FacetBucket, ...]


@dataclass(frozen=True)
class SearchPage:
    total: int
    hits: tuple[Hit, ...]
    facets: tuple[Facet, ...]
    next_cursor: str | None  # opaque; None on the last page


@dataclass(frozen=True)
class Suggestion:
    text: str  # an item name (or the official name a colloquial prefix leads to)
    catalog_code: str | None = None


@dataclass(frozen=True)
class IndexFailure:
    id: str
    reason: str


@dataclass
class IndexState:
    """Where the index stands in the change events."""

    offset: int = 0  # the last change event seq applied
    documents: int = 0
    generation: str = ""
    extra: dict[str, str] = field(default_factory=dict)

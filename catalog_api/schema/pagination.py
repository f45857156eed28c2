"""Cursor connections with keyset pagination: the cursor is an opaque, encoded sort key."""

import base64
import binascii
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

import strawberry

from catalog_api.schema.errors import bad_argument

T = TypeVar("T")
DEFAULT_PAGE_SIZE = 20


def encode_cursor(key: str) -> str:
    return base64.urlsafe_b64encode(f"k:{key}".encode()).decode()


def decode_cursor(cursor: str | None) -> str | None:
    if cursor is None:
        return None
    try:
        decoded = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        decoded = ""
    if not decoded.startswith("k:"):
        raise bad_argument("after", "不是本接口返回的游标")
    return decoded[2:]


def page_size(first: int | None, maximum: int) -> int:
    size = DEFAULT_PAGE_SIZE if first is None else first
    if size < 0 or size > maximum:
        raise bad_argument("first", f"应在 0 到 {maximum} 之间，实为 {size}")
    return size


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    count: strawberry.Private[Callable[[], Awaitable[int]] | None] = None

    @strawberry.field(description="All matching records; counted only when asked for.")
    async def total_count(self) -> int:
        if self.count is None:
            return len(self.edges)
        return await self.count()

    @strawberry.field(description="The nodes of `edges`, for clients that need no cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


def connection(
    nodes: Sequence[T],
    keys: Sequence[str],
    *,
    has_next: bool,
    has_previous: bool,
    count: Callable[[], Awaitable[int]] | None = None,
) -> Connection[T]:
    edges = [
        Edge(cursor=encode_cursor(key), node=node) for node, key in zip(nodes, keys, strict=True)
    ]
    info = PageInfo(
        has_next_page=has_next,
        has_previous_page=has_previous,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    return Connection(edges=edges, page_info=info, count=count)

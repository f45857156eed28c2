"""HTTP caching of public GraphQL reads: ETags and 304s, Cache-Control, and a response cache.

Public means anonymous: a signed-in request may see drafts, so it is never served from the
store, never stored, and answered `private, no-store`. So is everything else that is not a
successful read: mutations and fields that read more than the catalog mark themselves through
the schema (`catalog_api.schema.cache_policy` sets Cache-Control on the sub-response), and a
response with errors or a status other than 200 is never shared.

A request is keyed by its raw bytes: method, `Accept`, `Content-Type` and the body (POST) or
query string (GET). Equal bytes ask for the same thing, so a hit needs no parsing at all.
"""

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import Response

from catalog_api.db import Database
from catalog_api.http_cache.generation import CatalogGeneration
from catalog_api.http_cache.store import ENTRY_OVERHEAD_BYTES, CachedResponse, ResponseStore
from catalog_api.http_cache.validators import (
    PRIVATE,
    VARY,
    etag_of,
    is_graphql_media_type,
    none_match,
    public_cache_control,
)
from catalog_api.settings import Settings
from models.base import utc_now

Execute = Callable[[], Awaitable[Response]]
RequestKey = tuple[str, bytes, bytes, bytes]  # method, Accept, Content-Type, body or query string
# Set by the cache itself; everything else the response carried is kept with the entry.
_OWN_HEADERS = frozenset({"content-length", "etag", "cache-control", "vary"})


@dataclass(frozen=True)
class _Flight:
    generation: int
    entry: "asyncio.Future[CachedResponse | None]"


@dataclass
class CacheStats:
    hits: int = 0  # served without executing: from the store, or shared with a running twin
    shared: int = 0  # of the hits: answered by an equal request that was running
    misses: int = 0
    stored: int = 0
    not_modified: int = 0


class HttpCache:
    def __init__(
        self,
        database: Database,
        settings: Settings,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.max_age = settings.cache_max_age_seconds
        self.generation = CatalogGeneration(
            database, settings.cache_poll_interval_seconds, clock=clock, wall_clock=wall_clock
        )
        self.store = (
            ResponseStore(settings.response_cache_entries, settings.response_cache_max_bytes)
            if settings.response_cache_entries > 0
            else None
        )
        self.stats = CacheStats()
        self._flights: dict[RequestKey, _Flight] = {}

    async def respond(
        self, request: Request, principal: object | None, execute: Execute
    ) -> Response:
        """The response to a GraphQL request over HTTP; `execute` runs it when it must run."""
        if principal is not None:
            return _private(await execute())
        key = await _request_key(request)
        generation = await self.generation.current()
        if self.store is None or key is None:
            response, _ = self._finish(request, await execute(), None, generation)
            return response
        entry = self.store.get(key, generation)
        flight = self._flights.get(key)
        if entry is None and flight is not None and flight.generation == generation:
            # The same request is running for this generation: its answer is as good as a hit.
            entry = await asyncio.shield(flight.entry)
            self.stats.shared += entry is not None
        if entry is not None:
            self.stats.hits += 1
            return self._public(request, entry.body, entry.headers, entry.etag)
        self.stats.misses += 1
        return await self._lead(request, key, generation, execute)

    async def _lead(
        self, request: Request, key: RequestKey, generation: int, execute: Execute
    ) -> Response:
        """Execute a missed request, sharing its answer with equal requests that arrive
        meanwhile (after a publish, a hot query would otherwise run once per waiting client)."""
        flight = _Flight(generation, asyncio.get_running_loop().create_future())
        self._flights[key] = flight
        entry = None
        try:
            response, entry = self._finish(request, await execute(), key, generation)
        finally:
            if self._flights.get(key) is flight:
                del self._flights[key]
            flight.entry.set_result(entry)  # None: not shareable, followers execute themselves
        return response

    def _finish(
        self, request: Request, response: Response, key: RequestKey | None, generation: int
    ) -> tuple[Response, CachedResponse | None]:
        """The executed response with its cache headers, and what may be shared of it."""
        if not is_graphql_media_type(response.headers.get("content-type")):
            return response, None  # GraphiQL's page, a stream: not ours to cache
        if not _shareable(response):
            return _private(response), None
        body, headers = bytes(response.body), _kept_headers(response)
        etag = etag_of(headers.get("content-type", ""), body)
        entry = None
        if self.store is not None and key is not None:
            size = len(body) + len(key[-1]) + ENTRY_OVERHEAD_BYTES
            entry = CachedResponse(body, headers, etag, generation, size)
            self.store.put(key, entry)
            self.stats.stored += 1
        return self._public(request, body, headers, etag, response.background), entry

    def max_age_now(self) -> int:
        """The configured maximum, cut short by the next scheduled change."""
        remaining = self.generation.seconds_until_next_change()
        return self.max_age if remaining is None else min(self.max_age, int(remaining))

    def _public(
        self,
        request: Request,
        body: bytes,
        headers: Mapping[str, str],
        etag: str,
        background: BackgroundTask | None = None,
    ) -> Response:
        validators = {
            "etag": etag,
            "cache-control": public_cache_control(self.max_age_now()),
            "vary": VARY,
        }
        if none_match(request.headers.get("if-none-match"), etag):
            self.stats.not_modified += 1
            return Response(status_code=304, headers=validators, background=background)
        return Response(body, headers={**headers, **validators}, background=background)


async def _request_key(request: Request) -> RequestKey | None:
    method = request.method
    if method == "GET":
        payload: bytes = request.scope.get("query_string", b"")
    elif method == "POST":
        payload = await request.body()  # kept by Starlette: strawberry reads it again
    else:
        return None
    # One pass over the raw headers (a hit costs little else); repeated ones are all kept, in
    # order, so two requests share a key only if the service would read them alike.
    accept, content_type = [], []
    for name, value in request.scope["headers"]:
        if name == b"accept":
            accept.append(value)
        elif name == b"content-type":
            content_type.append(value)
    return (method, b"\n".join(accept), b"\n".join(content_type), payload)


def _shareable(response: Response) -> bool:
    """A successful read nobody marked private: status 200, data and no errors."""
    if response.status_code != 200 or "cache-control" in response.headers:
        return False
    if "set-cookie" in response.headers or not isinstance(response.body, bytes | memoryview):
        return False
    try:
        document = json.loads(response.body)
    except ValueError:
        return False
    return (
        isinstance(document, dict)
        and document.get("data") is not None
        and ("errors" not in document)
    )


def _kept_headers(response: Response) -> dict[str, str]:
    return {name: value for name, value in response.headers.items() if name not in _OWN_HEADERS}


def _private(response: Response) -> Response:
    if "etag" in response.headers:
        del response.headers["etag"]
    response.headers["cache-control"] = PRIVATE
    response.headers["vary"] = VARY
    return response

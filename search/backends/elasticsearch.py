"""The Elasticsearch backend (`YICHUANG_SEARCH_URL=http(s)://…`), on the official async client.

It indexes the application's analysed tokens (`search.backends.elasticsearch_mapping`: names,
template, sources) and asks plain request bodies (`search.backends.elasticsearch_query`), so
results match the embedded backend. This is the only module that imports `elasticsearch`.

Generations and the offset. Each generation is an index `<prefix>-items-<generation>`; the read
alias `<prefix>-search` and the write alias `<prefix>-search-write` point at the current one.
The meta index `<prefix>-meta` holds the doc `current`: the current generation, the change-event
offset it has applied, and a write lease. Every change of `current` is a compare-and-set on its
`_seq_no`/`_primary_term`, and GETs by id are realtime, so no refresh is needed there.

- `apply` takes the lease (a CAS that also checks the expected offset: `StaleOffset` before
  anything is written), bulk-writes through the write alias (with `refresh`, so the change is
  searchable at once), then moves the offset and drops the lease in one CAS. A writer that
  finds a live lease held by another waits for it; an expired one (its holder died) is taken
  over after the aliases are checked.
- A rebuild fills a new index (refresh off) through its own build alias, then `switch` takes
  the lease, points `current` at the new generation with the rebuild's offset, moves both
  aliases in one `_aliases` call, drops the lease and deletes the old index. Searches go through
  the read alias, so they answer throughout; a writer holding the lease delays the switch, so
  no write lands in an index after the switch.

Failures. Requests that fail on a connection error, a timeout, 429 or 5xx are retried with
exponential backoff a few times, then raise `SearchUnavailable` with a message that says where
and what (the indexer reports it as its error; the catalog keeps accepting writes, and the
indexer catches up from the stored offset when the cluster is back). Bulk requests go in
bounded batches (`search.backends.elasticsearch_bulk`); items refused with 429/5xx are resent,
items refused otherwise (a mapping error) become `IndexFailure`s and the rest is written.
"""

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit, urlunsplit

from elasticsearch import (
    ApiError,
    AsyncElasticsearch,
    ConflictError,
    ConnectionError,
    ConnectionTimeout,
    NotFoundError,
    SSLError,
)

from search.analysis import AnalysedQuery, Analyzer
from search.backend import SearchUnavailable, StaleOffset
from search.backends.batch import prepare_batch
from search.backends.elasticsearch_bulk import (
    CURRENT,
    Current,
    Op,
    batches,
    delete_op,
    first_current,
    index_op,
    new_lease,
    sort_items,
)
from search.backends.elasticsearch_mapping import (
    MAX_ID_BYTES,
    SCHEMA_VERSION,
    Names,
    Prepared,
    document_from_source,
    generation_id,
    meta_body,
    prepare,
    template_body,
)
from search.backends.elasticsearch_query import (
    empty_facets,
    facets,
    search_body,
    suggest_body,
    suggestions,
    text_clauses,
)
from search.backends.embedded_sql import clean, decode_cursor, encode_cursor, prefix_ranges
from search.documents import (
    Hit,
    IndexFailure,
    IndexState,
    SearchDocument,
    SearchFilter,
    SearchPage,
    Suggestion,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

ATTEMPTS = 4  # of a write (bulk, settings, aliases) before it gives up
SEARCH_ATTEMPTS = 2
BACKOFF = 0.2  # seconds before the first retry; doubled each time
LEASE_SECONDS = 60.0
MAX_SUGGESTION_BUCKETS = 10_000


class ElasticsearchBackend:
    """`SearchBackend` on an Elasticsearch 8 cluster (see the module docstring)."""

    name = "elasticsearch"

    def __init__(
        self,
        url: str,
        analyzer: Analyzer,
        *,
        index_prefix: str = "yichuang",
        username: str | None = None,
        password: str | None = None,
        api_key: str | None = None,
        verify_certs: bool = True,
        ca_certs: str | None = None,
        shards: int = 1,
        replicas: int = 0,
        request_timeout: float = 10.0,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"search URL must be http(s)://host[:port], not {_safe_url(url)!r}")
        if parts.username and username is None:  # http://user:password@host
            username, password = unquote(parts.username), unquote(parts.password or "")
        if shards < 1 or replicas < 0:
            raise ValueError(
                f"shards must be at least 1 and replicas at least 0: {shards}, {replicas}"
            )
        self.url = _safe_url(url)
        self.analyzer = analyzer
        self.names = Names(index_prefix)
        self.shards = shards
        self.replicas = replicas
        self._options: dict[str, Any] = {
            "request_timeout": request_timeout,
            "max_retries": 0,  # retried here, with backoff
            "retry_on_timeout": False,
        }
        if username is not None:
            self._options["basic_auth"] = (username, password or "")
        if api_key:
            self._options["api_key"] = api_key
        if parts.scheme == "https":
            self._options["verify_certs"] = verify_certs
            if ca_certs:
                self._options["ca_certs"] = ca_certs
        self._bulk_timeout = max(request_timeout * 6, 60.0)
        self._client: AsyncElasticsearch | None = None
        self._holder = f"{self.names.prefix}:{secrets.token_hex(6)}"  # this instance's leases
        self._write_lock = asyncio.Lock()

    # --- lifecycle -----------------------------------------------------------------------------

    @property
    def client(self) -> AsyncElasticsearch:
        if self._client is None:
            raise RuntimeError("the search backend is not open")
        return self._client

    async def open(self) -> None:
        if self._client is not None:
            return
        client = AsyncElasticsearch(urlunsplit(_without_userinfo(self.url)), **self._options)
        self._client = client
        try:
            await self._call(
                "put the index template",
                lambda: client.indices.put_index_template(
                    name=self.names.template, **_template_args(self)
                ),
                attempts=1,
            )
            await self._ensure_meta()
            await self._ensure_current()
        except BaseException:
            self._client = None
            await client.close()
            raise

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.close()

    async def drop(self) -> None:
        """Delete every index, alias and template of this prefix (tests and decommissioning)."""
        client = self.client
        indices = await self._generation_indices()
        for index in [*indices, self.names.meta]:
            await self._call(
                f"delete {index}",
                lambda index=index: client.indices.delete(index=index, ignore_unavailable=True),
            )
        with contextlib.suppress(NotFoundError):
            await client.indices.delete_index_template(name=self.names.template)

    # --- state ---------------------------------------------------------------------------------

    async def state(self) -> IndexState:
        current = await self._current()
        index = self.names.items(current.generation)
        counted = await self._call(
            "count the documents", lambda: self.client.count(index=index), attempts=SEARCH_ATTEMPTS
        )
        return IndexState(
            offset=current.offset,
            documents=int(counted["count"]),
            generation=current.generation,
            extra={"url": self.url, "index": index, "alias": self.names.read_alias},
        )

    async def health(self) -> dict[str, Any]:
        """The cluster's health (status, nodes, shards); raises `SearchUnavailable` when down."""
        answer = await self._call(
            "read the cluster health", lambda: self.client.cluster.health(), attempts=1
        )
        return dict(answer)

    # --- writing -------------------------------------------------------------------------------

    async def apply(
        self,
        upserts: Sequence[SearchDocument],
        deletes: Sequence[str],
        *,
        expected_offset: int,
        new_offset: int,
    ) -> list[IndexFailure]:
        """Upsert and delete by id through the write alias and move the offset from
        `expected_offset` to `new_offset`. An id in both lists ends deleted."""
        prepared, failures = await self._prepare(upserts)
        deleted = list(dict.fromkeys(clean(i) for i in deletes if isinstance(i, str) and i))
        deleted = [i for i in deleted if len(i.encode("utf-8")) <= MAX_ID_BYTES]  # others: absent
        gone = set(deleted)
        ops = [index_op(item) for item in prepared if item.id not in gone]
        ops += [delete_op(doc_id) for doc_id in deleted]
        async with self._write_lock:
            if not ops:
                await self._advance(expected_offset, new_offset)
                return failures
            current = await self._take_lease(expected_offset)
            try:
                failures += await self._bulk(self.names.write_alias, ops, refresh=True)
            except BaseException:
                await self._drop_lease_quietly(current)
                raise
            await self._write_current(current, offset=new_offset, lease=None)
        return failures

    async def _prepare(
        self, documents: Sequence[SearchDocument]
    ) -> tuple[list[Prepared], list[IndexFailure]]:
        return await prepare_batch(documents, lambda document: prepare(self.analyzer, document))

    async def _bulk(self, target: str, ops: list[Op], *, refresh: bool) -> list[IndexFailure]:
        failures: list[IndexFailure] = []
        for batch in batches(ops):
            failures += await self._send(target, batch, refresh=refresh)
        return failures

    async def _send(self, target: str, ops: list[Op], *, refresh: bool) -> list[IndexFailure]:
        """One bulk batch: resend what was refused for load, report what was refused for good."""
        client = self.client.options(request_timeout=self._bulk_timeout)
        failures: list[IndexFailure] = []
        pending = ops
        delay = BACKOFF
        for attempt in range(ATTEMPTS):
            body = b"".join(op.data for op in pending)
            answer = await self._call(
                f"bulk-write {len(pending)} documents to {target}",
                lambda body=body: client.bulk(
                    index=target, operations=body, refresh=refresh, require_alias=True
                ),
            )
            again, refused = sort_items(target, pending, answer)
            failures += refused
            if not again:
                return failures
            pending = again
            if attempt + 1 < ATTEMPTS:
                log.warning("search: %d bulk items refused for load, resending", len(again))
                await asyncio.sleep(delay)
                delay *= 2
        raise SearchUnavailable(
            f"Elasticsearch at {self.url} kept refusing {len(pending)} documents for {target} "
            f"after {ATTEMPTS} attempts (429/5xx)"
        )

    # --- the current generation, its offset and the lease --------------------------------------

    async def _current_or_none(self) -> Current | None:
        client = self.client
        try:
            answer = await self._call(
                "read the index state",
                lambda: client.get(index=self.names.meta, id=CURRENT),
                attempts=SEARCH_ATTEMPTS,
            )
        except NotFoundError:
            return None
        return Current.from_answer(answer)

    async def _current(self) -> Current:
        current = await self._current_or_none()
        if current is None:
            raise RuntimeError(
                f"{self.names.meta} has no current generation: open the backend to create one"
            )
        return current

    async def _write_current(
        self,
        current: Current,
        *,
        generation: str | None = None,
        offset: int | None = None,
        lease: dict[str, Any] | None,
    ) -> Current:
        """Compare-and-set `current` (raises `ConflictError` if it changed since read)."""
        source = current.changed(generation=generation, offset=offset, lease=lease)
        client = self.client
        answer = await self._call(
            "update the index state",
            lambda: client.index(
                index=self.names.meta,
                id=CURRENT,
                document=source,
                if_seq_no=current.seq_no,
                if_primary_term=current.primary_term,
            ),
            attempts=1,  # not resent: a lost answer is settled by the next read
        )
        return Current(
            generation=source["generation"],
            offset=source["offset"],
            schema=source["schema"],
            lease=lease,
            seq_no=int(answer["_seq_no"]),
            primary_term=int(answer["_primary_term"]),
        )

    async def _claim(self, expected_offset: int | None) -> Current:
        """The current doc once no other writer holds a live lease; `StaleOffset` when the
        offset is not the expected one."""
        deadline = time.monotonic() + LEASE_SECONDS + 5
        delay = 0.02
        while True:
            current = await self._current()
            if expected_offset is not None and current.offset != expected_offset:
                raise StaleOffset(
                    f"search index {current.generation} is at offset {current.offset}, "
                    f"not {expected_offset}"
                )
            if not current.leased_by_other(self._holder):
                if current.lease:  # left by a writer that died (or by us, failing)
                    log.warning("search: taking over the write lease %s", current.lease)
                    await self._point_aliases(current.generation)
                return current
            if time.monotonic() > deadline:
                raise SearchUnavailable(f"{self.names.meta} stays locked by {current.lease}")
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.5)

    async def _take_lease(self, expected_offset: int | None) -> Current:
        while True:
            current = await self._claim(expected_offset)
            held = new_lease(self._holder, LEASE_SECONDS)
            try:
                return await self._write_current(current, lease=held)
            except ConflictError:
                continue

    async def _advance(self, expected_offset: int, new_offset: int) -> None:
        while True:
            current = await self._claim(expected_offset)
            try:
                await self._write_current(current, offset=new_offset, lease=None)
                return
            except ConflictError:
                continue

    async def _drop_lease_quietly(self, current: Current) -> None:
        try:
            await self._write_current(current, lease=None)
        except Exception as exc:  # it expires, and this instance may retake it at once
            log.warning("search: could not release the write lease: %s", _reason(exc))

    # --- indices and aliases -------------------------------------------------------------------

    async def _ensure_meta(self) -> None:
        client = self.client
        try:
            await self._call(
                "create the meta index",
                lambda: client.indices.create(index=self.names.meta, **meta_body(self.replicas)),
                attempts=1,
            )
        except ApiError as exc:
            if _error_type(exc) != "resource_already_exists_exception":
                raise

    async def _ensure_current(self) -> None:
        """A current generation whose index exists and carries both aliases."""
        current = await self._current_or_none()
        if current is None:
            await self._create_first()
            return
        index = self.names.items(current.generation)
        exists = await self._call(
            "check the index", lambda: self.client.indices.exists(index=index)
        )
        if current.schema != SCHEMA_VERSION or not exists:
            log.warning(
                "search index %s (format %s, this version writes %s) is %s: starting an empty "
                "index (the indexer rebuilds it)",
                index,
                current.schema,
                SCHEMA_VERSION,
                "of another format" if exists else "missing",
            )
            rebuild = await self.begin_rebuild(0)
            await rebuild.switch()
            return
        if self.names.read_alias not in (await self._aliases()).get(index, set()):
            await self._point_aliases(current.generation)

    async def _create_first(self) -> None:
        generation = generation_id()
        client = self.client
        source = first_current(generation)
        try:
            await self._call(
                "create the index state",
                lambda: client.index(
                    index=self.names.meta, id=CURRENT, document=source, op_type="create"
                ),
                attempts=1,
            )
        except ConflictError:
            return  # another process created it first
        await self._create_index(generation, building=False)
        await self._point_aliases(generation)

    async def _create_index(self, generation: str, *, building: bool) -> None:
        index = self.names.items(generation)
        settings = {"refresh_interval": "-1"} if building else {}
        aliases = {self.names.build_alias(generation): {}} if building else {}
        client = self.client
        await self._call(
            f"create {index}",
            lambda: client.indices.create(index=index, settings=settings, aliases=aliases),
            attempts=1,
        )

    async def _aliases(self) -> dict[str, set[str]]:
        """The aliases of every generation index of this prefix."""
        client = self.client
        answer = await self._call(
            "read the aliases",
            lambda: client.indices.get_alias(index=self.names.pattern, allow_no_indices=True),
        )
        return {index: set(body.get("aliases", {})) for index, body in dict(answer).items()}

    async def _generation_indices(self) -> list[str]:
        return sorted(await self._aliases())

    async def _point_aliases(self, generation: str) -> None:
        """Both aliases on this generation's index only, in one atomic `_aliases` call."""
        target = self.names.items(generation)
        moving = {self.names.read_alias, self.names.write_alias}
        actions: list[dict[str, Any]] = []
        for index, aliases in (await self._aliases()).items():
            removed = aliases & moving if index != target else set()
            if index == target and self.names.build_alias(generation) in aliases:
                removed.add(self.names.build_alias(generation))
            actions += [{"remove": {"index": index, "alias": alias}} for alias in sorted(removed)]
        actions += [{"add": {"index": target, "alias": alias}} for alias in sorted(moving)]
        client = self.client
        await self._call("move the aliases", lambda: client.indices.update_aliases(actions=actions))

    # --- reading -------------------------------------------------------------------------------

    async def search(
        self, query: AnalysedQuery, where: SearchFilter, first: int, after: str | None
    ) -> SearchPage:
        if first < 0:
            raise ValueError("first must not be negative")
        start = None if after is None else decode_cursor(after)
        clauses = text_clauses(query)
        if not clauses:
            return SearchPage(total=0, hits=(), facets=empty_facets(), next_cursor=None)
        body = search_body(clauses, where, first + 1, start)
        client = self.client
        answer = await self._call(
            "search",
            lambda: client.search(index=self.names.read_alias, **body),
            attempts=SEARCH_ATTEMPTS,
        )
        found = answer["hits"]["hits"]
        page = found[:first]
        hits = []
        for hit in page:
            score, code, doc_id = hit["sort"]
            document = document_from_source(hit["_source"]["doc"])
            highlights = self.analyzer.highlights(document, query)
            hits.append(Hit(id=doc_id, code=code, score=float(score), highlights=highlights))
        more = len(found) > first and first > 0
        return SearchPage(
            total=int(answer["hits"]["total"]["value"]),
            hits=tuple(hits),
            facets=facets(answer.get("aggregations")),
            next_cursor=encode_cursor(*page[-1]["sort"]) if more else None,
        )

    async def suggest(self, prefix: AnalysedQuery, first: int) -> list[Suggestion]:
        prefixes = [start for start, _ in prefix_ranges(prefix.prefixes)]
        if not prefixes or first <= 0:
            return []
        client = self.client
        size = first * 2 + 8  # a name under several catalog codes takes several buckets
        while True:
            body = suggest_body(prefixes, size)
            answer = await self._call(
                "suggest",
                lambda body=body: client.search(index=self.names.read_alias, **body),
                attempts=SEARCH_ATTEMPTS,
            )
            buckets = answer["aggregations"]["names"]["buckets"]
            found = suggestions(buckets, first)
            if len(found) >= first or len(buckets) < size or size >= MAX_SUGGESTION_BUCKETS:
                return found
            size = min(size * 4, MAX_SUGGESTION_BUCKETS)

    # --- rebuilds ------------------------------------------------------------------------------

    async def begin_rebuild(self, offset: int) -> "ElasticsearchRebuild":
        generation = generation_id()
        await self._create_index(generation, building=True)
        client = self.client
        await self._call(
            "record the rebuild",
            lambda: client.index(
                index=self.names.meta,
                id=f"generation-{generation}",
                document={"offset": offset, "state": "building", "started_at": time.time()},
            ),
        )
        return ElasticsearchRebuild(self, generation, offset)

    # --- requests ------------------------------------------------------------------------------

    async def _call(
        self, what: str, request: Callable[[], Awaitable[T]], *, attempts: int = ATTEMPTS
    ) -> T:
        """Send a request, resending it on connection errors, timeouts, 429 and 5xx."""
        delay = BACKOFF
        for attempt in range(attempts):
            try:
                return await request()
            except SSLError as exc:
                raise SearchUnavailable(
                    f"Elasticsearch at {self.url}: TLS failed ({what}): {exc}"
                ) from exc
            except (ConnectionError, ConnectionTimeout) as exc:
                failure: Exception = exc
            except ApiError as exc:
                if exc.status_code in (401, 403):
                    raise SearchUnavailable(
                        f"Elasticsearch at {self.url} refused the credentials ({what}): "
                        f"{exc.status_code} {_error_type(exc)}"
                    ) from exc
                if exc.status_code != 429 and exc.status_code < 500:
                    raise
                failure = exc
            if attempt + 1 < attempts:
                await asyncio.sleep(delay)
                delay *= 2
        raise SearchUnavailable(
            f"Elasticsearch at {self.url} is unavailable ({what}; "
            f"{attempts} attempt{'s' if attempts > 1 else ''}): {_reason(failure)}"
        ) from failure


class ElasticsearchRebuild:
    """A new generation filled beside the serving one (`SearchBackend.begin_rebuild`). Also an
    async context manager that abandons the rebuild unless it was switched."""

    def __init__(self, backend: ElasticsearchBackend, generation: str, offset: int) -> None:
        self._backend = backend
        self.generation = generation
        self.offset = offset
        self._done = False

    async def __aenter__(self) -> "ElasticsearchRebuild":
        return self

    async def __aexit__(self, exc_type: object, exc: object, tb: object) -> None:
        if not self._done:
            await self.abandon()

    @property
    def index(self) -> str:
        return self._backend.names.items(self.generation)

    async def add(self, documents: Sequence[SearchDocument]) -> list[IndexFailure]:
        self._check_open()
        backend = self._backend
        prepared, failures = await backend._prepare(documents)
        target = backend.names.build_alias(self.generation)
        ops = [index_op(item) for item in prepared]
        return failures + await backend._bulk(target, ops, refresh=False)

    async def switch(self) -> None:
        """Make this generation current with the offset it was begun at, then delete the one
        it replaces."""
        self._check_open()
        backend, client, names = self._backend, self._backend.client, self._backend.names
        started = time.monotonic()
        meta_id = f"generation-{self.generation}"
        try:
            await backend._call(
                "read the rebuild", lambda: client.get(index=names.meta, id=meta_id)
            )
        except NotFoundError:
            raise RuntimeError(f"rebuild {self.generation} was abandoned elsewhere") from None
        await backend._call(
            "open the new index for searching",
            lambda: client.indices.put_settings(
                index=self.index, settings={"index": {"refresh_interval": None}}
            ),
        )
        await backend._call(
            "refresh the new index", lambda: client.indices.refresh(index=self.index)
        )
        async with backend._write_lock:
            current = await backend._take_lease(None)
            lease = current.lease
            try:
                switched = await backend._write_current(
                    current, generation=self.generation, offset=self.offset, lease=lease
                )
                self._done = True  # from here on this generation is the current one
                await backend._point_aliases(self.generation)
            except BaseException:
                if not self._done:
                    await backend._drop_lease_quietly(current)
                raise
            await backend._write_current(switched, lease=None)
        log.info(
            "search index generation %s switched in at offset %d (%.1fs)",
            self.generation,
            self.offset,
            time.monotonic() - started,
        )
        if current.generation != self.generation:
            old = names.items(current.generation)
            await backend._call(
                f"delete {old}", lambda: client.indices.delete(index=old, ignore_unavailable=True)
            )
        await _delete_quietly(client, names.meta, meta_id)

    async def abandon(self) -> None:
        if self._done:
            return
        self._done = True
        client, names = self._backend.client, self._backend.names
        current = await self._backend._current_or_none()
        if current is not None and current.generation == self.generation:
            return  # switched in after all: it serves now
        await self._backend._call(
            f"delete {self.index}",
            lambda: client.indices.delete(index=self.index, ignore_unavailable=True),
        )
        await _delete_quietly(client, names.meta, f"generation-{self.generation}")

    def _check_open(self) -> None:
        if self._done:
            raise RuntimeError(f"rebuild {self.generation} was already switched or abandoned")


# --- helpers ----------------------------------------------------------------------------------


async def _delete_quietly(client: AsyncElasticsearch, index: str, doc_id: str) -> None:
    with contextlib.suppress(NotFoundError, ConnectionError, ConnectionTimeout):
        await client.delete(index=index, id=doc_id)


def _template_args(backend: ElasticsearchBackend) -> dict[str, Any]:
    body = template_body(backend.names, backend.shards, backend.replicas)
    return {
        "index_patterns": body["index_patterns"],
        "priority": body["priority"],
        "template": body["template"],
        "meta": body["_meta"],
    }


def _error_type(exc: ApiError) -> str:
    body = exc.body if isinstance(exc.body, dict) else {}
    error = body.get("error")
    return str(error.get("type")) if isinstance(error, dict) else str(exc.message)


def _reason(exc: BaseException) -> str:
    text = exc.message if isinstance(exc, (ConnectionError, ConnectionTimeout)) else exc
    return f"{type(exc).__name__}: {text}"[:500]


def _without_userinfo(url: str) -> tuple[str, str, str, str, str]:
    parts = urlsplit(url)
    netloc = parts.hostname or ""
    if ":" in netloc:
        netloc = f"[{netloc}]"
    if parts.port:
        netloc += f":{parts.port}"
    return (parts.scheme, netloc, parts.path, parts.query, parts.fragment)


def _safe_url(url: str) -> str:
    """The URL without credentials, for messages."""
    try:
        return urlunsplit(_without_userinfo(url))
    except ValueError:
        return "<invalid URL>"

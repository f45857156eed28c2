"""The embedded search backend: SQLite FTS5 in its own database file.

One file holds every index generation (table layout: `search.backends.embedded_sql`). The file is
in WAL mode, so the `reindex` CLI in another process can fill a new generation and switch it in
while the server reads and its indexer writes; readers look up the current generation inside
each call's read transaction, so a switch made elsewhere is seen by the next call, and a call
that started before it finishes on the snapshot it began with.

Connections: one writer (every write transaction goes through it under an asyncio lock, as
`BEGIN IMMEDIATE`, so the offset compare-and-set holds across processes too) and a small pool
of readers, each with a `temp.hits` table for the matching documents of one search. aiosqlite
runs every statement on the connection's own thread.

A search looks up the document frequencies of its tokens (fts5vocab), fills `temp.hits` once
(the FTS5 matches of every token field, weighted bm25 summed per document, joined with the
filters), reads the page from it by keyset, and counts facets by bitmap
(`search.backends.embedded_bits`). Tokens in at least half of a field's documents are matched
there without bm25: FTS5 gives them an IDF of 1e-6 anyway, and scoring them would cost most of a
common-word query's time. Empty queries (nothing left after analysis) return an empty page: this
backend answers text searches; browsing by filters alone is the catalog's list queries' job.

A file written by another version of this layout is reset to an empty index at offset 0 (the
index is never the source of truth; the indexer then rebuilds it).
"""

import asyncio
import dataclasses
import json
import logging
import time
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite

from search.analysis import TOKEN_FIELDS, AnalysedQuery, Analyzer
from search.backend import StaleOffset
from search.backends import embedded_bits as bits
from search.backends.batch import prepare_batch
from search.backends.embedded_sql import (
    HITS,
    META,
    PAGE,
    PAGE_AFTER,
    SCHEMA_VERSION,
    TAG_FIELDS,
    Match,
    Tables,
    clean,
    decode_cursor,
    encode_cursor,
    new_generation,
    plan_matches,
    prefix_ranges,
    query_tokens,
)
from search.documents import (
    Facet,
    FacetBucket,
    FacetField,
    Hit,
    IndexFailure,
    IndexState,
    SearchDocument,
    SearchFilter,
    SearchPage,
    Suggestion,
)

log = logging.getLogger(__name__)

# Batches larger than this are analysed on a worker thread, so the event loop keeps serving.
# `IN (…)` lists are sent in chunks of this many values.
CHUNK = 400
_SOURCE_FIELDS = tuple(f.name for f in dataclasses.fields(SearchDocument))
_TUPLE_FIELDS = {"aliases", "materials", "region_codes", "service_objects", "lists", "channels"}


@dataclass(frozen=True)
class _Current:
    generation: str
    offset: int
    documents: int
    version: int  # bumped by every write to the generation


@dataclass(frozen=True)
class _Prepared:
    """One document ready to write: everything but its number."""

    id: str
    name: str
    catalog_code: str
    row: tuple[Any, ...]  # docs columns after `doc`
    tokens: tuple[str, ...]  # token fields in TOKEN_FIELDS order
    tags: tuple[tuple[str, str], ...]
    facets: tuple[bits.FacetValue, ...]
    suggest_keys: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class _Statistics:
    """What searches need of a generation beyond its tables, read once per version."""

    generation: str
    version: int
    rows: dict[str, int]  # documents with each token field
    bitmaps: dict[bits.FacetValue, int]


class _Reader:
    """A pooled reader connection and the generation its temp vocabulary tables are for."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self.db = db
        self.vocabularies: str | None = None


class EmbeddedBackend:
    """`SearchBackend` on SQLite FTS5 (see the module docstring)."""

    name = "embedded"

    def __init__(
        self,
        path: Path,
        analyzer: Analyzer,
        *,
        readers: int = 4,
        busy_timeout: float = 30.0,
    ) -> None:
        self.path = Path(path)
        self.analyzer = analyzer
        self._busy_ms = int(busy_timeout * 1000)
        self._writer: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()
        self._readers = _ReaderPool(self._connect_reader, readers)
        self._statistics: _Statistics | None = None

    # --- lifecycle -----------------------------------------------------------------------------

    async def open(self) -> None:
        if self._writer is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        writer = await self._connect()
        try:
            mode = await _scalar(writer, "PRAGMA journal_mode = WAL")
            if str(mode).lower() != "wal":
                raise RuntimeError(f"{self.path}: cannot use WAL mode (journal_mode={mode})")
            await writer.execute("PRAGMA cache_size = -65536")
            # A rebuild writes the whole index through the WAL: keep it from staying that big.
            await writer.execute("PRAGMA journal_size_limit = 67108864")
            self._writer = writer
            async with self._transaction() as db:
                await self._initialise(db)
        except BaseException:
            self._writer = None
            await writer.close()
            raise
        self._readers.reopen()

    async def _initialise(self, db: aiosqlite.Connection) -> None:
        version = await _scalar(db, "PRAGMA user_version")
        if version != SCHEMA_VERSION:
            await self._reset(db, version)
        for statement in META:
            await db.execute(statement)
        if await _current_or_none(db) is None:
            await _create_generation(db, Tables(new_generation()), offset=0, current=True)

    async def _reset(self, db: aiosqlite.Connection, version: int) -> None:
        """Empty a file written by another version of this layout; refuse any other file."""
        tables = await _table_names(db)
        if tables and "meta" not in tables:
            raise RuntimeError(f"{self.path} is not a search index file; refusing to touch it")
        if tables:
            log.warning(
                "%s holds search index format %s, this version uses %s: starting an empty "
                "index (the indexer rebuilds it)",
                self.path,
                version,
                SCHEMA_VERSION,
            )
        for virtual in (True, False):  # virtual tables first: they drop their shadow tables
            for name in await _table_names(db, virtual=virtual):
                await db.execute(f'DROP TABLE IF EXISTS "{name}"')
        await db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    async def close(self) -> None:
        await self._readers.close()
        self._statistics = None
        writer, self._writer = self._writer, None
        if writer is not None:
            async with self._write_lock:
                await writer.close()

    async def _connect(self) -> aiosqlite.Connection:
        db = await aiosqlite.connect(self.path, isolation_level=None)
        try:
            await db.execute(f"PRAGMA busy_timeout = {self._busy_ms}")
            await db.execute("PRAGMA synchronous = NORMAL")
            await db.execute("PRAGMA secure_delete = OFF")
            await db.execute("PRAGMA temp_store = MEMORY")
        except BaseException:
            await db.close()
            raise
        return db

    async def _connect_reader(self) -> _Reader:
        db = await self._connect()
        try:
            await db.execute("PRAGMA cache_size = -32768")
            await db.execute(HITS)
        except BaseException:
            await db.close()
            raise
        return _Reader(db)

    # --- transactions --------------------------------------------------------------------------

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction on the writer connection (`BEGIN IMMEDIATE`: the write lock is
        taken up front, so what is read inside stays true until COMMIT)."""
        async with self._write_lock:
            db = self._writer
            if db is None:
                raise RuntimeError("the search backend is not open")
            await db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                if db.in_transaction:
                    await db.execute("ROLLBACK")
                raise
            await db.execute("COMMIT")

    @asynccontextmanager
    async def _snapshot(self) -> AsyncIterator[tuple[_Reader, _Current]]:
        """A read transaction on a pooled reader, with the generation current in it. Only the
        reader's temp tables change in it: committed at the end (they hold nothing then),
        rolled back on error."""
        if self._writer is None:
            raise RuntimeError("the search backend is not open")
        async with self._readers.connection() as reader:
            db = reader.db
            await db.execute("BEGIN")
            try:
                yield reader, await _current(db, self.path)
            except BaseException:
                if db.in_transaction:
                    await db.execute("ROLLBACK")
                reader.vocabularies = None
                raise
            if db.in_transaction:
                await db.execute("COMMIT")

    # --- state and writes ----------------------------------------------------------------------

    async def state(self) -> IndexState:
        async with self._snapshot() as (_, current):
            return IndexState(
                offset=current.offset,
                documents=current.documents,
                generation=current.generation,
                extra={"path": str(self.path)},
            )

    async def apply(
        self,
        upserts: Sequence[SearchDocument],
        deletes: Sequence[str],
        *,
        expected_offset: int,
        new_offset: int,
    ) -> list[IndexFailure]:
        """Upsert and delete by id in one transaction on the current generation, moving its
        offset from `expected_offset` to `new_offset`. An id in both lists ends deleted."""
        prepared, failures = await self._prepare(upserts)
        async with self._transaction() as db:
            current = await _current(db, self.path)
            if current.offset != expected_offset:
                raise StaleOffset(
                    f"search index {current.generation} is at offset {current.offset}, "
                    f"not {expected_offset}"
                )
            tables = Tables(current.generation)
            delta = await _write(db, tables, prepared, deletes, keep_bits=True)
            await db.execute(
                "UPDATE meta SET event_offset = ?, documents = documents + ?, "
                "version = version + 1 WHERE generation = ?",
                (new_offset, delta, current.generation),
            )
        return failures

    async def _prepare(
        self, documents: Sequence[SearchDocument]
    ) -> tuple[list[_Prepared], list[IndexFailure]]:
        return await prepare_batch(documents, self._prepare_one)

    def _prepare_one(self, doc: SearchDocument) -> _Prepared:
        doc_id = _text(doc.id, "id")
        if not doc_id:
            raise ValueError("empty id")
        analysed = self.analyzer.document(doc)
        region_codes = _texts(doc.region_codes, "region_codes")
        tags: dict[tuple[str, str], None] = {}
        for field, attribute in TAG_FIELDS.items():
            values = region_codes if field == "region" else _texts(getattr(doc, attribute), field)
            tags.update(((field, value), None) for value in values if value)
        visits = doc.onsite_visits
        if not isinstance(visits, int):
            raise TypeError(f"onsite_visits must be an int, not {type(visits).__name__}")
        name = _text(doc.name, "name")
        catalog_code = _text(doc.catalog_code, "catalog_code")
        source = json.dumps(
            {field: getattr(doc, field) for field in _SOURCE_FIELDS},
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return _Prepared(
            id=doc_id,
            name=name,
            catalog_code=catalog_code,
            row=(
                doc_id,
                _text(doc.code, "code"),
                catalog_code,
                name,
                _text(doc.agency_uscc, "agency_uscc"),
                region_codes[0] if region_codes else "",
                _text(doc.item_type, "item_type"),
                _text(doc.level, "level"),
                _text(doc.online_depth, "online_depth"),
                visits,
                1 if doc.charging else 0,
            ),
            tokens=tuple(clean(analysed.fields.get(field, "")) for field in TOKEN_FIELDS),
            tags=tuple(tags),
            facets=tuple(
                (field, clean(value)) for field, value in bits.facet_values(doc, region_codes)
            ),
            suggest_keys=tuple(
                dict.fromkeys(key for key in (clean(k) for k in analysed.suggest_keys) if key)
            ),
            source=clean(source),
        )

    # --- rebuilds ------------------------------------------------------------------------------

    async def begin_rebuild(self, offset: int) -> "EmbeddedRebuild":
        tables = Tables(new_generation())
        async with self._transaction() as db:
            await _create_generation(db, tables, offset=offset, current=False)
        return EmbeddedRebuild(self, tables, offset)

    async def _drop_generation(self, tables: Tables) -> None:
        """Drop a generation's tables and its meta row, unless it is the current one."""
        async with self._transaction() as db:
            current = await _scalar(
                db, "SELECT current FROM meta WHERE generation = ?", (tables.generation,)
            )
            if current:
                return
            for statement in tables.drop():
                await db.execute(statement)
            await db.execute("DELETE FROM meta WHERE generation = ?", (tables.generation,))

    # --- reading -------------------------------------------------------------------------------

    async def search(
        self, query: AnalysedQuery, where: SearchFilter, first: int, after: str | None
    ) -> SearchPage:
        if first < 0:
            raise ValueError("first must not be negative")
        start = None if after is None else decode_cursor(after)
        if not any(query_tokens(query)):
            return _empty_page()
        async with self._snapshot() as (reader, current):
            db = reader.db
            tables = Tables(current.generation)
            statistics = await self._read_statistics(db, current)
            matches = await self._plan(reader, tables, query, statistics)
            if not matches:
                return _empty_page()
            sql, params = tables.fill_hits(matches, where)
            try:
                cursor = await db.execute(sql, params)
                total = cursor.rowcount
                await cursor.close()
                if total <= 0:
                    return _empty_page()
                page_sql = PAGE.format(after="" if start is None else PAGE_AFTER)
                page_params = [first + 1] if start is None else [*start, first + 1]
                rows = list(await db.execute_fetchall(page_sql, page_params))
                hits_bitmap = bits.as_int(row[0] for row in await db.execute_fetchall(_HIT_DOCS))
            finally:
                await db.execute(_CLEAR_HITS)
            page = rows[:first]
            sources = await _sources(db, tables, [row[0] for row in page])
        counts = bits.count(hits_bitmap, statistics.bitmaps)
        hits = []
        for doc, rank, code, doc_id in page:
            source = sources.get(doc)
            highlights = () if source is None else self.analyzer.highlights(source, query)
            hits.append(Hit(id=doc_id, code=code, score=-rank + 0.0, highlights=highlights))
        more = len(rows) > first and first > 0
        return SearchPage(
            total=total,
            hits=tuple(hits),
            facets=_facets(counts),
            next_cursor=encode_cursor(*page[-1][1:4]) if more else None,
        )

    async def _plan(
        self, reader: _Reader, tables: Tables, query: AnalysedQuery, statistics: _Statistics
    ) -> list[Match]:
        """The query's MATCHes, knowing which terms each field has and which are common."""
        db = reader.db
        if reader.vocabularies != tables.generation:
            if reader.vocabularies is not None:
                for statement in Tables(reader.vocabularies).drop_vocabularies():
                    await db.execute(statement)
            for statement in tables.create_vocabularies():
                await db.execute(statement)
            reader.vocabularies = tables.generation
        terms, _ = query_tokens(query)
        lookups = [(field, term) for field in TOKEN_FIELDS for term in terms]
        frequencies: dict[tuple[str, str], int] = {}
        for chunk in _chunks(lookups, 100):
            sql, params = tables.frequencies(chunk)
            for field, term, found in await db.execute_fetchall(sql, params):
                frequencies[field, term] = found
        return plan_matches(query, frequencies, statistics.rows)

    async def _read_statistics(self, db: aiosqlite.Connection, current: _Current) -> _Statistics:
        """The statistics of the snapshot's generation and version, cached until either
        changes (a write here or in another process)."""
        cached = self._statistics
        if cached and (cached.generation, cached.version) == (current.generation, current.version):
            return cached
        tables = Tables(current.generation)
        rows = {
            field: int(count) for field, count in await db.execute_fetchall(tables.field_rows())
        }
        bitmaps = {
            (field, value): int.from_bytes(blob, "little")
            for field, value, blob in await db.execute_fetchall(tables.all_bits())
        }
        statistics = _Statistics(current.generation, current.version, rows, bitmaps)
        latest = self._statistics
        if latest is None or (latest.generation, latest.version) != (
            current.generation,
            current.version,
        ):
            self._statistics = statistics
        return statistics

    async def suggest(self, prefix: AnalysedQuery, first: int) -> list[Suggestion]:
        ranges = prefix_ranges(prefix.prefixes)
        if not ranges or first <= 0:
            return []
        async with self._snapshot() as (reader, current):
            tables = Tables(current.generation)
            params: list[object] = [bound for pair in ranges for bound in pair]
            rows = await reader.db.execute_fetchall(
                tables.suggestions(len(ranges)), [*params, first]
            )
        return [Suggestion(text=name, catalog_code=code or None) for name, code, _ in rows]


_HIT_DOCS = "SELECT doc FROM temp.hits"
_CLEAR_HITS = "DELETE FROM temp.hits"


class EmbeddedRebuild:
    """A new generation filled beside the serving one (`SearchBackend.begin_rebuild`). Also an
    async context manager that abandons the rebuild unless it was switched."""

    def __init__(self, backend: EmbeddedBackend, tables: Tables, offset: int) -> None:
        self._backend = backend
        self._tables = tables
        self.offset = offset
        self._done = False

    @property
    def generation(self) -> str:
        return self._tables.generation

    async def __aenter__(self) -> "EmbeddedRebuild":
        return self

    async def __aexit__(self, exc_type: object, exc: object, tb: object) -> None:
        if not self._done:
            await self.abandon()

    async def add(self, documents: Sequence[SearchDocument]) -> list[IndexFailure]:
        self._check_open()
        prepared, failures = await self._backend._prepare(documents)
        async with self._backend._transaction() as db:
            await self._check_building(db)
            delta = await _write(db, self._tables, prepared, (), keep_bits=False)
            await db.execute(
                "UPDATE meta SET documents = documents + ? WHERE generation = ?",
                (delta, self.generation),
            )
        return failures

    async def switch(self) -> None:
        """Make this generation current (with the offset it was begun at) in one transaction,
        then drop the one it replaces."""
        self._check_open()
        started = time.monotonic()
        async with self._backend._transaction() as db:
            await self._check_building(db)
            await _build_bits(db, self._tables)
            for statement in self._tables.optimize():
                await db.execute(statement)
        async with self._backend._transaction() as db:
            await self._check_building(db)
            old = await _current_or_none(db)
            await db.execute("UPDATE meta SET current = 0, state = 'retired' WHERE current = 1")
            await db.execute(
                "UPDATE meta SET current = 1, state = 'serving', event_offset = ? "
                "WHERE generation = ?",
                (self.offset, self.generation),
            )
        self._done = True
        log.info(
            "search index generation %s switched in at offset %d (%.1fs)",
            self.generation,
            self.offset,
            time.monotonic() - started,
        )
        if old is not None and old.generation != self.generation:
            await self._backend._drop_generation(Tables(old.generation))

    async def abandon(self) -> None:
        if self._done:
            return
        self._done = True
        await self._backend._drop_generation(self._tables)

    def _check_open(self) -> None:
        if self._done:
            raise RuntimeError(f"rebuild {self.generation} was already switched or abandoned")

    async def _check_building(self, db: aiosqlite.Connection) -> None:
        state = await _scalar(db, "SELECT state FROM meta WHERE generation = ?", (self.generation,))
        if state != "building":
            raise RuntimeError(f"search index generation {self.generation} is {state or 'gone'}")


# --- statements -----------------------------------------------------------------------------


async def _scalar(db: aiosqlite.Connection, sql: str, params: Sequence[object] = ()) -> Any:
    async with db.execute(sql, params) as cursor:
        row = await cursor.fetchone()
    return None if row is None else row[0]


async def _table_names(db: aiosqlite.Connection, *, virtual: bool | None = None) -> list[str]:
    sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    if virtual is not None:
        sql += f" AND sql {'' if virtual else 'NOT '}LIKE 'CREATE VIRTUAL TABLE%'"
    return [row[0] for row in await db.execute_fetchall(sql)]


async def _current_or_none(db: aiosqlite.Connection) -> _Current | None:
    async with db.execute(
        "SELECT generation, event_offset, documents, version FROM meta WHERE current = 1"
    ) as cursor:
        row = await cursor.fetchone()
    return None if row is None else _Current(row[0], int(row[1]), int(row[2]), int(row[3]))


async def _current(db: aiosqlite.Connection, path: Path) -> _Current:
    current = await _current_or_none(db)
    if current is None:
        raise RuntimeError(f"{path}: no current search index generation")
    return current


async def _create_generation(
    db: aiosqlite.Connection, tables: Tables, *, offset: int, current: bool
) -> None:
    for statement in tables.create():
        await db.execute(statement)
    await db.execute(
        "INSERT INTO meta (generation, current, event_offset, documents, state, created_at) "
        "VALUES (?, ?, ?, 0, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
        (tables.generation, 1 if current else 0, offset, "serving" if current else "building"),
    )


async def _write(
    db: aiosqlite.Connection,
    tables: Tables,
    prepared: Sequence[_Prepared],
    deletes: Iterable[str],
    *,
    keep_bits: bool,
) -> int:
    """Delete the old rows of every upserted or deleted id and insert the upserts (an upsert
    keeps its document number); with `keep_bits`, update the facet bitmaps too. Returns the
    change in the number of documents."""
    deleted = {clean(doc_id) for doc_id in deletes if isinstance(doc_id, str)}
    upserts = [item for item in prepared if item.id not in deleted]
    ids = list(deleted | {item.id for item in upserts})
    old: list[tuple[int, str, str, str, str, str]] = []
    for chunk in _chunks(ids, CHUNK):
        old.extend(await db.execute_fetchall(tables.find_docs(len(chunk)), chunk))
    weights: Counter[tuple[str, str, str]] = Counter()  # net change of each suggestion's weight
    cleared: defaultdict[bits.FacetValue, list[int]] = defaultdict(list)
    added: defaultdict[bits.FacetValue, list[int]] = defaultdict(list)
    if old:
        docs = [(row[0],) for row in old]
        for statement in tables.delete_doc():
            await db.executemany(statement, docs)
        for doc, _, name, catalog_code, suggest_keys, facets in old:
            for key in json.loads(suggest_keys):
                weights[key, name, catalog_code] -= 1
            for field, value in json.loads(facets):
                cleared[field, value].append(doc)
    if upserts:
        numbers = {row[1]: row[0] for row in old}
        # above every number in the table and every kept number (their rows are deleted above)
        highest = int(await _scalar(db, tables.max_doc()))
        next_doc = max(highest, *numbers.values(), 0) + 1
        numbered: list[tuple[int, _Prepared]] = []
        for item in upserts:
            doc = numbers.get(item.id)
            if doc is None:
                doc, next_doc = next_doc, next_doc + 1
            numbered.append((doc, item))
        await db.executemany(tables.insert_doc(), [(doc, *item.row) for doc, item in numbered])
        await db.executemany(
            tables.insert_src(),
            [
                (
                    doc,
                    json.dumps(item.suggest_keys, ensure_ascii=False),
                    json.dumps(item.facets, ensure_ascii=False),
                    item.source,
                )
                for doc, item in numbered
            ],
        )
        for position, statement in enumerate(tables.insert_fts()):
            await db.executemany(
                statement,
                [(doc, item.tokens[position]) for doc, item in numbered if item.tokens[position]],
            )
        await db.executemany(
            tables.insert_tag(),
            [(doc, field, value) for doc, item in numbered for field, value in item.tags],
        )
        for doc, item in numbered:
            for key in item.suggest_keys:
                weights[key, item.name, item.catalog_code] += 1
            for facet in item.facets:
                added[facet].append(doc)
    changes = [(*suggestion, change) for suggestion, change in weights.items() if change]
    await db.executemany(tables.change_suggestion(), changes)
    await db.executemany(
        tables.prune_suggestions(), [change[:3] for change in changes if change[3] < 0]
    )
    if keep_bits:
        await _update_bits(db, tables, cleared, added)
    return len(upserts) - len(old)


async def _update_bits(
    db: aiosqlite.Connection,
    tables: Tables,
    cleared: dict[bits.FacetValue, list[int]],
    added: dict[bits.FacetValue, list[int]],
) -> None:
    """Clear the old documents' bits, then set the new ones', for every facet value touched."""
    touched = list(dict.fromkeys([*cleared, *added]))
    stored: dict[bits.FacetValue, bytearray] = {facet: bytearray() for facet in touched}
    for chunk in _chunks(touched, CHUNK):
        params = [part for facet in chunk for part in facet]
        for field, value, blob in await db.execute_fetchall(tables.read_bits(len(chunk)), params):
            stored[field, value] = bytearray(blob)
    writes, deletes = [], []
    for facet, bitmap in stored.items():
        bits.clear_bits(bitmap, cleared.get(facet, ()))
        bits.set_bits(bitmap, added.get(facet, ()))
        blob = bits.stored(bitmap)
        if blob:
            writes.append((*facet, blob))
        else:
            deletes.append(facet)
    await db.executemany(tables.write_bits(), writes)
    await db.executemany(tables.delete_bits(), deletes)


async def _build_bits(db: aiosqlite.Connection, tables: Tables) -> None:
    """Every facet bitmap of a generation, from scratch (before a rebuild is switched in)."""
    bitmaps: defaultdict[bits.FacetValue, bytearray] = defaultdict(bytearray)
    async with db.execute(tables.all_facets()) as cursor:
        while rows := await cursor.fetchmany(5000):
            for doc, facets in rows:
                for field, value in json.loads(facets):
                    bits.set_bits(bitmaps[field, value], (doc,))
    await db.execute(f"DELETE FROM {tables.bits}")
    await db.executemany(
        tables.write_bits(),
        [(field, value, bits.stored(bitmap)) for (field, value), bitmap in bitmaps.items()],
    )


async def _sources(
    db: aiosqlite.Connection, tables: Tables, docs: list[int]
) -> dict[int, SearchDocument]:
    out: dict[int, SearchDocument] = {}
    for chunk in _chunks(docs, CHUNK):
        for doc, source in await db.execute_fetchall(tables.sources(len(chunk)), chunk):
            out[doc] = _document(json.loads(source))
    return out


def _document(data: dict[str, Any]) -> SearchDocument:
    values = {
        key: tuple(value) if key in _TUPLE_FIELDS else value
        for key, value in data.items()
        if key in _SOURCE_FIELDS
    }
    return SearchDocument(**values)


def _empty_page() -> SearchPage:
    return SearchPage(total=0, hits=(), facets=_facets({}), next_cursor=None)


def _facets(counts: dict[str, list[tuple[str, int]]]) -> tuple[Facet, ...]:
    """Every facet field, in `FacetField` order, buckets by count desc then value."""
    return tuple(
        Facet(
            field=field.value,
            buckets=tuple(
                FacetBucket(value=value, count=count)
                for value, count in sorted(
                    counts.get(field.value, ()), key=lambda bucket: (-bucket[1], bucket[0])
                )
                if value
            ),
        )
        for field in FacetField
    )


def _text(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{field} must be a str, not {type(value).__name__}")
    return clean(value)


def _texts(values: object, field: str) -> list[str]:
    if isinstance(values, str) or not isinstance(values, (tuple, list)):
        raise TypeError(f"{field} must be a tuple of str, not {type(values).__name__}")
    return [_text(value, field) for value in values]


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- the reader pool ------------------------------------------------------------------------


class _ReaderPool:
    """Up to `size` reader connections, opened on demand and reused."""

    def __init__(self, connect: Callable[[], Awaitable[_Reader]], size: int) -> None:
        self._connect = connect
        self._size = max(1, size)
        self._idle: list[_Reader] = []
        self._slots: asyncio.Semaphore | None = None
        self._closed = False

    def reopen(self) -> None:
        self._closed = False

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[_Reader]:
        if self._slots is None:
            self._slots = asyncio.Semaphore(self._size)
        async with self._slots:
            reader = self._idle.pop() if self._idle else await self._connect()
            try:
                yield reader
            finally:
                if not self._closed and not reader.db.in_transaction:
                    self._idle.append(reader)
                else:
                    await reader.db.close()

    async def close(self) -> None:
        self._closed = True
        idle, self._idle = self._idle, []
        for reader in idle:
            await reader.db.close()

"""Search over the published catalog: the change source the indexer follows, and the service
the API asks (the index answers; the catalog is the truth)."""

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import datetime

from pydantic import SecretStr
from sqlalchemy import func, select

from catalog_api.catalog.queries.search_documents import all_documents, documents_by_ids
from catalog_api.db import Database
from catalog_api.settings import Settings
from models import ChangeEvent
from models.base import utc_now
from search.analysis import Analyzer
from search.backend import SearchBackend
from search.backends.embedded import EmbeddedBackend
from search.documents import SearchDocument, SearchFilter, SearchPage, Suggestion
from search.indexer import Change, Indexer, IndexerStatus, describe, reindex

log = logging.getLogger(__name__)

# User text longer than this is cut before analysis: no real query is longer, and the cut
# keeps the work per request bounded.
MAX_QUERY_CHARS = 200


class CatalogChangeSource:
    """The change events and published documents, read from the catalog database."""

    def __init__(self, database: Database, clock: Callable[[], datetime] = utc_now) -> None:
        self.database = database
        self.clock = clock  # what "published now" means; tests move it to scheduled times

    async def head(self) -> int:
        async with self.database.read() as session:
            return (await session.execute(select(func.max(ChangeEvent.seq)))).scalar() or 0

    async def changes_after(self, seq: int, limit: int) -> list[Change]:
        statement = (
            select(ChangeEvent.seq, ChangeEvent.record_id, ChangeEvent.kind, ChangeEvent.at)
            .where(ChangeEvent.seq > seq)
            .order_by(ChangeEvent.seq)
            .limit(limit)
        )
        async with self.database.read() as session:
            rows = await session.execute(statement)
            return [Change(s, str(record_id), kind, at) for s, record_id, kind, at in rows]

    async def documents(self, record_ids: Sequence[str]) -> dict[str, SearchDocument]:
        ids = [uuid.UUID(record_id) for record_id in record_ids]
        async with self.database.read() as session:
            found = await documents_by_ids(session, ids, self.clock())
        return {str(record_id): document for record_id, document in found.items()}

    async def all_documents(self, batch: int) -> AsyncIterator[list[SearchDocument]]:
        async with self.database.read() as session:
            async for documents in all_documents(session, self.clock(), batch):
                yield documents


class CatalogSearch:
    """What the service needs of search: queries, suggestions, the indexer and its status.
    The backend opens on first use, so a server starts even while the index is unreachable."""

    def __init__(
        self,
        backend: SearchBackend,
        analyzer: Analyzer,
        database: Database,
        *,
        poll_interval: float = 0.5,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.backend = backend
        self.analyzer = analyzer
        self.source = CatalogChangeSource(database, clock)
        self.indexer = Indexer(backend, self.source, poll_interval=poll_interval)
        self._opened = False
        self._lock = asyncio.Lock()

    async def ready(self) -> SearchBackend:
        if not self._opened:
            async with self._lock:
                if not self._opened:
                    await self.backend.open()
                    self._opened = True
        return self.backend

    async def close(self) -> None:
        if self._opened:
            await self.backend.close()
            self._opened = False

    async def search(
        self, text: str, where: SearchFilter, first: int, after: str | None
    ) -> SearchPage:
        query = self.analyzer.query(text[:MAX_QUERY_CHARS])
        return await (await self.ready()).search(query, where, first, after)

    async def suggest(self, prefix: str, first: int) -> list[Suggestion]:
        query = self.analyzer.prefix(prefix[:MAX_QUERY_CHARS])
        return await (await self.ready()).suggest(query, first)

    async def status(self) -> IndexerStatus:
        """The indexer's status; when the index cannot even be opened, the state last known
        and why."""
        try:
            await self.ready()
        except Exception as exc:
            return await self.indexer.status(unreachable=exc)
        return await self.indexer.status()

    async def catch_up(self) -> int:
        """Apply every pending change (tests and the CLI; the server runs `follow`)."""
        await self.ready()
        return await self.indexer.catch_up()

    async def rebuild(self, progress: Callable[[int], None] | None = None) -> int:
        """Rebuild the index from the catalog while the old one keeps serving."""
        indexed, _failures = await reindex(await self.ready(), self.source, progress=progress)
        return indexed

    async def follow(self) -> None:
        """The server's indexer: build the index if it was never built, then follow the
        change events for good."""
        while True:
            try:
                state = await (await self.ready()).state()
                if state.offset == 0 and state.documents == 0 and await self.source.head():
                    await self.rebuild()
                break
            except Exception as exc:
                self.indexer.error = describe(exc)
                log.warning("search index unavailable, retrying: %s", self.indexer.error)
                await asyncio.sleep(self.indexer.max_backoff / 10)
        await self.indexer.run_forever()


def open_search(settings: Settings, database: Database) -> CatalogSearch:
    """The search configured by the settings: Elasticsearch at `search_url`, else the embedded
    index file."""
    analyzer = Analyzer(settings.search_synonyms_file)
    return CatalogSearch(
        _backend(settings, analyzer),
        analyzer,
        database,
        poll_interval=settings.search_poll_interval_seconds,
    )


def _backend(settings: Settings, analyzer: Analyzer) -> SearchBackend:
    if not settings.search_url:
        return EmbeddedBackend(settings.search_index_path, analyzer)
    from search.backends.elasticsearch import ElasticsearchBackend  # only when configured

    def secret(value: SecretStr | None) -> str | None:
        return value.get_secret_value() if value is not None else None

    return ElasticsearchBackend(
        settings.search_url,
        analyzer,
        index_prefix=settings.search_index_prefix,
        username=settings.search_username,
        password=secret(settings.search_password),
        api_key=secret(settings.search_api_key),
        verify_certs=settings.search_verify_certs,
        ca_certs=str(settings.search_ca_certs) if settings.search_ca_certs else None,
        shards=settings.search_shards,
        replicas=settings.search_replicas,
    )

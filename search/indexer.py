"""The indexer: follows the change events from the offset stored with the index.

Each change only names a record; the indexer asks the catalog for that record's document as it
is published now, so replaying an event twice, or out of a rebuilt index's offset, converges on
the same index. Unpublished, superseded-by-nothing or withdrawn records have no document and
are removed. A failed write leaves the offset where it was and is retried with backoff.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from search.backend import SearchBackend, StaleOffset
from search.documents import IndexFailure, IndexState, SearchDocument

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Change:
    seq: int
    record_id: str
    kind: str
    at: datetime


class ChangeSource(Protocol):
    """The catalog, as the indexer sees it."""

    async def head(self) -> int:
        """The seq of the latest change event (0 when there is none)."""
        ...

    async def changes_after(self, seq: int, limit: int) -> list[Change]: ...

    async def documents(self, record_ids: Sequence[str]) -> dict[str, SearchDocument]:
        """Documents of the records published now; the others are absent."""
        ...

    def all_documents(self, batch: int) -> AsyncIterator[list[SearchDocument]]: ...


# Only service items are searched; a catalog item's change reaches them through the fan-out
# events (`catalog_changed`) the catalog writes for every derived item.
INDEXED_KINDS = frozenset({"service_item"})


@dataclass(frozen=True)
class IndexerStatus:
    backend: str
    offset: int
    head: int
    documents: int
    last_indexed_at: datetime | None
    oldest_pending_at: datetime | None
    error: str | None
    failed_documents: int

    @property
    def lag(self) -> int:
        """Change events written but not yet applied to the index."""
        return max(self.head - self.offset, 0)


class Indexer:
    def __init__(
        self,
        backend: SearchBackend,
        source: ChangeSource,
        *,
        batch: int = 500,
        poll_interval: float = 0.5,
        max_backoff: float = 30.0,
    ) -> None:
        self.backend = backend
        self.source = source
        self.batch = batch
        self.poll_interval = poll_interval
        self.max_backoff = max_backoff
        self.last_indexed_at: datetime | None = None
        self.error: str | None = None
        self.failed: list[IndexFailure] = []
        self.known = IndexState()  # the index's state when last read, for status while it is down
        self._wake = asyncio.Event()

    def notify(self) -> None:
        """Something was committed: look now instead of at the next poll."""
        self._wake.set()

    async def step(self) -> int:
        """Apply the next batch of change events; returns how many were applied."""
        state = self.known = await self.backend.state()
        changes = await self.source.changes_after(state.offset, self.batch)
        if not changes:
            return 0
        ids = list(dict.fromkeys(c.record_id for c in changes if c.kind in INDEXED_KINDS))
        documents = await self.source.documents(ids)
        failures = await self.backend.apply(
            [documents[i] for i in ids if i in documents],
            [i for i in ids if i not in documents],
            expected_offset=state.offset,
            new_offset=changes[-1].seq,
        )
        for failure in failures:
            log.error("search: document %s was not indexed: %s", failure.id, failure.reason)
        self.failed = (self.failed + failures)[-100:]
        self.last_indexed_at = changes[-1].at
        self.known = IndexState(
            offset=changes[-1].seq,
            documents=state.documents,  # refreshed by the next read; only status shows it
            generation=state.generation,
        )
        return len(changes)

    async def catch_up(self) -> int:
        """Apply every pending change event; returns how many were applied."""
        applied = 0
        while True:
            try:
                count = await self.step()
            except StaleOffset:
                continue
            if count == 0:
                return applied
            applied += count

    async def run_forever(self) -> None:
        """Catch up, then wait for a notification or the poll interval; on failure, back off
        exponentially (the index only lags, the catalog keeps accepting writes)."""
        backoff = 0.0
        while True:
            self._wake.clear()  # before catching up: a commit meanwhile wakes the next round
            try:
                await self.catch_up()
                self.error, backoff = None, 0.0
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                backoff = min(max(backoff * 2, 0.1), self.max_backoff)
                self.error = describe(exc)
                log.warning("search indexing failed, retrying in %.1fs: %s", backoff, self.error)
            # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation that
            # arrives with a wake-up, and the server's shutdown would hang
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(backoff or self.poll_interval):
                    await self._wake.wait()

    async def status(self, unreachable: Exception | None = None) -> IndexerStatus:
        """Where the index stands. While the index is unreachable (`unreachable` says why when
        the caller already knows) this is the state last read, with the error: the lag keeps
        growing with the catalog's head."""
        state, error = self.known, self.error
        if unreachable is None:
            try:
                state = self.known = await self.backend.state()
            except Exception as exc:
                unreachable = exc
        if unreachable is not None:
            error = describe(unreachable)
        head = await self.source.head()
        pending = await self.source.changes_after(state.offset, 1) if head > state.offset else []
        return IndexerStatus(
            backend=self.backend.name,
            offset=state.offset,
            head=head,
            documents=state.documents,
            last_indexed_at=self.last_indexed_at,
            oldest_pending_at=pending[0].at if pending else None,
            error=error,
            failed_documents=len(self.failed),
        )


def describe(exc: BaseException) -> str:
    """An error as the status reports it: its type and message, bounded."""
    return f"{type(exc).__name__}: {exc}"[:500]


async def reindex(
    backend: SearchBackend,
    source: ChangeSource,
    *,
    batch: int = 1000,
    progress: Callable[[int], None] | None = None,
) -> tuple[int, list[IndexFailure]]:
    """Rebuild the whole index from the catalog beside the serving one, then switch to it.

    The offset is taken before reading: events after it are replayed by the indexer, which
    converges because applying a change is idempotent. Returns the documents indexed and the
    failures."""
    started = time.monotonic()
    offset = await source.head()
    rebuild = await backend.begin_rebuild(offset)
    indexed, failures = 0, []
    try:
        async for documents in source.all_documents(batch):
            failed = await rebuild.add(documents)
            failures += failed
            indexed += len(documents) - len(failed)
            if progress is not None:
                progress(len(documents))
        await rebuild.switch()
    except BaseException:
        await rebuild.abandon()
        raise
    log.info("search: reindexed %d documents in %.1fs", indexed, time.monotonic() - started)
    return indexed, failures

"""Part 3: time from a publish's commit to the first search that returns the item.

On scratch copies of the catalog and of the reindexed N-item index, the indexer runs in this
process as the server runs it (`asyncio.create_task(search.follow())`), in two modes:

- `notify`: `database.on_commit(search.indexer.notify)`, as `catalog_api.app` does: a commit in
  this process wakes the indexer at once;
- `poll`: no notification, as when another server process publishes: the indexer finds the
  change at its next poll (`poll_interval`).

Each sample is a new service item (of a catalog item published for the run, at a distinct
agency) whose local themes hold a token found nowhere else. It is created and submitted, the
indexer is left to catch up, then after a random pause (0 to one poll interval, so publishes do
not fall in step with the polls) it is published through the commands. The clock starts in a
commit listener registered before the indexer's (so: when the publish transaction has
committed) and stops when `search.search(token)` first returns the item; the search is retried
every 2 ms. `resolution_ms` is the time since the previous search that did not find it.
"""

import asyncio
import contextlib
import random
import secrets
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bench.search.stats import MS, latencies
from bench.writes import contents
from catalog_api.catalog.commands.create_catalog_item import create_catalog_item
from catalog_api.catalog.commands.create_service_item import create_service_item
from catalog_api.catalog.commands.publish import publish
from catalog_api.catalog.commands.submit import submit
from catalog_api.catalog.kinds import CATALOG_ITEM, SERVICE_ITEM, Kind
from catalog_api.catalog.search import CatalogSearch
from catalog_api.db import Database
from models import Agency
from models.enums import ExerciseLevel
from search.analysis import Analyzer
from search.backends.embedded import EmbeddedBackend
from search.documents import IndexFailure, SearchDocument, SearchFilter

EDITOR, REVIEWER, ADMIN = "editor@bench-search", "reviewer@bench-search", "admin@bench-search"
CATALOG_CODE = "3720W9{:03d}000"  # a public service; the letter keeps clear of seeded codes
RETRY = 0.002
TIMEOUT = 30.0
MODES = ("notify", "poll")


@dataclass(frozen=True)
class Sample:
    seconds: float  # commit → the search that found it returned
    indexed: float  # commit → the indexer's write (`apply`) returned
    resolution: float
    searches: int


class _RecordingBackend(EmbeddedBackend):
    """Notes when each `apply` (the indexer's write to the index) has returned."""

    def __init__(self, path: Path, analyzer: Analyzer) -> None:
        super().__init__(path, analyzer)
        self.applied: list[float] = []

    async def apply(
        self,
        upserts: Sequence[SearchDocument],
        deletes: Sequence[str],
        *,
        expected_offset: int,
        new_offset: int,
    ) -> list[IndexFailure]:
        failures = await super().apply(
            upserts, deletes, expected_offset=expected_offset, new_offset=new_offset
        )
        self.applied.append(time.perf_counter())
        return failures


class _Run:
    """One mode: the catalog, the search with its indexer task, the commit clock."""

    def __init__(
        self, database: Database, search: CatalogSearch, backend: _RecordingBackend, mode: int
    ) -> None:
        self.database = database
        self.search = search
        self.backend = backend
        self.mode = mode
        self.commits: list[float] = []
        self.catalogs: dict[int, str] = {}
        self.tag = secrets.token_hex(3)

    def stamp(self) -> None:
        self.commits.append(time.perf_counter())

    async def _tx(self, command: Any, **kwargs: Any) -> Any:
        async with self.database.transaction() as tx:
            return await command(tx, **kwargs)

    async def _advance(self, kind: Kind, record_id: uuid.UUID, lock: int, step: Any) -> None:
        actor = REVIEWER if step is publish else EDITOR
        await self._tx(
            step, kind=kind, record_id=record_id, expected_lock_version=lock, actor=actor
        )

    async def catalog(self, index: int) -> str:
        if index not in self.catalogs:
            code = CATALOG_CODE.format(self.mode * 100 + index)
            name = f"{contents.CATALOG_NAME}（检索时效{self.mode}{index}）"
            record, _ = await self._tx(
                create_catalog_item,
                code=code,
                content=contents.catalog_content(20, name),
                actor=ADMIN,
            )
            await self._advance(CATALOG_ITEM, record.id, record.lock_version, submit)
            await self._advance(CATALOG_ITEM, record.id, record.lock_version + 1, publish)
            self.catalogs[index] = code
        return self.catalogs[index]

    async def settled(self) -> None:
        """Until the indexer has applied every change event written so far."""
        deadline = time.perf_counter() + TIMEOUT
        while (await self.search.status()).lag:
            if time.perf_counter() > deadline:
                raise TimeoutError("the indexer did not catch up")
            await asyncio.sleep(RETRY)

    async def sample(self, n: int, agency: tuple[str, str], catalog: str, pause: float) -> Sample:
        token = f"fresh{self.tag}m{self.mode}n{n:03d}"
        content = contents.service_content(
            unit=agency[1], address="济南市", phone="0531-12345", promised_days=5
        )
        content["themes"] = ["养老服务", token]
        record, _ = await self._tx(
            create_service_item,
            catalog_code=catalog,
            agency_uscc=agency[0],
            content=content,
            actor=EDITOR,
        )
        await self._advance(SERVICE_ITEM, record.id, record.lock_version, submit)
        await self.settled()
        await asyncio.sleep(pause)
        await self._advance(SERVICE_ITEM, record.id, record.lock_version + 1, publish)
        committed = last_miss = self.commits[-1]
        searches, wanted = 0, str(record.id)
        while True:
            page = await self.search.search(token, SearchFilter(), 20, None)
            searches += 1
            now = time.perf_counter()
            if any(hit.id == wanted for hit in page.hits):
                indexed = min((t for t in self.backend.applied if t > committed), default=now)
                return Sample(now - committed, indexed - committed, now - last_miss, searches)
            if now - committed > TIMEOUT:
                raise TimeoutError(f"{token} not searchable after {TIMEOUT} s")
            last_miss = now
            await asyncio.sleep(RETRY)


async def _agencies(database: Database, count: int) -> list[tuple[str, str]]:
    """Agencies at county and township level (the levels the run's catalog item allows)."""
    levels = (ExerciseLevel.COUNTY, ExerciseLevel.TOWNSHIP)
    statement = (
        select(Agency.uscc, Agency.name)
        .where(Agency.level.in_(levels))
        .order_by(Agency.uscc)
        .limit(count)
    )
    async with database.read() as session:
        return [(uscc, name) for uscc, name in await session.execute(statement)]


async def _mode(
    url: str, index: Path, mode: int, *, publishes: int, poll_interval: float, rng: random.Random
) -> dict[str, Any]:
    database = Database(url)
    analyzer = Analyzer()
    backend = _RecordingBackend(index, analyzer)
    search = CatalogSearch(backend, analyzer, database, poll_interval=poll_interval)
    run = _Run(database, search, backend, mode)
    database.on_commit(run.stamp)  # first: the clock starts before the indexer is woken
    if MODES[mode] == "notify":
        database.on_commit(search.indexer.notify)
    follower = asyncio.create_task(search.follow())
    try:
        agencies = await _agencies(database, publishes)
        if not agencies:
            raise RuntimeError("no county or township agencies to publish for")
        await run.settled()
        samples = []
        for n in range(publishes):
            catalog = await run.catalog(n // len(agencies))
            agency = agencies[n % len(agencies)]
            pause = rng.uniform(0, poll_interval)
            samples.append(await run.sample(n, agency, catalog, pause))
        return {
            **latencies([s.seconds for s in samples]),
            "indexed": latencies([s.indexed for s in samples]),
            "resolution_ms_median": sorted(s.resolution for s in samples)[len(samples) // 2] * MS,
            "searches_median": sorted(s.searches for s in samples)[len(samples) // 2],
            "samples_ms": [round(s.seconds * MS, 2) for s in samples],
        }
    finally:
        follower.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await follower
        await search.close()
        await database.dispose()


async def measure(
    url: str, index: Path, *, publishes: int, poll_interval: float, rng: random.Random
) -> dict[str, Any]:
    """Both modes, one after the other, on the given (scratch) catalog and index."""
    result: dict[str, Any] = {"publishes": publishes, "poll_interval_s": poll_interval}
    for mode, name in enumerate(MODES):
        result[name] = await _mode(
            url, index, mode, publishes=publishes, poll_interval=poll_interval, rng=rng
        )
    return result

"""Live change events for subscriptions: one `ChangeFeed` per server process.

A wake-up only says "new events may have committed": each follower then reads the events table
after the last `seq` it delivered. Since `seq` order is commit order, a missed, late or repeated
wake-up can delay an event but never lose or repeat one. Wake-ups come from
- this process's commits (`Database.on_commit`), at once;
- on PostgreSQL, every other process's commits: event writers NOTIFY inside their transaction
  (`events.lock_sequence`), delivered at commit to the connection this feed LISTENs on;
- a slow poll of the newest `seq`, for writers nobody hears (another process on the same SQLite
  file, such as `yichuang seed`) and while a lost LISTEN connection is re-established.
The background work runs only once a subscriber has come, and stops with `close()`.
"""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterator

import asyncpg
from sqlalchemy.engine import make_url

from catalog_api.catalog.events import CHANGES_CHANNEL
from catalog_api.catalog.queries.changes import ChangeFilter, Viewer, changes_after, head_seq
from catalog_api.db import Database
from models import ChangeEvent

log = logging.getLogger(__name__)

BATCH = 100  # events read per query while catching up
RECONNECT_DELAY = 1.0  # seconds before a lost LISTEN connection is opened again


class ChangeFeed:
    def __init__(self, database: Database, *, poll_interval: float = 1.0) -> None:
        self.database = database
        self.poll_interval = poll_interval
        self._waiters: set[asyncio.Event] = set()
        self._tasks: list[asyncio.Task[None]] = []
        self.following = 0  # subscriptions positioned in the feed (they hear every later commit)

    def notify(self) -> None:
        """Wake every follower (called after each commit in this process, and on NOTIFY)."""
        for wake in self._waiters:
            wake.set()

    @contextlib.contextmanager
    def _subscription(self) -> Iterator[asyncio.Event]:
        wake = asyncio.Event()
        self._waiters.add(wake)
        self._start()
        try:
            yield wake
        finally:
            self._waiters.discard(wake)

    async def follow(
        self, after: int | None, where: ChangeFilter, viewer: Viewer
    ) -> AsyncIterator[ChangeEvent]:
        """The events after `after` (stored ones first), then each new one as it commits;
        without `after`, only events committed from now on. Runs until the caller stops."""
        # Listen before reading anything: an event committed while the backlog is read either
        # is in that read or sets `wake`, so none falls in between.
        with self._subscription() as wake:
            if after is None:
                after = await self._read_head()
            self.following += 1
            try:
                while True:
                    wake.clear()  # before reading: a commit after this point wakes the next round
                    async with self.database.read() as session:
                        rows, more = await changes_after(session, after, BATCH, where, viewer)
                    for row in rows:  # the session is closed: a slow client holds no connection
                        yield row
                        assert row.seq is not None
                        after = row.seq
                    if not more:
                        await wake.wait()
            finally:
                self.following -= 1

    async def close(self) -> None:
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _start(self) -> None:
        if self._tasks:
            return
        self._tasks.append(asyncio.create_task(self._poll_forever(), name="change-feed-poll"))
        if self.database.dialect == "postgresql":
            listen = asyncio.create_task(self._listen_forever(), name="change-feed-listen")
            self._tasks.append(listen)

    async def _read_head(self) -> int:
        async with self.database.read() as session:
            return await head_seq(session)

    async def _poll_forever(self) -> None:
        head: int | None = None  # unknown until the first read succeeds
        while True:
            try:
                newest = await self._read_head()
            except Exception:  # the database is down for now: followers wait, we retry
                log.warning("change feed: reading the newest event failed", exc_info=True)
            else:
                if head is not None and newest != head:
                    self.notify()
                head = newest
            await asyncio.sleep(self.poll_interval)

    async def _listen_forever(self) -> None:
        dsn = make_url(self.database.url).set(drivername="postgresql")
        while True:
            try:
                await self._listen(dsn.render_as_string(hide_password=False))
            except Exception as exc:  # whatever broke it, subscribers need it back
                log.warning("change feed: LISTEN connection lost (%s), reconnecting", exc)
            await asyncio.sleep(RECONNECT_DELAY)

    async def _listen(self, dsn: str) -> None:
        """LISTEN until the connection is lost."""
        connection = await asyncpg.connect(dsn)
        lost = asyncio.Event()
        try:
            connection.add_termination_listener(lambda _connection: lost.set())
            await connection.add_listener(CHANGES_CHANNEL, lambda *_args: self.notify())
            self.notify()  # events may have committed while nobody was listening
            await lost.wait()
        finally:
            with contextlib.suppress(Exception):
                await connection.close(timeout=1)

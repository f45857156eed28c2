"""The catalog generation: a number that changes whenever a response read before might no
longer be what the catalog says now. Cached responses are valid only for the generation they
were computed in.

It moves on
- when the newest change event's `seq` differs from the last one seen. Every state change
  writes one, so this is every write, whichever process made it. It is checked before the next
  request after each commit of this process (`Database.on_commit` fires before the writer's
  own response goes out, so no client that saw a write can read around it), and otherwise at
  most every `poll_interval` seconds (other processes' writes). A commit without events (the
  announcer finding nothing due) costs one check and keeps the cache;
- when the next scheduled moment passes (a version takes or leaves effect without any write).

All times are on the monotonic `clock` (injectable for tests); the wall clock is read only to
ask the database for the next effective moment.
"""

import asyncio
import math
import time
from collections.abc import Callable
from datetime import datetime

from catalog_api.catalog.queries import generation as queries
from catalog_api.db import Database
from models.base import utc_now


class CatalogGeneration:
    def __init__(
        self,
        database: Database,
        poll_interval: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.database = database
        self.poll_interval = poll_interval
        self.clock = clock
        self.wall_clock = wall_clock
        self.value = 0
        self.head: int | None = None  # the newest change event seen
        self.refreshes = 0  # database checks made, for tests and the benchmark
        self._commits = 0  # commits this process made
        self._stale = True  # a local commit (or start-up) since the last check
        self._checked_at = -math.inf
        self._deadline: float | None = None  # `clock` time of the next effective moment
        self._lock = asyncio.Lock()
        database.on_commit(self.committed)

    def committed(self) -> None:
        """A transaction of this process committed: check the head before serving again."""
        self._commits += 1
        self._stale = True

    def _fresh(self) -> bool:
        now = self.clock()
        return (
            not self._stale
            and now - self._checked_at < self.poll_interval
            and (self._deadline is None or now < self._deadline)
        )

    async def current(self) -> int:
        """The generation, checked against the database when it may have moved on.

        A response computed after this returned reflects at least that generation's catalog,
        so it may be cached under it."""
        if self._fresh():
            return self.value
        async with self._lock:  # concurrent requests share one check
            if not self._fresh():
                await self._refresh()
        return self.value

    def seconds_until_next_change(self) -> float | None:
        """How long what is current now stays current without a write, or None: no schedule."""
        if self._deadline is None:
            return None
        return max(self._deadline - self.clock(), 0.0)

    async def _refresh(self) -> None:
        commits, started = self._commits, self.clock()
        passed = self._deadline is not None and started >= self._deadline
        async with self.database.read() as session:
            head = await queries.latest_event_seq(session)
            changed = head != self.head
            if changed or passed or self._checked_at == -math.inf:
                wall = self.wall_clock()
                moment = await queries.next_effective_moment(session, wall)
                self._deadline = (
                    None if moment is None else started + (moment - wall).total_seconds()
                )
        if changed or passed:
            self.value += 1
        self.head = head
        self.refreshes += 1
        self._checked_at = started
        # a commit while we read may not be in what we read: check again next time
        self._stale = commits != self._commits

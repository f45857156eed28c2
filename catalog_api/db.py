"""Engines and the session factory: one write transaction per command, short read sessions.

No session is shared between resolvers: sibling GraphQL fields run concurrently, so each loader
batch opens its own read session and each mutation its own transaction.
SQLite runs in WAL mode with one writer connection (`BEGIN IMMEDIATE`, so a writer never
deadlocks upgrading a read lock) and a small pool of readers.
"""

import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

log = logging.getLogger(__name__)

AfterCommit = Callable[[], Awaitable[None]]


def _json_dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def make_engine(url: str, *, writer: bool = True, pool_size: int = 5) -> AsyncEngine:
    """An engine for either dialect; SQLite files get their pragmas on every connection."""
    if make_url(url).get_backend_name() != "sqlite":
        return create_async_engine(
            url, json_serializer=_json_dumps, pool_size=pool_size, pool_pre_ping=True
        )
    engine = create_async_engine(
        url,
        json_serializer=_json_dumps,
        pool_size=1 if writer else pool_size,
        max_overflow=0,
        connect_args={"timeout": 30},
    )
    _configure_sqlite(engine, begin="BEGIN IMMEDIATE" if writer else "BEGIN")
    return engine


def _configure_sqlite(engine: AsyncEngine, *, begin: str) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(begin)


@dataclass(frozen=True)
class Origin:
    """Where a write comes from, for the audit log."""

    client_address: str | None = None
    user_agent: str | None = None


@dataclass
class Tx:
    """A write transaction handed to commands. Commands may flush, never commit."""

    session: AsyncSession
    dialect: str
    origin: Origin = field(default_factory=Origin)
    _after_commit: list[AfterCommit] = field(default_factory=list)

    def after_commit(self, callback: AfterCommit) -> None:
        """Run `callback` once the transaction has committed (never if it rolls back)."""
        self._after_commit.append(callback)


class Database:
    """The session factory the app, the CLI and the tests share."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.dialect = make_url(url).get_backend_name()
        self.engine = make_engine(url, writer=True)
        self.read_engine = (
            make_engine(url, writer=False) if self.dialect == "sqlite" else self.engine
        )
        self._writes = async_sessionmaker(self.engine, expire_on_commit=False)
        self._reads = async_sessionmaker(self.read_engine, expire_on_commit=False)
        self._commit_listeners: list[Callable[[], None]] = []

    def on_commit(self, listener: Callable[[], None]) -> None:
        """Call `listener` after every committed transaction (e.g. to wake the indexer)."""
        self._commit_listeners.append(listener)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        async with self._reads() as session:
            yield session

    @asynccontextmanager
    async def transaction(self, origin: Origin | None = None) -> AsyncIterator[Tx]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        async with self._writes() as session:
            tx = Tx(session, self.dialect, origin or Origin())
            async with session.begin():
                yield tx
        for listener in self._commit_listeners:
            listener()
        for callback in tx._after_commit:
            try:
                await callback()
            except Exception:  # best effort: the outbox lets a follower catch up later
                log.exception("after-commit callback failed")

    async def ping(self) -> None:
        async with self.read() as session:
            await session.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self.read_engine is not self.engine:
            await self.read_engine.dispose()

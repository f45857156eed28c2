"""Throw-away copies for the publish measurements, so the cached benchmark databases (shared
with `python -m bench`, reused only while they hold exactly N items) are never written to.

SQLite files (the catalog and the search index) are copied with SQLite's online backup;
PostgreSQL databases with `CREATE DATABASE … TEMPLATE …`. Both are removed afterwards.
"""

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from bench.search.indexing import remove_index


def _backup(source: Path, target: Path) -> None:
    remove_index(target)
    with (
        contextlib.closing(sqlite3.connect(source)) as src,
        contextlib.closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)


@contextlib.asynccontextmanager
async def sqlite_copy(source: Path, target: Path) -> AsyncIterator[Path]:
    await asyncio.to_thread(_backup, source, target)
    try:
        yield target
    finally:
        remove_index(target)


async def _admin(server_url: str, *statements: str) -> None:
    engine = create_async_engine(server_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            for statement in statements:
                await connection.execute(text(statement))
    finally:
        await engine.dispose()


@contextlib.asynccontextmanager
async def database_copy(url: str, server_url: str | None, work_dir: Path) -> AsyncIterator[str]:
    """A copy of the catalog database at `url` (nobody may be connected to it meanwhile)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        source = Path(str(parsed.database))
        async with sqlite_copy(source, work_dir / f"scratch-{source.name}") as path:
            yield parsed.set(database=str(path)).render_as_string(hide_password=False)
        return
    if server_url is None:
        raise ValueError("copying a PostgreSQL database needs the maintenance database URL")
    name = f"{parsed.database}_search_scratch"
    drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    await _admin(server_url, drop, f'CREATE DATABASE "{name}" TEMPLATE "{parsed.database}"')
    try:
        yield parsed.set(database=name).render_as_string(hide_password=False)
    finally:
        await _admin(server_url, drop)

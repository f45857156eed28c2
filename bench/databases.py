"""Benchmark databases: migrated and loaded with N synthetic items, kept between runs.

SQLite: a file `yichuang-bench-<N>.db` in the data folder. PostgreSQL: a database
`yichuang_bench_<N>` created on the given server through its maintenance database. Either is
reused when its Alembic revision is the head, it holds exactly N service items and its
`bench_seed` row (a bench-only table written after seeding) holds the generator's current
`seed.synthetic.SEED_VERSION`; otherwise (or with `fresh`) it is dropped and rebuilt through
`catalog_api.migrate.upgrade` and the same code as `yichuang seed --synthetic N`.
"""

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory
from rich.console import Console
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from bench.seeding import Seeded, seed_database
from catalog_api import migrate
from models import ServiceItem
from seed.synthetic import SEED_VERSION

DIALECTS = ("sqlite", "postgresql")
console = Console(stderr=True)


@dataclass
class Prepared:
    dialect: str
    size: int
    url: str
    cached: bool
    seeded: Seeded | None  # how and how fast, when built by this run
    analyze_seconds: float | None
    database_bytes: int
    server_version: str


def _engine(url: str, **options: Any) -> AsyncEngine:
    return create_async_engine(url, poolclass=NullPool, **options)


def _head() -> str | None:
    return ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()


async def _is_ready(url: str, size: int) -> bool:
    """The marker: the head revision, exactly `size` service items, the current seed content."""
    engine = _engine(url)
    try:
        async with engine.connect() as connection:
            revision = await connection.execute(text("SELECT version_num FROM alembic_version"))
            if revision.scalar_one_or_none() != _head():
                return False
            seeded = await connection.execute(text("SELECT seed_version FROM bench_seed"))
            if seeded.scalar_one_or_none() != SEED_VERSION:
                return False
            count = await connection.execute(select(func.count()).select_from(ServiceItem))
            return count.scalar_one() == size
    except Exception:  # no file, no tables (bench_seed included), no database: not ready
        return False
    finally:
        await engine.dispose()


async def _mark_seeded(url: str) -> None:
    """Note which generator content the database holds (bench only: not in the app's models)."""
    engine = _engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE bench_seed (seed_version INTEGER)"))
            await connection.execute(
                text("INSERT INTO bench_seed (seed_version) VALUES (:v)"), {"v": SEED_VERSION}
            )
    finally:
        await engine.dispose()


def sqlite_path(data_dir: Path, size: int) -> Path:
    return data_dir / f"yichuang-bench-{size}.db"


def _remove_sqlite(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)


async def _prepare_sqlite(size: int, data_dir: Path, fresh: bool) -> Prepared:
    path = sqlite_path(data_dir, size)
    url = f"sqlite+aiosqlite:///{path}"
    seeded = None
    cached = not fresh and await _is_ready(url, size)
    if not cached:

        async def reset() -> None:
            _remove_sqlite(path)

        console.print(f"SQLite {size}: building {path}")
        await reset()
        seeded = await seed_database(url, size, data_dir / "files", reset)
        await _mark_seeded(url)
    engine = _engine(url)
    try:
        async with engine.connect() as connection:
            await connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
            version = (await connection.execute(text("SELECT sqlite_version()"))).scalar_one()
    finally:
        await engine.dispose()
    return Prepared(
        "sqlite", size, url, cached, seeded, None, path.stat().st_size, f"SQLite {version}"
    )


async def _recreate(server_url: str, name: str) -> None:
    admin = _engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await admin.dispose()


async def _prepare_postgresql(size: int, server_url: str, data_dir: Path, fresh: bool) -> Prepared:
    name = f"yichuang_bench_{size}"
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    seeded, analyze = None, None
    cached = not fresh and await _is_ready(url, size)
    if not cached:

        async def reset() -> None:
            await _recreate(server_url, name)

        console.print(f"PostgreSQL {size}: building database {name}")
        await reset()
        seeded = await seed_database(url, size, data_dir / "files", reset)
        await _mark_seeded(url)
    engine = _engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            if not cached:  # as autovacuum would, soon after a bulk load
                started = time.perf_counter()
                await connection.execute(text("VACUUM ANALYZE"))
                analyze = time.perf_counter() - started
            size_bytes = (
                await connection.execute(text("SELECT pg_database_size(current_database())"))
            ).scalar_one()
            version = (await connection.execute(text("SHOW server_version"))).scalar_one()
    finally:
        await engine.dispose()
    return Prepared(
        "postgresql", size, url, cached, seeded, analyze, size_bytes, f"PostgreSQL {version}"
    )


async def prepare(
    dialect: str, size: int, *, data_dir: Path, postgres_url: str | None, fresh: bool
) -> Prepared:
    if dialect == "sqlite":
        return await _prepare_sqlite(size, data_dir, fresh)
    if dialect == "postgresql":
        if not postgres_url:
            raise ValueError("PostgreSQL needs --postgres-url or YICHUANG_BENCH_POSTGRES_URL")
        return await _prepare_postgresql(size, postgres_url, data_dir, fresh)
    raise ValueError(f"unknown dialect {dialect!r}; choose from {', '.join(DIALECTS)}")

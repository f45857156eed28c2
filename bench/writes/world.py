"""The write benchmark's database, built fresh for each dialect.

Migrated with `catalog_api.migrate.upgrade`; optionally `--background` synthetic items first
(`seed.cli.run_seed`, as `yichuang seed --synthetic N`), so indexes and the event log are not
empty. Then: the 13 × 100 implementers (`districts.py`), the fan-out catalog item through the
commands (create → submit → publish) with its 1,300 derived service items written in bulk by
`seed.bulk.load_synthetic` (the rows the commands would write: record, published version 1, a
change event), and a pool of service items made through the commands, each create → submit →
publish in its own transaction (those first publishes are timed too).
"""

import contextlib
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from bench.seeding import progress
from bench.writes import contents
from bench.writes.districts import Implementer, plan
from catalog_api import migrate
from catalog_api.catalog.commands.create_catalog_item import create_catalog_item
from catalog_api.catalog.commands.create_service_item import create_service_item
from catalog_api.catalog.commands.publish import publish
from catalog_api.catalog.commands.submit import submit
from catalog_api.catalog.kinds import CATALOG_ITEM, SERVICE_ITEM, Kind
from catalog_api.db import Database
from catalog_api.settings import Settings
from models import Region
from models.content import ServiceItemContent
from models.enums import RegionLevel
from seed.bulk import load_synthetic
from seed.loader import load_reference
from seed.records import ServiceSeed
from seed.reference import load_regions

PG_DATABASE = "yichuang_bench_writes"
EDITOR, REVIEWER, ADMIN = "editor@bench", "reviewer@bench", "catalog-admin@bench"
FANOUT_CODE = "3720W0001000"  # a public service (type 20); letters never clash with the seeds
POOL_CODES = "3720W01{:02d}000"
STATUTORY_DAYS = 20


@dataclass
class Item:
    """A record the benchmark writes to, with the lock version it last saw."""

    id: uuid.UUID
    code: str
    lock_version: int
    agency_uscc: str = ""


@dataclass
class World:
    dialect: str
    url: str
    server_version: str
    database: Database
    fanout: Item  # the catalog item
    derived_promised_days: list[int]  # promised limit of each derived item
    pool: list[Item]
    first_publishes: list[float] = field(default_factory=list)  # seconds each
    setup_seconds: dict[str, float] = field(default_factory=dict)


@contextlib.asynccontextmanager
async def fresh_database(
    dialect: str, postgres_url: str | None, work_dir: Path, keep: bool
) -> AsyncIterator[tuple[str, str]]:
    """(url, server version) of an empty database, dropped afterwards unless `keep`."""
    if dialect == "sqlite":
        import sqlite3

        yield f"sqlite+aiosqlite:///{work_dir / 'writes.db'}", f"SQLite {sqlite3.sqlite_version}"
        return
    if not postgres_url:
        raise ValueError("PostgreSQL needs --postgres-url or YICHUANG_BENCH_POSTGRES_URL")
    admin = create_async_engine(postgres_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    drop = text(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')
    try:
        async with admin.connect() as connection:
            await connection.execute(drop)
            await connection.execute(text(f'CREATE DATABASE "{PG_DATABASE}"'))
            version = (await connection.execute(text("SHOW server_version"))).scalar_one()
        url = make_url(postgres_url).set(database=PG_DATABASE)
        yield url.render_as_string(hide_password=False), f"PostgreSQL {version}"
    finally:
        if not keep:
            async with admin.connect() as connection:
                await connection.execute(drop)
        await admin.dispose()


async def run_in_tx(database: Database, command: Any, *args: Any, **kwargs: Any) -> Any:
    async with database.transaction() as tx:
        return await command(tx, *args, **kwargs)


async def published_catalog_item(database: Database, code: str, content: dict[str, Any]) -> Item:
    record, _ = await run_in_tx(
        database, create_catalog_item, code=code, content=content, actor=ADMIN
    )
    item = Item(record.id, code, record.lock_version)
    await submit_and_publish(database, CATALOG_ITEM, item)
    return item


async def submit_and_publish(database: Database, kind: Kind, item: Item) -> float:
    """Submit, then publish (timed: transaction start to commit); returns the publish seconds."""
    await run_in_tx(
        database,
        submit,
        kind,
        record_id=item.id,
        expected_lock_version=item.lock_version,
        actor=EDITOR,
    )
    item.lock_version += 1
    started = time.perf_counter()
    async with database.transaction() as tx:
        await publish(
            tx, kind, record_id=item.id, expected_lock_version=item.lock_version, actor=REVIEWER
        )
    elapsed = time.perf_counter() - started
    item.lock_version += 1
    return elapsed


def promised_days(index: int) -> int:
    """1–20 working days, evenly spread: a shortened statutory limit flags a known share."""
    return 1 + (index * 7) % STATUTORY_DAYS


def local_content(implementer: Implementer, index: int, revision: int = 0) -> dict[str, Any]:
    seed = implementer.seed
    return contents.service_content(
        unit=seed.name,
        address=seed.address or "",
        phone=seed.phone or "0531-12345",
        promised_days=promised_days(index),
        revision=revision,
    )


async def _existing_streets(database: Database) -> dict[str, str]:
    async with database.read() as session:
        rows = await session.execute(
            select(Region.code, Region.name).where(Region.level == RegionLevel.STREET)
        )
        return dict(rows.all())


async def build(
    dialect: str, url: str, server_version: str, files_dir: Path, *, background: int, pool: int
) -> World:
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    await migrate.upgrade(url)
    timings["migrate"] = time.perf_counter() - clock
    if background:
        from seed.cli import run_seed  # late: `--help` needs no seed data

        clock = time.perf_counter()
        await run_seed(Settings(database_url=url, files_dir=files_dir), background, progress)
        timings["background_seed"] = time.perf_counter() - clock
    database = Database(url)
    clock = time.perf_counter()
    await load_reference(database, load_regions(), [])  # the demo's regions, if not there yet
    regions, implementers = plan(await _existing_streets(database))
    await load_reference(database, regions, [i.seed for i in implementers])
    fanout = await published_catalog_item(
        database, FANOUT_CODE, contents.catalog_content(STATUTORY_DAYS)
    )
    seeds = [
        ServiceSeed(
            i.seed.uscc,
            i.seed.level,
            FANOUT_CODE,
            ServiceItemContent.model_validate(local_content(i, n)),
        )
        for n, i in enumerate(implementers)
    ]
    await load_synthetic(database, [i.seed for i in implementers], [], seeds)
    timings["fanout_setup"] = time.perf_counter() - clock
    clock = time.perf_counter()
    items, first = await _pool(database, implementers, pool)
    timings["pool_setup"] = time.perf_counter() - clock
    days = [promised_days(n) for n in range(len(implementers))]
    return World(dialect, url, server_version, database, fanout, days, items, first, timings)


async def _pool(
    database: Database, implementers: list[Implementer], size: int
) -> tuple[list[Item], list[float]]:
    """`size` service items of pool catalog items, spread over the districts' implementers."""
    catalogs = -(-size // len(implementers))
    for k in range(catalogs):
        name = f"{contents.CATALOG_NAME}（补办{k + 1}）"
        await published_catalog_item(
            database, POOL_CODES.format(k), contents.catalog_content(STATUTORY_DAYS, name)
        )
    items, first = [], []
    for n in range(size):
        implementer = implementers[(n * 97) % len(implementers)]  # 97: coprime to 1,300
        record, _ = await run_in_tx(
            database,
            create_service_item,
            catalog_code=POOL_CODES.format(n // len(implementers)),
            agency_uscc=implementer.seed.uscc,
            content=local_content(implementer, n),
            actor=EDITOR,
        )
        item = Item(record.id, record.code, record.lock_version, implementer.seed.uscc)
        first.append(await submit_and_publish(database, SERVICE_ITEM, item))
        items.append(item)
    return items, first

"""Loading N synthetic service items into a migrated, empty database.

First through `seed.cli.run_seed`, exactly what `yichuang seed --synthetic N` runs. If that
fails, the database is emptied and the same building blocks are composed here instead:
the synthetic catalog's own regions (it adds streets the demo lacks) and agencies via
`seed.loader.load_reference`, its forms and samples via `store_attachment`, then
`seed.bulk.load_synthetic`. Which path ran is recorded with the results.
"""

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from catalog_api import migrate
from catalog_api.catalog.commands.store_attachment import store_attachment
from catalog_api.db import Database
from catalog_api.settings import Settings

console = Console(stderr=True)
RUN_SEED = "seed.cli.run_seed (yichuang seed --synthetic N)"
COMPOSED = "bench.seeding.compose (load_reference + store_attachment + seed.bulk)"


@dataclass
class Seeded:
    path: str
    migrate_seconds: float
    seed_seconds: float
    note: str | None = None


def progress(description: str, total: int) -> Progress:
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )
    bar.add_task(description, total=total)
    return bar


async def compose(url: str, n: int, files_dir: Path) -> str:
    from seed.bulk import load_synthetic
    from seed.loader import load_reference
    from seed.synthetic import synthetic_catalog

    catalog = synthetic_catalog(n)
    database = Database(url)
    try:
        regions, agencies = await load_reference(database, catalog)  # type: ignore[arg-type]
        async with database.transaction() as tx:
            for file in catalog.files:
                await store_attachment(
                    tx,
                    files_dir,
                    data=file.data,
                    file_name=file.file_name,
                    content_type=file.content_type,
                )
        with progress(f"生成 {n} 项合成实施清单", n) as bar:
            loaded = await load_synthetic(
                database,
                catalog.agencies,
                catalog.catalog_items,
                catalog.service_items,
                lambda k: bar.advance(bar.task_ids[0], k),
                fee_items=catalog.fee_items,
            )
    finally:
        await database.dispose()
    return (
        f"composed: {regions} regions, {agencies} agencies, {len(catalog.files)} files, "
        f"{len(catalog.catalog_items)} catalog items, {loaded} service items"
    )


async def seed_database(
    url: str, n: int, files_dir: Path, reset: Callable[[], Awaitable[None]]
) -> Seeded:
    """Migrate and seed the empty database at `url`; `reset` empties it again."""
    from seed.cli import run_seed  # late: `python -m bench --help` needs no seed data

    started = time.perf_counter()
    await migrate.upgrade(url)
    migrate_seconds = time.perf_counter() - started
    started = time.perf_counter()
    try:
        settings = Settings(database_url=url, files_dir=files_dir)
        console.print(f"  {await run_seed(settings, n, progress)}")
        return Seeded(RUN_SEED, migrate_seconds, time.perf_counter() - started)
    except Exception as exc:
        note = f"run_seed failed after {time.perf_counter() - started:.1f} s: {exc!s:.300}"
        console.print(f"  [yellow]{note}[/]\n  falling back to {COMPOSED}")
    await reset()
    started = time.perf_counter()
    await migrate.upgrade(url)
    migrate_seconds = time.perf_counter() - started
    started = time.perf_counter()
    console.print(f"  {await compose(url, n, files_dir)}")
    return Seeded(COMPOSED, migrate_seconds, time.perf_counter() - started, note)

"""Publishes per second: the pool's items each get an in-review draft through the commands
(`update_draft`, then `submit`, one transaction each, not timed), then each is published by a
`publish` command in a transaction of its own (`Database.transaction()`), timed from opening the
transaction to its commit. Sequentially, and from several asyncio tasks sharing the items.

On SQLite every write transaction goes through the one writer connection (`BEGIN IMMEDIATE`,
pool of 1), so concurrent publishers queue for it; on PostgreSQL they run on separate
connections but serialise on the change-event lock (`pg_advisory_xact_lock`) until commit.
"""

import asyncio
import time
from typing import Any

from rich.console import Console

from bench.writes.timing import median_of, sql_profile, summarise
from bench.writes.world import EDITOR, REVIEWER, Item, World, run_in_tx
from catalog_api.catalog.commands.publish import publish
from catalog_api.catalog.commands.submit import submit
from catalog_api.catalog.commands.update_draft import update_draft
from catalog_api.catalog.kinds import SERVICE_ITEM
from catalog_api.db import Database

console = Console(stderr=True)


async def prepare(database: Database, items: list[Item], revision: int) -> None:
    """An in-review draft on every item (a new version: the hours line names the revision)."""
    changes = {"hours": f"周一至周五 上午9:00-12:00，下午13:30-17:00（第{revision}版）"}
    for item in items:
        await run_in_tx(
            database,
            update_draft,
            SERVICE_ITEM,
            record_id=item.id,
            expected_lock_version=item.lock_version,
            changes=changes,
            actor=EDITOR,
        )
        item.lock_version += 1
        await run_in_tx(
            database,
            submit,
            SERVICE_ITEM,
            record_id=item.id,
            expected_lock_version=item.lock_version,
            actor=EDITOR,
        )
        item.lock_version += 1


async def _publish(database: Database, item: Item) -> float:
    started = time.perf_counter()
    async with database.transaction() as tx:
        await publish(
            tx,
            SERVICE_ITEM,
            record_id=item.id,
            expected_lock_version=item.lock_version,
            actor=REVIEWER,
        )
    item.lock_version += 1
    return time.perf_counter() - started


async def publish_all(database: Database, items: list[Item], tasks: int) -> dict[str, Any]:
    """Publish every item from `tasks` tasks taking the next item in turn."""
    pending = iter(items)
    latencies: list[float] = []

    async def publisher() -> None:
        for item in pending:
            latencies.append(await _publish(database, item))

    started = time.perf_counter()
    await asyncio.gather(*(publisher() for _ in range(tasks)))
    return summarise(latencies, time.perf_counter() - started, tasks=tasks)


async def run(world: World, *, rounds: int, tasks: int, profile: bool) -> dict[str, Any]:
    database, items = world.database, world.pool
    measured: dict[int, list[dict[str, Any]]] = {1: [], tasks: []}
    revision = 0
    for number in range(rounds):
        for concurrency in (1, tasks) if number % 2 == 0 else (tasks, 1):
            revision += 1
            await prepare(database, items, revision)
            result = await publish_all(database, items, concurrency)
            measured[concurrency].append(result)
            console.print(
                f"  {world.dialect} publish ×{concurrency} round {number + 1}: "
                f"{result['ops']} in {result['seconds']:.2f} s, {result['ops_per_s']:.1f}/s, "
                f"p50 {result['p50_ms']:.1f} ms p95 {result['p95_ms']:.1f} ms"
            )
    first = world.first_publishes
    report: dict[str, Any] = {
        "first_version": summarise(first, sum(first), note="one round, during set-up"),
        "sequential": {"median": median_of(measured[1]), "rounds": measured[1]},
        "concurrent": {"median": median_of(measured[tasks]), "rounds": measured[tasks]},
    }
    if profile:
        sample = items[: min(len(items), 50)]
        await prepare(database, sample, revision + 1)

        async def work() -> int:
            return (await publish_all(database, sample, 1))["ops"]

        report["sql_profile"] = await sql_profile(database, work, python=True)
    return report

"""A catalog item's publish fanning out to its 1,300 derived service items.

Each round publishes a new version of the catalog item through the commands: `update_draft`
(the statutory time limit changes: 20 → 15 → 12 → 18 …, so every item whose promised limit is
now longer gets a review flag) and `submit`, not timed, then `publish`, timed from opening the
transaction to its commit. The `catalog_changed` events of all derived items are written inside
that transaction (`fanout.announce_to_derived`), so its commit is the moment the last one
exists: the measure is the publish transaction's duration. `fanout.flag_derived` and
`announce_to_derived` are wrapped (in this process only) to time them, and the garbage
collector's runs during the publish are counted and timed. Afterwards it checks
that exactly one event per derived item has a seq after the publish event, and that the items
flagged are exactly those whose promised limit exceeds the new statutory one.
"""

import contextlib
import time
from collections.abc import Iterator
from typing import Any

from rich.console import Console
from sqlalchemy import distinct, func, select

from bench.writes.timing import gc_pauses, median_of, sql_profile
from bench.writes.world import ADMIN, REVIEWER, World, run_in_tx
from catalog_api.catalog import fanout as fanout_module
from catalog_api.catalog.commands.publish import publish
from catalog_api.catalog.commands.submit import submit
from catalog_api.catalog.commands.update_draft import update_draft
from catalog_api.catalog.kinds import CATALOG_ITEM
from models import ChangeEvent, ReviewFlagRow, ServiceItem
from models.enums import ChangeAction

console = Console(stderr=True)
STATUTORY_SEQUENCE = (15, 12, 18, 10, 16, 14, 11, 17, 13, 19)  # from 20; never twice in a row


@contextlib.contextmanager
def timed_fanout(marks: dict[str, float]) -> Iterator[None]:
    """Time `flag_derived` and `announce_to_derived` while the block runs."""
    names = ("flag_derived", "announce_to_derived")
    originals = {name: getattr(fanout_module, name) for name in names}

    def wrap(name: str) -> Any:
        async def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return await originals[name](*args, **kwargs)
            finally:
                marks[name] = time.perf_counter() - started

        return timed

    for name in names:
        setattr(fanout_module, name, wrap(name))
    try:
        yield
    finally:
        for name, original in originals.items():
            setattr(fanout_module, name, original)


async def _prepare(world: World, days: int) -> None:
    item = world.fanout
    changes = {"statutory_time_limit": {"value": days, "unit": "1"}}
    note = f"法定办结时限调整为{days}个工作日"
    await run_in_tx(
        world.database,
        update_draft,
        CATALOG_ITEM,
        record_id=item.id,
        expected_lock_version=item.lock_version,
        changes=changes,
        actor=ADMIN,
        change_note=note,
    )
    item.lock_version += 1
    await run_in_tx(
        world.database,
        submit,
        CATALOG_ITEM,
        record_id=item.id,
        expected_lock_version=item.lock_version,
        actor=ADMIN,
    )
    item.lock_version += 1


async def _publish(world: World) -> tuple[int, dict[str, float]]:
    item, marks = world.fanout, {}
    with timed_fanout(marks), gc_pauses(marks):
        started = time.perf_counter()
        async with world.database.transaction() as tx:
            version = await publish(
                tx,
                CATALOG_ITEM,
                record_id=item.id,
                expected_lock_version=item.lock_version,
                actor=REVIEWER,
            )
            returned = time.perf_counter()
        committed = time.perf_counter()
    item.lock_version += 1
    marks["seconds"] = committed - started
    marks["publish_call"] = returned - started
    marks["commit"] = committed - returned
    return version.number, marks


async def verify(world: World, number: int) -> dict[str, int]:
    item = world.fanout
    cause = f"{CATALOG_ITEM.name}:{item.code}:{number}"
    derived = select(ServiceItem.id).where(ServiceItem.catalog_item_id == item.id)
    async with world.database.read() as session:
        publish_seq = (
            await session.execute(
                select(ChangeEvent.seq).where(
                    ChangeEvent.record_id == item.id,
                    ChangeEvent.version_number == number,
                    ChangeEvent.action == ChangeAction.PUBLISHED.value,
                )
            )
        ).scalar_one()
        events, first, last = (
            await session.execute(
                select(func.count(), func.min(ChangeEvent.seq), func.max(ChangeEvent.seq)).where(
                    ChangeEvent.cause == cause,
                    ChangeEvent.action == ChangeAction.CATALOG_CHANGED.value,
                    ChangeEvent.seq > publish_seq,
                )
            )
        ).one()
        flags, flagged = (
            await session.execute(
                select(func.count(), func.count(distinct(ReviewFlagRow.service_item_id))).where(
                    ReviewFlagRow.catalog_version_number == number,
                    ReviewFlagRow.service_item_id.in_(derived),
                )
            )
        ).one()
        total = await session.execute(select(func.count()).select_from(derived.subquery()))
    return {
        "derived": total.scalar_one(),
        "publish_event_seq": publish_seq,
        "events_after_publish": events,
        "first_event_seq": first,
        "last_event_seq": last,
        "flags": flags,
        "flagged_items": flagged,
    }


async def one_round(world: World, days: int) -> dict[str, Any]:
    await _prepare(world, days)
    number, marks = await _publish(world)
    check = await verify(world, number)
    expected = sum(promised > days for promised in world.derived_promised_days)
    ok = check["events_after_publish"] == check["derived"] and check["flagged_items"] == expected
    if not ok:
        raise AssertionError(f"fan-out of version {number} incomplete: {check}, {expected=}")
    return {
        "version": number,
        "statutory_days": days,
        **marks,
        **check,
        "expected_flagged": expected,
    }


async def run(world: World, *, rounds: int, profile: bool) -> dict[str, Any]:
    measured = []
    for number in range(rounds):
        days = STATUTORY_SEQUENCE[number % len(STATUTORY_SEQUENCE)]
        result = await one_round(world, days)
        measured.append(result)
        console.print(
            f"  {world.dialect} fan-out round {number + 1}: {result['seconds'] * 1000:.0f} ms "
            f"(flag {result['flag_derived'] * 1000:.0f}, events "
            f"{result['announce_to_derived'] * 1000:.0f}, commit {result['commit'] * 1000:.0f}, "
            f"GC {result['gc_seconds'] * 1000:.0f} in {result['gc_full_collections']} full), "
            f"{result['events_after_publish']} events, {result['flagged_items']} flagged"
        )
    report: dict[str, Any] = {"median": median_of(measured), "rounds": measured}
    if profile:
        days = STATUTORY_SEQUENCE[rounds % len(STATUTORY_SEQUENCE)]
        await _prepare(world, days)

        async def work() -> int:
            await _publish(world)
            return 1

        report["sql_profile"] = await sql_profile(world.database, work, python=True)
    return report

"""Change events: one per state change, written in the command's own transaction."""

from datetime import timedelta

import pytest

from catalog_api.catalog.commands.discard_draft import discard_draft
from catalog_api.catalog.commands.publish import publish
from catalog_api.catalog.commands.reject import reject
from catalog_api.catalog.commands.restore import restore
from catalog_api.catalog.commands.submit import submit
from catalog_api.catalog.commands.update_draft import update_draft
from catalog_api.catalog.commands.withdraw import withdraw
from catalog_api.catalog.kinds import CATALOG_ITEM, SERVICE_ITEM
from models import ChangeEvent
from models.base import utc_now
from models.enums import ExerciseLevel
from tests.factories import (
    EDITOR,
    LIXIA,
    REVIEWER,
    agency,
    count_rows,
    events_of,
    published_catalog_item,
    run,
    service_item_draft,
    snapshot,
)


async def test_a_service_items_life_is_told_by_its_events(database):
    # given a district agency's item on a published catalog item
    catalog, _ = await published_catalog_item(database)
    authority = await agency(database, region_code=LIXIA, level=ExerciseLevel.COUNTY)
    record, _ = await service_item_draft(database, catalog.code, authority.uscc)
    lock = 1

    async def step(command, **kw):
        nonlocal lock
        await run(
            database,
            command,
            SERVICE_ITEM,
            record_id=record.id,
            expected_lock_version=lock,
            **kw,
        )
        lock += 1

    # when it goes through every kind of change
    await step(update_draft, changes={"hours": "工作日 9:00-17:00"}, actor=EDITOR)
    await step(submit, actor=EDITOR)
    await step(reject, reason="缺少咨询电话", actor=REVIEWER)
    await step(submit, actor=EDITOR)
    await step(publish, actor=REVIEWER)
    await step(update_draft, changes={"onsite_visits": 2}, actor=EDITOR)
    await step(discard_draft, actor=EDITOR)
    await step(update_draft, changes={"hours": "全天"}, actor=EDITOR)
    await step(submit, actor=EDITOR)
    await step(publish, actor=REVIEWER, effective_from=utc_now() + timedelta(days=1))
    await step(withdraw, reason="暂停办理", actor=REVIEWER)
    await step(restore, number=1, actor=EDITOR)

    # then
    events = await events_of(database, record.id)
    told = [(e.action, e.version_number) for e in events]
    told[-3:-1] = sorted(told[-3:-1])  # one withdrawal ends two versions, in no set order
    assert told == [
        ("created", 1),
        ("draft_updated", 1),
        ("submitted", 1),
        ("rejected", 1),
        ("submitted", 1),
        ("published", 1),
        ("draft_updated", 2),
        ("draft_discarded", None),
        ("draft_updated", 2),
        ("submitted", 2),
        ("scheduled", 2),
        ("withdrawn", 1),
        ("withdrawn", 2),
        ("restored", 3),
    ]
    seqs = [e.seq for e in events]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert {(e.kind, e.code, e.region_code, e.agency_uscc) for e in events} == {
        ("service_item", record.code, LIXIA, authority.uscc)
    }


async def test_catalog_item_events_carry_no_agency_or_region(database):
    catalog, _ = await published_catalog_item(database)

    events = await events_of(database, catalog.id)

    assert [e.action for e in events] == ["created", "submitted", "published"]
    assert {(e.kind, e.region_code, e.agency_uscc) for e in events} == {
        ("catalog_item", None, None)
    }


async def test_seq_grows_across_records_in_commit_order(database):
    first, _ = await published_catalog_item(database)
    second, _ = await published_catalog_item(database)

    events = await events_of(database)

    assert [e.record_id for e in events] == [first.id] * 3 + [second.id] * 3
    assert [e.seq for e in events] == sorted(e.seq for e in events)


async def test_an_event_is_invisible_until_its_transaction_commits(database):
    record, _ = await published_catalog_item(database)
    committed = await count_rows(database, ChangeEvent)

    async with database.transaction() as tx:
        await update_draft(
            tx,
            CATALOG_ITEM,
            record_id=record.id,
            expected_lock_version=record.lock_version,
            changes={"name": "新名称"},
            actor=EDITOR,
        )
        assert await count_rows(database, ChangeEvent) == committed

    assert await count_rows(database, ChangeEvent) == committed + 1


async def test_an_event_rolls_back_with_its_change(database):
    # given
    record, _ = await published_catalog_item(database)
    before = await snapshot(database, CATALOG_ITEM, record.id)

    # when the transaction fails after the command succeeded
    with pytest.raises(RuntimeError, match="boom"):
        async with database.transaction() as tx:
            await update_draft(
                tx,
                CATALOG_ITEM,
                record_id=record.id,
                expected_lock_version=record.lock_version,
                changes={"name": "新名称"},
                actor=EDITOR,
            )
            raise RuntimeError("boom")

    # then neither the change nor its event was written
    assert await snapshot(database, CATALOG_ITEM, record.id) == before

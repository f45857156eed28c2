"""withdraw: a record stops being current from now on; a scheduled version never starts."""

from datetime import timedelta

from catalog_api.catalog.commands.publish import publish
from catalog_api.catalog.commands.submit import submit
from catalog_api.catalog.commands.update_draft import update_draft
from catalog_api.catalog.commands.withdraw import withdraw
from catalog_api.catalog.errors import ErrorCode
from catalog_api.catalog.kinds import CATALOG_ITEM, SERVICE_ITEM
from models.base import utc_now
from models.enums import VersionStatus
from tests.factories import (
    EDITOR,
    REVIEWER,
    agency,
    catalog_item_draft,
    events_of,
    published_catalog_item,
    published_service_item,
    record_of,
    refused,
    run,
    snapshot,
    versions_of,
)


async def edit(database, kind, record, lock, **changes):
    await run(
        database,
        update_draft,
        kind,
        record_id=record.id,
        expected_lock_version=lock,
        changes=changes,
        actor=EDITOR,
    )
    return lock + 1


async def schedule_new_version(database, record, start):
    """v2 of a published catalog item, scheduled for `start`; returns the lock version after."""
    lock = await edit(database, CATALOG_ITEM, record, record.lock_version, name="新名称")
    await run(
        database,
        submit,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=lock,
        actor=EDITOR,
    )
    await run(
        database,
        publish,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=lock + 1,
        actor=REVIEWER,
        effective_from=start,
    )
    return lock + 2


async def test_withdrawing_ends_the_live_version_now(database):
    # given
    record, v1 = await published_catalog_item(database)
    before = utc_now()

    # when
    ended = await run(
        database,
        withdraw,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=record.lock_version,
        reason=" 事项已取消 ",
        actor=REVIEWER,
    )

    # then
    [stored] = await versions_of(database, CATALOG_ITEM, record.id)
    assert [v.id for v in ended] == [v1.id]
    assert (stored.status, stored.effective_from, stored.reason) == (
        VersionStatus.WITHDRAWN,
        v1.effective_from,
        "事项已取消",
    )
    assert before <= stored.effective_to <= utc_now()
    assert (await record_of(database, CATALOG_ITEM, record.id)).lock_version == (
        record.lock_version + 1
    )
    event = (await events_of(database, record.id))[-1]
    assert (event.action, event.version_number, event.actor, event.payload) == (
        "withdrawn",
        1,
        REVIEWER,
        {"reason": "事项已取消"},
    )


async def test_withdrawing_cancels_a_scheduled_version(database):
    # given v1 live and v2 scheduled for next week
    record, _ = await published_catalog_item(database)
    start = utc_now() + timedelta(days=7)
    lock = await schedule_new_version(database, record, start)

    # when
    ended = await run(
        database,
        withdraw,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=lock,
        reason="暂停办理",
        actor=REVIEWER,
    )

    # then v1 ends now and v2's period is empty: it never takes effect
    v1, v2 = await versions_of(database, CATALOG_ITEM, record.id)
    assert sorted(v.number for v in ended) == [1, 2]
    assert [v.status for v in (v1, v2)] == [VersionStatus.WITHDRAWN, VersionStatus.WITHDRAWN]
    assert v1.effective_to <= utc_now()
    assert v2.effective_from == v2.effective_to == start
    events = (await events_of(database, record.id))[-2:]
    assert sorted((e.action, e.version_number) for e in events) == [
        ("withdrawn", 1),
        ("withdrawn", 2),
    ]


async def test_versions_that_already_ended_are_left_alone(database):
    # given v1 superseded by v2
    record, _ = await published_catalog_item(database)
    lock = await edit(database, CATALOG_ITEM, record, record.lock_version, name="二")
    await run(
        database,
        submit,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=lock,
        actor=EDITOR,
    )
    await run(
        database,
        publish,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=lock + 1,
        actor=REVIEWER,
    )
    v1_before, _ = await versions_of(database, CATALOG_ITEM, record.id)

    # when
    ended = await run(
        database,
        withdraw,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=lock + 2,
        reason="事项取消",
        actor=REVIEWER,
    )

    # then
    v1, v2 = await versions_of(database, CATALOG_ITEM, record.id)
    assert [v.number for v in ended] == [2]
    assert (v1.status, v1.effective_to, v1.reason) == (
        VersionStatus.SUPERSEDED,
        v1_before.effective_to,
        None,
    )
    assert v2.status == VersionStatus.WITHDRAWN


async def test_an_open_draft_survives_withdrawal(database):
    record, _ = await published_catalog_item(database)
    lock = await edit(database, CATALOG_ITEM, record, record.lock_version, name="修订中")

    await run(
        database,
        withdraw,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=lock,
        reason="暂停办理",
        actor=REVIEWER,
    )

    v1, v2 = await versions_of(database, CATALOG_ITEM, record.id)
    assert (v1.status, v2.status, v2.content["name"]) == (
        VersionStatus.WITHDRAWN,
        VersionStatus.DRAFT,
        "修订中",
    )


async def test_a_service_item_withdrawal_event_names_agency_and_region(database):
    catalog, _ = await published_catalog_item(database)
    authority = await agency(database)
    record, _ = await published_service_item(database, catalog.code, authority.uscc)

    await run(
        database,
        withdraw,
        SERVICE_ITEM,
        record_id=record.id,
        expected_lock_version=record.lock_version,
        reason="暂停办理",
        actor=REVIEWER,
    )

    event = (await events_of(database, record.id))[-1]
    assert (event.action, event.region_code, event.agency_uscc) == (
        "withdrawn",
        authority.region_code,
        authority.uscc,
    )


async def test_a_record_never_published_cannot_be_withdrawn(database):
    record, _ = await catalog_item_draft(database)
    before = await snapshot(database, CATALOG_ITEM, record.id)

    errors = await refused(
        database,
        withdraw,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=1,
        reason="事项取消",
        actor=REVIEWER,
    )

    assert errors == [(ErrorCode.INVALID_STATE, ("id",), "该事项当前没有已发布的版本")]
    assert await snapshot(database, CATALOG_ITEM, record.id) == before


async def test_a_withdrawn_record_cannot_be_withdrawn_again(database):
    record, _ = await published_catalog_item(database)
    await run(
        database,
        withdraw,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=record.lock_version,
        reason="事项取消",
        actor=REVIEWER,
    )
    before = await snapshot(database, CATALOG_ITEM, record.id)

    errors = await refused(
        database,
        withdraw,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=record.lock_version + 1,
        reason="再次取消",
        actor=REVIEWER,
    )

    assert errors == [(ErrorCode.INVALID_STATE, ("id",), "该事项当前没有已发布的版本")]
    assert await snapshot(database, CATALOG_ITEM, record.id) == before


async def test_a_reason_is_needed(database):
    record, _ = await published_catalog_item(database)
    before = await snapshot(database, CATALOG_ITEM, record.id)

    errors = await refused(
        database,
        withdraw,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=record.lock_version,
        reason=" \u3000",
        actor=REVIEWER,
    )

    assert errors == [(ErrorCode.REQUIRED, ("reason",), "撤回须说明原因")]
    assert await snapshot(database, CATALOG_ITEM, record.id) == before


async def test_a_stale_lock_version_is_refused(database):
    record, _ = await published_catalog_item(database)
    before = await snapshot(database, CATALOG_ITEM, record.id)

    errors = await refused(
        database,
        withdraw,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=1,
        reason="事项取消",
        actor=REVIEWER,
    )

    assert errors == [
        (
            ErrorCode.STALE_VERSION,
            ("expected_lock_version",),
            "记录已被他人修改（当前版本锁 3，提交的是 1），请刷新后重试",
        )
    ]
    assert await snapshot(database, CATALOG_ITEM, record.id) == before


async def test_an_unknown_record_is_not_found(database):
    record, _ = await published_catalog_item(database)

    errors = await refused(
        database,
        withdraw,
        SERVICE_ITEM,
        record_id=record.id,
        expected_lock_version=record.lock_version,
        reason="事项取消",
        actor=REVIEWER,
    )

    assert errors == [(ErrorCode.NOT_FOUND, ("id",), "记录不存在")]

"""publish: the version under review goes live now, or at a future `effective_from`."""

from datetime import datetime, timedelta

import pytest

from catalog_api.catalog.commands.publish import publish
from catalog_api.catalog.commands.submit import submit
from catalog_api.catalog.commands.update_draft import update_draft
from catalog_api.catalog.commands.withdraw import withdraw
from catalog_api.catalog.errors import DomainError, ErrorCode
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
    service_item_draft,
    snapshot,
    versions_of,
)

DAY = timedelta(days=1)


async def submitted_catalog_item(database):
    record, _ = await catalog_item_draft(database)
    await run(
        database, submit, CATALOG_ITEM, record_id=record.id, expected_lock_version=1, actor=EDITOR
    )
    return record, 2


async def submit_new_version(database, kind, record, lock, **changes):
    """Edit a published record and submit the edit; returns the lock version after that."""
    await run(
        database,
        update_draft,
        kind,
        record_id=record.id,
        expected_lock_version=lock,
        changes=changes,
        actor=EDITOR,
    )
    await run(
        database, submit, kind, record_id=record.id, expected_lock_version=lock + 1, actor=EDITOR
    )
    return lock + 2


def in_effect(versions, at):
    return [
        v.number
        for v in versions
        if v.effective_from is not None
        and v.effective_from <= at
        and (v.effective_to is None or at < v.effective_to)
    ]


async def test_publishing_makes_the_version_live_now(database):
    # given
    record, lock = await submitted_catalog_item(database)
    before = utc_now()

    # when
    version = await run(
        database,
        publish,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=lock,
        actor=REVIEWER,
    )

    # then
    after = utc_now()
    [stored] = await versions_of(database, CATALOG_ITEM, record.id)
    assert (stored.id, stored.status, stored.effective_to, stored.published_by) == (
        version.id,
        VersionStatus.PUBLISHED,
        None,
        REVIEWER,
    )
    assert before <= stored.effective_from == stored.published_at <= after
    assert (await record_of(database, CATALOG_ITEM, record.id)).lock_version == lock + 1
    event = (await events_of(database, record.id))[-1]
    assert (event.action, event.version_number, event.actor) == ("published", 1, REVIEWER)
    assert event.payload == {"effective_from": stored.effective_from.isoformat()}


async def test_a_new_version_supersedes_the_live_one(database):
    # given
    record, v1 = await published_catalog_item(database, name="旧名称")
    lock = await submit_new_version(
        database, CATALOG_ITEM, record, record.lock_version, name="新名称"
    )

    # when
    await run(
        database,
        publish,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=lock,
        actor=REVIEWER,
    )

    # then
    old, new = await versions_of(database, CATALOG_ITEM, record.id)
    assert (old.status, old.effective_from) == (VersionStatus.SUPERSEDED, v1.effective_from)
    assert (new.status, new.content["name"]) == (VersionStatus.PUBLISHED, "新名称")
    assert old.effective_to == new.effective_from
    assert in_effect([old, new], utc_now()) == [2]


async def test_a_future_effective_from_schedules_the_version(database):
    # given
    record, v1 = await published_catalog_item(database)
    lock = await submit_new_version(
        database, CATALOG_ITEM, record, record.lock_version, name="新名称"
    )
    start = (utc_now() + 7 * DAY).replace(microsecond=0)

    # when
    await run(
        database,
        publish,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=lock,
        actor=REVIEWER,
        effective_from=start,
    )

    # then the current version stays in effect until the new one starts
    old, new = await versions_of(database, CATALOG_ITEM, record.id)
    assert (old.status, old.effective_from, old.effective_to) == (
        VersionStatus.SUPERSEDED,
        v1.effective_from,
        start,
    )
    assert (new.status, new.effective_from, new.effective_to) == (
        VersionStatus.PUBLISHED,
        start,
        None,
    )
    assert in_effect([old, new], utc_now()) == [1]
    assert in_effect([old, new], start) == [2]
    event = (await events_of(database, record.id))[-1]
    assert (event.action, event.version_number, event.payload) == (
        "scheduled",
        2,
        {"effective_from": start.isoformat()},
    )


async def test_a_first_version_can_be_scheduled(database):
    record, lock = await submitted_catalog_item(database)
    start = utc_now() + DAY

    await run(
        database,
        publish,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=lock,
        actor=REVIEWER,
        effective_from=start,
    )

    [stored] = await versions_of(database, CATALOG_ITEM, record.id)
    assert (stored.status, stored.effective_from) == (VersionStatus.PUBLISHED, start)
    assert in_effect([stored], utc_now()) == []


async def test_a_past_effective_from_is_refused(database):
    record, lock = await submitted_catalog_item(database)
    before = await snapshot(database, CATALOG_ITEM, record.id)

    errors = await refused(
        database,
        publish,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=lock,
        actor=REVIEWER,
        effective_from=utc_now() - timedelta(minutes=1),
    )

    assert errors == [(ErrorCode.INVALID, ("effective_from",), "生效时间不能早于当前时间")]
    assert await snapshot(database, CATALOG_ITEM, record.id) == before


async def test_publishing_now_over_a_scheduled_version_leaves_one_version_in_effect(database):
    # given v1 live and v2 scheduled a week ahead
    record, _ = await published_catalog_item(database)
    lock = await submit_new_version(database, CATALOG_ITEM, record, record.lock_version, name="二")
    start = utc_now() + 7 * DAY
    await run(
        database,
        publish,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=lock,
        actor=REVIEWER,
        effective_from=start,
    )
    lock = await submit_new_version(database, CATALOG_ITEM, record, lock + 1, name="三")

    # when v3 is published now
    await run(
        database,
        publish,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=lock,
        actor=REVIEWER,
    )

    # then from now on only v3 is in effect: v1 ends now, v2 never starts
    versions = await versions_of(database, CATALOG_ITEM, record.id)
    assert [v.status for v in versions] == [
        VersionStatus.SUPERSEDED,
        VersionStatus.SUPERSEDED,
        VersionStatus.PUBLISHED,
    ]
    for moment in (utc_now(), start - timedelta(seconds=1), start, start + DAY):
        assert in_effect(versions, moment) == [3], moment


async def test_an_effective_from_without_a_time_zone_is_refused(database):
    # given a time as a client might send it, "2030-01-01T08:00:00" with no offset
    record, lock = await submitted_catalog_item(database)
    before = await snapshot(database, CATALOG_ITEM, record.id)

    # when
    with pytest.raises(DomainError) as raised:
        await run(
            database,
            publish,
            CATALOG_ITEM,
            record_id=record.id,
            expected_lock_version=lock,
            actor=REVIEWER,
            effective_from=datetime(2030, 1, 1, 8, 0),
        )

    # then it is a user error on the field, not a crash
    assert [(e.code, e.path) for e in raised.value.errors] == [
        (ErrorCode.INVALID, ("effective_from",))
    ]
    assert await snapshot(database, CATALOG_ITEM, record.id) == before


async def test_a_service_item_cannot_take_effect_before_its_catalog_item(database):
    # given a catalog item whose first version is scheduled for next week
    catalog, lock = await submitted_catalog_item(database)
    start = utc_now() + 7 * DAY
    await run(
        database,
        publish,
        CATALOG_ITEM,
        record_id=catalog.id,
        expected_lock_version=lock,
        actor=REVIEWER,
        effective_from=start,
    )
    authority = await agency(database)
    record, _ = await service_item_draft(database, catalog.code, authority.uscc)
    await run(
        database, submit, SERVICE_ITEM, record_id=record.id, expected_lock_version=1, actor=EDITOR
    )
    before = await snapshot(database, SERVICE_ITEM, record.id)

    # when its service item is published to take effect now
    with pytest.raises(DomainError):
        await run(
            database,
            publish,
            SERVICE_ITEM,
            record_id=record.id,
            expected_lock_version=2,
            actor=REVIEWER,
        )

    # then it is refused: for a week it would show no name, type or legal basis
    assert await snapshot(database, SERVICE_ITEM, record.id) == before


async def test_a_service_item_may_take_effect_with_its_catalog_item(database):
    catalog, lock = await submitted_catalog_item(database)
    start = utc_now() + 7 * DAY
    await run(
        database,
        publish,
        CATALOG_ITEM,
        record_id=catalog.id,
        expected_lock_version=lock,
        actor=REVIEWER,
        effective_from=start,
    )
    authority = await agency(database)
    record, _ = await service_item_draft(database, catalog.code, authority.uscc)
    await run(
        database, submit, SERVICE_ITEM, record_id=record.id, expected_lock_version=1, actor=EDITOR
    )

    await run(
        database,
        publish,
        SERVICE_ITEM,
        record_id=record.id,
        expected_lock_version=2,
        actor=REVIEWER,
        effective_from=start,
    )

    [stored] = await versions_of(database, SERVICE_ITEM, record.id)
    assert (stored.status, stored.effective_from) == (VersionStatus.PUBLISHED, start)


async def test_a_service_item_may_publish_now_while_its_catalog_item_has_a_change_scheduled(
    database,
):
    # given a live catalog item with a new version scheduled for next week
    catalog, _ = await published_catalog_item(database)
    lock = await submit_new_version(
        database, CATALOG_ITEM, catalog, catalog.lock_version, name="新"
    )
    await run(
        database,
        publish,
        CATALOG_ITEM,
        record_id=catalog.id,
        expected_lock_version=lock,
        actor=REVIEWER,
        effective_from=utc_now() + 7 * DAY,
    )
    authority = await agency(database)

    # when / then
    record, _ = await published_service_item(database, catalog.code, authority.uscc)

    [stored] = await versions_of(database, SERVICE_ITEM, record.id)
    assert stored.status == VersionStatus.PUBLISHED


async def test_a_version_not_submitted_cannot_be_published(database):
    record, _ = await catalog_item_draft(database)
    before = await snapshot(database, CATALOG_ITEM, record.id)

    errors = await refused(
        database,
        publish,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=1,
        actor=REVIEWER,
    )

    assert errors == [(ErrorCode.INVALID_STATE, ("id",), "没有已提交审核的版本可发布")]
    assert await snapshot(database, CATALOG_ITEM, record.id) == before


async def test_a_published_version_cannot_be_published_again(database):
    record, _ = await published_catalog_item(database)

    errors = await refused(
        database,
        publish,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=record.lock_version,
        actor=REVIEWER,
    )

    assert errors == [(ErrorCode.INVALID_STATE, ("id",), "没有已提交审核的版本可发布")]


async def test_rules_are_checked_again_against_the_catalog_as_published_now(database):
    # given a service item submitted while the law allowed 20 days for its 15 promised days
    catalog, _ = await published_catalog_item(database)
    authority = await agency(database)
    record, _ = await service_item_draft(
        database, catalog.code, authority.uscc, promised_time_limit={"value": 15}
    )
    await run(
        database, submit, SERVICE_ITEM, record_id=record.id, expected_lock_version=1, actor=EDITOR
    )
    # and the catalog item then cut the statutory limit to 10 days
    await submit_new_version(
        database,
        CATALOG_ITEM,
        catalog,
        catalog.lock_version,
        statutory_time_limit={"value": 10},
    )
    await run(
        database,
        publish,
        CATALOG_ITEM,
        record_id=catalog.id,
        expected_lock_version=catalog.lock_version + 2,
        actor=REVIEWER,
    )
    before = await snapshot(database, SERVICE_ITEM, record.id)

    # when
    errors = await refused(
        database,
        publish,
        SERVICE_ITEM,
        record_id=record.id,
        expected_lock_version=2,
        actor=REVIEWER,
    )

    # then
    assert errors == [
        (
            ErrorCode.INVALID,
            ("content", "promised_time_limit"),
            "承诺办结时限（15个工作日）不得超过法定办结时限（10个工作日）",
        )
    ]
    assert await snapshot(database, SERVICE_ITEM, record.id) == before


async def test_a_service_item_cannot_publish_once_its_catalog_item_is_withdrawn(database):
    catalog, _ = await published_catalog_item(database, code="370112001000")
    authority = await agency(database)
    record, _ = await service_item_draft(database, catalog.code, authority.uscc)
    await run(
        database, submit, SERVICE_ITEM, record_id=record.id, expected_lock_version=1, actor=EDITOR
    )
    await run(
        database,
        withdraw,
        CATALOG_ITEM,
        record_id=catalog.id,
        expected_lock_version=catalog.lock_version,
        reason="事项取消",
        actor=REVIEWER,
    )

    errors = await refused(
        database,
        publish,
        SERVICE_ITEM,
        record_id=record.id,
        expected_lock_version=2,
        actor=REVIEWER,
    )

    assert errors == [
        (
            ErrorCode.INVALID_STATE,
            ("id",),
            "基本目录事项 370112001000 尚未发布，实施清单不能先于它发布",
        )
    ]


async def test_a_service_item_publishes_once_its_rules_hold(database):
    catalog, _ = await published_catalog_item(database)
    authority = await agency(database)

    record, version = await published_service_item(database, catalog.code, authority.uscc)

    [stored] = await versions_of(database, SERVICE_ITEM, record.id)
    assert (stored.id, stored.status) == (version.id, VersionStatus.PUBLISHED)


async def test_a_stale_lock_version_is_refused(database):
    record, lock = await submitted_catalog_item(database)
    before = await snapshot(database, CATALOG_ITEM, record.id)

    errors = await refused(
        database,
        publish,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=lock - 1,
        actor=REVIEWER,
    )

    assert errors == [
        (
            ErrorCode.STALE_VERSION,
            ("expected_lock_version",),
            f"记录已被他人修改（当前版本锁 {lock}，提交的是 {lock - 1}），请刷新后重试",
        )
    ]
    assert await snapshot(database, CATALOG_ITEM, record.id) == before


async def test_an_unknown_record_is_not_found(database):
    record, lock = await submitted_catalog_item(database)

    errors = await refused(
        database, publish, SERVICE_ITEM, record_id=record.id, expected_lock_version=lock, actor=None
    )

    assert errors == [(ErrorCode.NOT_FOUND, ("id",), "记录不存在")]

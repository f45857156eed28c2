"""discard_draft: throw away the open draft; published history is untouched."""

from catalog_api.catalog.commands.discard_draft import discard_draft
from catalog_api.catalog.commands.update_draft import update_draft
from catalog_api.catalog.errors import ErrorCode
from catalog_api.catalog.kinds import CATALOG_ITEM, SERVICE_ITEM
from models.enums import VersionStatus
from tests.factories import (
    EDITOR,
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


async def with_draft(database, kind, record, **changes):
    await run(
        database,
        update_draft,
        kind,
        record_id=record.id,
        expected_lock_version=record.lock_version,
        changes=changes,
        actor=EDITOR,
    )
    return record.lock_version + 1


async def test_discarding_removes_the_draft_and_keeps_the_live_version(database):
    # given
    record, v1 = await published_catalog_item(database, name="现行名称")
    lock = await with_draft(database, CATALOG_ITEM, record, name="改了一半")

    # when
    number = await run(
        database,
        discard_draft,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=lock,
        actor=EDITOR,
    )

    # then
    assert number == 2
    [live] = await versions_of(database, CATALOG_ITEM, record.id)
    assert (live.id, live.status, live.content, live.effective_to) == (
        v1.id,
        VersionStatus.PUBLISHED,
        v1.content,
        None,
    )
    assert (await record_of(database, CATALOG_ITEM, record.id)).lock_version == lock + 1
    event = (await events_of(database, record.id))[-1]
    assert (event.action, event.version_number, event.actor, event.payload) == (
        "draft_discarded",
        None,
        EDITOR,
        {"version_number": 2},
    )


async def test_a_service_item_draft_can_be_discarded(database):
    catalog, _ = await published_catalog_item(database)
    authority = await agency(database)
    record, _ = await published_service_item(database, catalog.code, authority.uscc)
    lock = await with_draft(database, SERVICE_ITEM, record, onsite_visits=2)

    await run(
        database,
        discard_draft,
        SERVICE_ITEM,
        record_id=record.id,
        expected_lock_version=lock,
        actor=EDITOR,
    )

    [live] = await versions_of(database, SERVICE_ITEM, record.id)
    assert (live.number, live.onsite_visits) == (1, 1)
    event = (await events_of(database, record.id))[-1]
    assert (event.action, event.agency_uscc) == ("draft_discarded", authority.uscc)


async def test_the_first_version_cannot_be_discarded(database):
    record, _ = await catalog_item_draft(database)
    before = await snapshot(database, CATALOG_ITEM, record.id)

    errors = await refused(
        database,
        discard_draft,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=1,
        actor=EDITOR,
    )

    assert errors == [(ErrorCode.INVALID_STATE, ("id",), "首个版本不能丢弃")]
    assert await snapshot(database, CATALOG_ITEM, record.id) == before


async def test_without_a_draft_there_is_nothing_to_discard(database):
    record, _ = await published_catalog_item(database)
    before = await snapshot(database, CATALOG_ITEM, record.id)

    errors = await refused(
        database,
        discard_draft,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=record.lock_version,
        actor=EDITOR,
    )

    assert errors == [(ErrorCode.INVALID_STATE, ("id",), "没有可丢弃的草稿")]
    assert await snapshot(database, CATALOG_ITEM, record.id) == before


async def test_a_stale_lock_version_is_refused(database):
    record, _ = await published_catalog_item(database)
    lock = await with_draft(database, CATALOG_ITEM, record, name="改了一半")
    before = await snapshot(database, CATALOG_ITEM, record.id)

    errors = await refused(
        database,
        discard_draft,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=lock - 1,
        actor=EDITOR,
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
    record, _ = await published_catalog_item(database)

    errors = await refused(
        database,
        discard_draft,
        SERVICE_ITEM,
        record_id=record.id,
        expected_lock_version=record.lock_version,
        actor=EDITOR,
    )

    assert errors == [(ErrorCode.NOT_FOUND, ("id",), "记录不存在")]

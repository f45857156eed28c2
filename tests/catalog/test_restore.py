"""restore: any earlier version comes back as a new draft with its content."""

from catalog_api.catalog.commands.publish import publish
from catalog_api.catalog.commands.restore import restore
from catalog_api.catalog.commands.submit import submit
from catalog_api.catalog.commands.update_draft import update_draft
from catalog_api.catalog.commands.withdraw import withdraw
from catalog_api.catalog.errors import ErrorCode
from catalog_api.catalog.kinds import CATALOG_ITEM, SERVICE_ITEM
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


async def publish_edit(database, kind, record, lock, **changes):
    """Edit, submit and publish a new version now; returns the lock version after."""
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
    await run(
        database, publish, kind, record_id=record.id, expected_lock_version=lock + 2, actor=REVIEWER
    )
    return lock + 3


async def test_an_old_version_comes_back_as_a_new_draft(database):
    # given v1 "旧名称" superseded by v2 "新名称"
    record, v1 = await published_catalog_item(database, name="旧名称")
    lock = await publish_edit(database, CATALOG_ITEM, record, record.lock_version, name="新名称")

    # when
    draft = await run(
        database,
        restore,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=lock,
        number=1,
        actor=EDITOR,
    )

    # then
    old, live, restored = await versions_of(database, CATALOG_ITEM, record.id)
    assert restored.id == draft.id
    assert (restored.number, restored.status, restored.author, restored.change_note) == (
        3,
        VersionStatus.DRAFT,
        EDITOR,
        "恢复自第 1 版",
    )
    assert restored.content == v1.content
    assert (old.status, live.status) == (VersionStatus.SUPERSEDED, VersionStatus.PUBLISHED)
    assert (await record_of(database, CATALOG_ITEM, record.id)).lock_version == lock + 1
    event = (await events_of(database, record.id))[-1]
    assert (event.action, event.version_number, event.payload) == (
        "restored",
        3,
        {"from_version": 1},
    )


async def test_a_restored_draft_can_be_published_again(database):
    record, _ = await published_catalog_item(database, name="旧名称")
    lock = await publish_edit(database, CATALOG_ITEM, record, record.lock_version, name="新名称")
    await run(
        database,
        restore,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=lock,
        number=1,
        actor=EDITOR,
    )

    await run(
        database,
        submit,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=lock + 1,
        actor=EDITOR,
    )
    await run(
        database,
        publish,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=lock + 2,
        actor=REVIEWER,
    )

    versions = await versions_of(database, CATALOG_ITEM, record.id)
    assert [v.status for v in versions] == [
        VersionStatus.SUPERSEDED,
        VersionStatus.SUPERSEDED,
        VersionStatus.PUBLISHED,
    ]
    assert versions[2].content["name"] == "旧名称"


async def test_a_withdrawn_service_item_can_be_restored(database):
    catalog, _ = await published_catalog_item(database)
    authority = await agency(database)
    record, v1 = await published_service_item(database, catalog.code, authority.uscc)
    await run(
        database,
        withdraw,
        SERVICE_ITEM,
        record_id=record.id,
        expected_lock_version=record.lock_version,
        reason="暂停办理",
        actor=REVIEWER,
    )

    await run(
        database,
        restore,
        SERVICE_ITEM,
        record_id=record.id,
        expected_lock_version=record.lock_version + 1,
        number=1,
        actor=EDITOR,
    )

    withdrawn, restored = await versions_of(database, SERVICE_ITEM, record.id)
    assert (withdrawn.status, restored.status) == (VersionStatus.WITHDRAWN, VersionStatus.DRAFT)
    assert restored.content == v1.content
    assert (restored.onsite_visits, restored.online_depth) == (v1.onsite_visits, v1.online_depth)
    event = (await events_of(database, record.id))[-1]
    assert (event.action, event.agency_uscc) == ("restored", authority.uscc)


async def test_a_record_with_an_open_draft_cannot_restore(database):
    record, _ = await catalog_item_draft(database)
    before = await snapshot(database, CATALOG_ITEM, record.id)

    errors = await refused(
        database,
        restore,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=1,
        number=1,
        actor=EDITOR,
    )

    assert errors == [(ErrorCode.INVALID_STATE, ("id",), "已有未发布的草稿，请先发布或丢弃它")]
    assert await snapshot(database, CATALOG_ITEM, record.id) == before


async def test_an_unknown_version_is_not_found(database):
    record, _ = await published_catalog_item(database)
    before = await snapshot(database, CATALOG_ITEM, record.id)

    errors = await refused(
        database,
        restore,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=record.lock_version,
        number=9,
        actor=EDITOR,
    )

    assert errors == [(ErrorCode.NOT_FOUND, ("version_number",), "版本 9 不存在")]
    assert await snapshot(database, CATALOG_ITEM, record.id) == before


async def test_a_stale_lock_version_is_refused(database):
    record, _ = await published_catalog_item(database)
    before = await snapshot(database, CATALOG_ITEM, record.id)

    errors = await refused(
        database,
        restore,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=record.lock_version + 1,
        number=1,
        actor=EDITOR,
    )

    assert errors == [
        (
            ErrorCode.STALE_VERSION,
            ("expected_lock_version",),
            "记录已被他人修改（当前版本锁 3，提交的是 4），请刷新后重试",
        )
    ]
    assert await snapshot(database, CATALOG_ITEM, record.id) == before


async def test_an_unknown_record_is_not_found(database):
    record, _ = await published_catalog_item(database)

    errors = await refused(
        database,
        restore,
        SERVICE_ITEM,
        record_id=record.id,
        expected_lock_version=record.lock_version,
        number=1,
        actor=EDITOR,
    )

    assert errors == [(ErrorCode.NOT_FOUND, ("id",), "记录不存在")]

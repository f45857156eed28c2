"""reject: a version under review goes back to its editor as a draft, with the reason."""

from catalog_api.catalog.commands.reject import reject
from catalog_api.catalog.commands.submit import submit
from catalog_api.catalog.commands.update_draft import update_draft
from catalog_api.catalog.errors import ErrorCode
from catalog_api.catalog.kinds import CATALOG_ITEM, SERVICE_ITEM
from models.enums import VersionStatus
from tests.factories import (
    EDITOR,
    REVIEWER,
    catalog_item_draft,
    events_of,
    published_catalog_item,
    record_of,
    refused,
    run,
    snapshot,
    versions_of,
)


async def in_review(database):
    record, draft = await catalog_item_draft(database)
    await run(
        database, submit, CATALOG_ITEM, record_id=record.id, expected_lock_version=1, actor=EDITOR
    )
    return record, draft, 2


async def test_a_rejected_version_goes_back_to_draft_with_the_reason(database):
    # given
    record, draft, lock = await in_review(database)

    # when
    rejected = await run(
        database,
        reject,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=lock,
        reason=" 设定依据缺少条款号 ",
        actor=REVIEWER,
    )

    # then
    [stored] = await versions_of(database, CATALOG_ITEM, record.id)
    assert (stored.id, stored.status, stored.reason) == (
        draft.id,
        VersionStatus.DRAFT,
        "设定依据缺少条款号",
    )
    assert rejected.id == draft.id
    assert (await record_of(database, CATALOG_ITEM, record.id)).lock_version == lock + 1
    event = (await events_of(database, record.id))[-1]
    assert (event.action, event.version_number, event.actor, event.payload) == (
        "rejected",
        1,
        REVIEWER,
        {"reason": "设定依据缺少条款号"},
    )


async def test_the_editor_can_fix_a_rejected_draft_and_submit_it_again(database):
    record, _, lock = await in_review(database)
    await run(
        database,
        reject,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=lock,
        reason="名称不规范",
        actor=REVIEWER,
    )

    await run(
        database,
        update_draft,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=lock + 1,
        changes={"name": "食品经营许可证核发"},
        actor=EDITOR,
    )
    await run(
        database,
        submit,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=lock + 2,
        actor=EDITOR,
    )

    [stored] = await versions_of(database, CATALOG_ITEM, record.id)
    assert (stored.number, stored.status, stored.content["name"]) == (
        1,
        VersionStatus.IN_REVIEW,
        "食品经营许可证核发",
    )


async def test_a_draft_not_in_review_cannot_be_rejected(database):
    record, _ = await catalog_item_draft(database)
    before = await snapshot(database, CATALOG_ITEM, record.id)

    errors = await refused(
        database,
        reject,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=1,
        reason="不通过",
        actor=REVIEWER,
    )

    assert errors == [(ErrorCode.INVALID_STATE, ("id",), "没有正在审核的版本")]
    assert await snapshot(database, CATALOG_ITEM, record.id) == before


async def test_a_published_record_has_nothing_to_reject(database):
    record, _ = await published_catalog_item(database)

    errors = await refused(
        database,
        reject,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=record.lock_version,
        reason="不通过",
        actor=REVIEWER,
    )

    assert errors == [(ErrorCode.INVALID_STATE, ("id",), "没有正在审核的版本")]


async def test_a_reason_is_needed(database):
    record, _, lock = await in_review(database)
    before = await snapshot(database, CATALOG_ITEM, record.id)

    errors = await refused(
        database,
        reject,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=lock,
        reason="  ",
        actor=REVIEWER,
    )

    assert errors == [(ErrorCode.REQUIRED, ("reason",), "退回须说明原因")]
    assert await snapshot(database, CATALOG_ITEM, record.id) == before


async def test_a_stale_lock_version_is_refused(database):
    record, _, lock = await in_review(database)
    before = await snapshot(database, CATALOG_ITEM, record.id)

    errors = await refused(
        database,
        reject,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=lock - 1,
        reason="不通过",
        actor=REVIEWER,
    )

    assert errors == [
        (
            ErrorCode.STALE_VERSION,
            ("expected_lock_version",),
            "记录已被他人修改（当前版本锁 2，提交的是 1），请刷新后重试",
        )
    ]
    assert await snapshot(database, CATALOG_ITEM, record.id) == before


async def test_an_unknown_record_is_not_found(database):
    record, _, lock = await in_review(database)

    errors = await refused(
        database,
        reject,
        SERVICE_ITEM,
        record_id=record.id,
        expected_lock_version=lock,
        reason="不通过",
        actor=REVIEWER,
    )

    assert errors == [(ErrorCode.NOT_FOUND, ("id",), "记录不存在")]

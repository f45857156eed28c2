"""update_draft: patch the open draft, or start one from the published version."""

import asyncio

from catalog_api.catalog.commands.submit import submit
from catalog_api.catalog.commands.update_draft import update_draft
from catalog_api.catalog.commands.withdraw import withdraw
from catalog_api.catalog.errors import DomainError, ErrorCode
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

STALE_MESSAGE = "记录已被他人修改（当前版本锁 {current}，提交的是 {given}），请刷新后重试"


async def test_a_draft_is_patched_in_place(database):
    # given
    record, draft = await catalog_item_draft(database, name="食品经营许可")

    # when
    updated = await run(
        database,
        update_draft,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=1,
        changes={"supervising_department": "市场监管总局"},
        actor="another@jinan",
        change_note="补充业务指导部门",
    )

    # then
    [stored] = await versions_of(database, CATALOG_ITEM, record.id)
    assert (stored.id, stored.number, stored.status) == (draft.id, 1, VersionStatus.DRAFT)
    assert stored.content["name"] == "食品经营许可"  # untouched fields stay
    assert stored.content["supervising_department"] == "市场监管总局"
    assert (stored.author, stored.change_note) == ("another@jinan", "补充业务指导部门")
    assert updated.id == draft.id
    assert (await record_of(database, CATALOG_ITEM, record.id)).lock_version == 2


async def test_an_update_records_a_draft_updated_event(database):
    record, _ = await catalog_item_draft(database)

    await run(
        database,
        update_draft,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=1,
        changes={"name": "新名称"},
        actor=EDITOR,
    )

    events = await events_of(database, record.id)
    assert [(e.action, e.version_number) for e in events] == [("created", 1), ("draft_updated", 1)]


async def test_a_field_is_cleared_with_none(database):
    record, _ = await catalog_item_draft(database, supervising_department="市场监管总局")

    await run(
        database,
        update_draft,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=1,
        changes={"supervising_department": None},
        actor=EDITOR,
    )

    [stored] = await versions_of(database, CATALOG_ITEM, record.id)
    assert "supervising_department" not in stored.content


async def test_editing_a_published_record_starts_a_new_draft_from_it(database):
    # given
    record, published = await published_catalog_item(database, name="食品经营许可")

    # when
    draft = await run(
        database,
        update_draft,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=record.lock_version,
        changes={"name": "食品经营许可（含仅销售预包装食品备案）"},
        actor=EDITOR,
        change_note="按新规调整名称",
    )

    # then
    v1, v2 = await versions_of(database, CATALOG_ITEM, record.id)
    assert (v1.id, v1.status, v1.content) == (
        published.id,
        VersionStatus.PUBLISHED,
        published.content,
    )
    assert (v2.id, v2.number, v2.status, v2.change_note) == (
        draft.id,
        2,
        VersionStatus.DRAFT,
        "按新规调整名称",
    )
    assert v2.content == {**published.content, "name": "食品经营许可（含仅销售预包装食品备案）"}


async def test_the_filter_columns_follow_the_content(database):
    catalog, _ = await published_catalog_item(database)
    authority = await agency(database)
    record, _ = await published_service_item(database, catalog.code, authority.uscc)

    await run(
        database,
        update_draft,
        SERVICE_ITEM,
        record_id=record.id,
        expected_lock_version=record.lock_version,
        changes={"onsite_visits": 0, "online_depth": "4", "charging": True},
        actor=EDITOR,
    )

    v1, v2 = await versions_of(database, SERVICE_ITEM, record.id)
    assert (v1.onsite_visits, v1.online_depth, v1.charging) == (1, "3", False)
    assert (v2.onsite_visits, v2.online_depth, v2.charging) == (0, "4", True)


async def test_an_unknown_record_is_not_found(database):
    record, _ = await catalog_item_draft(database)

    errors = await refused(
        database,
        update_draft,
        SERVICE_ITEM,  # the id exists, but not as a service item
        record_id=record.id,
        expected_lock_version=1,
        changes={},
        actor=EDITOR,
    )

    assert errors == [(ErrorCode.NOT_FOUND, ("id",), "记录不存在")]


async def test_a_stale_lock_version_is_refused_and_writes_nothing(database):
    # given someone else has already updated the draft
    record, _ = await catalog_item_draft(database)
    await run(
        database,
        update_draft,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=1,
        changes={"name": "甲"},
        actor="someone@jinan",
    )
    before = await snapshot(database, CATALOG_ITEM, record.id)

    # when I save with the lock version I loaded
    errors = await refused(
        database,
        update_draft,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=1,
        changes={"name": "乙"},
        actor=EDITOR,
    )

    # then
    assert errors == [
        (
            ErrorCode.STALE_VERSION,
            ("expected_lock_version",),
            STALE_MESSAGE.format(current=2, given=1),
        )
    ]
    assert await snapshot(database, CATALOG_ITEM, record.id) == before


async def test_a_version_under_review_cannot_be_edited(database):
    record, _ = await catalog_item_draft(database)
    await run(
        database, submit, CATALOG_ITEM, record_id=record.id, expected_lock_version=1, actor=EDITOR
    )
    before = await snapshot(database, CATALOG_ITEM, record.id)

    errors = await refused(
        database,
        update_draft,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=2,
        changes={"name": "乙"},
        actor=EDITOR,
    )

    assert errors == [(ErrorCode.INVALID_STATE, ("id",), "该版本正在审核中，退回后才能修改")]
    assert await snapshot(database, CATALOG_ITEM, record.id) == before


async def test_invalid_changes_are_refused_with_their_paths(database):
    record, _ = await catalog_item_draft(database)
    before = await snapshot(database, CATALOG_ITEM, record.id)

    errors = await refused(
        database,
        update_draft,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=1,
        changes={"nmae": "乙", "statutory_time_limit": {"value": -1}},
        actor=EDITOR,
    )

    assert sorted((code, path) for code, path, _ in errors) == [
        (ErrorCode.INVALID, ("changes", "nmae")),
        (ErrorCode.INVALID, ("changes", "statutory_time_limit", "value")),
    ]
    assert (ErrorCode.INVALID, ("changes", "nmae"), "不是可编辑的字段") in errors
    assert await snapshot(database, CATALOG_ITEM, record.id) == before


async def test_invalid_changes_to_a_published_record_leave_no_draft_behind(database):
    record, _ = await published_catalog_item(database)
    before = await snapshot(database, CATALOG_ITEM, record.id)

    errors = await refused(
        database,
        update_draft,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=record.lock_version,
        changes={"name": ""},
        actor=EDITOR,
    )

    assert [(code, path) for code, path, _ in errors] == [(ErrorCode.INVALID, ("changes", "name"))]
    assert await snapshot(database, CATALOG_ITEM, record.id) == before


async def test_a_withdrawn_record_without_a_draft_cannot_be_edited(database):
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

    errors = await refused(
        database,
        update_draft,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=record.lock_version + 1,
        changes={"name": "乙"},
        actor=EDITOR,
    )

    assert errors == [(ErrorCode.INVALID_STATE, ("id",), "没有可修改的草稿或已发布版本")]


async def test_of_two_concurrent_saves_with_the_same_lock_version_exactly_one_wins(database):
    # given two editors who loaded the draft at lock version 1
    record, _ = await catalog_item_draft(database, name="原名")
    both_open = asyncio.Barrier(2)

    async def save(name: str) -> str:
        async with database.transaction() as tx:
            await both_open.wait()  # both transactions are open before either reads the record
            await update_draft(
                tx,
                CATALOG_ITEM,
                record_id=record.id,
                expected_lock_version=1,
                changes={"name": name},
                actor=name,
            )
        return name

    # when both save at once
    results = await asyncio.gather(save("甲"), save("乙"), return_exceptions=True)

    # then one save won and the other was told the record had moved on
    [winner] = [r for r in results if isinstance(r, str)]
    [loser] = [r for r in results if isinstance(r, BaseException)]
    assert isinstance(loser, DomainError)
    assert [(e.code, e.path, e.message) for e in loser.errors] == [
        (
            ErrorCode.STALE_VERSION,
            ("expected_lock_version",),
            STALE_MESSAGE.format(current=2, given=1),
        )
    ]
    [stored] = await versions_of(database, CATALOG_ITEM, record.id)
    assert stored.content["name"] == winner
    assert (await record_of(database, CATALOG_ITEM, record.id)).lock_version == 2
    assert [e.actor for e in await events_of(database, record.id)] == [EDITOR, winner]

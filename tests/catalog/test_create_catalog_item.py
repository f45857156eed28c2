"""create_catalog_item: a basic-catalog entry and its first draft."""

import asyncio

from catalog_api.catalog.commands.create_catalog_item import create_catalog_item
from catalog_api.catalog.errors import DomainError, ErrorCode
from catalog_api.catalog.kinds import CATALOG_ITEM
from models import CatalogItem, CatalogItemVersion, ChangeEvent
from models.content import CatalogItemContent
from models.enums import ItemType, ServiceObject, VersionStatus, bitmask
from tests.factories import (
    EDITOR,
    catalog_content,
    catalog_item_draft,
    count_rows,
    events_of,
    record_of,
    refused,
    run,
    versions_of,
)


async def nothing_written(database) -> bool:
    return (
        await count_rows(database, CatalogItem),
        await count_rows(database, CatalogItemVersion),
        await count_rows(database, ChangeEvent),
    ) == (0, 0, 0)


async def test_creating_an_item_makes_its_first_draft(database):
    # when
    record, version = await run(
        database,
        create_catalog_item,
        code="370112001000",
        content=catalog_content(service_objects=["1", "2"]),
        actor=EDITOR,
        change_note="首次录入",
    )

    # then
    stored = await record_of(database, CATALOG_ITEM, record.id)
    assert (stored.code, stored.item_type, stored.parent_id, stored.lock_version) == (
        "370112001000",
        ItemType.ADMINISTRATIVE_LICENSING,
        None,
        1,
    )
    [draft] = await versions_of(database, CATALOG_ITEM, record.id)
    assert draft.id == version.id
    assert (draft.number, draft.status, draft.effective_from, draft.effective_to) == (
        1,
        VersionStatus.DRAFT,
        None,
        None,
    )
    assert (draft.author, draft.change_note) == (EDITOR, "首次录入")
    expected = CatalogItemContent.model_validate(catalog_content(service_objects=["1", "2"]))
    assert CatalogItemContent.model_validate(draft.content) == expected
    assert draft.service_objects == bitmask(
        [ServiceObject.NATURAL_PERSON, ServiceObject.ENTERPRISE], ServiceObject
    )


async def test_creating_an_item_records_a_created_event(database):
    record, _ = await catalog_item_draft(database, "370112001000")

    [event] = await events_of(database)

    assert (event.kind, event.record_id, event.code, event.version_number, event.action) == (
        "catalog_item",
        record.id,
        "370112001000",
        1,
        "created",
    )
    assert (event.region_code, event.agency_uscc, event.actor) == (None, None, EDITOR)


async def test_content_is_stored_normalised_without_empty_fields(database):
    _, version = await catalog_item_draft(
        database, name="  食品经营许可  ", supervising_department=None
    )

    [stored] = await versions_of(database, CATALOG_ITEM, version.record_id)

    assert stored.content["name"] == "食品经营许可"
    assert "supervising_department" not in stored.content
    assert stored.content["statutory_time_limit"] == {"value": 20, "unit": "1"}


async def test_the_code_is_normalised_as_agencies_type_it(database):
    record, _ = await catalog_item_draft(database, " ３７２０ １５０５ ２００ｙ ")

    assert record.code == "37201505200Y"
    assert record.item_type is ItemType.PUBLIC_SERVICE


async def test_a_sub_item_hangs_under_its_main_item(database):
    main, _ = await catalog_item_draft(database, "37011200100Y")

    sub, _ = await catalog_item_draft(database, "370112001002")

    assert sub.parent_id == main.id


async def test_a_handling_item_hangs_under_its_sub_item(database):
    await catalog_item_draft(database, "37011200100Y")
    sub, _ = await catalog_item_draft(database, "370112001002")

    handling, _ = await catalog_item_draft(database, "37011200100201")

    assert (handling.code, handling.parent_id) == ("37011200100201", sub.id)


async def test_a_full_width_handling_item_code_is_stored_in_ascii(database):
    await catalog_item_draft(database, "37011200100Y")
    await catalog_item_draft(database, "370112001002")

    handling, _ = await catalog_item_draft(database, "３７０１１２００１００２０１")

    assert handling.code == "37011200100201"


async def test_a_sub_item_without_its_main_item_is_refused(database):
    errors = await refused(
        database,
        create_catalog_item,
        code="370112001002",
        content=catalog_content(),
        actor=EDITOR,
    )

    assert errors == [(ErrorCode.NOT_FOUND, ("code",), "上级事项 37011200100Y 不存在，请先创建")]
    assert await nothing_written(database)


async def test_a_malformed_code_is_refused(database):
    errors = await refused(
        database, create_catalog_item, code="37011200100Z", content=catalog_content(), actor=None
    )

    assert errors == [(ErrorCode.INVALID, ("code",), "基本编码格式错误：37011200100Z")]
    assert await nothing_written(database)


async def test_an_unknown_item_type_is_refused(database):
    errors = await refused(
        database, create_catalog_item, code="372112001000", content=catalog_content(), actor=None
    )

    assert errors == [(ErrorCode.INVALID, ("code",), "基本编码中的事项类型代码未知：21")]


async def test_a_handling_item_suffix_must_be_digits(database):
    errors = await refused(
        database, create_catalog_item, code="3701120010020A", content=catalog_content(), actor=None
    )

    assert errors == [(ErrorCode.INVALID, ("code",), "业务办理项序号应为2位数字：3701120010020A")]


async def test_invalid_content_is_refused_with_every_field_path(database):
    content = catalog_content(name="", levels=["9"], nmae="typo")

    errors = await refused(
        database, create_catalog_item, code="370112001000", content=content, actor=None
    )

    assert sorted((code, path) for code, path, _ in errors) == [
        (ErrorCode.INVALID, ("content", "levels", 0)),
        (ErrorCode.INVALID, ("content", "name")),
        (ErrorCode.INVALID, ("content", "nmae")),
    ]
    assert (ErrorCode.INVALID, ("content", "nmae"), "不是可编辑的字段") in errors
    assert await nothing_written(database)


async def test_a_missing_name_is_required(database):
    content = catalog_content()
    del content["name"]

    errors = await refused(
        database, create_catalog_item, code="370112001000", content=content, actor=None
    )

    assert errors == [(ErrorCode.REQUIRED, ("content", "name"), "必填项缺失")]


async def test_a_duplicate_code_is_refused_and_writes_nothing(database):
    # given
    record, _ = await catalog_item_draft(database, "370112001000")

    # when
    errors = await refused(
        database, create_catalog_item, code="370112001000", content=catalog_content(), actor=None
    )

    # then
    assert errors == [(ErrorCode.DUPLICATE, ("code",), "基本编码 370112001000 已存在")]
    assert await count_rows(database, CatalogItem) == 1
    assert len(await versions_of(database, CATALOG_ITEM, record.id)) == 1
    assert [e.action for e in await events_of(database)] == ["created"]


async def test_of_two_concurrent_creations_of_one_code_exactly_one_succeeds(database):
    # given two administrators entering the same item at the same moment
    both_open = asyncio.Barrier(2)

    async def create(name: str) -> str:
        async with database.transaction() as tx:
            await both_open.wait()
            await create_catalog_item(
                tx, code="370112001000", content=catalog_content(name=name), actor=name
            )
        return name

    # when
    results = await asyncio.gather(create("甲"), create("乙"), return_exceptions=True)

    # then
    [winner] = [r for r in results if isinstance(r, str)]
    [loser] = [r for r in results if isinstance(r, BaseException)]
    assert isinstance(loser, DomainError)
    assert [(e.code, e.path, e.message) for e in loser.errors] == [
        (ErrorCode.DUPLICATE, ("code",), "基本编码 370112001000 已存在")
    ]
    assert await count_rows(database, CatalogItem) == 1
    assert [e.actor for e in await events_of(database)] == [winner]

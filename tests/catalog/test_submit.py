"""submit: a draft goes to review once it passes every rule that would block publishing."""

from catalog_api.catalog.commands.submit import submit
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
    service_item_draft,
    snapshot,
    versions_of,
)


async def service_item_on_published_catalog(database, **content):
    catalog, _ = await published_catalog_item(database)
    authority = await agency(database)
    record, _ = await service_item_draft(database, catalog.code, authority.uscc, **content)
    return catalog, record


async def test_a_draft_goes_to_review(database):
    # given
    record, draft = await catalog_item_draft(database)

    # when
    submitted = await run(
        database, submit, CATALOG_ITEM, record_id=record.id, expected_lock_version=1, actor=EDITOR
    )

    # then
    [stored] = await versions_of(database, CATALOG_ITEM, record.id)
    assert (stored.id, stored.status, stored.effective_from) == (
        draft.id,
        VersionStatus.IN_REVIEW,
        None,
    )
    assert submitted.id == draft.id
    assert (await record_of(database, CATALOG_ITEM, record.id)).lock_version == 2
    events = await events_of(database, record.id)
    assert [(e.action, e.version_number, e.actor) for e in events][-1] == ("submitted", 1, EDITOR)


async def test_a_service_item_that_keeps_the_rules_goes_to_review(database):
    _, record = await service_item_on_published_catalog(database)

    await run(
        database, submit, SERVICE_ITEM, record_id=record.id, expected_lock_version=1, actor=EDITOR
    )

    [stored] = await versions_of(database, SERVICE_ITEM, record.id)
    assert stored.status == VersionStatus.IN_REVIEW


async def test_a_service_item_breaking_the_rules_is_refused_with_every_problem(database):
    # given a guide promising 30 days where the law allows 20, with trips but no reason
    _, record = await service_item_on_published_catalog(
        database, promised_time_limit={"value": 30}, onsite_visits_reason=None, power_source=None
    )
    before = await snapshot(database, SERVICE_ITEM, record.id)

    # when
    errors = await refused(
        database, submit, SERVICE_ITEM, record_id=record.id, expected_lock_version=1, actor=EDITOR
    )

    # then
    assert errors == [
        (
            ErrorCode.INVALID,
            ("content", "promised_time_limit"),
            "承诺办结时限（30个工作日）不得超过法定办结时限（20个工作日）",
        ),
        (
            ErrorCode.INVALID,
            ("content", "onsite_visits_reason"),
            "到办事现场次数不为0时，须说明必须现场办理的原因",
        ),
        (ErrorCode.INVALID, ("content", "power_source"), "行政权力事项须填写权力来源"),
    ]
    assert await snapshot(database, SERVICE_ITEM, record.id) == before


async def test_a_power_without_responsibilities_or_supervision_phone_is_refused(database):
    _, record = await service_item_on_published_catalog(
        database, responsibilities={"steps": [], "accountability": ["不予受理的"]}
    )
    before = await snapshot(database, SERVICE_ITEM, record.id)

    errors = await refused(
        database, submit, SERVICE_ITEM, record_id=record.id, expected_lock_version=1, actor=EDITOR
    )

    assert errors == [
        (
            ErrorCode.INVALID,
            ("content", "responsibilities", "steps"),
            "行政权力事项须列明至少一个办理环节的责任事项",
        ),
        (
            ErrorCode.INVALID,
            ("content", "responsibilities", "supervision_phone"),
            "行政权力事项须填写监督电话",
        ),
    ]
    assert await snapshot(database, SERVICE_ITEM, record.id) == before


async def test_rules_check_local_materials_against_the_published_baseline(database):
    _, record = await service_item_on_published_catalog(
        database, materials=[{"name": "食品经营许可申请书"}]
    )

    errors = await refused(
        database, submit, SERVICE_ITEM, record_id=record.id, expected_lock_version=1, actor=EDITOR
    )

    assert errors == [
        (
            ErrorCode.INVALID,
            ("content", "materials", 0, "name"),
            "“食品经营许可申请书”已是基本目录材料，不能重复添加",
        )
    ]


async def test_a_service_item_cannot_go_before_its_catalog_item_is_published(database):
    catalog, _ = await catalog_item_draft(database, "370112001000")
    authority = await agency(database)
    record, _ = await service_item_draft(database, catalog.code, authority.uscc)
    before = await snapshot(database, SERVICE_ITEM, record.id)

    errors = await refused(
        database, submit, SERVICE_ITEM, record_id=record.id, expected_lock_version=1, actor=EDITOR
    )

    assert errors == [
        (
            ErrorCode.INVALID_STATE,
            ("id",),
            "基本目录事项 370112001000 尚未发布，实施清单不能先于它发布",
        )
    ]
    assert await snapshot(database, SERVICE_ITEM, record.id) == before


async def test_a_service_item_of_a_withdrawn_catalog_item_cannot_go_to_review(database):
    catalog, record = await service_item_on_published_catalog(database)
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
        database, submit, SERVICE_ITEM, record_id=record.id, expected_lock_version=1, actor=EDITOR
    )

    assert [(code, path) for code, path, _ in errors] == [(ErrorCode.INVALID_STATE, ("id",))]


async def test_a_version_already_in_review_cannot_be_submitted_again(database):
    record, _ = await catalog_item_draft(database)
    await run(
        database, submit, CATALOG_ITEM, record_id=record.id, expected_lock_version=1, actor=EDITOR
    )
    before = await snapshot(database, CATALOG_ITEM, record.id)

    errors = await refused(
        database, submit, CATALOG_ITEM, record_id=record.id, expected_lock_version=2, actor=EDITOR
    )

    assert errors == [(ErrorCode.INVALID_STATE, ("id",), "没有待提交的草稿")]
    assert await snapshot(database, CATALOG_ITEM, record.id) == before


async def test_a_published_record_without_a_draft_has_nothing_to_submit(database):
    catalog, _ = await published_catalog_item(database)
    authority = await agency(database)
    record, _ = await published_service_item(database, catalog.code, authority.uscc)

    errors = await refused(
        database,
        submit,
        SERVICE_ITEM,
        record_id=record.id,
        expected_lock_version=record.lock_version,
        actor=EDITOR,
    )

    assert errors == [(ErrorCode.INVALID_STATE, ("id",), "没有待提交的草稿")]


async def test_a_stale_lock_version_is_refused(database):
    record, _ = await catalog_item_draft(database)
    before = await snapshot(database, CATALOG_ITEM, record.id)

    errors = await refused(
        database, submit, CATALOG_ITEM, record_id=record.id, expected_lock_version=0, actor=EDITOR
    )

    assert errors == [
        (
            ErrorCode.STALE_VERSION,
            ("expected_lock_version",),
            "记录已被他人修改（当前版本锁 1，提交的是 0），请刷新后重试",
        )
    ]
    assert await snapshot(database, CATALOG_ITEM, record.id) == before


async def test_an_unknown_record_is_not_found(database):
    _, record = await service_item_on_published_catalog(database)

    errors = await refused(
        database, submit, CATALOG_ITEM, record_id=record.id, expected_lock_version=1, actor=EDITOR
    )

    assert errors == [(ErrorCode.NOT_FOUND, ("id",), "记录不存在")]

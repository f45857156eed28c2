"""A service item's links to the lists, checked when it is submitted: every fee line names a
published fee item and charges within its standard, a charging item has a fee line, and every
intermediary service is published and lists the item's approval."""

import pytest

from catalog_api.catalog.commands.publish import publish
from catalog_api.catalog.commands.submit import submit
from catalog_api.catalog.commands.withdraw import withdraw
from catalog_api.catalog.errors import ErrorCode
from catalog_api.catalog.kinds import FEE_ITEM, SERVICE_ITEM
from models.enums import VersionStatus
from tests.factories import (
    EDITOR,
    REVIEWER,
    agency,
    fee_item_draft,
    published_catalog_item,
    published_fee_item,
    published_intermediary,
    refused,
    run,
    service_item_draft,
    versions_of,
)

BASIS = (
    "《国家发展改革委 财政部关于不动产登记收费标准等有关问题的通知》（发改价格规〔2016〕2559号）"
)


async def charging_draft(database, fees, **content):
    """A charging registration item of a district centre, on a published catalog item."""
    catalog, _ = await published_catalog_item(database, name="不动产转移登记")
    centre = await agency(database, name="济南市不动产登记中心")
    record, _ = await service_item_draft(
        database, catalog.code, centre.uscc, charging=True, fee_basis=BASIS, fees=fees, **content
    )
    return catalog, centre, record


async def submit_errors(database, record):
    errors = await refused(
        database, submit, SERVICE_ITEM, record_id=record.id, expected_lock_version=1, actor=EDITOR
    )
    [draft] = await versions_of(database, SERVICE_ITEM, record.id)
    assert draft.status == VersionStatus.DRAFT  # nothing was written
    return [(code, path) for code, path, _ in errors], [message for _, _, message in errors]


async def test_a_fee_line_on_a_published_fee_item_within_its_standard_is_submitted(database):
    collector = await agency(database, name="济南市不动产登记中心")
    fee, _ = await published_fee_item(database, collector.uscc)
    _, _, record = await charging_draft(
        database, [{"fee_item": fee.code}, {"fee_item": (await second_fee(database))}]
    )

    version = await run(
        database, submit, SERVICE_ITEM, record_id=record.id, expected_lock_version=1, actor=EDITOR
    )

    assert version.status == VersionStatus.IN_REVIEW


async def second_fee(database):
    police = await agency(database, name="济南市公安局")
    record, _ = await published_fee_item(
        database,
        police.uscc,
        name="不动产权属证书工本费",
        standard={"text": "每增加一本证书加收10元", "amount": "10", "unit": "元/本"},
        reductions=[],
    )
    return record.code


async def test_a_fee_line_on_an_unknown_fee_item_is_not_found(database):
    _, _, record = await charging_draft(database, [{"fee_item": "SF370100999"}])

    paths, [message] = await submit_errors(database, record)

    assert paths == [(ErrorCode.NOT_FOUND, ("content", "fees", 0, "fee_item"))]
    assert message == "收费项目 SF370100999 不存在或尚未发布"


@pytest.mark.parametrize("state", ["draft", "withdrawn"])
async def test_a_fee_line_on_an_unpublished_or_withdrawn_fee_item_is_not_found(database, state):
    collector = await agency(database, name="济南市不动产登记中心")
    if state == "draft":
        fee, _ = await fee_item_draft(database, collector.uscc)
    else:
        fee, _ = await published_fee_item(database, collector.uscc)
        await run(
            database,
            withdraw,
            FEE_ITEM,
            record_id=fee.id,
            expected_lock_version=fee.lock_version,
            reason="收费项目取消",
            actor=REVIEWER,
        )
    _, _, record = await charging_draft(database, [{"fee_item": fee.code}])

    paths, _ = await submit_errors(database, record)

    assert paths == [(ErrorCode.NOT_FOUND, ("content", "fees", 0, "fee_item"))]


@pytest.mark.parametrize(
    ("amount", "reductions", "message"),
    [
        ("80.01", None, "收费金额 80.01 元超出收费标准（住宅类不动产登记每件80元）"),
        (
            "40",
            [],
            "收费金额 40 元低于收费标准（住宅类不动产登记每件80元），而该收费项目没有减免政策",
        ),
    ],
)
async def test_a_fee_line_must_stay_within_the_standard(database, amount, reductions, message):
    collector = await agency(database, name="济南市不动产登记中心")
    extra = {} if reductions is None else {"reductions": reductions}
    fee, _ = await published_fee_item(database, collector.uscc, **extra)
    _, _, record = await charging_draft(database, [{"fee_item": fee.code, "amount": amount}])

    paths, messages = await submit_errors(database, record)

    assert paths == [(ErrorCode.INVALID, ("content", "fees", 0, "amount"))]
    assert messages == [message]


async def test_a_reduced_amount_is_accepted_where_the_fee_item_has_reductions(database):
    collector = await agency(database, name="济南市不动产登记中心")
    fee, _ = await published_fee_item(database, collector.uscc)
    _, _, record = await charging_draft(database, [{"fee_item": fee.code, "amount": "0"}])

    version = await run(
        database, submit, SERVICE_ITEM, record_id=record.id, expected_lock_version=1, actor=EDITOR
    )

    assert version.status == VersionStatus.IN_REVIEW


async def test_a_charging_item_without_a_fee_line_is_refused(database):
    _, _, record = await charging_draft(database, [])

    paths, messages = await submit_errors(database, record)

    assert paths == [(ErrorCode.INVALID, ("content", "fees"))]
    assert messages == ["收费事项至少应有一个收费项目"]


async def test_every_link_problem_is_reported_at_once(database):
    collector = await agency(database, name="济南市不动产登记中心")
    fee, _ = await published_fee_item(database, collector.uscc)
    _, _, record = await charging_draft(
        database,
        [{"fee_item": "SF370100998"}, {"fee_item": fee.code, "amount": "100"}],
        intermediaries=["ZJ370100998"],
    )

    paths, _ = await submit_errors(database, record)

    assert paths == [
        (ErrorCode.NOT_FOUND, ("content", "fees", 0, "fee_item")),
        (ErrorCode.INVALID, ("content", "fees", 1, "amount")),
        (ErrorCode.NOT_FOUND, ("content", "intermediaries", 0)),
    ]


async def test_an_intermediary_must_list_the_items_approval(database):
    # given an intermediary service required by another approval only
    other, _ = await published_catalog_item(database, name="建设用地规划许可证核发")
    planning = await agency(database, name="济南市自然资源和规划局")
    design, _ = await published_intermediary(database, planning.uscc, [other.code])
    catalog, _ = await published_catalog_item(database, name="建设工程规划许可证核发")
    record, _ = await service_item_draft(
        database, catalog.code, planning.uscc, intermediaries=[design.code]
    )

    paths, messages = await submit_errors(database, record)

    assert paths == [(ErrorCode.INVALID, ("content", "intermediaries", 0))]
    assert messages == ["中介服务事项“建设工程设计方案编制”未将本事项列为需要它的审批事项"]


async def test_an_intermediary_listing_the_items_approval_is_accepted(database):
    catalog, _ = await published_catalog_item(database, name="建设工程规划许可证核发")
    planning = await agency(database, name="济南市自然资源和规划局")
    design, _ = await published_intermediary(database, planning.uscc, [catalog.code])
    record, _ = await service_item_draft(
        database, catalog.code, planning.uscc, intermediaries=[design.code]
    )

    version = await run(
        database, submit, SERVICE_ITEM, record_id=record.id, expected_lock_version=1, actor=EDITOR
    )

    assert version.status == VersionStatus.IN_REVIEW


async def test_publishing_checks_the_fee_item_again(database):
    # given an item submitted while its fee item was published, which is then withdrawn
    collector = await agency(database, name="济南市不动产登记中心")
    fee, _ = await published_fee_item(database, collector.uscc)
    _, _, record = await charging_draft(database, [{"fee_item": fee.code}])
    await run(
        database, submit, SERVICE_ITEM, record_id=record.id, expected_lock_version=1, actor=EDITOR
    )
    await run(
        database,
        withdraw,
        FEE_ITEM,
        record_id=fee.id,
        expected_lock_version=fee.lock_version,
        reason="收费项目取消",
        actor=REVIEWER,
    )

    # when the reviewer publishes it
    errors = await refused(
        database,
        publish,
        SERVICE_ITEM,
        record_id=record.id,
        expected_lock_version=2,
        actor=REVIEWER,
    )

    # then it stays under review
    assert [(code, path) for code, path, _ in errors] == [
        (ErrorCode.NOT_FOUND, ("content", "fees", 0, "fee_item"))
    ]
    [version] = await versions_of(database, SERVICE_ITEM, record.id)
    assert version.status == VersionStatus.IN_REVIEW

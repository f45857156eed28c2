"""Fee items and intermediary services through the one versioning mechanism: creating them with
their codes, their lifecycle and as-of reads, and the rules that block their publishing."""

from datetime import timedelta

from catalog_api.catalog.commands.create_list_record import (
    create_fee_item,
    create_intermediary_service,
)
from catalog_api.catalog.commands.publish import publish
from catalog_api.catalog.commands.submit import submit
from catalog_api.catalog.commands.update_draft import update_draft
from catalog_api.catalog.commands.withdraw import withdraw
from catalog_api.catalog.errors import ErrorCode
from catalog_api.catalog.kinds import FEE_ITEM, INTERMEDIARY_SERVICE
from catalog_api.catalog.queries.items import ListRecordFilter, by_code, list_records_page
from models.base import utc_now
from models.enums import VersionStatus
from tests.factories import (
    EDITOR,
    REVIEWER,
    agency,
    count_rows,
    events_of,
    fee_item_content,
    fee_item_draft,
    intermediary_content,
    intermediary_draft,
    published_catalog_item,
    published_fee_item,
    record_of,
    refused,
    run,
    submit_and_publish,
    versions_of,
)

LIXIA = "370102"


async def test_fee_item_codes_follow_the_collecting_agencys_region(database):
    # given a municipal and a district collecting agency
    city = await agency(database, name="济南市不动产登记中心")
    district = await agency(database, region_code=LIXIA, name="济南市历下区行政审批服务局")

    # when three fee items are created without codes, and one with an explicit code
    first, _ = await fee_item_draft(database, city.uscc)
    second, _ = await fee_item_draft(database, city.uscc, name="不动产登记费（非住宅）")
    lixia, _ = await fee_item_draft(database, district.uscc)
    explicit, _ = await fee_item_draft(database, city.uscc, " sf370100050 ")

    # then each takes the next sequence in its region; the explicit one is kept, normalised
    assert [first.code, second.code, lixia.code] == ["SF370100001", "SF370100002", "SF370102001"]
    assert explicit.code == "SF370100050"
    assert (await fee_item_draft(database, city.uscc))[0].code == "SF370100051"
    [created] = await events_of(database, first.id)
    assert (created.kind, created.action, created.region_code, created.agency_uscc) == (
        "fee_item",
        "created",
        "370100",
        city.uscc,
    )


async def test_a_fee_item_code_must_be_well_formed_in_the_agencys_region_and_unused(database):
    city = await agency(database)
    await fee_item_draft(database, city.uscc, "SF370100001")

    def create(code):
        return refused(
            database,
            create_fee_item,
            agency_uscc=city.uscc,
            code=code,
            content=fee_item_content(),
            actor=EDITOR,
        )

    [(wrong_shape, path, _)] = await create("SF37010001")
    [(wrong_region, _, message)] = await create("SF370102001")
    [(zero, _, _)] = await create("SF370100000")
    [(duplicate, _, _)] = await create("SF370100001")

    assert (wrong_shape, path) == (ErrorCode.INVALID, ("code",))
    assert wrong_region == ErrorCode.INVALID and "370100" in message
    assert zero == ErrorCode.INVALID
    assert duplicate == ErrorCode.DUPLICATE
    assert await count_rows(database, FEE_ITEM.version) == 1


async def test_an_unknown_agency_or_invalid_content_is_refused(database):
    city = await agency(database)

    [(code, path, _)] = await refused(
        database,
        create_fee_item,
        agency_uscc="11370100MB0000000X",
        content=fee_item_content(),
        actor=EDITOR,
    )
    errors = await refused(
        database,
        create_fee_item,
        agency_uscc=city.uscc,
        content=fee_item_content(standard={"text": "每件80元", "amount": "80"}),
        actor=EDITOR,
    )

    assert (code, path) == (ErrorCode.NOT_FOUND, ("agency_uscc",))
    assert [(c, p) for c, p, _ in errors] == [(ErrorCode.INVALID, ("content", "standard"))]


async def test_a_fee_item_lives_through_the_versions_and_reads_as_of(database):
    # given a published fee item
    city = await agency(database)
    record, first = await published_fee_item(database, city.uscc)

    # when its standard is revised and published, then it is withdrawn
    async with database.transaction() as tx:
        await update_draft(
            tx,
            FEE_ITEM,
            record_id=record.id,
            expected_lock_version=record.lock_version,
            changes={
                "standard": {"text": "住宅类不动产登记每件60元", "amount": "60", "unit": "元/件"}
            },
            actor=EDITOR,
            change_note="降低收费标准",
        )
    record.lock_version += 1
    second = await submit_and_publish(database, FEE_ITEM, record)
    await run(
        database,
        withdraw,
        FEE_ITEM,
        record_id=record.id,
        expected_lock_version=record.lock_version,
        reason="收费项目取消",
        actor=REVIEWER,
    )

    # then history and as-of reads follow the effective periods
    versions = await versions_of(database, FEE_ITEM, record.id)
    assert [v.status for v in versions] == [VersionStatus.SUPERSEDED, VersionStatus.WITHDRAWN]
    async with database.read() as session:
        before = await by_code(session, FEE_ITEM, record.code, first.effective_from)
        during = await by_code(session, FEE_ITEM, record.code, second.effective_from)
        after = await by_code(session, FEE_ITEM, record.code, utc_now())
    assert before.version.content["standard"]["amount"] == "80.00"
    assert during.version.content["standard"]["amount"] == "60"
    assert after is None
    actions = [e.action for e in await events_of(database, record.id)]
    assert actions == [
        "created",
        "submitted",
        "published",
        "draft_updated",
        "submitted",
        "published",
        "withdrawn",
    ]
    assert (await record_of(database, FEE_ITEM, record.id)).lock_version == 7


async def test_a_fee_item_without_a_document_number_or_payer_is_not_submitted(database):
    city = await agency(database)
    record, _ = await fee_item_draft(
        database, city.uscc, basis=[{"title": "《城市道路管理条例》"}], payer=None
    )

    errors = await refused(
        database, submit, FEE_ITEM, record_id=record.id, expected_lock_version=1, actor=EDITOR
    )

    assert [(code, path) for code, path, _ in errors] == [
        (ErrorCode.INVALID, ("content", "basis")),
        (ErrorCode.INVALID, ("content", "payer")),
    ]
    [draft] = await versions_of(database, FEE_ITEM, record.id)
    assert draft.status == VersionStatus.DRAFT


async def test_an_intermediary_service_needs_published_approval_items(database):
    # given an intermediary naming one published catalog item and one unknown
    catalog, _ = await published_catalog_item(database, name="建设工程规划许可证核发")
    planning = await agency(database, name="济南市自然资源和规划局")
    record, _ = await intermediary_draft(database, planning.uscc, [catalog.code, "370113999000"])

    # when it is submitted
    errors = await refused(
        database,
        submit,
        INTERMEDIARY_SERVICE,
        record_id=record.id,
        expected_lock_version=1,
        actor=EDITOR,
    )

    # then the unknown approval item is named by its index
    assert [(code, path) for code, path, _ in errors] == [
        (ErrorCode.NOT_FOUND, ("content", "approval_items", 1))
    ]
    assert record.code == "ZJ370100001"


async def test_an_intermediary_service_is_published_and_revised(database):
    catalog, _ = await published_catalog_item(database)
    planning = await agency(database, name="济南市自然资源和规划局")
    async with database.transaction() as tx:
        record, _ = await create_intermediary_service(
            tx,
            agency_uscc=planning.uscc,
            code="ZJ370100007",
            content=intermediary_content([catalog.code], charging="1"),
            actor=EDITOR,
        )

    priced = await refused(
        database,
        submit,
        INTERMEDIARY_SERVICE,
        record_id=record.id,
        expected_lock_version=1,
        actor=EDITOR,
    )
    async with database.transaction() as tx:
        await update_draft(
            tx,
            INTERMEDIARY_SERVICE,
            record_id=record.id,
            expected_lock_version=1,
            changes={"charging": "3"},
            actor=EDITOR,
        )
    record.lock_version = 2
    published = await submit_and_publish(database, INTERMEDIARY_SERVICE, record)

    assert [path for _, path, _ in priced] == [
        ("content", "fee_standard"),
        ("content", "fee_basis"),
    ]
    assert (published.status, published.number) == (VersionStatus.PUBLISHED, 1)
    async with database.read() as session:
        shown = await by_code(session, INTERMEDIARY_SERVICE, "ZJ370100007", utc_now())
    assert shown.version.content["approval_items"] == [catalog.code]


async def test_publishing_a_fee_item_in_the_future_schedules_it(database):
    city = await agency(database)
    record, _ = await fee_item_draft(database, city.uscc)
    await run(
        database, submit, FEE_ITEM, record_id=record.id, expected_lock_version=1, actor=EDITOR
    )
    later = utc_now() + timedelta(days=30)

    version = await run(
        database,
        publish,
        FEE_ITEM,
        record_id=record.id,
        expected_lock_version=2,
        actor=REVIEWER,
        effective_from=later,
    )

    async with database.read() as session:
        assert await by_code(session, FEE_ITEM, record.code, utc_now()) is None
        assert (await by_code(session, FEE_ITEM, record.code, later)).version.id == version.id
    assert [e.action for e in await events_of(database, record.id)][-1] == "scheduled"


async def test_list_records_page_by_the_owning_agencys_region(database):
    city = await agency(database)
    district = await agency(database, region_code=LIXIA, name="济南市历下区行政审批服务局")
    await published_fee_item(database, city.uscc)
    await published_fee_item(database, district.uscc)
    await fee_item_draft(database, district.uscc)  # never published: not listed

    async with database.read() as session:
        everything = await list_records_page(
            session, FEE_ITEM, ListRecordFilter(), utc_now(), 1, None
        )
        rest = await list_records_page(
            session, FEE_ITEM, ListRecordFilter(), utc_now(), 5, everything.rows[0].record.code
        )
        lixia = await list_records_page(
            session, FEE_ITEM, ListRecordFilter(region_code=LIXIA), utc_now(), 5, None
        )

    assert [row.record.code for row in everything.rows] == ["SF370100001"]
    assert everything.has_next
    assert [row.record.code for row in rest.rows] == ["SF370102001"]
    assert [row.record.code for row in lixia.rows] == ["SF370102001"]

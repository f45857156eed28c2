"""Scenarios (一件事) through the one versioning mechanism: codes from the lead agency's region,
the lifecycle with its change events and as-of reads, and the rules on members (at least two,
no duplicates, well-formed codes, published service items), each refused with its field path."""

from datetime import timedelta

from sqlalchemy import select

from catalog_api.catalog.commands.create_scenario import create_scenario
from catalog_api.catalog.commands.publish import publish
from catalog_api.catalog.commands.submit import submit
from catalog_api.catalog.commands.update_draft import update_draft
from catalog_api.catalog.errors import ErrorCode
from catalog_api.catalog.kinds import SCENARIO
from catalog_api.catalog.queries.generation import next_effective_moment
from catalog_api.catalog.queries.items import ListRecordFilter, by_code, list_records_page
from models import AuditEntry
from models.base import utc_now
from models.enums import VersionStatus
from tests.factories import (
    EDITOR,
    REVIEWER,
    agency,
    count_rows,
    events_of,
    published_catalog_item,
    refused,
    run,
    service_item_draft,
    versions_of,
)
from tests.scenario_factories import (
    city_and_district,
    member_items,
    published_scenario,
    scenario_content,
    scenario_draft,
)

LIXIA = "370102"


async def audit_rows(database, record_id):
    async with database.read() as session:
        statement = select(AuditEntry.action).where(AuditEntry.record_id == record_id)
        return list((await session.execute(statement)).scalars())


async def test_scenario_codes_follow_the_lead_agencys_region(database):
    # given a municipal and a district lead agency with published items
    city = await agency(database, name="济南市卫生健康委员会")
    district = await agency(database, region_code=LIXIA, name="济南市历下区行政审批服务局")
    members = await member_items(database, city.uscc, ["出生医学证明办理", "出生登记"])

    # when scenarios are created without a code, and with an explicit one
    first, version = await scenario_draft(database, city.uscc, members)
    second, _ = await scenario_draft(database, city.uscc, members, name="退休一件事")
    lixia, _ = await scenario_draft(database, district.uscc, members)
    explicit, _ = await run(
        database,
        create_scenario,
        agency_uscc=city.uscc,
        code=" yjs370100050 ",
        content=scenario_content(members),
        actor=EDITOR,
    )

    # then each takes the next sequence in its lead agency's region
    assert [first.code, second.code, lixia.code] == ["YJS370100001", "YJS370100002", "YJS370102001"]
    assert explicit.code == "YJS370100050"
    assert (version.number, version.status, version.theme) == (1, VersionStatus.DRAFT, "101")
    [created] = await events_of(database, first.id)
    assert (created.kind, created.action, created.region_code, created.agency_uscc) == (
        "scenario",
        "created",
        "370100",
        city.uscc,
    )


async def test_an_explicit_code_outside_the_lead_agencys_region_is_refused(database):
    city = await agency(database, name="济南市卫生健康委员会")
    members = await member_items(database, city.uscc, ["出生医学证明办理", "出生登记"])

    errors = await refused(
        database,
        create_scenario,
        agency_uscc=city.uscc,
        code="YJS370102001",
        content=scenario_content(members),
        actor=EDITOR,
    )

    assert [(code, path) for code, path, _ in errors] == [(ErrorCode.INVALID, ("code",))]
    assert await count_rows(database, SCENARIO.record) == 0


async def test_a_scenario_is_published_revised_and_read_as_of_a_moment(database):
    # given a published scenario of two items
    city = await agency(database, name="济南市卫生健康委员会")
    members = await member_items(database, city.uscc, ["出生医学证明办理", "出生登记"])
    record, first = await published_scenario(database, city.uscc, members)
    before_revision = utc_now()

    # when its draft is revised (a third member, a note) and published again
    [third] = await member_items(database, city.uscc, ["城乡居民基本医疗保险参保登记"])
    changes = {
        "members": [
            *({"item": code} for code in members),
            {"item": third, "note": "按需办理"},
        ]
    }
    draft = await run(
        database,
        update_draft,
        SCENARIO,
        record_id=record.id,
        expected_lock_version=record.lock_version,
        changes=changes,
        actor=EDITOR,
        change_note="增加医保参保",
    )
    await run(
        database, submit, SCENARIO, record_id=record.id, expected_lock_version=4, actor=EDITOR
    )
    await run(
        database, publish, SCENARIO, record_id=record.id, expected_lock_version=5, actor=REVIEWER
    )

    # then reads now show three members, reads as of before the revision show two
    async with database.read() as session:
        now = await by_code(session, SCENARIO, record.code, utc_now())
        then = await by_code(session, SCENARIO, record.code, before_revision)
        earlier = await by_code(session, SCENARIO, record.code, first.effective_from - timedelta(1))
    assert draft.number == 2
    assert len(now.version.content["members"]) == 3
    assert now.version.content["members"][2] == {"item": third, "note": "按需办理"}
    assert len(then.version.content["members"]) == 2
    assert earlier is None
    statuses = [v.status for v in await versions_of(database, SCENARIO, record.id)]
    assert statuses == [VersionStatus.SUPERSEDED, VersionStatus.PUBLISHED]
    actions = [e.action for e in await events_of(database, record.id)]
    assert actions == [
        "created",
        "submitted",
        "published",
        "draft_updated",
        "submitted",
        "published",
    ]
    assert len(await audit_rows(database, record.id)) == 6


async def test_scenarios_are_listed_by_lead_agency_and_region(database):
    city, district = await city_and_district(database)
    members = await member_items(database, city.uscc, ["出生医学证明办理", "出生登记"])
    city_one, _ = await published_scenario(database, city.uscc, members)
    lixia_one, _ = await published_scenario(database, district.uscc, members, theme="109")

    async with database.read() as session:
        in_lixia = await list_records_page(
            session, SCENARIO, ListRecordFilter(region_code=LIXIA), utc_now(), 10, None
        )
        everywhere = await list_records_page(
            session, SCENARIO, ListRecordFilter(region_code="370100"), utc_now(), 10, None
        )

    assert [row.record.code for row in in_lixia.rows] == [lixia_one.code]
    assert [row.record.code for row in everywhere.rows] == [city_one.code, lixia_one.code]


async def test_fewer_than_two_members_duplicates_and_malformed_codes_are_refused(database):
    city = await agency(database, name="济南市卫生健康委员会")
    [one] = await member_items(database, city.uscc, ["出生医学证明办理"])

    def create(members):
        return refused(
            database,
            create_scenario,
            agency_uscc=city.uscc,
            content=scenario_content([]) | {"members": members},
            actor=EDITOR,
        )

    too_few = await create([{"item": one}])
    duplicate = await create([{"item": one}, {"item": one.lower()}])
    malformed = await create([{"item": one}, {"item": "123"}])
    missing = await refused(
        database,
        create_scenario,
        agency_uscc=city.uscc,
        content={"name": "退休一件事", "theme": "109"},
        actor=EDITOR,
    )

    assert [(c, p) for c, p, _ in too_few] == [(ErrorCode.INVALID, ("content", "members"))]
    assert "至少包含2个成员事项" in too_few[0][2]
    assert [(c, p) for c, p, _ in duplicate] == [(ErrorCode.INVALID, ("content", "members"))]
    assert "成员事项重复" in duplicate[0][2]
    assert [(c, p) for c, p, _ in malformed] == [
        (ErrorCode.INVALID, ("content", "members", 1, "item"))
    ]
    assert [(c, p) for c, p, _ in missing] == [(ErrorCode.REQUIRED, ("content", "members"))]
    assert await count_rows(database, SCENARIO.record) == 0


async def test_members_must_be_published_service_items_to_submit(database):
    # given a scenario whose second member is only a draft and whose third does not exist
    city = await agency(database, name="济南市卫生健康委员会")
    [published] = await member_items(database, city.uscc, ["出生医学证明办理"])
    catalog, _ = await published_catalog_item(database, name="出生登记")
    draft_item, _ = await service_item_draft(database, catalog.code, city.uscc)
    unknown = published[:19] + "370199999000"
    record, _ = await scenario_draft(database, city.uscc, [published, draft_item.code, unknown])

    # when it is submitted
    errors = await refused(
        database, submit, SCENARIO, record_id=record.id, expected_lock_version=1, actor=EDITOR
    )

    # then both are refused with their paths, and nothing was written
    assert [(c, p) for c, p, _ in errors] == [
        (ErrorCode.NOT_FOUND, ("content", "members", 1, "item")),
        (ErrorCode.NOT_FOUND, ("content", "members", 2, "item")),
    ]
    [version] = await versions_of(database, SCENARIO, record.id)
    assert version.status == VersionStatus.DRAFT


async def test_a_scheduled_scenario_is_the_next_effective_moment_reads_wait_for(database):
    # given a scenario submitted for review
    city, _ = await city_and_district(database)
    members = await member_items(database, city.uscc, ["出生医学证明办理", "出生登记"])
    record, _ = await scenario_draft(database, city.uscc, members)
    await run(
        database, submit, SCENARIO, record_id=record.id, expected_lock_version=1, actor=EDITOR
    )
    start = utc_now()
    tomorrow = start + timedelta(days=1)

    # when it is published to take effect tomorrow
    await run(
        database,
        publish,
        SCENARIO,
        record_id=record.id,
        expected_lock_version=2,
        actor=REVIEWER,
        effective_from=tomorrow,
    )

    # then the HTTP cache's next effective moment is tomorrow, and reads before it show nothing
    async with database.read() as session:
        assert await next_effective_moment(session, start) == tomorrow
        assert await by_code(session, SCENARIO, record.code, start) is None
        assert (await by_code(session, SCENARIO, record.code, tomorrow)).version.number == 1

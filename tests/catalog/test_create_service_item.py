"""create_service_item: one agency's implementation of a catalog item, with its derived code."""

from catalog_api.catalog.commands.create_service_item import create_service_item
from catalog_api.catalog.errors import ErrorCode
from catalog_api.catalog.kinds import SERVICE_ITEM
from models import ChangeEvent, ServiceItem, ServiceItemVersion
from models.enums import Channel, ExerciseLevel, ItemType, VersionStatus, bitmask
from tests.factories import (
    EDITOR,
    LIXIA,
    agency,
    catalog_item_draft,
    count_rows,
    events_of,
    record_of,
    refused,
    service_content,
    service_item_draft,
    versions_of,
)

USCC = "11370100MB2C94128M"  # well-formed, for a made-up Jinan agency


async def test_the_code_is_derived_from_agency_level_and_basic_code(database):
    # given
    authority = await agency(database, uscc=USCC, level=ExerciseLevel.MUNICIPAL)
    catalog, _ = await catalog_item_draft(database, "370112001000")

    # when
    record, version = await service_item_draft(database, catalog.code, authority.uscc)

    # then
    stored = await record_of(database, SERVICE_ITEM, record.id)
    assert stored.code == f"{authority.uscc}3370112001000"
    assert len(stored.code) == 31
    assert (stored.catalog_item_id, stored.agency_id, stored.level, stored.item_type) == (
        catalog.id,
        authority.id,
        ExerciseLevel.MUNICIPAL,
        ItemType.ADMINISTRATIVE_LICENSING,
    )
    assert stored.lock_version == 1
    [draft] = await versions_of(database, SERVICE_ITEM, record.id)
    assert (draft.id, draft.number, draft.status, draft.author) == (
        version.id,
        1,
        VersionStatus.DRAFT,
        EDITOR,
    )
    assert draft.content["onsite_visits_reason"] == "需现场核验申请人身份"


async def test_the_version_keeps_its_filter_columns(database):
    authority = await agency(database)
    catalog, _ = await catalog_item_draft(database)

    _, version = await service_item_draft(
        database,
        catalog.code,
        authority.uscc,
        handling_kind="1",
        promised_time_limit={"value": 0},
        onsite_visits=0,
        onsite_visits_reason=None,
        online_depth="4",
        channels={"window": True, "pc_url": "https://jnzwfw.jinan.gov.cn/x", "express": True},
    )

    [stored] = await versions_of(database, SERVICE_ITEM, version.record_id)
    assert (stored.handling_kind, stored.onsite_visits, stored.online_depth, stored.charging) == (
        "1",
        0,
        "4",
        False,
    )
    assert stored.channels == bitmask([Channel.WINDOW, Channel.PC, Channel.EXPRESS], Channel)


async def test_a_level_other_than_the_agencys_can_be_given(database):
    authority = await agency(database, level=ExerciseLevel.MUNICIPAL)
    catalog, _ = await catalog_item_draft(database, "370112001000")

    record, _ = await service_item_draft(
        database, catalog.code, authority.uscc, level=ExerciseLevel.TIERED
    )

    assert record.code == f"{authority.uscc}7370112001000"
    assert record.level is ExerciseLevel.TIERED


async def test_a_handling_item_gets_a_33_character_code(database):
    authority = await agency(database)
    await catalog_item_draft(database, "37011200100Y")
    await catalog_item_draft(database, "370112001002")
    handling, _ = await catalog_item_draft(database, "37011200100203")

    record, _ = await service_item_draft(database, handling.code, authority.uscc)

    assert record.code == f"{authority.uscc}337011200100203"
    assert len(record.code) == 33


async def test_codes_are_normalised_before_lookup(database):
    authority = await agency(database)
    await catalog_item_draft(database, "370112001000")
    full_width_uscc = authority.uscc.lower().translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})

    record, _ = await service_item_draft(database, " ３７０１１２００１０００ ", full_width_uscc)

    assert record.code == f"{authority.uscc}3370112001000"


async def test_the_created_event_names_the_agency_and_region(database):
    authority = await agency(database, region_code=LIXIA, level=ExerciseLevel.COUNTY)
    catalog, _ = await catalog_item_draft(database)

    record, _ = await service_item_draft(database, catalog.code, authority.uscc)

    event = (await events_of(database, record.id))[-1]
    assert (event.kind, event.code, event.version_number, event.action, event.actor) == (
        "service_item",
        record.code,
        1,
        "created",
        EDITOR,
    )
    assert (event.region_code, event.agency_uscc) == (LIXIA, authority.uscc)


async def test_an_unknown_catalog_item_is_not_found(database):
    authority = await agency(database)

    errors = await refused(
        database,
        create_service_item,
        catalog_code="370112001000",
        agency_uscc=authority.uscc,
        content=service_content(),
        actor=EDITOR,
    )

    assert errors == [(ErrorCode.NOT_FOUND, ("catalog_code",), "基本目录事项 370112001000 不存在")]
    assert await count_rows(database, ServiceItem) == 0


async def test_an_unknown_agency_is_not_found(database):
    catalog, _ = await catalog_item_draft(database)

    errors = await refused(
        database,
        create_service_item,
        catalog_code=catalog.code,
        agency_uscc=USCC,
        content=service_content(),
        actor=EDITOR,
    )

    assert errors == [(ErrorCode.NOT_FOUND, ("agency_uscc",), f"实施主体 {USCC} 不存在")]
    assert await count_rows(database, ServiceItem) == 0


async def test_invalid_content_is_refused_with_its_field_path(database):
    authority = await agency(database)
    catalog, _ = await catalog_item_draft(database)

    errors = await refused(
        database,
        create_service_item,
        catalog_code=catalog.code,
        agency_uscc=authority.uscc,
        content=service_content(onsite_visits=11, adress="历下区"),
        actor=EDITOR,
    )

    assert sorted((code, path) for code, path, _ in errors) == [
        (ErrorCode.INVALID, ("content", "adress")),
        (ErrorCode.INVALID, ("content", "onsite_visits")),
    ]
    assert (
        await count_rows(database, ServiceItem),
        await count_rows(database, ServiceItemVersion),
    ) == (0, 0)


async def test_an_agency_implements_an_item_once_per_level(database):
    # given
    authority = await agency(database)
    catalog, _ = await catalog_item_draft(database, "370112001000")
    record, _ = await service_item_draft(database, catalog.code, authority.uscc)
    events_before = await count_rows(database, ChangeEvent)

    # when
    errors = await refused(
        database,
        create_service_item,
        catalog_code=catalog.code,
        agency_uscc=authority.uscc,
        content=service_content(),
        actor=EDITOR,
    )

    # then
    assert errors == [
        (
            ErrorCode.DUPLICATE,
            ("catalog_code",),
            f"实施编码 {record.code} 已存在：该机构已在此层级实施该事项",
        )
    ]
    assert await count_rows(database, ServiceItem) == 1
    assert await count_rows(database, ServiceItemVersion) == 1
    assert await count_rows(database, ChangeEvent) == events_before


async def test_two_agencies_may_implement_the_same_item(database):
    city = await agency(database)
    district = await agency(database, region_code=LIXIA, level=ExerciseLevel.COUNTY)
    catalog, _ = await catalog_item_draft(database)

    first, _ = await service_item_draft(database, catalog.code, city.uscc)
    second, _ = await service_item_draft(database, catalog.code, district.uscc)

    assert first.code != second.code
    assert await count_rows(database, ServiceItem) == 2


async def test_an_agency_on_file_with_a_malformed_uscc_cannot_implement_items(database):
    # given an agency loaded from a legacy list with a wrong check character
    authority = await agency(database, uscc="11370100MB2C94128A")
    catalog, _ = await catalog_item_draft(database)

    errors = await refused(
        database,
        create_service_item,
        catalog_code=catalog.code,
        agency_uscc=authority.uscc,
        content=service_content(),
        actor=EDITOR,
    )

    assert errors == [
        (
            ErrorCode.INVALID,
            ("agency_uscc",),
            "统一社会信用代码校验位错误：11370100MB2C94128A，第18位应为M",
        )
    ]

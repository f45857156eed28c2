"""A fee item's or intermediary service's change reaches the service items whose published
guide names it: each gets a `related_changed` event naming the cause, which the public change
feed shows (the item was public before), so portals refresh the guide's fees."""

from catalog_api.catalog.commands.withdraw import withdraw
from catalog_api.catalog.kinds import FEE_ITEM, INTERMEDIARY_SERVICE
from catalog_api.catalog.queries import changes
from models.enums import ChangeAction
from tests.factories import (
    REVIEWER,
    agency,
    events_of,
    published_catalog_item,
    published_fee_item,
    published_intermediary,
    published_service_item,
    run,
    service_item_draft,
)

BASIS = (
    "《国家发展改革委 财政部关于不动产登记收费标准等有关问题的通知》（发改价格规〔2016〕2559号）"
)


async def public_feed(database):
    async with database.read() as session:
        rows, _ = await changes.changes_after(
            session, 0, 1000, changes.ChangeFilter(), changes.PUBLIC
        )
    return rows


async def test_withdrawing_a_fee_item_reaches_the_items_charging_it(database):
    centre = await agency(database, name="济南市不动产登记中心")
    fee, fee_version = await published_fee_item(database, centre.uscc)
    catalog, _ = await published_catalog_item(database, name="不动产转移登记")
    charging, _ = await published_service_item(
        database,
        catalog.code,
        centre.uscc,
        charging=True,
        fee_basis=BASIS,
        fees=[{"fee_item": fee.code}],
    )
    free_catalog, _ = await published_catalog_item(database, name="不动产登记资料查询")
    free, _ = await published_service_item(database, free_catalog.code, centre.uscc)
    unpublished, _ = await service_item_draft(
        database,
        catalog.code,
        (await agency(database, region_code="370102")).uscc,
        charging=True,
        fee_basis=BASIS,
        fees=[{"fee_item": fee.code}],
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

    [event] = [e for e in await events_of(database) if e.action == "related_changed"]
    assert (event.record_id, event.kind, event.code) == (charging.id, "service_item", charging.code)
    assert event.cause == f"fee_item:{fee.code}:{fee_version.number}"
    assert event.payload == {"related": "fee_item", "code": fee.code, "change": "withdrawn"}
    assert (event.region_code, event.agency_uscc) == ("370100", centre.uscc)
    assert free.id != event.record_id and unpublished.id != event.record_id
    assert event.seq in [row.seq for row in await public_feed(database)]


async def test_publishing_an_intermediary_service_reaches_the_items_requiring_it(database):
    catalog, _ = await published_catalog_item(database, name="建设工程规划许可证核发")
    planning = await agency(database, name="济南市自然资源和规划局")
    design, _ = await published_intermediary(database, planning.uscc, [catalog.code])
    item, _ = await published_service_item(
        database, catalog.code, planning.uscc, intermediaries=[design.code]
    )
    before = {e.seq for e in await events_of(database)}

    await run(
        database,
        withdraw,
        INTERMEDIARY_SERVICE,
        record_id=design.id,
        expected_lock_version=design.lock_version,
        reason="不再要求",
        actor=REVIEWER,
    )

    new = [e for e in await events_of(database) if e.seq not in before]
    assert [(e.kind, e.action) for e in new] == [
        ("intermediary_service", ChangeAction.WITHDRAWN.value),
        ("service_item", ChangeAction.RELATED_CHANGED.value),
    ]
    assert new[1].record_id == item.id and new[1].cause.startswith(
        f"intermediary_service:{design.code}:"
    )


async def test_a_fee_item_nobody_charges_reaches_nobody(database):
    centre = await agency(database, name="济南市不动产登记中心")
    fee, _ = await published_fee_item(database, centre.uscc)
    await run(
        database,
        withdraw,
        FEE_ITEM,
        record_id=fee.id,
        expected_lock_version=fee.lock_version,
        reason="收费项目取消",
        actor=REVIEWER,
    )
    assert not [e for e in await events_of(database) if e.action == "related_changed"]

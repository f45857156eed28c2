"""`changes`: the replayable change feed, over HTTP, on the small Jinan."""

import base64
from datetime import timedelta

import pytest

from catalog_api.auth import Role
from catalog_api.catalog.commands.announce import announce_due
from catalog_api.catalog.commands.publish import publish
from catalog_api.catalog.commands.submit import submit
from catalog_api.catalog.kinds import SERVICE_ITEM
from catalog_api.schema.ids import to_global_id
from models.base import utc_now
from tests.api.changes import (
    Reader,
    feed_jinan,
    publish_catalog_change,
    summary,
    token,
    withdraw_item,
)
from tests.api.scenario import FOOD_LICENCE
from tests.factories import EDITOR, REVIEWER, make_uscc, run


@pytest.fixture
async def jinan(database, settings):
    return await feed_jinan(database, settings.files_dir)


@pytest.fixture
def anonymous(http):
    return Reader(http)


@pytest.fixture
def admin(http, settings):
    return Reader(http, token(settings, Role.CATALOG_ADMIN))


async def test_a_portal_replays_the_published_catalog_in_order_then_stays_current(
    database, anonymous, jinan
):
    # when a portal starts from an empty cursor, two events a page
    first = await anonymous.page(first=2)
    second = await anonymous.page(first=2, after=first["pageInfo"]["endCursor"])

    # then it reads what was published, in commit order, and nothing of drafts or reviews
    events = [edge["node"] for edge in first["edges"] + second["edges"]]
    assert summary(events) == [
        (FOOD_LICENCE, "PUBLISHED"),
        (jinan.city_item.code, "PUBLISHED"),
        (jinan.lixia_item.code, "PUBLISHED"),
    ]
    assert first["pageInfo"]["hasNextPage"] is True
    assert second["pageInfo"]["hasNextPage"] is False
    assert second["pageInfo"]["hasPreviousPage"] is True
    seqs = [event["seq"] for event in events]
    assert seqs == sorted(seqs) and len(set(seqs)) == 3
    lixia = events[2]
    assert lixia["kind"] == "service_item"
    assert lixia["recordId"] == to_global_id("ServiceItem", jinan.lixia_item.id)
    assert lixia["versionNumber"] == 1
    assert (lixia["region"], lixia["agency"]) == ("370102", jinan.lixia_agency.uscc)
    assert events[0]["recordId"] == to_global_id("CatalogItem", jinan.catalog.id)
    assert events[0]["region"] is None and events[0]["agency"] is None

    # and with the cursor it kept, it reads only what happened since, once
    cursor = second["pageInfo"]["endCursor"]
    assert (await anonymous.page(after=cursor))["edges"] == []
    await withdraw_item(database, jinan.lixia_item)
    since = await anonymous.events(after=cursor)
    assert summary(since) == [(jinan.lixia_item.code, "WITHDRAWN")]
    assert since[0]["seq"] > seqs[-1]
    assert (await anonymous.page(after=since[-1]["cursor"]))["edges"] == []


async def test_a_new_catalog_version_reaches_every_derived_item(database, anonymous, admin, jinan):
    # given a portal that has read the whole feed
    cursor = (await anonymous.page(first=100))["pageInfo"]["endCursor"]

    # when the catalog item publishes a new version
    await publish_catalog_change(database, jinan)

    # then every derived service item has a CATALOG_CHANGED event caused by that version
    events = await admin.events(after=cursor)
    changed = [event for event in events if event["action"] == "CATALOG_CHANGED"]
    assert {event["code"] for event in changed} == {
        jinan.city_item.code,
        jinan.lixia_item.code,
        jinan.street_draft.code,
    }
    assert {event["cause"] for event in changed} == {f"catalog_item:{FOOD_LICENCE}:2"}
    assert all(event["versionNumber"] is None for event in changed)

    # and the public reads the new version and the published items' events, but not the event of
    # the street's draft, which it has never seen
    public = summary(await anonymous.events(after=cursor))
    assert public[0] == (FOOD_LICENCE, "PUBLISHED")
    assert sorted(public[1:]) == sorted(
        (code, "CATALOG_CHANGED") for code in (jinan.city_item.code, jinan.lixia_item.code)
    )


async def test_filters_by_kind_region_with_sub_regions_agency_and_code(admin, jinan):
    async def codes(**filter):
        return {(e["code"], e["action"]) for e in await admin.events(filter=filter)}

    assert {code for code, _ in await codes(kinds=["catalog_item"])} == {FOOD_LICENCE}
    # 历下区 includes its street 泉城路街道
    assert {code for code, _ in await codes(regions=["370102"])} == {
        jinan.lixia_item.code,
        jinan.street_draft.code,
    }
    assert await codes(regions=["370104"]) == set()
    assert {code for code, _ in await codes(agencies=[jinan.city_agency.uscc])} == {
        jinan.city_item.code
    }
    assert await codes(codes=[jinan.lixia_item.code.lower()], kinds=["service_item"]) == {
        (jinan.lixia_item.code, "CREATED"),
        (jinan.lixia_item.code, "SUBMITTED"),
        (jinan.lixia_item.code, "PUBLISHED"),
    }
    # filters given together must all match
    assert await codes(regions=["370102"], agencies=[jinan.city_agency.uscc]) == set()


@pytest.mark.parametrize(
    ("who", "sees_street_draft", "sees_catalog_drafts"),
    [
        ("anonymous", False, False),
        ("editor of 历下区", True, False),
        ("reviewer of 槐荫区", False, False),
        ("editor of the street agency", True, False),
        ("signed in without a role", False, False),
        ("catalog administrator", True, True),
    ],
)
async def test_who_sees_what(http, settings, jinan, who, sees_street_draft, sees_catalog_drafts):
    tokens = {
        "anonymous": None,
        "editor of 历下区": token(settings, Role.EDITOR, regions=["370102"]),
        "reviewer of 槐荫区": token(settings, Role.REVIEWER, regions=["370104"]),
        "editor of the street agency": token(
            settings, Role.EDITOR, agencies=[jinan.street_agency.uscc]
        ),
        "signed in without a role": token(settings, regions=["370100"]),
        "catalog administrator": token(settings, Role.CATALOG_ADMIN),
    }
    reader = Reader(http, tokens[who])

    events = summary(await reader.events())

    published = {
        (FOOD_LICENCE, "PUBLISHED"),
        (jinan.city_item.code, "PUBLISHED"),
        (jinan.lixia_item.code, "PUBLISHED"),
    }
    assert published <= set(events)
    assert ((jinan.street_draft.code, "CREATED") in events) is sees_street_draft
    assert ((FOOD_LICENCE, "CREATED") in events) is sees_catalog_drafts
    if who == "anonymous":
        assert set(events) == published


async def test_scheduled_versions_stay_private_until_they_take_effect(
    database, anonymous, admin, jinan
):
    # given the street's item, published for a future date
    street = jinan.street_draft
    await run(
        database, submit, SERVICE_ITEM, record_id=street.id, expected_lock_version=1, actor=EDITOR
    )
    later = utc_now() + timedelta(days=3)
    await run(
        database,
        publish,
        SERVICE_ITEM,
        record_id=street.id,
        expected_lock_version=2,
        actor=REVIEWER,
        effective_from=later,
    )
    cursor = (await anonymous.page(first=100))["pageInfo"]["endCursor"]
    assert (street.code, "SCHEDULED") in summary(await admin.events(after=cursor))
    assert await anonymous.events(after=cursor) == []

    # when the version takes effect, the public hears of it
    async with database.transaction() as tx:
        await announce_due(tx, later)
    assert summary(await anonymous.events(after=cursor)) == [(street.code, "PUBLISHED")]


async def test_bad_arguments_get_clear_errors(anonymous, jinan):
    async def error(**variables):
        body = await anonymous.post(
            "query ($after: String, $first: Int, $filter: ChangeFilter) "
            "{ changes(after: $after, first: $first, filter: $filter) { edges { cursor } } }",
            **variables,
        )
        [error] = body["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", error
        return error["extensions"]["argument"], error["message"]

    not_a_seq = base64.urlsafe_b64encode(b"k:abc").decode()
    assert (await error(after="not-a-cursor"))[0] == "after"
    assert (await error(after=not_a_seq))[0] == "after"
    assert (await error(first=1000))[0] == "first"
    assert (await error(first=-1))[0] == "first"
    argument, message = await error(filter={"kinds": ["fee_list"]})
    assert argument == "filter.kinds" and "fee_list" in message
    argument, message = await error(filter={"regions": ["379999"]})
    assert argument == "filter.regions" and "379999" in message
    assert (await error(filter={"agencies": ["not-a-uscc"]}))[0] == "filter.agencies"
    argument, message = await error(filter={"agencies": [(unknown := make_uscc("370100"))]})
    assert argument == "filter.agencies" and unknown in message
    assert (await error(filter={"codes": ["x"] * 101}))[0] == "filter.codes"


async def test_a_page_costs_one_statement_and_filters_a_fixed_few(
    anonymous, jinan, sql_counter, app
):
    # the HTTP cache checks the change-event head once after writes: not the page's cost
    await app.state.http_cache.generation.current()
    with sql_counter:
        page = await anonymous.page(first=100)
    assert len(page["edges"]) == 3
    assert sql_counter.count == 1  # the page itself, visibility checks included

    with sql_counter:
        await anonymous.page(filter={"regions": ["370100"], "agencies": [jinan.city_agency.uscc]})
    # the regions exist, the regions below them, the agencies exist, the page
    assert sql_counter.count == 4

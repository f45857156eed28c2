"""The public lists over GraphQL: powerList, feeList, intermediaryList, publicServiceList,
tripList — views of the one catalog, filtered by region (with the regions below), agency, type
and asOf."""

from datetime import timedelta

import pytest

from catalog_api.db import Database
from catalog_api.settings import Settings
from models.base import utc_now
from tests.api.conftest import GraphQLClient
from tests.api.lists_scenario import lists_jinan
from tests.factories import (
    next_catalog_code,
    published_catalog_item,
    published_fee_item,
    published_service_item,
)

POWER = """
query Power($filter: ListFilter, $first: Int, $after: String, $asOf: DateTime) {
  powerList(filter: $filter, first: $first, after: $after, asOf: $asOf) {
    totalCount
    edges { cursor node {
      code name itemType powerSource agency { name }
      legalBasis { title article }
      responsibilities { steps { step duty } accountability accountabilityBasis supervisionPhone }
    } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

PUBLIC = """
query Public($filter: ListFilter) {
  publicServiceList(filter: $filter) { totalCount nodes { code name itemTypeCode } }
}
"""

TRIPS = """
query Trips($maxTrips: Int!, $filter: ListFilter) {
  tripList(maxTrips: $maxTrips, filter: $filter) {
    totalCount nodes { code onsiteVisits onsiteVisitsReason }
  }
}
"""

FEES = """
query Fees($filter: ListFilter) {
  feeList(filter: $filter) {
    totalCount
    nodes {
      code name payer standard { text amount unit } fundManagement agency { name }
      basis { title documentNumber } reductions { description basis }
      chargingItems { totalCount items { code name } }
    }
  }
}
"""

INTERMEDIARIES = """
query Intermediaries($filter: ListFilter) {
  intermediaryList(filter: $filter) {
    totalCount
    nodes { code name providerNature charging agency { name } approvalItems { basicCode name }
            basis { title } }
  }
}
"""


async def test_the_power_list_shows_power_items_with_their_responsibilities(
    database: Database, settings: Settings, gql: GraphQLClient
) -> None:
    world = await lists_jinan(database, settings.files_dir)

    data = await gql.data(POWER, filter={"region": "370100"})

    listed = data["powerList"]
    codes = [edge["node"]["code"] for edge in listed["edges"]]
    expected = sorted(
        [world.jinan.city_item.code, world.jinan.lixia_item.code, world.charging_item.code]
    )
    assert codes == expected and listed["totalCount"] == 3  # no public service
    lixia = world.jinan.lixia_item.code
    row = next(e["node"] for e in listed["edges"] if e["node"]["code"] == lixia)
    assert row["name"] == "食品经营许可"
    assert row["itemType"] == "ADMINISTRATIVE_LICENSING"
    assert row["powerSource"] == "STATUTORY"
    assert row["agency"]["name"] == "济南市历下区行政审批服务局"
    assert row["legalBasis"] == [{"title": "《中华人民共和国食品安全法》", "article": "第三十五条"}]
    duties = row["responsibilities"]
    assert [s["step"] for s in duties["steps"]] == ["受理责任", "决定责任"]
    assert duties["supervisionPhone"] == "0531-86592345"
    assert duties["accountability"] == ["对符合法定条件的申请不予受理的"]


@pytest.mark.parametrize(
    ("filter_", "expected"),
    [
        ({"region": "370102"}, ["lixia", "charging"]),
        ({"region": "370104"}, []),
        ({"itemTypes": ["ADMINISTRATIVE_LEVY"]}, ["charging"]),
        ({"itemTypes": ["PUBLIC_SERVICE"]}, []),
        ({"agency": "city"}, ["city"]),
    ],
)
async def test_the_power_list_filters(
    database: Database, settings: Settings, gql: GraphQLClient, filter_: dict, expected: list
) -> None:
    world = await lists_jinan(database, settings.files_dir)
    names = {
        "city": world.jinan.city_item.code,
        "lixia": world.jinan.lixia_item.code,
        "charging": world.charging_item.code,
    }
    if filter_.get("agency") == "city":
        filter_ = {"agency": world.jinan.city_agency.uscc}

    data = await gql.data(POWER, filter=filter_)

    assert [e["node"]["code"] for e in data["powerList"]["edges"]] == sorted(
        names[n] for n in expected
    )


async def test_the_power_list_pages_with_cursors(
    database: Database, settings: Settings, gql: GraphQLClient
) -> None:
    world = await lists_jinan(database, settings.files_dir)
    expected = sorted(
        [world.jinan.city_item.code, world.jinan.lixia_item.code, world.charging_item.code]
    )

    first = (await gql.data(POWER, first=2))["powerList"]
    rest = (await gql.data(POWER, first=2, after=first["pageInfo"]["endCursor"]))["powerList"]

    assert first["pageInfo"]["hasNextPage"] and not rest["pageInfo"]["hasNextPage"]
    assert [e["node"]["code"] for e in first["edges"] + rest["edges"]] == expected


async def test_a_list_as_of_a_moment_before_the_items_were_published_is_empty(
    database: Database, settings: Settings, gql: GraphQLClient
) -> None:
    await lists_jinan(database, settings.files_dir)

    data = await gql.data(POWER, asOf=(utc_now() - timedelta(days=1)).isoformat())

    assert data["powerList"]["totalCount"] == 0


async def test_the_public_service_list_shows_type_20_only(
    database: Database, settings: Settings, gql: GraphQLClient
) -> None:
    world = await lists_jinan(database, settings.files_dir)

    data = await gql.data(PUBLIC, filter={"region": "370102"})
    power_only = await gql.data(PUBLIC, filter={"itemTypes": ["ADMINISTRATIVE_LICENSING"]})

    assert data["publicServiceList"]["nodes"] == [
        {"code": world.library_item.code, "name": "公共图书馆读者证办理", "itemTypeCode": "20"}
    ]
    assert power_only["publicServiceList"] == {"totalCount": 0, "nodes": []}


@pytest.mark.parametrize(("max_trips", "expected"), [(0, ["lixia", "library"]), (1, None)])
async def test_the_trip_lists(
    database: Database, settings: Settings, gql: GraphQLClient, max_trips: int, expected: list
) -> None:
    world = await lists_jinan(database, settings.files_dir)
    names = {
        "city": world.jinan.city_item.code,
        "lixia": world.jinan.lixia_item.code,
        "library": world.library_item.code,
        "charging": world.charging_item.code,
    }
    expected = expected or list(names)

    data = await gql.data(TRIPS, maxTrips=max_trips)

    nodes = data["tripList"]["nodes"]
    assert [n["code"] for n in nodes] == sorted(names[n] for n in expected)
    assert all(n["onsiteVisits"] <= max_trips for n in nodes)
    city = [n for n in nodes if n["code"] == world.jinan.city_item.code]
    assert city in ([], [{"code": world.jinan.city_item.code, "onsiteVisits": 1,
                          "onsiteVisitsReason": "需现场核验申请人身份"}])


@pytest.mark.parametrize("max_trips", [-1, 2, 3])
async def test_a_trip_list_for_other_counts_is_refused(
    database: Database, gql: GraphQLClient, max_trips: int
) -> None:
    body = await gql.post(TRIPS, maxTrips=max_trips)

    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "maxTrips" in body["errors"][0]["message"]


async def test_a_list_for_an_unknown_region_is_refused(
    database: Database, settings: Settings, gql: GraphQLClient
) -> None:
    await lists_jinan(database, settings.files_dir)

    body = await gql.post(POWER, filter={"region": "379999"})

    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "379999" in body["errors"][0]["message"]


async def test_the_fee_list_shows_each_fee_item_with_the_items_charging_it(
    database: Database, settings: Settings, gql: GraphQLClient
) -> None:
    world = await lists_jinan(database, settings.files_dir)

    data = await gql.data(FEES, filter={"region": "370102"})
    elsewhere = await gql.data(FEES, filter={"region": "370104"})

    assert data["feeList"]["totalCount"] == 1
    fee = data["feeList"]["nodes"][0]
    assert fee["code"] == world.fee.code
    assert fee["name"] == "不动产登记费（住宅）"
    assert fee["payer"] == "申请住宅类不动产登记的权利人"
    assert fee["standard"] == {
        "text": "住宅类不动产登记每件80元", "amount": "80.00", "unit": "元/件"
    }
    assert fee["fundManagement"] == "TREASURY"
    assert fee["agency"] == {"name": "济南市历下区行政审批服务局"}
    assert fee["basis"][0]["documentNumber"] == "发改价格规〔2016〕2559号"
    assert fee["reductions"][0]["basis"] == "财税〔2019〕45号"
    assert fee["chargingItems"] == {
        "totalCount": 1,
        "items": [{"code": world.charging_item.code, "name": "不动产登记收费"}],
    }
    assert elsewhere["feeList"] == {"totalCount": 0, "nodes": []}


async def test_the_intermediary_list_shows_the_approvals_requiring_each_service(
    database: Database, settings: Settings, gql: GraphQLClient
) -> None:
    world = await lists_jinan(database, settings.files_dir)

    data = await gql.data(INTERMEDIARIES, filter={"region": "370100"})

    assert data["intermediaryList"]["totalCount"] == 1
    row = data["intermediaryList"]["nodes"][0]
    assert row["code"] == world.intermediary.code
    assert row["name"] == "建设工程设计方案编制"
    assert row["providerNature"] == "ENTERPRISE"
    assert row["charging"] == "MARKET"
    assert row["agency"] == {"name": "济南市历下区行政审批服务局"}
    assert row["approvalItems"] == [{"basicCode": world.jinan.catalog.code, "name": "食品经营许可"}]
    assert row["basis"] == [{"title": "《中华人民共和国城乡规划法》"}]


async def test_a_districts_fee_list_has_the_city_fees_its_items_charge(
    database: Database, settings: Settings, gql: GraphQLClient
) -> None:
    world = await lists_jinan(database, settings.files_dir)
    city_fee, _ = await published_fee_item(
        database, world.jinan.city_agency.uscc, name="食品经营许可证工本费"
    )
    code = next_catalog_code("04")
    await published_catalog_item(database, code, name="证照工本费征收", levels=["4"])
    await published_service_item(
        database, code, world.jinan.lixia_agency.uscc, charging=True,
        fees=[{"fee_item": city_fee.code}], fee_basis="发改价格规〔2016〕2559号",
    )

    lixia = await gql.data(FEES, filter={"region": "370102"})
    huaiyin = await gql.data(FEES, filter={"region": "370104"})

    assert [n["code"] for n in lixia["feeList"]["nodes"]] == sorted([world.fee.code, city_fee.code])
    assert lixia["feeList"]["totalCount"] == 2
    assert huaiyin["feeList"] == {"totalCount": 0, "nodes": []}

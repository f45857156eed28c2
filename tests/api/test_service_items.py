"""`serviceItems`: filtered, keyset-paginated lists of what is in force."""

import pytest

from catalog_api.catalog.commands import withdraw
from catalog_api.catalog.kinds import SERVICE_ITEM
from catalog_api.db import Database
from catalog_api.settings import Settings
from tests.api.conftest import GraphQLClient
from tests.api.scenario import FOOD_LICENCE, small_jinan
from tests.factories import published_catalog_item, published_service_item

LIST = """
query List($filter: ServiceItemFilter, $first: Int, $after: String, $asOf: DateTime) {
  serviceItems(filter: $filter, first: $first, after: $after, asOf: $asOf) {
    totalCount
    edges { cursor node { code agency { name } } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}
"""


def codes(data: dict) -> list[str]:  # type: ignore[type-arg]
    return [edge["node"]["code"] for edge in data["serviceItems"]["edges"]]


@pytest.mark.parametrize(
    ("filter_", "expected"),
    [
        ({"region": "370100"}, ["city", "lixia"]),  # the city includes its districts
        ({"region": "370102"}, ["lixia"]),
        ({"region": "370104"}, []),
        ({"levels": ["COUNTY"]}, ["lixia"]),
        ({"maxOnsiteVisits": 0}, ["lixia"]),
        ({"maxOnsiteVisits": 1}, ["city", "lixia"]),
        ({"minOnlineDepth": "FULLY_ONLINE"}, ["lixia"]),
        ({"instant": True}, ["lixia"]),
        ({"instant": False}, ["city"]),
        ({"charging": True}, []),
        ({"itemTypes": ["ADMINISTRATIVE_LICENSING"]}, ["city", "lixia"]),
        ({"itemTypes": ["PUBLIC_SERVICE"]}, []),
        ({"serviceObject": "ENTERPRISE"}, ["city", "lixia"]),
        ({"serviceObject": "NATURAL_PERSON"}, []),
        ({"channels": ["WINDOW"]}, ["city", "lixia"]),
        ({"channels": ["PC"]}, []),
        ({"catalogCode": FOOD_LICENCE}, ["city", "lixia"]),
    ],
)
async def test_filters(
    database: Database,
    settings: Settings,
    gql: GraphQLClient,
    filter_: dict,
    expected: list,  # type: ignore[type-arg]
) -> None:
    jinan = await small_jinan(database, settings.files_dir)
    by_name = {"city": jinan.city_item.code, "lixia": jinan.lixia_item.code}

    data = await gql.data(LIST, filter=filter_)

    assert sorted(codes(data)) == sorted(by_name[name] for name in expected)
    assert data["serviceItems"]["totalCount"] == len(expected)


async def test_filter_by_agency_and_a_malformed_uscc(
    database: Database, settings: Settings, gql: GraphQLClient
) -> None:
    jinan = await small_jinan(database, settings.files_dir)

    data = await gql.data(LIST, filter={"agency": jinan.lixia_agency.uscc})
    body = await gql.post(LIST, filter={"agency": "91370100MA3C"})

    assert codes(data) == [jinan.lixia_item.code]
    [error] = body["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "filter.agency"}


async def test_pages_follow_the_cursor_and_stay_stable_under_inserts(
    database: Database, settings: Settings, gql: GraphQLClient
) -> None:
    jinan = await small_jinan(database, settings.files_dir)
    for agency in (jinan.huaiyin_agency, jinan.street_agency):
        await published_service_item(database, FOOD_LICENCE, agency.uscc)
    everything = codes(await gql.data(LIST, first=10))
    first_page = await gql.data(LIST, first=2)
    # an item that sorts before the cursor arrives between two page requests
    other, _ = await published_catalog_item(database, "370113002000", name="小餐饮登记")
    early, _ = await published_service_item(database, other.code, jinan.city_agency.uscc)

    second_page = await gql.data(
        LIST, first=2, after=first_page["serviceItems"]["pageInfo"]["endCursor"]
    )

    assert codes(first_page) + codes(second_page) == everything
    assert first_page["serviceItems"]["pageInfo"]["hasNextPage"] is True
    assert second_page["serviceItems"]["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": True,
        "endCursor": second_page["serviceItems"]["edges"][-1]["cursor"],
    }
    assert early.code not in everything


async def test_withdrawn_items_leave_the_list_but_not_the_past(
    database: Database, settings: Settings, gql: GraphQLClient
) -> None:
    jinan = await small_jinan(database, settings.files_dir)
    before = await gql.data("{ serviceItems { totalCount } }")
    moment = await gql.data(
        "query($code: String!) { serviceItem(code: $code) { effectiveFrom } }",
        code=jinan.city_item.code,
    )
    async with database.transaction() as tx:
        await withdraw.withdraw(
            tx,
            SERVICE_ITEM,
            record_id=jinan.city_item.id,
            expected_lock_version=jinan.city_item.lock_version,
            reason="事项取消",
            actor="admin",
        )

    now = await gql.data(LIST)
    then = await gql.data(LIST, asOf=moment["serviceItem"]["effectiveFrom"])

    assert before["serviceItems"]["totalCount"] == 2
    assert codes(now) == [jinan.lixia_item.code]
    assert jinan.city_item.code in codes(then)


@pytest.mark.parametrize(
    ("variables", "argument"),
    [
        ({"first": 101}, "first"),
        ({"first": -1}, "first"),
        ({"after": "not-a-cursor"}, "after"),
        ({"after": "azo"}, "after"),
        ({"filter": {"maxOnsiteVisits": -1}}, "filter.maxOnsiteVisits"),
    ],
)
async def test_bad_arguments_get_an_error_naming_them(
    gql: GraphQLClient,
    variables: dict,
    argument: str,  # type: ignore[type-arg]
) -> None:
    body = await gql.post(LIST, **variables)

    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["argument"] == argument
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


async def test_an_invalid_enum_is_refused_before_running(gql: GraphQLClient) -> None:
    body = await gql.post(LIST, filter={"levels": ["GALACTIC"]})

    [error] = body["errors"]
    assert "GALACTIC" in error["message"] and "ExerciseLevel" in error["message"]

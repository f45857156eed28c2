"""Regions, agencies and Relay nodes."""

import base64

from catalog_api.db import Database
from catalog_api.settings import Settings
from tests.api.conftest import GraphQLClient
from tests.api.scenario import small_jinan


async def test_regions_form_a_tree(
    database: Database, settings: Settings, gql: GraphQLClient
) -> None:
    await small_jinan(database, settings.files_dir)
    query = """{ regions { nodes { code name children { code name children { name } } } }
                 region(code: "370102001") { name level parent { name parent { name } } } }"""

    data = await gql.data(query)

    [city] = data["regions"]["nodes"]
    assert (city["code"], city["name"]) == ("370100", "济南市")
    assert [c["name"] for c in city["children"]] == ["历下区", "槐荫区"]
    assert city["children"][0]["children"] == [{"name": "泉城路街道"}]
    assert data["region"] == {
        "name": "泉城路街道",
        "level": "STREET",
        "parent": {"name": "历下区", "parent": {"name": "济南市"}},
    }


async def test_agencies_by_region_include_the_regions_below(
    database: Database, settings: Settings, gql: GraphQLClient
) -> None:
    jinan = await small_jinan(database, settings.files_dir)
    query = """query($r: String) { agencies(region: $r) { totalCount nodes { name } } }"""

    lixia = await gql.data(query, r="370102")
    everything = await gql.data(query)

    assert sorted(n["name"] for n in lixia["agencies"]["nodes"]) == [
        "泉城路街道办事处",
        "济南市历下区行政审批服务局",
    ]
    assert everything["agencies"]["totalCount"] == 4
    one = await gql.data(
        "query($u: String!) { agency(uscc: $u) { name level } }", u=jinan.city_agency.uscc
    )
    assert one["agency"] == {"name": "济南市市场监督管理局", "level": "MUNICIPAL"}


async def test_a_malformed_uscc_is_an_error(gql: GraphQLClient) -> None:
    body = await gql.post('{ agency(uscc: "11370100ABCDEFGHIJ") { name } }')

    assert body["data"] == {"agency": None}
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "argument": "uscc"}


async def test_nodes_round_trip_by_global_id(
    database: Database, settings: Settings, gql: GraphQLClient
) -> None:
    jinan = await small_jinan(database, settings.files_dir)
    item = await gql.data(
        "query($c: String!) { serviceItem(code: $c) { id agency { id } } }", c=jinan.city_item.code
    )
    ids = [item["serviceItem"]["id"], item["serviceItem"]["agency"]["id"]]
    query = """query($ids: [ID!]!) { nodes(ids: $ids) {
      __typename ... on ServiceItem { code } ... on Agency { uscc } } }"""

    data = await gql.data(query, ids=ids)

    assert data["nodes"] == [
        {"__typename": "ServiceItem", "code": jinan.city_item.code},
        {"__typename": "Agency", "uscc": jinan.city_agency.uscc},
    ]


async def test_bad_and_unknown_global_ids(gql: GraphQLClient) -> None:
    unknown = base64.b64encode(b"ServiceItem:00000000-0000-0000-0000-000000000000").decode()
    other = base64.b64encode(b"Spaceship:1").decode()

    missing = await gql.post("query($id: ID!) { node(id: $id) { id } }", id=unknown)
    garbage = await gql.post("query($id: ID!) { node(id: $id) { id } }", id="%%%")
    alien = await gql.post("query($id: ID!) { node(id: $id) { id } }", id=other)

    assert missing == {"data": {"node": None}}
    assert garbage["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "argument": "id"}
    assert alien["errors"][0]["message"] == "参数 id 无效：未知的对象类型 Spaceship"

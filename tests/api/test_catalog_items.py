"""`catalogItem` and `catalogItems`: the basic catalog and its main → sub → handling tree."""

from catalog_api.db import Database
from catalog_api.settings import Settings
from tests.api.conftest import GraphQLClient
from tests.api.scenario import FOOD_LICENCE, small_jinan
from tests.factories import published_catalog_item

TREE = """
query($code: String!) {
  catalogItem(code: $code) {
    code basicCode nodeKind name itemType
    parent { code nodeKind }
    children { code nodeKind name children { code nodeKind } }
  }
}
"""


async def _registration_tree(database: Database) -> None:
    await published_catalog_item(database, "370107001" + "00Y", name="不动产登记", levels=["3"])
    await published_catalog_item(database, "370107001001", name="首次登记")
    await published_catalog_item(database, "370107001002", name="转移登记")
    await published_catalog_item(database, "37010700100101", name="新建商品房首次登记")


async def test_the_tree_from_main_item_to_handling_items(
    database: Database, gql: GraphQLClient
) -> None:
    await _registration_tree(database)

    main = (await gql.data(TREE, code="37010700100Y"))["catalogItem"]
    handling = (await gql.data(TREE, code="37010700100101"))["catalogItem"]

    assert (main["nodeKind"], main["parent"]) == ("MAIN", None)
    assert [(c["code"], c["nodeKind"]) for c in main["children"]] == [
        ("370107001001", "SUB"),
        ("370107001002", "SUB"),
    ]
    assert main["children"][0]["children"] == [{"code": "37010700100101", "nodeKind": "HANDLING"}]
    assert (handling["basicCode"], handling["parent"]["code"]) == ("370107001001", "370107001001")


async def test_list_filters_by_type_and_roots(database: Database, gql: GraphQLClient) -> None:
    await _registration_tree(database)
    await published_catalog_item(database, "372000101000", name="社会保障卡申领")
    query = """query($f: CatalogItemFilter) {
      catalogItems(filter: $f) { totalCount nodes { code } } }"""

    roots = await gql.data(query, f={"rootsOnly": True})
    public = await gql.data(query, f={"itemTypes": ["PUBLIC_SERVICE"]})
    children = await gql.data(query, f={"parentCode": "37010700100Y"})

    assert [n["code"] for n in roots["catalogItems"]["nodes"]] == ["37010700100Y", "372000101000"]
    assert public["catalogItems"]["totalCount"] == 1
    assert children["catalogItems"]["totalCount"] == 2


async def test_implementations_of_a_catalog_item(
    database: Database, settings: Settings, gql: GraphQLClient
) -> None:
    jinan = await small_jinan(database, settings.files_dir)
    query = """query($code: String!) { catalogItem(code: $code) {
      implementations(filter: {region: "370102"}) { totalCount nodes { code } } } }"""

    data = await gql.data(query, code=FOOD_LICENCE)

    assert data["catalogItem"]["implementations"] == {
        "totalCount": 1,
        "nodes": [{"code": jinan.lixia_item.code}],
    }


async def test_malformed_and_unknown_basic_codes(gql: GraphQLClient) -> None:
    unknown = await gql.post(TREE, code="370107009000")
    bad_type = await gql.post(TREE, code="379907001000")
    letter_o = await gql.post(TREE, code="3701070O1000")

    assert unknown == {"data": {"catalogItem": None}}
    assert bad_type["errors"][0]["message"] == "参数 code 无效：基本编码中的事项类型代码未知：99"
    assert letter_o["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "argument": "code"}

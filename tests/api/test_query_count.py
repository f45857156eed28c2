"""Lists cost a fixed number of SQL statements however many items they show (no N+1)."""

from starlette.applications import Starlette

from catalog_api.db import Database
from catalog_api.settings import Settings
from tests.api.conftest import GraphQLClient
from tests.api.lists_scenario import lists_jinan
from tests.api.scenario import FOOD_LICENCE, small_jinan
from tests.conftest import SqlCounter
from tests.factories import (
    agency,
    next_catalog_code,
    published_catalog_item,
    published_fee_item,
    published_service_item,
)

PAGE = """
{
  serviceItems(first: 50) {
    edges { node {
      code name legalBasis { title } statutoryTimeLimit { text }
      agency { name region { name parent { name } } }
      catalogItem { code name parent { code } }
      materials { name blankForm { url } sample { url } }
      versions { edges { node { number } } }
    } }
  }
}
"""


async def _statements_for_page(
    app: Starlette, gql: GraphQLClient, sql_counter: SqlCounter
) -> tuple[int, int]:
    # After a write the HTTP cache first checks the change-event head (two statements, once per
    # write, whatever the page): done before counting, so the count is the page's own.
    await app.state.http_cache.generation.current()
    with sql_counter:
        data = await gql.data(PAGE)
    return len(data["serviceItems"]["edges"]), sql_counter.count


async def test_a_page_of_items_costs_the_same_statements_for_2_or_12_items(
    database: Database,
    settings: Settings,
    app: Starlette,
    gql: GraphQLClient,
    sql_counter: SqlCounter,
) -> None:
    await small_jinan(database, settings.files_dir)
    few = await _statements_for_page(app, gql, sql_counter)
    for district in ("370112", "370113", "370114", "370115", "370116"):
        for _ in range(2):
            other = await agency(database, region_code=district, name="区行政审批服务局")
            await published_service_item(database, FOOD_LICENCE, other.uscc)

    many = await _statements_for_page(app, gql, sql_counter)

    assert (few[0], many[0]) == (2, 12)
    # the page's keys and its rows, then one batch each: versions, agencies, regions, catalog
    # versions, catalog records and attachments, whatever the page size
    assert few[1] == many[1] == 8


FEE_LIST = """
{
  feeList(filter: {region: "370102"}, first: 50) {
    nodes {
      code name agency { name }
      chargingItems { totalCount items { code name agency { name } } }
    }
  }
}
"""


async def test_the_fee_list_costs_the_same_statements_for_1_or_4_fee_items(
    database: Database,
    settings: Settings,
    app: Starlette,
    gql: GraphQLClient,
    sql_counter: SqlCounter,
) -> None:
    world = await lists_jinan(database, settings.files_dir)
    await app.state.http_cache.generation.current()
    with sql_counter:
        few = await gql.data(FEE_LIST)
    few_count = sql_counter.count
    lixia = world.jinan.lixia_agency.uscc
    for _ in range(3):
        fee, _ = await published_fee_item(database, lixia)
        code = next_catalog_code("04")
        await published_catalog_item(database, code, name="收费事项", levels=["4"])
        await published_service_item(
            database, code, lixia, charging=True, fees=[{"fee_item": fee.code}],
            fee_basis="发改价格规〔2016〕2559号",
        )
    await app.state.http_cache.generation.current()

    with sql_counter:
        many = await gql.data(FEE_LIST)

    assert [len(d["feeList"]["nodes"]) for d in (few, many)] == [1, 4]
    assert all(n["chargingItems"]["totalCount"] == 1 for n in many["feeList"]["nodes"])
    # the region check, the page's keys and rows, then batches (agencies, the charging items'
    # keys and rows, their catalog versions), whatever the number of fee items
    assert sql_counter.count == few_count == 8

"""A page of scenarios, with their members and merged materials, costs a fixed number of SQL
statements however many scenarios and members it shows (no N+1)."""

from starlette.applications import Starlette

from catalog_api.db import Database
from catalog_api.settings import Settings
from tests.api.conftest import GraphQLClient
from tests.api.scenario import small_jinan
from tests.conftest import SqlCounter
from tests.scenario_factories import published_scenario

PAGE = """
{
  scenarios(first: 50) {
    nodes {
      code name leadAgency { name } region { name }
      members { itemCode serviceItem { code name } }
      materials { name neededBy { code name } }
      totalOnsiteVisits longestTimeLimit { itemCode } channels
    }
  }
}
"""


async def _statements_for_page(
    app: Starlette, gql: GraphQLClient, sql_counter: SqlCounter
) -> tuple[int, int]:
    await app.state.http_cache.generation.current()
    with sql_counter:
        data = await gql.data(PAGE)
    return len(data["scenarios"]["nodes"]), sql_counter.count


async def test_a_page_of_scenarios_costs_the_same_statements_for_1_or_6_scenarios(
    database: Database,
    settings: Settings,
    app: Starlette,
    gql: GraphQLClient,
    sql_counter: SqlCounter,
) -> None:
    jinan = await small_jinan(database, settings.files_dir)
    members = [jinan.city_item.code, jinan.lixia_item.code]
    await published_scenario(database, jinan.city_agency.uscc, members)
    few = await _statements_for_page(app, gql, sql_counter)
    for _ in range(5):
        await published_scenario(database, jinan.lixia_agency.uscc, members[::-1])

    many = await _statements_for_page(app, gql, sql_counter)

    assert (few[0], many[0]) == (1, 6)
    assert few[1] == many[1]

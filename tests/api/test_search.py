"""`search`, `suggest` and `searchStatus` over HTTP, on the small Jinan scenario."""

import socket

import httpx
import pytest

from catalog_api.app import create_app
from tests.api.conftest import GraphQLClient
from tests.api.scenario import small_jinan

SEARCH = """
query ($text: String!, $filter: SearchFilter, $first: Int, $after: String) {
  search(query: $text, filter: $filter, first: $first, after: $after) {
    totalCount
    hits { score item { code name agency { name } } highlights { field fragment } }
    facets { field buckets { value label count } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


@pytest.fixture
async def jinan(database, settings, app):
    scenario = await small_jinan(database, settings.files_dir)
    await app.state.search.catch_up()
    return scenario


async def test_search_finds_published_items_with_highlights_and_facets(gql, jinan):
    data = await gql.data(SEARCH, text="食品经营")
    result = data["search"]
    assert result["totalCount"] == 2
    assert {hit["item"]["code"] for hit in result["hits"]} == {
        jinan.city_item.code,
        jinan.lixia_item.code,
    }
    hit = result["hits"][0]
    assert hit["item"]["name"] == "食品经营许可"
    assert hit["score"] > 0
    assert {"field": "name", "fragment": "<em>食品经营</em>许可"} in hit["highlights"]
    facets = {facet["field"]: facet["buckets"] for facet in result["facets"]}
    assert {"value": "370102", "label": "历下区", "count": 1} in facets["REGION"]
    assert {"value": "0", "label": "零跑腿", "count": 1} in facets["TRIPS"]
    assert {"value": "01", "label": "行政许可", "count": 2} in facets["ITEM_TYPE"]
    agency_names = {bucket["label"] for bucket in facets["AGENCY"]}
    assert agency_names == {"济南市市场监督管理局", "济南市历下区行政审批服务局"}


async def test_pinyin_initials_and_filters(gql, jinan):
    data = await gql.data(SEARCH, text="spjyxk", filter={"region": "370102"})
    assert [hit["item"]["code"] for hit in data["search"]["hits"]] == [jinan.lixia_item.code]
    data = await gql.data(SEARCH, text="shipin", filter={"maxTrips": 0, "lists": ["ZERO_TRIP"]})
    assert [hit["item"]["code"] for hit in data["search"]["hits"]] == [jinan.lixia_item.code]
    data = await gql.data(SEARCH, text="食品", filter={"region": "370104"})
    assert data["search"]["totalCount"] == 0


async def test_pages_follow_the_cursor(gql, jinan):
    first = (await gql.data(SEARCH, text="食品经营许可", first=1))["search"]
    assert first["pageInfo"]["hasNextPage"] is True
    cursor = first["pageInfo"]["endCursor"]
    second = (await gql.data(SEARCH, text="食品经营许可", first=1, after=cursor))["search"]
    assert second["pageInfo"]["hasNextPage"] is False
    codes = [page["hits"][0]["item"]["code"] for page in (first, second)]
    assert sorted(codes) == sorted([jinan.city_item.code, jinan.lixia_item.code])


@pytest.mark.parametrize(
    "query",
    [
        '"食品',
        "食品 AND OR NOT",
        "食品 NEAR(经营 许可)",
        "食品*",
        "{name}: 食品",
        "((食品",
        "🍜🍜",
        "食" * 10_000,
        "",
    ],
)
async def test_hostile_queries_get_ordinary_answers(gql, jinan, query):
    data = await gql.data(SEARCH, text=query)
    assert data["search"]["totalCount"] >= 0


async def test_bad_arguments_get_clear_errors(gql, jinan):
    body = await gql.post(SEARCH, text="食品", after="not-a-cursor")
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert body["errors"][0]["extensions"]["argument"] == "after"
    body = await gql.post(SEARCH, text="食品", filter={"agency": "91370100MA3C4Q5X9Z"})
    assert body["errors"][0]["extensions"]["argument"] == "filter.agency"
    body = await gql.post(SEARCH, text="食品", filter={"maxTrips": -1})
    assert body["errors"][0]["extensions"]["argument"] == "filter.maxTrips"
    body = await gql.post(SEARCH, text="食品", first=1000)
    assert body["errors"][0]["extensions"]["argument"] == "first"


async def test_suggest_completes_chinese_and_pinyin(gql, jinan):
    query = "query ($p: String!) { suggest(prefix: $p) { text catalogCode } }"
    for prefix in ("食品", "shipin", "spjy"):
        data = await gql.data(query, p=prefix)
        assert {"text": "食品经营许可", "catalogCode": jinan.catalog.code} in data["suggest"]
    assert (await gql.data(query, p='"*'))["suggest"] == []


async def test_search_status_reports_lag(gql, jinan, database, app):
    query = "{ searchStatus { backend lag lagSeconds indexedDocuments healthy error } }"
    status = (await gql.data(query))["searchStatus"]
    assert status == {
        "backend": "embedded",
        "lag": 0,
        "lagSeconds": 0.0,
        "indexedDocuments": 2,
        "healthy": True,
        "error": None,
    }


@pytest.fixture
async def unreachable_cluster(database, settings):
    """The service configured for an Elasticsearch cluster nobody answers at."""
    with socket.socket() as probe:  # a port that was free a moment ago: connections are refused
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    app = create_app(settings.model_copy(update={"search_url": url}), database=database)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://yichuang.test") as client:
        yield url, GraphQLClient(client)
    await app.state.search.close()


async def test_an_unreachable_cluster_is_reported_not_hidden(
    database, settings, unreachable_cluster
):
    url, gql = unreachable_cluster
    await small_jinan(database, settings.files_dir)

    query = "{ searchStatus { backend lag indexedDocuments healthy error } }"
    status = (await gql.data(query))["searchStatus"]
    assert status["backend"] == "elasticsearch"
    assert status["lag"] > 0  # every change event of the scenario waits for the cluster
    assert status["healthy"] is False
    assert url in status["error"]

    for search in ('search(query: "食品") { totalCount }', 'suggest(prefix: "shi") { text }'):
        body = await gql.post(f"{{ {search} }}")
        assert body["data"] is None
        [error] = body["errors"]
        assert error["extensions"]["code"] == "SEARCH_UNAVAILABLE"
        assert error["message"] == "检索服务暂不可用，请稍后再试"

    # the catalog itself keeps answering
    assert (await gql.data("{ regions { totalCount } }"))["regions"]["totalCount"] == 1


async def test_responses_keep_chinese_readable(http, jinan):
    response = await http.post(
        "/graphql", json={"query": '{ search(query: "食品") { hits { item { name } } } }'}
    )
    assert "食品经营许可" in response.text
    assert "\\u" not in response.text

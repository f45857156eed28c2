"""The limits a request must stay within: cost, body size, time, depth, aliases, tokens. Each
breach is one top-level error with its own `extensions.code`, and the server answers a normal
query right after it."""

from collections.abc import AsyncIterator

import httpx
import pytest
from graphql import parse

from catalog_api.db import Database
from catalog_api.schema import build_schema
from catalog_api.schema.cost import operation_cost
from catalog_api.settings import Settings
from tests.api.conftest import Serve
from tests.api.scenario import small_jinan

GRJ = "application/graphql-response+json"
REGIONS = "{ regions(first: 5) { nodes { code name } } }"
SCHEMA = build_schema()._schema


def cost(query: str, variables: dict | None = None) -> int:  # type: ignore[type-arg]
    return operation_cost(
        SCHEMA, parse(query), None, variables, default_page_size=20, max_page_size=100
    )


async def answers_normally(http: httpx.AsyncClient) -> None:
    """A query that reads the database, right after a breach."""
    response = await http.post("/graphql", json={"query": REGIONS})
    assert response.status_code == 200
    assert "errors" not in response.json(), response.json()


# --- cost --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('{ region(code: "370100") { code name } }', 3),
        ("{ __typename }", 0),
        # the connection and its nodes list count once; the page multiplies what is under nodes
        ("{ regions(first: 5) { totalCount nodes { code name } } }", 1 + 1 + (1 + 5 * 2)),
        # no first: the default page size (20)
        ("{ regions { nodes { code } } }", 1 + (1 + 20 * 1)),
        # nested connections multiply
        (
            "{ catalogItems(first: 10) { nodes { "
            "implementations(first: 30) { nodes { code } } } } }",
            1 + (1 + 10 * (1 + (1 + 30 * 1))),
        ),
        # a small embedded list without first: estimated at 10 items
        ('{ region(code: "370100") { children { code } } }', 1 + (1 + 10 * 1)),
        # suggest(first: Int = 10) takes the argument's own default
        ('{ suggest(prefix: "bdc") { text } }', 1 + 10 * 1),
        # fragments count where they are spread
        (
            "{ regions(first: 4) { nodes { ...R } } } fragment R on Region { code name }",
            1 + (1 + 4 * 2),
        ),
        # a search's hits are its page; its facets are a small embedded list
        (
            '{ search(query: "x", first: 5) { hits { score } facets { field } } }',
            1 + (1 + 5 * 1) + (1 + 10 * 1),
        ),
        # a first over the largest page counts as the largest page (the resolver refuses it)
        ("{ regions(first: 1000) { nodes { code } } }", 1 + (1 + 100 * 1)),
        # introspection is bounded by the schema
        ("{ __schema { types { name fields { name } } } }", 1),
    ],
)
def test_the_cost_estimate(query: str, expected: int) -> None:
    assert cost(query) == expected


def test_a_page_size_from_a_variable_or_its_default_counts() -> None:
    query = "query($n: Int = 7) { regions(first: $n) { nodes { code } } }"

    assert cost(query, {"n": 50}) == 1 + (1 + 50)
    assert cost(query, {}) == 1 + (1 + 7)
    assert cost(query, {"n": None}) == 1 + (1 + 20)


async def test_a_too_costly_query_is_refused_before_it_runs(
    database: Database, settings: Settings, http: httpx.AsyncClient
) -> None:
    await small_jinan(database, settings.files_dir)
    costly = (
        "{ catalogItems(first: 100) { nodes { implementations(first: 100) "
        "{ nodes { code name agency { name } } } } } }"
    )

    response = await http.post("/graphql", json={"query": costly}, headers={"accept": GRJ})

    assert response.status_code == 400
    body = response.json()
    assert "data" not in body
    [error] = body["errors"]
    assert error["extensions"] == {
        "code": "QUERY_TOO_COSTLY",
        "cost": cost(costly),
        "maxCost": settings.max_query_cost,
    }
    await answers_normally(http)


async def test_the_readme_examples_fit_the_default_budget() -> None:
    catalog_tree = """{ catalogItems(filter: {rootsOnly: true}, first: 5) { nodes {
        code name nodeKind children { code name children { code name } }
        implementations(first: 20) { totalCount nodes { code agency { name } } } } } }"""
    trips = """{ serviceItems(first: 50, filter: {region: "370102", maxOnsiteVisits: 1}) {
        totalCount nodes { code name agency { name } onsiteVisits }
        pageInfo { hasNextPage endCursor } } }"""

    assert cost(catalog_tree) < Settings().max_query_cost
    assert cost(trips) < Settings().max_query_cost


# --- the other limits on the document ----------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "code"),
    [
        (
            "{ regions { nodes { " + "children { " * 12 + "code" + " }" * 12 + " } } }",
            "QUERY_TOO_DEEP",
        ),
        ("{ " + " ".join(f"a{i}: __typename" for i in range(31)) + " }", "TOO_MANY_ALIASES"),
        ("{ " + "__typename " * 4001 + "}", "TOO_MANY_TOKENS"),
    ],
    ids=["depth", "aliases", "tokens"],
)
async def test_each_document_limit_has_its_code(
    http: httpx.AsyncClient, query: str, code: str
) -> None:
    response = await http.post("/graphql", json={"query": query}, headers={"accept": GRJ})

    assert response.status_code == 400
    assert [e["extensions"]["code"] for e in response.json()["errors"]] == [code]
    await answers_normally(http)


# --- body size ---------------------------------------------------------------------------------


@pytest.fixture
async def small_body_http(serve: Serve) -> httpx.AsyncClient:
    return await serve(max_body_bytes=2048)


def _big_query() -> bytes:
    return ('{"query": "{ __typename }", "variables": {"pad": "' + "x" * 4096 + '"}}').encode()


async def test_a_body_over_the_limit_is_413_before_parsing(
    small_body_http: httpx.AsyncClient,
) -> None:
    response = await small_body_http.post(
        "/graphql",
        content=_big_query(),
        headers={"content-type": "application/json", "accept": GRJ},
    )

    assert response.status_code == 413
    assert response.headers["content-type"] == f"{GRJ}; charset=utf-8"
    assert response.json()["errors"][0]["extensions"]["code"] == "BODY_TOO_LARGE"
    await answers_normally(small_body_http)


async def test_a_chunked_body_over_the_limit_is_413_too(
    small_body_http: httpx.AsyncClient,
) -> None:
    body = _big_query()

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: chunked
        for start in range(0, len(body), 512):
            yield body[start : start + 512]

    response = await small_body_http.post(
        "/graphql", content=chunks(), headers={"content-type": "application/json"}
    )

    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "BODY_TOO_LARGE"
    await answers_normally(small_body_http)


# --- timeout -----------------------------------------------------------------------------------


async def test_an_operation_over_the_timeout_is_cancelled_and_the_server_stays_healthy(
    app,
    http: httpx.AsyncClient,  # type: ignore[no-untyped-def]
) -> None:
    graphql = app.state.graphql
    graphql.timeout_seconds = 1e-9  # over as soon as the operation first waits for the database

    response = await http.post("/graphql", json={"query": REGIONS}, headers={"accept": GRJ})

    assert response.status_code == 504
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"] == "TIMEOUT"
    graphql.timeout_seconds = 30
    await answers_normally(http)


# --- CORS --------------------------------------------------------------------------------------


@pytest.fixture
async def cors_http(serve: Serve) -> httpx.AsyncClient:
    return await serve(cors_origins=["https://zwfw.jinan.gov.cn"])


async def test_cors_lets_configured_portals_in_and_exposes_etag(
    cors_http: httpx.AsyncClient,
) -> None:
    preflight = await cors_http.options(
        "/graphql",
        headers={
            "origin": "https://zwfw.jinan.gov.cn",
            "access-control-request-method": "GET",
            "access-control-request-headers": "if-none-match, authorization, content-type",
        },
    )
    actual = await cors_http.post(
        "/graphql",
        json={"query": "{ __typename }"},
        headers={"origin": "https://zwfw.jinan.gov.cn"},
    )
    stranger = await cors_http.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"origin": "https://evil.example"}
    )

    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "https://zwfw.jinan.gov.cn"
    allowed = preflight.headers["access-control-allow-headers"].lower()
    assert {"if-none-match", "authorization", "content-type"} <= set(allowed.split(", "))
    assert actual.headers["access-control-allow-origin"] == "https://zwfw.jinan.gov.cn"
    assert "etag" in actual.headers["access-control-expose-headers"].lower()
    assert "access-control-allow-origin" not in stranger.headers


async def test_no_cors_headers_unless_configured(http: httpx.AsyncClient) -> None:
    response = await http.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"origin": "https://a.example"}
    )

    assert "access-control-allow-origin" not in response.headers

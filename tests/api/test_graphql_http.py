"""GraphQL over HTTP beyond what the graphql-http audit checks: the media types a client may
ask for, request errors without `data`, refusals with JSON bodies, and GraphiQL only for
browsers."""

import httpx
import pytest

from catalog_api.graphql_responses import negotiate

GRJ = "application/graphql-response+json"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "application/json"),
        ("*/*", "application/json"),
        ("application/json", "application/json"),
        (GRJ, GRJ),
        (f"{GRJ}, application/json;q=0.9", GRJ),  # Apollo Client 4, graphql-http's client
        (f"application/json, {GRJ}", "application/json"),  # a tie: the first listed
        (f"application/json;q=0.5, {GRJ}", GRJ),
        ("text/html,application/xhtml+xml,*/*;q=0.8", "application/json"),  # a browser
        ("text/html", None),
        (f"{GRJ};q=0", None),
    ],
)
def test_negotiation_follows_the_clients_preference(accept: str | None, expected: str) -> None:
    assert negotiate(accept) == expected


async def test_graphql_response_json_when_the_client_prefers_it(http: httpx.AsyncClient) -> None:
    response = await http.post(
        "/graphql",
        json={"query": "{ __typename }"},
        headers={"accept": f"{GRJ}, application/json;q=0.9"},
    )

    assert response.status_code == 200
    assert response.headers["content-type"] == f"{GRJ}; charset=utf-8"
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_a_client_that_accepts_no_json_gets_406(http: httpx.AsyncClient) -> None:
    response = await http.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"accept": "text/csv"}
    )

    assert response.status_code == 406
    assert response.json()["errors"][0]["extensions"]["code"] == "NOT_ACCEPTABLE"


@pytest.mark.parametrize(
    ("accept", "status"), [(GRJ, 400), ("application/json", 200)], ids=["grj", "json"]
)
async def test_a_request_error_has_no_data_and_its_status_follows_the_media_type(
    http: httpx.AsyncClient, accept: str, status: int
) -> None:
    response = await http.post(
        "/graphql", json={"query": "{ noSuchField }"}, headers={"accept": accept}
    )

    assert response.status_code == status
    body = response.json()
    assert "data" not in body
    assert "noSuchField" in body["errors"][0]["message"]


async def test_a_field_error_keeps_data_and_200_under_graphql_response_json(
    http: httpx.AsyncClient,
) -> None:
    response = await http.post(
        "/graphql",
        json={"query": "{ serviceItems(first: 1000) { totalCount } }"},
        headers={"accept": GRJ},
    )

    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_mutation_over_get_is_405_with_allow_post(http: httpx.AsyncClient) -> None:
    response = await http.get(
        "/graphql", params={"query": "mutation { __typename }"}, headers={"accept": GRJ}
    )

    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.headers["content-type"] == f"{GRJ}; charset=utf-8"
    assert response.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"


@pytest.mark.parametrize(
    "body",
    [b'{ "not json', b'{"query": 1}', b'{"query": "{ __typename }", "operationName": 0}'],
)
async def test_a_malformed_request_is_400_with_a_json_error(
    http: httpx.AsyncClient, body: bytes
) -> None:
    response = await http.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_an_api_client_get_without_a_query_gets_json_not_graphiql(
    http: httpx.AsyncClient,
) -> None:
    response = await http.get("/graphql", headers={"accept": "*/*"})

    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "No GraphQL query found in the request"

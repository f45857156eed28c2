"""Persisted queries: Apollo's automatic protocol over POST and GET, and the allow-list mode
for public portals."""

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from catalog_api.auth import Role, mint_token
from catalog_api.cli import app as cli
from catalog_api.persisted_queries import (
    APOLLO_MANIFEST_FORMAT,
    LruStore,
    ManifestError,
    load_manifest,
    sha256_of,
)
from catalog_api.settings import Settings
from tests.api.conftest import Serve

REGIONS = "query Regions { regions(first: 2) { nodes { code } } }"
TYPENAME = "{ __typename }"
GRJ = "application/graphql-response+json"


def persisted(sha256: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha256}}


def code_of(response: httpx.Response) -> str:
    return response.json()["errors"][0]["extensions"]["code"]


async def test_automatic_persisted_query_round_trip_then_get(http: httpx.AsyncClient) -> None:
    sha256 = sha256_of(REGIONS)

    miss = await http.post("/graphql", json={"extensions": persisted(sha256)})
    registered = await http.post(
        "/graphql", json={"query": REGIONS, "extensions": persisted(sha256)}
    )
    by_get = await http.get(
        "/graphql",
        params={"extensions": json.dumps(persisted(sha256)), "variables": "{}"},
        headers={"accept": "*/*"},
    )

    assert miss.status_code == 200  # Apollo clients turn APQ off on 400 or 500
    assert miss.json() == {
        "errors": [
            {
                "message": "PersistedQueryNotFound",
                "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"},
            }
        ]
    }
    assert miss.headers["cache-control"] == "private, no-store"  # a CDN must not keep the miss
    assert registered.status_code == 200
    assert "errors" not in registered.json()
    assert by_get.status_code == 200
    assert by_get.json() == registered.json()


async def test_a_miss_is_200_even_under_graphql_response_json(http: httpx.AsyncClient) -> None:
    response = await http.post(
        "/graphql", json={"extensions": persisted("a" * 64)}, headers={"accept": GRJ}
    )

    assert response.status_code == 200
    assert code_of(response) == "PERSISTED_QUERY_NOT_FOUND"


async def test_a_hash_that_lies_is_refused_and_not_stored(http: httpx.AsyncClient) -> None:
    wrong = sha256_of(TYPENAME)

    lie = await http.post(
        "/graphql", json={"query": REGIONS, "extensions": persisted(wrong)}, headers={"accept": GRJ}
    )
    after = await http.post("/graphql", json={"extensions": persisted(wrong)})

    assert lie.status_code == 400
    assert "data" not in lie.json()
    assert code_of(lie) == "PERSISTED_QUERY_HASH_MISMATCH"
    assert code_of(after) == "PERSISTED_QUERY_NOT_FOUND"
    assert (await http.post("/graphql", json={"query": TYPENAME})).status_code == 200


async def test_a_query_that_does_not_validate_is_not_stored(http: httpx.AsyncClient) -> None:
    invalid = "{ noSuchField }"
    sha256 = sha256_of(invalid)

    await http.post("/graphql", json={"query": invalid, "extensions": persisted(sha256)})
    after = await http.post("/graphql", json={"extensions": persisted(sha256)})

    assert code_of(after) == "PERSISTED_QUERY_NOT_FOUND"


@pytest.mark.parametrize(
    "extension",
    [{"version": 2, "sha256Hash": "a" * 64}, {"version": 1, "sha256Hash": "not-a-hash"}, "x"],
)
async def test_a_malformed_persisted_query_extension_is_refused(
    http: httpx.AsyncClient, extension: object
) -> None:
    response = await http.post("/graphql", json={"extensions": {"persistedQuery": extension}})

    assert code_of(response) in {"PERSISTED_QUERY_NOT_SUPPORTED", "BAD_USER_INPUT"}
    assert "data" not in response.json()


async def test_with_persisted_queries_off_a_hash_alone_is_not_supported(serve: Serve) -> None:
    http = await serve(persisted_queries="off")
    sha256 = sha256_of(TYPENAME)

    alone = await http.post("/graphql", json={"extensions": persisted(sha256)})
    with_text = await http.post(
        "/graphql", json={"query": TYPENAME, "extensions": persisted(sha256)}
    )

    assert alone.status_code == 200  # Apollo clients read this and stop sending hashes
    assert code_of(alone) == "PERSISTED_QUERY_NOT_SUPPORTED"
    assert with_text.json() == {"data": {"__typename": "Query"}}


def test_the_automatic_store_is_a_bounded_lru() -> None:
    store = LruStore(2)
    store.put("a", "A")
    store.put("b", "B")
    assert store.get("a") == "A"  # "b" is now the least recently used

    store.put("c", "C")

    assert (store.get("a"), store.get("b"), store.get("c"), len(store)) == ("A", None, "C", 2)


# --- allow-list mode ---------------------------------------------------------------------------


@pytest.fixture
def manifest(tmp_path: Path) -> Path:
    path = tmp_path / "persisted-queries.json"
    path.write_text(json.dumps({sha256_of(REGIONS): REGIONS}), encoding="utf-8")
    return path


async def test_allowlist_runs_registered_operations_only(serve: Serve, manifest: Path) -> None:
    http = await serve(persisted_queries="allowlist", persisted_queries_file=manifest)

    registered = await http.get(
        "/graphql", params={"extensions": json.dumps(persisted(sha256_of(REGIONS)))}
    )
    with_its_text = await http.post(
        "/graphql", json={"query": REGIONS, "extensions": persisted(sha256_of(REGIONS))}
    )
    free_form = await http.post("/graphql", json={"query": TYPENAME}, headers={"accept": GRJ})
    unregistered = await http.post(
        "/graphql", json={"query": TYPENAME, "extensions": persisted(sha256_of(TYPENAME))}
    )
    unknown = await http.post("/graphql", json={"extensions": persisted(sha256_of(TYPENAME))})

    assert registered.status_code == 200
    assert "errors" not in registered.json()
    assert with_its_text.json() == registered.json()
    assert free_form.status_code == 400
    assert code_of(free_form) == "PERSISTED_QUERY_REQUIRED"
    assert code_of(unregistered) == "PERSISTED_QUERY_REQUIRED"  # never learnt in this mode
    assert code_of(unknown) == "PERSISTED_QUERY_NOT_FOUND"


async def test_allowlist_lets_signed_in_staff_send_any_query(
    serve: Serve, manifest: Path, settings: Settings
) -> None:
    http = await serve(persisted_queries="allowlist", persisted_queries_file=manifest)
    token = mint_token(settings, subject="li.editor", roles=[Role.EDITOR])

    response = await http.post(
        "/graphql",
        json={"query": "{ me { subject } }"},
        headers={"authorization": f"Bearer {token}"},
    )

    assert response.json() == {"data": {"me": {"subject": "li.editor"}}}


def test_allowlist_needs_a_manifest() -> None:
    with pytest.raises(ValueError, match="persisted_queries_file"):
        Settings(persisted_queries="allowlist")


def test_an_apollo_manifest_is_read_and_every_hash_is_checked(tmp_path: Path) -> None:
    apollo = tmp_path / "apollo.json"
    operations = [{"id": sha256_of(REGIONS), "name": "Regions", "type": "query", "body": REGIONS}]
    apollo.write_text(
        json.dumps({"format": APOLLO_MANIFEST_FORMAT, "version": 1, "operations": operations})
    )
    lying = tmp_path / "lying.json"
    lying.write_text(json.dumps({sha256_of(TYPENAME): REGIONS}))

    assert load_manifest(apollo) == {sha256_of(REGIONS): REGIONS}
    with pytest.raises(ManifestError, match="SHA-256"):
        load_manifest(lying)


def test_the_cli_registers_graphql_files_in_the_manifest(tmp_path: Path) -> None:
    query_file = tmp_path / "regions.graphql"
    query_file.write_text(REGIONS, encoding="utf-8")
    manifest = tmp_path / "manifest.json"

    result = CliRunner().invoke(
        cli, ["persisted-query", str(query_file), "--manifest", str(manifest)]
    )

    assert result.exit_code == 0, result.output
    assert sha256_of(REGIONS) in result.output
    assert load_manifest(manifest) == {sha256_of(REGIONS): REGIONS}

"""The HTTP surface: UTF-8 without escapes, GraphiQL from the package, attachments, health,
limits, and masked failures."""

import re
from urllib.parse import quote

import httpx
import pytest
from sqlalchemy import text

from catalog_api.db import Database
from catalog_api.settings import Settings
from tests.api.conftest import GraphQLClient
from tests.api.scenario import FORM_BYTES, small_jinan


async def test_chinese_comes_back_as_utf8_not_escapes(
    database: Database, settings: Settings, http: httpx.AsyncClient
) -> None:
    jinan = await small_jinan(database, settings.files_dir)

    response = await http.post(
        "/graphql",
        json={
            "query": "query($c: String!) { serviceItem(code: $c) { name } }",
            "variables": {"c": jinan.city_item.code},
        },
    )

    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert "食品经营许可".encode() in response.content
    assert b"\\u" not in response.content


async def test_graphiql_is_served_from_the_package(http: httpx.AsyncClient) -> None:
    page = await http.get("/graphql", headers={"accept": "text/html"})
    assets = [a for a in re.findall(r'(?:src|href)="([^"]+)"', page.text) if a != "data:,"]

    assert page.status_code == 200
    assert "一窗 yichuang · GraphiQL" in page.text
    assert "http" not in "".join(assets)
    assert assets and all(asset.startswith("/static/graphiql/") for asset in assets)
    for asset in assets:
        assert (await http.get(asset)).status_code == 200


async def test_attachments_download_with_type_and_chinese_file_name(
    database: Database, settings: Settings, http: httpx.AsyncClient
) -> None:
    jinan = await small_jinan(database, settings.files_dir)

    response = await http.get(f"/attachments/{jinan.form_sha256}")

    assert response.status_code == 200
    assert response.content == FORM_BYTES
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert quote("食品经营许可申请书.docx") in response.headers["content-disposition"]
    assert response.headers["etag"] == f'"{jinan.form_sha256}"'


@pytest.mark.parametrize("sha", ["0" * 64, "not-a-hash", "../../etc/passwd"])
async def test_unknown_attachments_are_404(http: httpx.AsyncClient, sha: str) -> None:
    assert (await http.get(f"/attachments/{sha}")).status_code == 404


async def test_health(http: httpx.AsyncClient) -> None:
    response = await http.get("/healthz")

    assert response.json() == {"status": "ok"}


async def test_too_deep_a_query_is_refused(gql: GraphQLClient) -> None:
    nested = "{ regions { nodes { " + "children { " * 12 + "code" + " }" * 12 + " } } }"

    body = await gql.post(nested)

    assert body["errors"][0]["message"] == "'anonymous' exceeds maximum operation depth of 12"


async def test_a_failure_inside_the_service_is_masked_and_logged(
    database: Database, gql: GraphQLClient, caplog: pytest.LogCaptureFixture
) -> None:
    async with database.transaction() as tx:  # break the database under the service
        cascade = " CASCADE" if tx.dialect == "postgresql" else ""
        await tx.session.execute(text(f"DROP TABLE region{cascade}"))

    body = await gql.post('{ region(code: "370100") { name } }')

    assert body["errors"][0]["message"] == "服务器内部错误"
    assert "region" not in body["errors"][0]["message"]
    assert "GraphQL resolver failed" in caplog.text

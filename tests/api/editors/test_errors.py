"""Bad input and bad credentials: a clear answer, and nothing written."""

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from catalog_api.auth import Role, mint_token
from catalog_api.catalog.kinds import SERVICE_ITEM
from catalog_api.db import Database
from catalog_api.settings import Settings
from models import CatalogItem
from tests.api.conftest import GraphQLClient
from tests.api.editors.test_lifecycle import ITEM_ID, UPDATE
from tests.api.scenario import small_jinan
from tests.factories import count_rows, snapshot

CREATE_CATALOG = """
mutation($input: CatalogItemCreateInput!) {
  catalogItemCreate(input: $input) {
    catalogItem { code name status }
    userErrors { field message code }
  }
}"""


async def test_writing_needs_a_sign_in(anonymous: GraphQLClient) -> None:
    body = await anonymous.post(
        CREATE_CATALOG, input={"code": "370107001000", "content": {"name": "企业设立登记"}}
    )

    [error] = body["errors"]
    assert error["extensions"] == {"code": "UNAUTHENTICATED"}


@pytest.mark.parametrize("problem", ["expired", "forged", "garbage", "scheme"])
async def test_a_bad_token_is_refused_whole(
    http: httpx.AsyncClient, settings: Settings, problem: str
) -> None:
    good = {"subject": "a", "roles": [Role.EDITOR]}
    headers = {
        "expired": "Bearer "
        + mint_token(settings, **good, now=datetime.now(UTC) - timedelta(days=1)),
        "forged": "Bearer "
        + mint_token(
            settings.model_copy(update={"jwt_secret": "another-secret-" + "y" * 32}), **good
        ),
        "garbage": "Bearer not.a.token",
        "scheme": "Basic dXNlcjpwYXNz",
    }[problem]

    response = await http.post(
        "/graphql", json={"query": "{ me { subject } }"}, headers={"authorization": headers}
    )

    assert response.status_code == 401
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}


async def test_validation_failures_name_their_fields_and_write_nothing(
    database: Database,
    sign_in,  # type: ignore[no-untyped-def]
) -> None:
    admin = sign_in("admin", Role.CATALOG_ADMIN)

    missing = await admin.data(CREATE_CATALOG, input={"code": "370107001000", "content": {}})
    too_long = await admin.data(
        CREATE_CATALOG, input={"code": "370107001000", "content": {"name": "长" * 201}}
    )
    bad_code = await admin.data(
        CREATE_CATALOG, input={"code": "37010700100O", "content": {"name": "企业设立登记"}}
    )

    assert missing["catalogItemCreate"] == {
        "catalogItem": None,
        "userErrors": [
            {"field": ["input", "content", "name"], "message": "必填项缺失", "code": "REQUIRED"}
        ],
    }
    assert too_long["catalogItemCreate"]["userErrors"][0]["field"] == ["input", "content", "name"]
    assert too_long["catalogItemCreate"]["userErrors"][0]["code"] == "INVALID"
    assert bad_code["catalogItemCreate"]["userErrors"][0]["field"] == ["input", "code"]
    assert await count_rows(database, CatalogItem) == 0


async def test_an_inherited_field_is_not_in_the_patch(
    database: Database,
    settings: Settings,
    sign_in,
    anonymous: GraphQLClient,  # type: ignore[no-untyped-def]
) -> None:
    jinan = await small_jinan(database, settings.files_dir)
    editor = sign_in("li", Role.EDITOR, agencies=[jinan.lixia_agency.uscc])
    lixia = (await anonymous.data(ITEM_ID, code=jinan.lixia_item.code))["serviceItem"]

    body = await editor.post(
        UPDATE,
        input={
            "id": lixia["id"],
            "expectedLockVersion": lixia["lockVersion"],
            "changes": {"name": "改个名字"},
        },
    )

    assert "name" in body["errors"][0]["message"]
    assert "ServiceItemContentInput" in body["errors"][0]["message"]


async def test_two_editors_saving_the_same_draft_one_wins(
    database: Database,
    settings: Settings,
    sign_in,
    anonymous: GraphQLClient,  # type: ignore[no-untyped-def]
) -> None:
    jinan = await small_jinan(database, settings.files_dir)
    first = sign_in("li", Role.EDITOR, agencies=[jinan.lixia_agency.uscc])
    second = sign_in("zhang", Role.EDITOR, regions=["370102"])
    lixia = (await anonymous.data(ITEM_ID, code=jinan.lixia_item.code))["serviceItem"]

    def save(hours: str) -> dict:  # type: ignore[type-arg]
        return {
            "id": lixia["id"],
            "expectedLockVersion": lixia["lockVersion"],
            "changes": {"hours": hours},
        }

    results = await asyncio.gather(
        first.data(UPDATE, input=save("上午")), second.data(UPDATE, input=save("下午"))
    )

    outcomes = sorted(
        [e["code"] for e in r["serviceItemDraftUpdate"]["userErrors"]] for r in results
    )
    assert outcomes == [[], ["STALE_VERSION"]]
    winner = next(r for r in results if not r["serviceItemDraftUpdate"]["userErrors"])
    assert winner["serviceItemDraftUpdate"]["serviceItem"]["versionNumber"] == 2
    after = await snapshot(database, SERVICE_ITEM, jinan.lixia_item.id)
    assert len(after.versions) == 2


async def test_a_stale_lock_version_writes_nothing(
    database: Database,
    settings: Settings,
    sign_in,
    anonymous: GraphQLClient,  # type: ignore[no-untyped-def]
) -> None:
    jinan = await small_jinan(database, settings.files_dir)
    editor = sign_in("li", Role.EDITOR, agencies=[jinan.lixia_agency.uscc])
    lixia = (await anonymous.data(ITEM_ID, code=jinan.lixia_item.code))["serviceItem"]
    before = await snapshot(database, SERVICE_ITEM, jinan.lixia_item.id)

    body = await editor.data(
        UPDATE,
        input={
            "id": lixia["id"],
            "expectedLockVersion": lixia["lockVersion"] - 1,
            "changes": {"hours": "全天"},
        },
    )

    [error] = body["serviceItemDraftUpdate"]["userErrors"]
    assert (error["code"], error["field"]) == ("STALE_VERSION", ["input", "expectedLockVersion"])
    assert await snapshot(database, SERVICE_ITEM, jinan.lixia_item.id) == before

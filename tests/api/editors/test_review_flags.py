"""A catalog change reaches exactly the district items whose local fields depend on it."""

from catalog_api.auth import Role
from catalog_api.db import Database
from catalog_api.settings import Settings
from models.enums import ChangeAction
from tests.api.conftest import GraphQLClient
from tests.api.editors.test_lifecycle import PUBLISH, SUBMIT
from tests.api.scenario import FOOD_LICENCE, small_jinan
from tests.factories import events_of

CATALOG = """query($code: String!) { catalogItem(code: $code) { id lockVersion } }"""
CATALOG_UPDATE = """
mutation($input: CatalogItemDraftUpdateInput!) {
  catalogItemDraftUpdate(input: $input) {
    catalogItem { lockVersion }
    userErrors { field message code }
  }
}"""
FLAGS = """query($code: String!) { serviceItem(code: $code) {
  id lockVersion
  reviewFlags { field reason catalogVersionNumber changes { path kind before after } }
} }"""
ACCEPT = """
mutation($input: ReviewFlagsAcceptInput!) {
  reviewFlagsAccept(input: $input) {
    serviceItem { reviewFlags { field } }
    userErrors { field message code }
  }
}"""


async def _change_catalog(sign_in, anonymous, changes: dict) -> None:  # type: ignore[no-untyped-def,type-arg]
    author = sign_in("catalog.author", Role.CATALOG_ADMIN)
    publisher = sign_in("catalog.publisher", Role.CATALOG_ADMIN)
    catalog = (await anonymous.data(CATALOG, code=FOOD_LICENCE))["catalogItem"]
    lock = catalog["lockVersion"]
    await author.data(
        CATALOG_UPDATE,
        input={"id": catalog["id"], "expectedLockVersion": lock, "changes": changes},
    )
    await author.data(SUBMIT, input={"id": catalog["id"], "expectedLockVersion": lock + 1})
    published = await publisher.data(
        PUBLISH, input={"id": catalog["id"], "expectedLockVersion": lock + 2}
    )
    assert published["recordPublish"]["userErrors"] == []


async def test_a_shorter_statutory_limit_flags_only_items_that_promise_longer(
    database: Database,
    settings: Settings,
    sign_in,
    anonymous: GraphQLClient,  # type: ignore[no-untyped-def]
) -> None:
    jinan = await small_jinan(database, settings.files_dir)

    await _change_catalog(sign_in, anonymous, {"statutoryTimeLimit": {"value": 3}})

    city = (await anonymous.data(FLAGS, code=jinan.city_item.code))["serviceItem"]
    lixia = (await anonymous.data(FLAGS, code=jinan.lixia_item.code))["serviceItem"]
    [flag] = city["reviewFlags"]
    assert flag["field"] == ["promisedTimeLimit"]
    assert flag["catalogVersionNumber"] == 2
    assert "3个工作日" in flag["reason"] and "5个工作日" in flag["reason"]
    assert flag["changes"][0]["path"] == ["statutoryTimeLimit", "value"]
    assert lixia["reviewFlags"] == []  # an instant item promises nothing longer
    for item in (jinan.city_item, jinan.lixia_item):
        actions = [e.action for e in await events_of(database, item.id)]
        assert actions[-1] == ChangeAction.CATALOG_CHANGED


async def test_a_change_nothing_local_depends_on_flags_nothing(
    database: Database,
    settings: Settings,
    sign_in,
    anonymous: GraphQLClient,  # type: ignore[no-untyped-def]
) -> None:
    jinan = await small_jinan(database, settings.files_dir)

    await _change_catalog(
        sign_in,
        anonymous,
        {
            "name": "食品经营许可（含小餐饮）",
            "legalBasis": [{"title": "《食品经营许可和备案管理办法》"}],
        },
    )

    for code in (jinan.city_item.code, jinan.lixia_item.code):
        assert (await anonymous.data(FLAGS, code=code))["serviceItem"]["reviewFlags"] == []
    renamed = await anonymous.data(
        "query($c: String!) { serviceItem(code: $c) { name } }", c=jinan.lixia_item.code
    )
    assert renamed["serviceItem"]["name"] == "食品经营许可（含小餐饮）"


async def test_the_editor_accepts_the_flags(
    database: Database,
    settings: Settings,
    sign_in,
    anonymous: GraphQLClient,  # type: ignore[no-untyped-def]
) -> None:
    jinan = await small_jinan(database, settings.files_dir)
    await _change_catalog(sign_in, anonymous, {"statutoryTimeLimit": {"value": 3}})
    city_editor = sign_in("city.editor", Role.EDITOR, agencies=[jinan.city_agency.uscc])
    city = (await anonymous.data(FLAGS, code=jinan.city_item.code))["serviceItem"]

    accepted = await city_editor.data(
        ACCEPT, input={"id": city["id"], "expectedLockVersion": city["lockVersion"]}
    )
    again = await city_editor.data(
        ACCEPT, input={"id": city["id"], "expectedLockVersion": city["lockVersion"] + 1}
    )

    assert accepted["reviewFlagsAccept"] == {"serviceItem": {"reviewFlags": []}, "userErrors": []}
    assert again["reviewFlagsAccept"]["userErrors"][0]["code"] == "INVALID_STATE"

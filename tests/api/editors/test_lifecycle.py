"""An editor drafts and submits, a reviewer publishes, everyone sees the history and the diff;
nobody touches another agency's items."""

from catalog_api.auth import Role
from catalog_api.catalog.kinds import SERVICE_ITEM
from catalog_api.db import Database
from catalog_api.settings import Settings
from tests.api.conftest import GraphQLClient
from tests.api.scenario import small_jinan
from tests.factories import snapshot

ITEM_ID = """query($code: String!) { serviceItem(code: $code) { id lockVersion } }"""
UPDATE = """
mutation($input: ServiceItemDraftUpdateInput!) {
  serviceItemDraftUpdate(input: $input) {
    serviceItem { id status versionNumber lockVersion promisedTimeLimit { text } }
    userErrors { field message code }
  }
}"""
SUBMIT = """
mutation($input: RecordActionInput!) {
  recordSubmit(input: $input) { record { status lockVersion } userErrors { field message code } }
}"""
PUBLISH = """
mutation($input: RecordPublishInput!) {
  recordPublish(input: $input) {
    record { status versionNumber lockVersion }
    userErrors { field code message }
  }
}"""
HISTORY = """query($code: String!) { serviceItem(code: $code) {
  versionNumber promisedTimeLimit { text }
  versions { nodes { number status author changeNote } }
  diff(from: 1) { path kind before after }
} }"""


async def test_draft_submit_publish_then_history_and_diff(
    database: Database,
    settings: Settings,
    sign_in,
    anonymous: GraphQLClient,  # type: ignore[no-untyped-def]
) -> None:
    jinan = await small_jinan(database, settings.files_dir)
    editor = sign_in("li.editor", Role.EDITOR, agencies=[jinan.lixia_agency.uscc])
    reviewer = sign_in("wang.reviewer", Role.REVIEWER, regions=["370102"])
    item = (await anonymous.data(ITEM_ID, code=jinan.city_item.code))["serviceItem"]
    lixia = (await anonymous.data(ITEM_ID, code=jinan.lixia_item.code))["serviceItem"]
    assert item["id"] != lixia["id"]

    updated = await editor.data(
        UPDATE,
        input={
            "id": lixia["id"],
            "expectedLockVersion": lixia["lockVersion"],
            "changes": {"onsiteVisits": 0, "hours": "周一至周五 9:00-17:00"},
            "changeNote": "调整办理时间",
        },
    )
    draft = updated["serviceItemDraftUpdate"]["serviceItem"]
    submitted = await editor.data(
        SUBMIT, input={"id": lixia["id"], "expectedLockVersion": draft["lockVersion"]}
    )
    published = await reviewer.data(
        PUBLISH,
        input={
            "id": lixia["id"],
            "expectedLockVersion": submitted["recordSubmit"]["record"]["lockVersion"],
        },
    )
    history = (await anonymous.data(HISTORY, code=jinan.lixia_item.code))["serviceItem"]

    assert (draft["status"], draft["versionNumber"]) == ("DRAFT", 2)
    assert submitted["recordSubmit"]["record"]["status"] == "IN_REVIEW"
    assert published["recordPublish"] == {
        "record": {
            "status": "PUBLISHED",
            "versionNumber": 2,
            "lockVersion": draft["lockVersion"] + 2,
        },
        "userErrors": [],
    }
    assert [(v["number"], v["status"]) for v in history["versions"]["nodes"]] == [
        (2, "PUBLISHED"),
        (1, "SUPERSEDED"),
    ]
    assert history["versions"]["nodes"][0]["changeNote"] == "调整办理时间"
    assert {
        "path": ["hours"],
        "kind": "ADDED",
        "before": None,
        "after": "周一至周五 9:00-17:00",
    } in (history["diff"])


async def test_an_editor_cannot_touch_another_agencys_item(
    database: Database,
    settings: Settings,
    sign_in,
    anonymous: GraphQLClient,  # type: ignore[no-untyped-def]
) -> None:
    jinan = await small_jinan(database, settings.files_dir)
    editor = sign_in("li.editor", Role.EDITOR, agencies=[jinan.lixia_agency.uscc])
    city = (await anonymous.data(ITEM_ID, code=jinan.city_item.code))["serviceItem"]
    before = await snapshot(database, SERVICE_ITEM, jinan.city_item.id)

    body = await editor.post(
        UPDATE,
        input={
            "id": city["id"],
            "expectedLockVersion": city["lockVersion"],
            "changes": {"onsiteVisits": 0},
        },
    )

    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"] == {"code": "FORBIDDEN"}
    assert error["message"] == "“济南市市场监督管理局”不在您的管辖范围内"
    assert await snapshot(database, SERVICE_ITEM, jinan.city_item.id) == before


async def test_a_reviewer_does_not_publish_what_they_submitted(
    database: Database,
    settings: Settings,
    sign_in,
    anonymous: GraphQLClient,  # type: ignore[no-untyped-def]
) -> None:
    jinan = await small_jinan(database, settings.files_dir)
    both = sign_in("zhao", Role.EDITOR, Role.REVIEWER, agencies=[jinan.lixia_agency.uscc])
    lixia = (await anonymous.data(ITEM_ID, code=jinan.lixia_item.code))["serviceItem"]
    updated = await both.data(
        UPDATE,
        input={
            "id": lixia["id"],
            "expectedLockVersion": lixia["lockVersion"],
            "changes": {"hours": "全天"},
        },
    )
    lock = updated["serviceItemDraftUpdate"]["serviceItem"]["lockVersion"]
    await both.data(SUBMIT, input={"id": lixia["id"], "expectedLockVersion": lock})

    body = await both.post(PUBLISH, input={"id": lixia["id"], "expectedLockVersion": lock + 1})

    assert body["errors"][0]["extensions"] == {"code": "FORBIDDEN"}
    assert body["errors"][0]["message"] == "不能审核发布自己提交的版本"


CREATE = """
mutation($input: ServiceItemCreateInput!) {
  serviceItemCreate(input: $input) {
    serviceItem { id code status versionNumber name }
    userErrors { field message code }
  }
}"""
NODE = """query($id: ID!) { node(id: $id) { ... on ServiceItem { code status } } }"""


async def test_a_new_item_is_a_draft_its_editor_sees_and_the_public_does_not(
    database: Database,
    settings: Settings,
    sign_in,
    anonymous: GraphQLClient,  # type: ignore[no-untyped-def]
) -> None:
    jinan = await small_jinan(database, settings.files_dir)
    editor = sign_in("huai.editor", Role.EDITOR, agencies=[jinan.huaiyin_agency.uscc])
    outsider = sign_in("li.editor", Role.EDITOR, agencies=[jinan.lixia_agency.uscc])

    created = await editor.data(
        CREATE,
        input={
            "catalogCode": "370113001000",
            "agencyUscc": jinan.huaiyin_agency.uscc,
            "content": {
                "powerSource": "STATUTORY",
                "onsiteVisits": 1,
                "onsiteVisitsReason": "现场核查经营场所",
                "promisedTimeLimit": {"value": 10},
            },
        },
    )
    item = created["serviceItemCreate"]["serviceItem"]

    assert created["serviceItemCreate"]["userErrors"] == []
    assert (item["status"], item["versionNumber"], item["name"]) == ("DRAFT", 1, "食品经营许可")
    assert item["code"] == f"{jinan.huaiyin_agency.uscc}4370113001000"
    assert (await editor.data(NODE, id=item["id"]))["node"] == {
        "code": item["code"],
        "status": "DRAFT",
    }
    assert (await outsider.data(NODE, id=item["id"]))["node"] is None
    assert (await anonymous.data(NODE, id=item["id"]))["node"] is None

"""Reject, withdraw, restore and discard over GraphQL; catalog items belong to administrators."""

from catalog_api.auth import Role
from catalog_api.db import Database
from catalog_api.settings import Settings
from tests.api.conftest import GraphQLClient
from tests.api.editors.test_errors import CREATE_CATALOG
from tests.api.editors.test_lifecycle import ITEM_ID, PUBLISH, SUBMIT, UPDATE
from tests.api.scenario import small_jinan

ACTION = """
mutation($input: RecordActionInput!) {
  recordDraftDiscard(input: $input) {
    record { versionNumber status }
    userErrors { field message code }
  }
}"""
REASON = """
mutation Reasoned($input: RecordReasonInput!, $reject: Boolean!) {
  reject: recordReject(input: $input) @include(if: $reject) {
    record { status } userErrors { field message code }
  }
  withdraw: recordWithdraw(input: $input) @skip(if: $reject) {
    record { status effectiveTo } userErrors { field message code }
  }
}"""
RESTORE = """
mutation($input: RecordRestoreInput!) {
  recordRestore(input: $input) {
    record { versionNumber status ... on ServiceItem { hours } }
    userErrors { field message code }
  }
}"""
DIFF = """query($code: String!, $from: Int!, $to: Int) { serviceItem(code: $code) {
  diff(from: $from, to: $to) { path kind }
  diffWithCatalog { path kind before after }
  openDraft { versionNumber status }
} }"""


async def _draft(editor, anonymous, code: str, hours: str) -> tuple[str, int]:  # type: ignore[no-untyped-def]
    item = (await anonymous.data(ITEM_ID, code=code))["serviceItem"]
    await editor.data(
        UPDATE,
        input={
            "id": item["id"],
            "expectedLockVersion": item["lockVersion"],
            "changes": {"hours": hours},
        },
    )
    return item["id"], item["lockVersion"] + 1


async def test_reject_returns_the_draft_and_discard_throws_it_away(
    database: Database,
    settings: Settings,
    sign_in,
    anonymous: GraphQLClient,  # type: ignore[no-untyped-def]
) -> None:
    jinan = await small_jinan(database, settings.files_dir)
    editor = sign_in("li", Role.EDITOR, agencies=[jinan.lixia_agency.uscc])
    reviewer = sign_in("wang", Role.REVIEWER, regions=["370102"])
    item_id, lock = await _draft(editor, anonymous, jinan.lixia_item.code, "全天")
    await editor.data(SUBMIT, input={"id": item_id, "expectedLockVersion": lock})

    no_reason = await reviewer.data(
        REASON, reject=True, input={"id": item_id, "expectedLockVersion": lock + 1, "reason": " "}
    )
    rejected = await reviewer.data(
        REASON,
        reject=True,
        input={"id": item_id, "expectedLockVersion": lock + 1, "reason": "办理时间表述不规范"},
    )
    seen = (await editor.data(DIFF, code=jinan.lixia_item.code, **{"from": 1}))["serviceItem"]
    discarded = await editor.data(ACTION, input={"id": item_id, "expectedLockVersion": lock + 2})

    assert no_reason["reject"]["userErrors"] == [
        {"field": ["input", "reason"], "message": "退回须说明原因", "code": "REQUIRED"}
    ]
    assert rejected["reject"] == {"record": {"status": "DRAFT"}, "userErrors": []}
    assert seen["openDraft"] == {"versionNumber": 2, "status": "DRAFT"}
    assert seen["diff"] == []  # `to` defaults to the published version shown
    assert discarded["recordDraftDiscard"] == {
        "record": {"versionNumber": 1, "status": "PUBLISHED"},
        "userErrors": [],
    }
    public = await anonymous.data(DIFF, code=jinan.lixia_item.code, **{"from": 1})
    assert public["serviceItem"]["openDraft"] is None


async def test_withdraw_then_restore_an_old_version(
    database: Database,
    settings: Settings,
    sign_in,
    anonymous: GraphQLClient,  # type: ignore[no-untyped-def]
) -> None:
    jinan = await small_jinan(database, settings.files_dir)
    editor = sign_in("li", Role.EDITOR, agencies=[jinan.lixia_agency.uscc])
    reviewer = sign_in("wang", Role.REVIEWER, regions=["370102"])
    item_id, lock = await _draft(editor, anonymous, jinan.lixia_item.code, "全天")
    await editor.data(SUBMIT, input={"id": item_id, "expectedLockVersion": lock})
    await reviewer.data(PUBLISH, input={"id": item_id, "expectedLockVersion": lock + 1})
    diff = await anonymous.data(DIFF, code=jinan.lixia_item.code, **{"from": 1, "to": 2})

    withdrawn = await reviewer.data(
        REASON,
        reject=False,
        input={"id": item_id, "expectedLockVersion": lock + 2, "reason": "事项暂停办理"},
    )
    gone = await anonymous.data(ITEM_ID, code=jinan.lixia_item.code)
    restored = await editor.data(
        RESTORE, input={"id": item_id, "expectedLockVersion": lock + 3, "versionNumber": 1}
    )
    missing = await editor.data(
        RESTORE, input={"id": item_id, "expectedLockVersion": lock + 4, "versionNumber": 9}
    )

    assert diff["serviceItem"]["diff"] == [{"path": ["hours"], "kind": "ADDED"}]
    assert withdrawn["withdraw"]["record"]["status"] == "WITHDRAWN"
    assert withdrawn["withdraw"]["record"]["effectiveTo"] is not None
    assert gone["serviceItem"] is None
    assert restored["recordRestore"] == {
        "record": {"versionNumber": 3, "status": "DRAFT", "hours": None},
        "userErrors": [],
    }
    assert missing["recordRestore"]["userErrors"] == [
        {"field": ["input", "versionNumber"], "message": "版本 9 不存在", "code": "NOT_FOUND"}
    ]


async def test_diff_with_catalog_shows_local_additions(
    database: Database, settings: Settings, anonymous: GraphQLClient
) -> None:
    jinan = await small_jinan(database, settings.files_dir)

    data = await anonymous.data(DIFF, code=jinan.lixia_item.code, **{"from": 1})

    changes = {tuple(c["path"]): c for c in data["serviceItem"]["diffWithCatalog"]}
    assert changes[("materials", "食品安全管理制度")]["kind"] == "ADDED"
    assert changes[("materials", "营业执照", "note")]["after"] == "可通过电子证照库调取"
    assert changes[("timeLimit", "value")] == {
        "path": ["timeLimit", "value"],
        "kind": "CHANGED",
        "before": 20,
        "after": 0,
    }


async def test_a_diff_against_a_version_that_does_not_exist_names_the_argument(
    database: Database, settings: Settings, anonymous: GraphQLClient
) -> None:
    jinan = await small_jinan(database, settings.files_dir)

    body = await anonymous.post(DIFF, code=jinan.lixia_item.code, **{"from": 7})

    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "argument": "from"}


async def test_only_catalog_administrators_create_catalog_items(sign_in) -> None:  # type: ignore[no-untyped-def]
    editor = sign_in("li", Role.EDITOR, Role.REVIEWER, regions=["370100"])
    admin = sign_in("admin", Role.CATALOG_ADMIN)
    content = {"name": "企业设立登记", "levels": ["MUNICIPAL"], "serviceObjects": ["ENTERPRISE"]}

    refused = await editor.post(CREATE_CATALOG, input={"code": "370107001000", "content": content})
    created = await admin.data(CREATE_CATALOG, input={"code": "370107001000", "content": content})
    again = await admin.data(CREATE_CATALOG, input={"code": "370107001000", "content": content})

    assert refused["errors"][0]["extensions"] == {"code": "FORBIDDEN"}
    assert created["catalogItemCreate"]["catalogItem"] == {
        "code": "370107001000",
        "name": "企业设立登记",
        "status": "DRAFT",
    }
    assert again["catalogItemCreate"]["userErrors"][0]["code"] == "DUPLICATE"

"""Every write is in the audit log: who, when, what and from where."""

from catalog_api.auth import Role
from catalog_api.db import Database
from catalog_api.settings import Settings
from tests.api.conftest import GraphQLClient
from tests.api.editors.test_lifecycle import ITEM_ID, UPDATE
from tests.api.scenario import small_jinan

AUDIT = """query($f: AuditFilterInput) { auditLog(filter: $f) {
  nodes { actor action kind code versionNumber changeNote agencyUscc clientAddress userAgent }
} }"""


async def test_writes_are_audited_and_only_admins_read_the_log(
    database: Database,
    settings: Settings,
    sign_in,
    anonymous: GraphQLClient,  # type: ignore[no-untyped-def]
) -> None:
    jinan = await small_jinan(database, settings.files_dir)
    editor = sign_in("li.editor", Role.EDITOR, agencies=[jinan.lixia_agency.uscc])
    admin = sign_in("admin", Role.CATALOG_ADMIN)
    item = (await anonymous.data(ITEM_ID, code=jinan.lixia_item.code))["serviceItem"]
    await editor.data(
        UPDATE,
        input={
            "id": item["id"],
            "expectedLockVersion": item["lockVersion"],
            "changes": {"hours": "全天"},
            "changeNote": "延长办理时间",
        },
    )

    log = await admin.data(AUDIT, f={"code": jinan.lixia_item.code, "actor": "li.editor"})
    refused = await editor.post(AUDIT)

    assert log["auditLog"]["nodes"] == [
        {
            "actor": "li.editor",
            "action": "draft_updated",
            "kind": "service_item",
            "code": jinan.lixia_item.code,
            "versionNumber": 2,
            "changeNote": "延长办理时间",
            "agencyUscc": jinan.lixia_agency.uscc,
            "clientAddress": "127.0.0.1",
            "userAgent": "yichuang-tests/1.0",
        }
    ]
    assert refused["errors"][0]["extensions"] == {"code": "FORBIDDEN"}


async def test_me_says_who_you_are(sign_in, anonymous: GraphQLClient) -> None:  # type: ignore[no-untyped-def]
    reviewer = sign_in("wang", Role.REVIEWER, Role.EDITOR, regions=["370102"])
    query = "{ me { subject roles regions canReview canEditCatalog canEditServiceItems } }"

    assert (await anonymous.data(query)) == {"me": None}
    assert (await reviewer.data(query))["me"] == {
        "subject": "wang",
        "roles": ["EDITOR", "REVIEWER"],
        "regions": ["370102"],
        "canReview": True,
        "canEditCatalog": False,
        "canEditServiceItems": True,
    }

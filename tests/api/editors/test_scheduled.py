"""Publishing at a future moment: invisible until then, visible `asOf` after, announced once."""

from datetime import UTC, datetime, timedelta

from catalog_api.auth import Role
from catalog_api.catalog.commands.announce import announce_due
from catalog_api.db import Database
from catalog_api.settings import Settings
from models.enums import ChangeAction
from tests.api.conftest import GraphQLClient
from tests.api.editors.test_lifecycle import ITEM_ID, PUBLISH, SUBMIT, UPDATE
from tests.api.scenario import small_jinan
from tests.factories import events_of

READ = """query($code: String!, $asOf: DateTime) {
  serviceItem(code: $code, asOf: $asOf) { versionNumber hours } }"""


async def test_a_scheduled_version_takes_effect_at_its_time(
    database: Database,
    settings: Settings,
    sign_in,
    anonymous: GraphQLClient,  # type: ignore[no-untyped-def]
) -> None:
    jinan = await small_jinan(database, settings.files_dir)
    editor = sign_in("li", Role.EDITOR, agencies=[jinan.lixia_agency.uscc])
    reviewer = sign_in("wang", Role.REVIEWER, regions=["370102"])
    item = (await anonymous.data(ITEM_ID, code=jinan.lixia_item.code))["serviceItem"]
    lock = item["lockVersion"]
    await editor.data(
        UPDATE,
        input={"id": item["id"], "expectedLockVersion": lock, "changes": {"hours": "新办理时间"}},
    )
    await editor.data(SUBMIT, input={"id": item["id"], "expectedLockVersion": lock + 1})
    start = datetime.now(UTC) + timedelta(days=7)

    published = await reviewer.data(
        PUBLISH,
        input={
            "id": item["id"],
            "expectedLockVersion": lock + 2,
            "effectiveFrom": start.isoformat(),
        },
    )

    now = (await anonymous.data(READ, code=jinan.lixia_item.code))["serviceItem"]
    later = await anonymous.data(
        READ, code=jinan.lixia_item.code, asOf=(start + timedelta(minutes=1)).isoformat()
    )
    assert published["recordPublish"]["record"]["status"] == "PUBLISHED"
    assert now["versionNumber"] == 1
    assert later["serviceItem"] == {"versionNumber": 2, "hours": "新办理时间"}
    actions = [e.action for e in await events_of(database, jinan.lixia_item.id)]
    assert actions[-1] == ChangeAction.SCHEDULED

    async with database.transaction() as tx:
        early = await announce_due(tx, start - timedelta(minutes=1))
    async with database.transaction() as tx:
        due = await announce_due(tx, start + timedelta(minutes=1))
    async with database.transaction() as tx:
        again = await announce_due(tx, start + timedelta(minutes=2))

    assert (early, due, again) == (0, 1, 0)
    events = await events_of(database, jinan.lixia_item.id)
    assert events[-1].action == ChangeAction.PUBLISHED and events[-1].payload["scheduled"] is True


async def test_a_past_effective_from_is_refused(
    database: Database,
    settings: Settings,
    sign_in,
    anonymous: GraphQLClient,  # type: ignore[no-untyped-def]
) -> None:
    jinan = await small_jinan(database, settings.files_dir)
    editor = sign_in("li", Role.EDITOR, agencies=[jinan.lixia_agency.uscc])
    reviewer = sign_in("wang", Role.REVIEWER, regions=["370102"])
    item = (await anonymous.data(ITEM_ID, code=jinan.lixia_item.code))["serviceItem"]
    lock = item["lockVersion"]
    await editor.data(
        UPDATE, input={"id": item["id"], "expectedLockVersion": lock, "changes": {"hours": "x"}}
    )
    await editor.data(SUBMIT, input={"id": item["id"], "expectedLockVersion": lock + 1})

    body = await reviewer.data(
        PUBLISH,
        input={
            "id": item["id"],
            "expectedLockVersion": lock + 2,
            "effectiveFrom": "2020-01-01T00:00:00+08:00",
        },
    )

    [error] = body["recordPublish"]["userErrors"]
    assert error == {
        "field": ["input", "effectiveFrom"],
        "code": "INVALID",
        "message": "生效时间不能早于当前时间",
    }

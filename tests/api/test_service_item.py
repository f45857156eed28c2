"""`serviceItem(code:)`: one implementation's guide, inherited elements included, at any moment."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from catalog_api.catalog.commands import publish, submit, update_draft
from catalog_api.catalog.kinds import CATALOG_ITEM, SERVICE_ITEM
from catalog_api.db import Database
from catalog_api.settings import Settings
from tests.api.conftest import GraphQLClient
from tests.api.scenario import small_jinan

GUIDE = """
query Guide($code: String!, $asOf: DateTime) {
  serviceItem(code: $code, asOf: $asOf) {
    code name itemType itemTypeCode level status versionNumber
    legalBasis { title article }
    statutoryTimeLimit { value text }
    promisedTimeLimit { value text }
    onsiteVisits onlineDepth handlingKind
    agency { name region { code name } }
    materials { name origin materialType necessity note blankForm { fileName url } }
  }
}
"""


async def test_a_district_shows_the_same_unified_elements_as_the_city(
    database: Database, settings: Settings, gql: GraphQLClient
) -> None:
    jinan = await small_jinan(database, settings.files_dir)

    city = (await gql.data(GUIDE, code=jinan.city_item.code))["serviceItem"]
    lixia = (await gql.data(GUIDE, code=jinan.lixia_item.code))["serviceItem"]

    for field in ("name", "itemType", "itemTypeCode", "legalBasis", "statutoryTimeLimit"):
        assert lixia[field] == city[field]
    assert lixia["name"] == "食品经营许可"
    assert lixia["code"] == f"{jinan.lixia_agency.uscc}4370113001000"
    assert (city["level"], lixia["level"]) == ("MUNICIPAL", "COUNTY")
    assert lixia["agency"] == {
        "name": "济南市历下区行政审批服务局",
        "region": {"code": "370102", "name": "历下区"},
    }


async def test_materials_are_the_baseline_with_local_notes_then_local_ones(
    database: Database, settings: Settings, gql: GraphQLClient
) -> None:
    jinan = await small_jinan(database, settings.files_dir)

    materials = (await gql.data(GUIDE, code=jinan.lixia_item.code))["serviceItem"]["materials"]

    assert [(m["name"], m["origin"]) for m in materials] == [
        ("食品经营许可申请书", "BASELINE"),
        ("营业执照", "BASELINE"),
        ("食品安全管理制度", "LOCAL"),
    ]
    assert materials[0]["blankForm"] == {
        "fileName": "食品经营许可申请书.docx",
        "url": f"/attachments/{jinan.form_sha256}",
    }
    assert materials[1]["note"] == "可通过电子证照库调取"
    assert materials[2]["necessity"] == "OPTIONAL"


async def test_unknown_code_is_null_and_codes_are_normalised(
    database: Database, settings: Settings, gql: GraphQLClient
) -> None:
    jinan = await small_jinan(database, settings.files_dir)
    unknown = jinan.city_item.code[:-3] + "999"
    typed = " ".join(jinan.city_item.code.lower())  # spaces and lower case, as people type

    assert (await gql.data(GUIDE, code=unknown))["serviceItem"] is None
    assert (await gql.data(GUIDE, code=typed))["serviceItem"]["code"] == jinan.city_item.code


async def test_a_malformed_code_is_a_clear_error_naming_the_argument(gql: GraphQLClient) -> None:
    body = await gql.post(GUIDE, code="11370100MB1234567X3370113001000")

    assert body["data"] == {"serviceItem": None}
    [error] = body["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "code"}
    assert error["message"].startswith("参数 code 无效：统一社会信用代码校验位错误")


async def test_as_of_shows_what_the_guide_said_then(
    database: Database, settings: Settings, gql: GraphQLClient
) -> None:
    jinan = await small_jinan(database, settings.files_dir)
    item = jinan.city_item
    month_ago = datetime.now(UTC) - timedelta(days=30)
    async with database.transaction() as tx:
        # the item has been published for a while: move its first version back in time
        await _backdate_first_versions(tx, jinan, month_ago - timedelta(days=30))
    async with database.transaction() as tx:
        await update_draft.update_draft(
            tx,
            SERVICE_ITEM,
            record_id=item.id,
            expected_lock_version=item.lock_version,
            changes={"promised_time_limit": {"value": 2}},
            actor="editor",
        )
        await submit.submit(
            tx,
            SERVICE_ITEM,
            record_id=item.id,
            expected_lock_version=item.lock_version + 1,
            actor="editor",
        )
        await publish.publish(
            tx,
            SERVICE_ITEM,
            record_id=item.id,
            expected_lock_version=item.lock_version + 2,
            actor="reviewer",
        )

    now = (await gql.data(GUIDE, code=item.code))["serviceItem"]
    then = (await gql.data(GUIDE, code=item.code, asOf=month_ago.isoformat()))["serviceItem"]
    before = await gql.data(
        GUIDE, code=item.code, asOf=(month_ago - timedelta(days=60)).isoformat()
    )

    assert (now["versionNumber"], now["promisedTimeLimit"]["text"]) == (2, "2个工作日")
    assert (then["versionNumber"], then["promisedTimeLimit"]["text"]) == (1, "5个工作日")
    assert then["name"] == now["name"] == "食品经营许可"
    assert before["serviceItem"] is None


async def test_a_time_without_zone_is_beijing_time(
    database: Database, settings: Settings, gql: GraphQLClient
) -> None:
    jinan = await small_jinan(database, settings.files_dir)
    published_at = datetime.now(UTC)
    eight_hours_ago_local = (published_at + timedelta(hours=8) - timedelta(minutes=30)).replace(
        tzinfo=None
    )
    in_beijing_now = (published_at + timedelta(hours=8, minutes=5)).replace(tzinfo=None)

    before = await gql.data(
        GUIDE, code=jinan.city_item.code, asOf=eight_hours_ago_local.isoformat()
    )
    after = await gql.data(GUIDE, code=jinan.city_item.code, asOf=in_beijing_now.isoformat())

    assert before["serviceItem"] is None
    assert after["serviceItem"]["code"] == jinan.city_item.code


async def _backdate_first_versions(tx, jinan, when) -> None:  # type: ignore[no-untyped-def]
    for kind, record in ((CATALOG_ITEM, jinan.catalog), (SERVICE_ITEM, jinan.city_item)):
        await tx.session.execute(
            update(kind.version)
            .where(kind.version.record_id == record.id, kind.version.number == 1)
            .values(effective_from=when)
        )

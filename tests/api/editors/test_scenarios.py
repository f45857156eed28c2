"""Scenarios (一件事) over GraphQL: created and edited by the lead agency's editors (and catalog
administrators), refused to others with top-level UNAUTHENTICATED / FORBIDDEN errors, checked
with field paths, published through the generic lifecycle by global ID, and read by code, as of
a moment, by node ID, in filtered lists and in the change feed, with the merged material list,
total trips, longest time limit and common channels computed from the members."""

from catalog_api.auth import Role
from catalog_api.catalog.commands.withdraw import withdraw
from catalog_api.catalog.kinds import SCENARIO, SERVICE_ITEM
from catalog_api.db import Database
from catalog_api.settings import Settings
from models.base import utc_now
from tests.api.conftest import GraphQLClient
from tests.api.editors.test_list_records import publish_by_id
from tests.api.scenario import small_jinan
from tests.factories import count_rows

FIELDS = """
  id code status versionNumber lockVersion name theme lifeCycle serviceObjects
  memberCodes leadAgency { name } region { code }
"""
CREATE = f"""
mutation($input: ScenarioCreateInput!) {{
  scenarioCreate(input: $input) {{ scenario {{ {FIELDS} }} userErrors {{ field message code }} }}
}}"""
UPDATE = f"""
mutation($input: ScenarioDraftUpdateInput!) {{
  scenarioDraftUpdate(input: $input) {{
    scenario {{ {FIELDS} }} userErrors {{ field message code }}
  }}
}}"""
SUBMIT = """
mutation($input: RecordActionInput!) {
  recordSubmit(input: $input) { record { status } userErrors { field message code } }
}"""
SCENARIO_QUERY = f"""query($code: String!, $asOf: DateTime) {{ scenario(code: $code, asOf: $asOf) {{
  {FIELDS}
  members {{ position itemCode note serviceItem {{ code name agency {{ name }} }} }}
  materials {{ name materialType necessity neededBy {{ code name }} }}
  totalOnsiteVisits
  longestTimeLimit {{ timeLimit {{ text }} workingDays itemCode }}
  channels
  versions {{ nodes {{ number status }} }}
  diff(from: 1) {{ path kind }}
}} }}"""
LIST = """query($filter: ScenarioFilter) { scenarios(filter: $filter) {
  totalCount nodes { code } } }"""
NODE = """query($id: ID!) { node(id: $id) { ... on Scenario { code name status } } }"""
FEED = """query { changes(first: 100, filter: {kinds: ["scenario"]}) {
  nodes { kind recordId code action agency } } }"""


def content(jinan, **overrides):
    base = {
        "name": "开办餐饮店一件事",
        "theme": "MARKET_ENTRY",
        "serviceObjects": ["ENTERPRISE"],
        "members": [
            {"item": jinan.city_item.code},
            {"item": jinan.lixia_item.code, "note": "在历下区经营的"},
        ],
        "description": "食品经营许可在市、区两级一次申请",
        "process": "综合窗口一次受理，并联审批，结果一次送达",
    }
    return base | overrides


async def test_scenarios_are_edited_published_and_read_through_the_one_mechanism(
    database: Database, settings: Settings, sign_in, anonymous: GraphQLClient
) -> None:
    # given the lead agency's editor, a reviewer, a member agency's editor and an administrator
    jinan = await small_jinan(database, settings.files_dir)
    city, lixia = jinan.city_agency, jinan.lixia_agency
    editor = sign_in("zhang.editor", Role.EDITOR, agencies=[city.uscc])
    reviewer = sign_in("wang.reviewer", Role.REVIEWER, regions=["370100"])
    outsider = sign_in("li.editor", Role.EDITOR, agencies=[lixia.uscc])
    admin = sign_in("admin", Role.CATALOG_ADMIN)

    # when the scenario is created, refused to others, published and revised
    anonymous_try = await anonymous.post(
        CREATE, input={"agencyUscc": city.uscc, "content": content(jinan)}
    )
    outsider_try = await outsider.post(
        CREATE, input={"agencyUscc": city.uscc, "content": content(jinan)}
    )
    created = (
        await editor.data(CREATE, input={"agencyUscc": city.uscc, "content": content(jinan)})
    )["scenarioCreate"]
    scenario = created["scenario"]
    draft_only = (await anonymous.data(SCENARIO_QUERY, code=scenario["code"]))["scenario"]
    outsider_update = await outsider.post(
        UPDATE,
        input={
            "id": scenario["id"],
            "expectedLockVersion": scenario["lockVersion"],
            "changes": {"name": "别的名字"},
        },
    )
    first = await publish_by_id(editor, reviewer, scenario["id"], scenario["lockVersion"])
    published_at = utc_now()
    revised = (
        await editor.data(
            UPDATE,
            input={
                "id": scenario["id"],
                "expectedLockVersion": first["lockVersion"],
                "changes": {"name": "开办餐饮店“一件事”"},
                "changeNote": "规范名称",
            },
        )
    )["scenarioDraftUpdate"]["scenario"]
    await publish_by_id(editor, reviewer, scenario["id"], revised["lockVersion"])
    by_admin = (
        await admin.data(
            CREATE,
            input={"agencyUscc": lixia.uscc, "content": content(jinan, theme="BIRTH")},
        )
    )["scenarioCreate"]

    # then
    assert anonymous_try["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}
    assert outsider_try["errors"][0]["extensions"] == {"code": "FORBIDDEN"}
    assert outsider_update["errors"][0]["extensions"] == {"code": "FORBIDDEN"}
    assert created["userErrors"] == []
    assert scenario | {"id": None} == {
        "id": None,
        "code": "YJS370100001",
        "status": "DRAFT",
        "versionNumber": 1,
        "lockVersion": 1,
        "name": "开办餐饮店一件事",
        "theme": "MARKET_ENTRY",
        "lifeCycle": "ENTERPRISE",
        "serviceObjects": ["ENTERPRISE"],
        "memberCodes": [jinan.city_item.code, jinan.lixia_item.code],
        "leadAgency": {"name": "济南市市场监督管理局"},
        "region": {"code": "370100"},
    }
    assert draft_only is None
    assert by_admin["userErrors"] == []
    assert by_admin["scenario"]["code"] == "YJS370102001"

    now = (await anonymous.data(SCENARIO_QUERY, code="yjs370100001"))["scenario"]
    assert now["name"] == "开办餐饮店“一件事”"
    assert now["versions"]["nodes"] == [
        {"number": 2, "status": "PUBLISHED"},
        {"number": 1, "status": "SUPERSEDED"},
    ]
    assert now["diff"] == [{"path": ["name"], "kind": "CHANGED"}]
    assert now["members"] == [
        {
            "position": 1,
            "itemCode": jinan.city_item.code,
            "note": None,
            "serviceItem": {
                "code": jinan.city_item.code,
                "name": "食品经营许可",
                "agency": {"name": "济南市市场监督管理局"},
            },
        },
        {
            "position": 2,
            "itemCode": jinan.lixia_item.code,
            "note": "在历下区经营的",
            "serviceItem": {
                "code": jinan.lixia_item.code,
                "name": "食品经营许可",
                "agency": {"name": "济南市历下区行政审批服务局"},
            },
        },
    ]
    both = [
        {"code": jinan.city_item.code, "name": "食品经营许可"},
        {"code": jinan.lixia_item.code, "name": "食品经营许可"},
    ]
    assert now["materials"] == [
        {
            "name": "食品经营许可申请书",
            "materialType": "ORIGINAL",
            "necessity": "REQUIRED",
            "neededBy": both,
        },
        {"name": "营业执照", "materialType": "COPY", "necessity": "REQUIRED", "neededBy": both},
        {
            "name": "食品安全管理制度",
            "materialType": "ORIGINAL",
            "necessity": "OPTIONAL",
            "neededBy": both[1:],
        },
    ]
    assert now["totalOnsiteVisits"] == 1  # the city's 1 trip, the district's 0
    assert now["longestTimeLimit"] == {
        "timeLimit": {"text": "5个工作日"},
        "workingDays": 5.0,
        "itemCode": jinan.city_item.code,
    }
    assert now["channels"] == ["WINDOW"]

    then = await anonymous.data(SCENARIO_QUERY, code=scenario["code"], asOf=_iso(published_at))
    assert then["scenario"]["name"] == "开办餐饮店一件事"
    assert then["scenario"]["versionNumber"] == 1
    node = (await anonymous.data(NODE, id=scenario["id"]))["node"]
    assert node == {"code": "YJS370100001", "name": "开办餐饮店“一件事”", "status": "PUBLISHED"}
    feed = (await anonymous.data(FEED))["changes"]["nodes"]
    # the public feed: the published scenario's events, not the other one's unpublished draft
    assert {event["code"] for event in feed} == {"YJS370100001"}
    assert feed[0]["kind"] == "scenario"
    assert feed[0]["recordId"] == scenario["id"]


def _iso(moment):
    return moment.isoformat()


async def test_scenarios_are_listed_by_region_lead_agency_theme_and_life_cycle(
    database: Database, settings: Settings, sign_in, anonymous: GraphQLClient
) -> None:
    # given a published city scenario (准入准营) and a published 历下区 one (出生)
    jinan = await small_jinan(database, settings.files_dir)
    admin = sign_in("admin", Role.CATALOG_ADMIN)
    reviewer = sign_in("wang.reviewer", Role.REVIEWER, regions=["370100"])
    for uscc, theme in (
        (jinan.city_agency.uscc, "MARKET_ENTRY"),
        (jinan.lixia_agency.uscc, "BIRTH"),
    ):
        created = (
            await admin.data(
                CREATE, input={"agencyUscc": uscc, "content": content(jinan, theme=theme)}
            )
        )["scenarioCreate"]["scenario"]
        await publish_by_id(admin, reviewer, created["id"], created["lockVersion"])

    async def codes(**filter):
        found = (await anonymous.data(LIST, filter=filter or None))["scenarios"]
        assert found["totalCount"] == len(found["nodes"])
        return [node["code"] for node in found["nodes"]]

    # then
    assert await codes() == ["YJS370100001", "YJS370102001"]
    assert await codes(region="370100") == ["YJS370100001", "YJS370102001"]
    assert await codes(region="370102") == ["YJS370102001"]
    assert await codes(region="370104") == []
    assert await codes(agency=jinan.city_agency.uscc) == ["YJS370100001"]
    assert await codes(themes=["BIRTH", "PENSION"]) == ["YJS370102001"]
    assert await codes(lifeCycle="ENTERPRISE") == ["YJS370100001"]
    assert await codes(lifeCycle="PERSON", region="370100") == ["YJS370102001"]


async def test_member_rules_are_user_errors_with_field_paths(
    database: Database, settings: Settings, sign_in
) -> None:
    # given the lead agency's editor and a draft with a member that is not published
    jinan = await small_jinan(database, settings.files_dir)
    editor = sign_in("zhang.editor", Role.EDITOR, agencies=[jinan.city_agency.uscc])
    unknown = jinan.city_item.code[:19] + "370113999000"
    uscc = jinan.city_agency.uscc

    # when
    too_few = await editor.data(
        CREATE,
        input={"agencyUscc": uscc, "content": content(jinan, members=[{"item": unknown}])},
    )
    repeated = await editor.data(
        CREATE,
        input={
            "agencyUscc": uscc,
            "content": content(
                jinan, members=[{"item": jinan.city_item.code}, {"item": jinan.city_item.code}]
            ),
        },
    )
    members = [{"item": jinan.city_item.code}, {"item": unknown}]
    draft = (
        await editor.data(
            CREATE, input={"agencyUscc": uscc, "content": content(jinan, members=members)}
        )
    )["scenarioCreate"]["scenario"]
    submitted = await editor.data(
        SUBMIT, input={"id": draft["id"], "expectedLockVersion": draft["lockVersion"]}
    )

    # then
    def fields(payload):
        return [(e["field"], e["code"]) for e in payload["userErrors"]]

    assert fields(too_few["scenarioCreate"]) == [(["input", "content", "members"], "INVALID")]
    assert fields(repeated["scenarioCreate"]) == [(["input", "content", "members"], "INVALID")]
    assert fields(submitted["recordSubmit"]) == [
        (["input", "content", "members", "1", "item"], "NOT_FOUND")
    ]
    assert submitted["recordSubmit"]["record"] is None
    assert await count_rows(database, SCENARIO.record) == 1


async def test_a_withdrawn_member_drops_out_of_what_the_scenario_adds_up_to(
    database: Database, settings: Settings, sign_in, anonymous: GraphQLClient
) -> None:
    # given a published scenario of the city's and the district's item
    jinan = await small_jinan(database, settings.files_dir)
    admin = sign_in("admin", Role.CATALOG_ADMIN)
    reviewer = sign_in("wang.reviewer", Role.REVIEWER, regions=["370100"])
    create_input = {"agencyUscc": jinan.city_agency.uscc, "content": content(jinan)}
    created = (await admin.data(CREATE, input=create_input))["scenarioCreate"]["scenario"]
    await publish_by_id(admin, reviewer, created["id"], created["lockVersion"])
    before = utc_now()

    # when the district's item is withdrawn
    async with database.transaction() as tx:
        await withdraw(
            tx,
            SERVICE_ITEM,
            record_id=jinan.lixia_item.id,
            expected_lock_version=jinan.lixia_item.lock_version,
            reason="职能调整",
            actor="reviewer",
        )

    # then it reads as a member not in force, left out of the materials, trips and channels;
    # as of before the withdrawal it still counts
    now = (await anonymous.data(SCENARIO_QUERY, code=created["code"]))["scenario"]
    then = (await anonymous.data(SCENARIO_QUERY, code=created["code"], asOf=_iso(before)))[
        "scenario"
    ]
    assert [m["serviceItem"] is None for m in now["members"]] == [False, True]
    assert [m["name"] for m in now["materials"]] == ["食品经营许可申请书", "营业执照"]
    assert now["materials"][0]["neededBy"] == [
        {"code": jinan.city_item.code, "name": "食品经营许可"}
    ]
    assert [m["serviceItem"] is None for m in then["members"]] == [False, False]
    assert len(then["materials"]) == 3

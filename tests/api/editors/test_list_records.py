"""Fee items and intermediary services over GraphQL: created and edited by the owning agency's
editors, published through the generic lifecycle by global ID, read by code, in lists, as of a
moment and by node ID; service items show their fee lines with the linked fee item, and their
submission is refused, with the field path, when a fee line breaks the rules."""

from datetime import timedelta

from catalog_api.auth import Role
from catalog_api.catalog.kinds import FEE_ITEM
from catalog_api.db import Database
from catalog_api.settings import Settings
from models.base import utc_now
from tests.api.conftest import GraphQLClient
from tests.api.editors.test_lifecycle import ITEM_ID, PUBLISH, SUBMIT, UPDATE
from tests.api.scenario import FOOD_LICENCE, small_jinan
from tests.factories import count_rows, fee_item_content, intermediary_content

FEE_FIELDS = """
  id code status versionNumber lockVersion name payer fundManagement reducible
  standard { text amount unit } basis { title documentNumber } reductions { description basis }
  agency { name }
"""
CREATE_FEE = f"""
mutation($input: FeeItemCreateInput!) {{
  feeItemCreate(input: $input) {{ feeItem {{ {FEE_FIELDS} }} userErrors {{ field message code }} }}
}}"""
UPDATE_FEE = f"""
mutation($input: FeeItemDraftUpdateInput!) {{
  feeItemDraftUpdate(input: $input) {{
    feeItem {{ {FEE_FIELDS} }} userErrors {{ field message code }}
  }}
}}"""
FEE = f"""query($code: String!, $asOf: DateTime) {{ feeItem(code: $code, asOf: $asOf) {{
  {FEE_FIELDS}
  versions {{ nodes {{ number status changeNote }} }}
  diff(from: 1) {{ path kind before after }}
}} }}"""
FEES = """query($filter: ListRecordFilter) { feeItems(filter: $filter) {
  totalCount nodes { code name } } }"""
NODE = """query($id: ID!) { node(id: $id) { ... on FeeItem { code name status } } }"""
CREATE_INTERMEDIARY = """
mutation($input: IntermediaryServiceCreateInput!) {
  intermediaryServiceCreate(input: $input) {
    intermediaryService { id code lockVersion status name charging }
    userErrors { field message code }
  }
}"""
UPDATE_INTERMEDIARY = """
mutation($input: IntermediaryServiceDraftUpdateInput!) {
  intermediaryServiceDraftUpdate(input: $input) {
    intermediaryService { id code lockVersion status providerRequirements }
    userErrors { field message code }
  }
}"""
INTERMEDIARY = """query($code: String!) { intermediaryService(code: $code) {
  code name providerNature providerRequirements charging agency { name }
  approvalItemCodes approvalItems { code name }
} intermediaryServices { totalCount nodes { code } } }"""
GUIDE = """query($code: String!) { serviceItem(code: $code) {
  charging
  fees { feeItemCode name standard amount note feeItem { code agency { name } } }
  intermediaryCodes intermediaries { code name }
} }"""

BASIS = (
    "《国家发展改革委 财政部关于不动产登记收费标准等有关问题的通知》（发改价格规〔2016〕2559号）"
)


def camel(content):  # the factories' contents, as GraphQL inputs name them
    def key(name):
        head, *rest = name.split("_")
        return head + "".join(part.title() for part in rest)

    if isinstance(content, dict):
        return {key(k): camel(v) for k, v in content.items()}
    if isinstance(content, list):
        return [camel(v) for v in content]
    return content


def enums(content):
    """Code-list codes as GraphQL enum names."""
    names = {
        "fundManagement": {"1": "TREASURY", "2": "FISCAL_ACCOUNT"},
        "providerNature": {"1": "ENTERPRISE"},
        "charging": {"0": "FREE", "3": "MARKET"},
    }
    return {k: names[k][v] if k in names else v for k, v in content.items()}


async def publish_by_id(editor, reviewer, record_id, lock):  # type: ignore[no-untyped-def]
    submitted = await editor.data(SUBMIT, input={"id": record_id, "expectedLockVersion": lock})
    assert submitted["recordSubmit"]["userErrors"] == [], submitted
    published = await reviewer.data(
        PUBLISH, input={"id": record_id, "expectedLockVersion": lock + 1}
    )
    assert published["recordPublish"]["userErrors"] == [], published
    return published["recordPublish"]["record"]


async def test_fee_items_are_edited_published_and_read_through_the_one_mechanism(
    database: Database,
    settings: Settings,
    sign_in,
    anonymous: GraphQLClient,  # type: ignore[no-untyped-def]
) -> None:
    # given the city's editor and reviewer, and an editor of a district agency
    jinan = await small_jinan(database, settings.files_dir)
    city = jinan.city_agency
    editor = sign_in("zhang.editor", Role.EDITOR, agencies=[city.uscc])
    reviewer = sign_in("wang.reviewer", Role.REVIEWER, regions=["370100"])
    outsider = sign_in("li.editor", Role.EDITOR, agencies=[jinan.lixia_agency.uscc])
    content = enums(camel(fee_item_content()))

    # when the fee item is created, refused to others, published, revised and published again
    anonymous_try = await anonymous.post(
        CREATE_FEE, input={"agencyUscc": city.uscc, "content": content}
    )
    outsider_try = await outsider.post(
        CREATE_FEE, input={"agencyUscc": city.uscc, "content": content}
    )
    bad_code = await editor.data(
        CREATE_FEE, input={"agencyUscc": city.uscc, "code": "SF370102001", "content": content}
    )
    created = (await editor.data(CREATE_FEE, input={"agencyUscc": city.uscc, "content": content}))[
        "feeItemCreate"
    ]["feeItem"]
    draft_only = (await anonymous.data(FEE, code=created["code"]))["feeItem"]
    first = await publish_by_id(editor, reviewer, created["id"], created["lockVersion"])
    published_at = utc_now()
    updated = await editor.data(
        UPDATE_FEE,
        input={
            "id": created["id"],
            "expectedLockVersion": first["lockVersion"],
            "changes": {
                "standard": {"text": "住宅类不动产登记每件60元", "amount": "60", "unit": "元/件"}
            },
            "changeNote": "降低收费标准",
        },
    )
    draft = updated["feeItemDraftUpdate"]["feeItem"]
    second = await publish_by_id(editor, reviewer, created["id"], draft["lockVersion"])
    now = (await anonymous.data(FEE, code=created["code"]))["feeItem"]
    before = (await anonymous.data(FEE, code="sf370100001", asOf=published_at.isoformat()))[
        "feeItem"
    ]
    long_ago = await anonymous.data(
        FEE, code=created["code"], asOf=(published_at - timedelta(days=1)).isoformat()
    )
    listed = await anonymous.data(FEES, filter={"region": "370100"})
    elsewhere = await anonymous.data(FEES, filter={"region": "370104"})
    node = await anonymous.data(NODE, id=created["id"])

    # then
    assert anonymous_try["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}
    assert outsider_try["errors"][0]["extensions"] == {"code": "FORBIDDEN"}
    assert bad_code["feeItemCreate"]["userErrors"] == [
        {
            "field": ["input", "code"],
            "message": "收费项目编码中的行政区划代码应为机构所在区划 370100：SF370102001",
            "code": "INVALID",
        }
    ]
    assert await count_rows(database, FEE_ITEM.record) == 1
    assert (created["code"], created["status"], created["agency"]["name"]) == (
        "SF370100001",
        "DRAFT",
        "济南市市场监督管理局",
    )
    assert draft_only is None  # the public sees published versions only
    assert (first["status"], second["versionNumber"]) == ("PUBLISHED", 2)
    assert (draft["status"], draft["standard"]["amount"]) == ("DRAFT", "60")
    assert now["standard"] == {"text": "住宅类不动产登记每件60元", "amount": "60", "unit": "元/件"}
    assert now["basis"] == [
        {
            "title": "《国家发展改革委 财政部关于不动产登记收费标准等有关问题的通知》",
            "documentNumber": "发改价格规〔2016〕2559号",
        }
    ]
    assert (now["fundManagement"], now["reducible"]) == ("TREASURY", True)
    assert [v["number"] for v in now["versions"]["nodes"]] == [2, 1]
    assert {
        "path": ["standard", "amount"],
        "kind": "CHANGED",
        "before": "80.00",
        "after": "60",
    } in (now["diff"])
    assert (before["versionNumber"], before["standard"]["amount"]) == (1, "80.00")
    assert long_ago["feeItem"] is None
    assert listed["feeItems"] == {
        "totalCount": 1,
        "nodes": [{"code": "SF370100001", "name": "不动产登记费（住宅）"}],
    }
    assert elsewhere["feeItems"] == {"totalCount": 0, "nodes": []}
    assert node["node"] == {
        "code": "SF370100001",
        "name": "不动产登记费（住宅）",
        "status": "PUBLISHED",
    }


async def test_a_guides_fee_lines_are_checked_on_submit_and_read_with_their_fee_item(
    database: Database,
    settings: Settings,
    sign_in,
    anonymous: GraphQLClient,  # type: ignore[no-untyped-def]
) -> None:
    # given a published fee item of the city and the city's (free) implementation
    jinan = await small_jinan(database, settings.files_dir)
    city = jinan.city_agency
    editor = sign_in("zhang.editor", Role.EDITOR, agencies=[city.uscc])
    reviewer = sign_in("wang.reviewer", Role.REVIEWER, regions=["370100"])
    content = enums(camel(fee_item_content(reductions=[])))
    fee = (await editor.data(CREATE_FEE, input={"agencyUscc": city.uscc, "content": content}))[
        "feeItemCreate"
    ]["feeItem"]
    await publish_by_id(editor, reviewer, fee["id"], fee["lockVersion"])
    item = (await anonymous.data(ITEM_ID, code=jinan.city_item.code))["serviceItem"]
    lock = item["lockVersion"]

    async def attempt(changes):  # type: ignore[no-untyped-def]
        nonlocal lock
        updated = await editor.data(
            UPDATE, input={"id": item["id"], "expectedLockVersion": lock, "changes": changes}
        )
        assert updated["serviceItemDraftUpdate"]["userErrors"] == []
        lock += 1
        body = await editor.data(SUBMIT, input={"id": item["id"], "expectedLockVersion": lock})
        return body["recordSubmit"]["userErrors"]

    # when the editor submits a fee line on an unknown fee item, one above and one below the
    # standard of a fee item without reductions, and a charging item without fee lines
    charging = {"charging": True, "feeBasis": BASIS}
    unknown = await attempt({**charging, "fees": [{"feeItem": "SF370100999"}]})
    above = await attempt({**charging, "fees": [{"feeItem": fee["code"], "amount": "100"}]})
    below = await attempt({**charging, "fees": [{"feeItem": fee["code"], "amount": "40"}]})
    none = await attempt({**charging, "fees": []})
    fine = await attempt({**charging, "fees": [{"feeItem": fee["code"], "note": "按件收取"}]})
    await reviewer.data(PUBLISH, input={"id": item["id"], "expectedLockVersion": lock + 1})
    guide = (await anonymous.data(GUIDE, code=jinan.city_item.code))["serviceItem"]

    # then each refusal names the field it concerns, and the published guide reads the fee item
    assert unknown == [
        {
            "field": ["input", "content", "fees", "0", "feeItem"],
            "message": "收费项目 SF370100999 不存在或尚未发布",
            "code": "NOT_FOUND",
        }
    ]
    assert above == [
        {
            "field": ["input", "content", "fees", "0", "amount"],
            "message": "收费金额 100 元超出收费标准（住宅类不动产登记每件80元）",
            "code": "INVALID",
        }
    ]
    assert [(e["field"], e["code"]) for e in below] == [
        (["input", "content", "fees", "0", "amount"], "INVALID")
    ]
    assert none == [
        {
            "field": ["input", "content", "fees"],
            "message": "收费事项至少应有一个收费项目",
            "code": "INVALID",
        }
    ]
    assert fine == []
    assert guide["charging"] is True
    assert guide["fees"] == [
        {
            "feeItemCode": "SF370100001",
            "name": "不动产登记费（住宅）",
            "standard": "住宅类不动产登记每件80元",
            "amount": "80.00",
            "note": "按件收取",
            "feeItem": {"code": "SF370100001", "agency": {"name": "济南市市场监督管理局"}},
        }
    ]


async def test_intermediary_services_are_created_edited_and_linked(
    database: Database,
    settings: Settings,
    sign_in,
    anonymous: GraphQLClient,  # type: ignore[no-untyped-def]
) -> None:
    jinan = await small_jinan(database, settings.files_dir)
    city = jinan.city_agency
    editor = sign_in("zhang.editor", Role.EDITOR, agencies=[city.uscc])
    reviewer = sign_in("wang.reviewer", Role.REVIEWER, regions=["370100"])
    content = enums(camel(intermediary_content([FOOD_LICENCE], name="食品检验检测")))

    unknown_agency = await editor.data(
        CREATE_INTERMEDIARY, input={"agencyUscc": "91370100MA3C0000X0", "content": content}
    )
    created = (
        await editor.data(CREATE_INTERMEDIARY, input={"agencyUscc": city.uscc, "content": content})
    )["intermediaryServiceCreate"]["intermediaryService"]
    updated = (
        await editor.data(
            UPDATE_INTERMEDIARY,
            input={
                "id": created["id"],
                "expectedLockVersion": created["lockVersion"],
                "changes": {"providerRequirements": "具有食品检验机构资质认定证书的检验机构"},
            },
        )
    )["intermediaryServiceDraftUpdate"]["intermediaryService"]
    await publish_by_id(editor, reviewer, created["id"], updated["lockVersion"])
    item = (await anonymous.data(ITEM_ID, code=jinan.city_item.code))["serviceItem"]
    await editor.data(
        UPDATE,
        input={
            "id": item["id"],
            "expectedLockVersion": item["lockVersion"],
            "changes": {"intermediaries": [created["code"]]},
        },
    )
    await publish_by_id(editor, reviewer, item["id"], item["lockVersion"] + 1)
    shown = await anonymous.data(INTERMEDIARY, code=created["code"])
    guide = (await anonymous.data(GUIDE, code=jinan.city_item.code))["serviceItem"]

    assert [
        (e["field"], e["code"]) for e in unknown_agency["intermediaryServiceCreate"]["userErrors"]
    ] == [(["input", "agencyUscc"], "INVALID")]
    assert (created["code"], created["status"], created["charging"]) == (
        "ZJ370100001",
        "DRAFT",
        "MARKET",
    )
    assert shown["intermediaryService"] == {
        "code": "ZJ370100001",
        "name": "食品检验检测",
        "providerNature": "ENTERPRISE",
        "providerRequirements": "具有食品检验机构资质认定证书的检验机构",
        "charging": "MARKET",
        "agency": {"name": "济南市市场监督管理局"},
        "approvalItemCodes": [FOOD_LICENCE],
        "approvalItems": [{"code": FOOD_LICENCE, "name": "食品经营许可"}],
    }
    assert shown["intermediaryServices"] == {"totalCount": 1, "nodes": [{"code": "ZJ370100001"}]}
    assert guide["intermediaryCodes"] == ["ZJ370100001"]
    assert guide["intermediaries"] == [{"code": "ZJ370100001", "name": "食品检验检测"}]

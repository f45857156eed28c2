"""POST /import/{kind}: a district's staff export their lists, fix rows in a spreadsheet program,
import them back (a dry run's diff first), publish, and find the change in the GraphQL lists.
Every refusal answers with a status and a code, and writes nothing."""

import io
from typing import Any

import httpx
import openpyxl
import pytest

from catalog_api.auth import Role, mint_token
from catalog_api.db import Database
from catalog_api.settings import Settings
from tests.api.conftest import Serve
from tests.api.lists_scenario import ListsJinan, lists_jinan

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIXIA = "370102"

FEE_LIST = """
query ($region: String) {
  feeList(filter: {region: $region}) { nodes { code standard { text amount } note } }
}"""
TRIP_LIST = """
query ($region: String) {
  tripList(maxTrips: 1, filter: {region: $region}) {
    nodes { code address promisedTimeLimit { value } }
  }
}"""


@pytest.fixture
async def world(database: Database, settings: Settings) -> ListsJinan:
    return await lists_jinan(database, settings.files_dir)


def bearer(settings: Settings, subject: str, *roles: Role, regions: tuple = (LIXIA,)) -> dict:
    token = mint_token(settings, subject=subject, roles=list(roles), regions=list(regions))
    return {"Authorization": f"Bearer {token}"}


def edited(body: bytes, code: str, changes: dict[str, Any]) -> bytes:
    """The exported workbook with one row retyped, as a spreadsheet program saves it."""
    workbook = openpyxl.load_workbook(io.BytesIO(body))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    rows = [row for row in sheet.iter_rows(min_row=2) if row[1].value == code]
    assert len(rows) == 1, f"{code} is not on the list"
    for title, value in changes.items():
        rows[0][header.index(title)].value = value
    saved = io.BytesIO()
    workbook.save(saved)
    return saved.getvalue()


async def graphql(
    http: httpx.AsyncClient, query: str, headers: dict | None = None, **variables: Any
) -> dict:
    response = await http.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers or {}
    )
    body = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"]


async def submit_and_publish(
    http: httpx.AsyncClient, editor: dict, reviewer: dict, field: str, code: str
) -> None:
    """The editor submits the imported draft; a second person publishes it (four eyes)."""
    read = f'query {{ {field}(code: "{code}") {{ id lockVersion }} }}'
    record = (await graphql(http, read, editor))[field]
    submit = """mutation ($id: ID!, $lock: Int!) {
      recordSubmit(input: {id: $id, expectedLockVersion: $lock}) {
        record { lockVersion } userErrors { code message } } }"""
    submitted = await graphql(http, submit, editor, id=record["id"], lock=record["lockVersion"])
    assert submitted["recordSubmit"]["userErrors"] == []
    publish = """mutation ($id: ID!, $lock: Int!) {
      recordPublish(input: {id: $id, expectedLockVersion: $lock}) {
        record { status } userErrors { code message } } }"""
    lock = submitted["recordSubmit"]["record"]["lockVersion"]
    published = await graphql(http, publish, reviewer, id=record["id"], lock=lock)
    assert published["recordPublish"]["userErrors"] == []
    assert published["recordPublish"]["record"]["status"] == "PUBLISHED"


async def test_a_district_fixes_its_fee_and_trip_lists_end_to_end(
    http: httpx.AsyncClient, settings: Settings, world: ListsJinan
) -> None:
    editor = bearer(settings, "li.editor", Role.EDITOR)
    reviewer = bearer(settings, "wang.reviewer", Role.REVIEWER)
    fees = await http.get("/export/fee-list.xlsx", params={"region": LIXIA})
    trips = await http.get("/export/trip-list.xlsx", params={"region": LIXIA, "maxTrips": "1"})
    fee_file = edited(fees.content, world.fee.code, {"征收标准": "住宅类不动产登记每件60元"})
    trip_file = edited(
        trips.content,
        world.library_item.code,
        {"办理地点": "济南市历下区文化东路59号 一楼服务台", "承诺办结时限": "3个工作日"},
    )

    dry = await http.post(
        "/import/fee-list?dryRun=true", content=fee_file, headers={**editor, "Content-Type": XLSX}
    )

    assert dry.status_code == 200
    report = dry.json()
    assert report["dryRun"] and report["ok"] and not report["written"]
    assert report["summary"] == {"created": 0, "changed": 1, "unchanged": 0, "rejected": 0}
    (row,) = report["rows"]
    assert row["code"] == world.fee.code and row["outcome"] == "changed"
    assert {tuple(c["path"]): (c["before"], c["after"]) for c in row["changes"]} == {
        ("standard", "text"): ("住宅类不动产登记每件80元", "住宅类不动产登记每件60元"),
        ("standard", "amount"): ("80.00", "60"),
    }
    assert "\\u" not in dry.text  # Chinese as UTF-8

    for name, body in (("fee-list", fee_file), ("trip-list", trip_file)):
        applied = await http.post(f"/import/{name}?format=xlsx", content=body, headers=editor)
        assert applied.status_code == 200 and applied.json()["written"], applied.text
    # drafts until published: the public lists still show the old rows
    listed = await graphql(http, FEE_LIST, region=LIXIA)
    assert listed["feeList"]["nodes"][0]["standard"]["text"] == "住宅类不动产登记每件80元"

    await submit_and_publish(http, editor, reviewer, "feeItem", world.fee.code)
    await submit_and_publish(http, editor, reviewer, "serviceItem", world.library_item.code)

    (fee,) = (await graphql(http, FEE_LIST, region=LIXIA))["feeList"]["nodes"]
    assert fee["standard"] == {"text": "住宅类不动产登记每件60元", "amount": "60"}
    trip = {
        node["code"]: node
        for node in (await graphql(http, TRIP_LIST, region=LIXIA))["tripList"]["nodes"]
    }[world.library_item.code]
    assert trip["address"] == "济南市历下区文化东路59号 一楼服务台"
    assert trip["promisedTimeLimit"] == {"value": 3}
    again = await http.get("/export/fee-list.xlsx", params={"region": LIXIA})
    sheet = openpyxl.load_workbook(io.BytesIO(again.content)).worksheets[0]
    assert sheet["F2"].value == "住宅类不动产登记每件60元"


async def test_rejected_rows_come_back_with_their_cells_and_write_nothing(
    http: httpx.AsyncClient, settings: Settings, world: ListsJinan
) -> None:
    editor = bearer(settings, "li.editor", Role.EDITOR)
    fees = await http.get("/export/fee-list.xlsx", params={"region": LIXIA})
    body = edited(fees.content, world.fee.code, {"执收部门": "历下区财政局"})

    response = await http.post("/import/fee-list?format=xlsx", content=body, headers=editor)

    assert response.status_code == 200
    report = response.json()
    assert not report["ok"] and not report["written"]
    assert report["rows"][0]["errors"] == [
        "D2 执收部门：此列不能在清单中修改（由编码中的机构决定，不能修改）"
    ]


@pytest.mark.parametrize(
    ("path", "headers", "status", "code"),
    [
        ("/import/fee-list?format=xlsx", {}, 401, "UNAUTHENTICATED"),
        (
            "/import/fee-list?format=xlsx",
            {"Authorization": "Bearer nonsense"},
            401,
            "UNAUTHENTICATED",
        ),
        ("/import/fee-list?format=xlsx", "reviewer", 403, "FORBIDDEN"),
        ("/import/fee-lists?format=xlsx", "editor", 404, "NOT_FOUND"),
        ("/import/fee-list", "editor", 400, "BAD_REQUEST"),
        ("/import/fee-list?format=xlsx&dryRun=maybe", "editor", 400, "BAD_REQUEST"),
        ("/import/fee-list?format=csv", "editor", 422, "IMPORT_FILE_REJECTED"),
    ],
)
async def test_refusals_answer_with_a_status_and_a_code(
    http: httpx.AsyncClient,
    settings: Settings,
    world: ListsJinan,
    path: str,
    headers: Any,
    status: int,
    code: str,
) -> None:
    if headers == "editor":
        headers = bearer(settings, "li.editor", Role.EDITOR)
    elif headers == "reviewer":
        headers = bearer(settings, "wang.reviewer", Role.REVIEWER)

    response = await http.post(path, content="名称,金额\r\n".encode(), headers=headers)

    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert response.headers["cache-control"] == "no-store"
    if status == 401:
        assert response.headers["www-authenticate"].startswith("Bearer")


async def test_a_file_over_the_import_limit_is_refused_unread(
    serve: Serve, settings: Settings, world: ListsJinan
) -> None:
    client = await serve(import_max_bytes=2048, max_body_bytes=1024)
    editor = bearer(settings, "li.editor", Role.EDITOR)

    response = await client.post("/import/fee-list?format=csv", content=b"x" * 4096, headers=editor)

    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "BODY_TOO_LARGE"


async def test_imports_take_larger_bodies_than_graphql(
    serve: Serve, settings: Settings, world: ListsJinan
) -> None:
    client = await serve(import_max_bytes=65536, max_body_bytes=1024)
    editor = bearer(settings, "li.editor", Role.EDITOR)
    fees = await client.get("/export/fee-list.csv", params={"region": LIXIA})
    padded = fees.content + b"\r\n" * 2048  # blank lines, over GraphQL's limit

    response = await client.post("/import/fee-list?format=csv", content=padded, headers=editor)

    assert response.status_code == 200, response.text
    assert response.json()["summary"]["unchanged"] == 1


@pytest.mark.parametrize("file_format", ["xlsx", "csv", "jsonl"])
async def test_a_blank_template_downloads_for_each_kind(
    http: httpx.AsyncClient, file_format: str
) -> None:
    response = await http.get(f"/import/fee-items/template.{file_format}")

    assert response.status_code == 200
    assert "filename*=UTF-8''" in response.headers["content-disposition"]
    if file_format == "xlsx":
        workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        header = next(workbook.worksheets[0].iter_rows(values_only=True))
        assert header[:3] == ("收费项目编码", "执收部门统一社会信用代码", "收费项目名称")
        assert workbook.sheetnames[1] == "填写说明"
    elif file_format == "csv":
        assert response.content.decode("utf-8-sig").startswith("收费项目编码,")
    else:
        assert response.content == b""  # JSON Lines has no header: the keys are in docs


@pytest.mark.parametrize(
    "path", ["/import/fee-list/template.xlsx", "/import/fee-items/template.pdf"]
)
async def test_an_unknown_template_is_not_found(http: httpx.AsyncClient, path: str) -> None:
    response = await http.get(path)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"

"""The public lists as files: GET /export/{list}.{csv|xlsx} with Chinese headers, an RFC 5987
file name, streamed; bad parameters are a 400 with a JSON error."""

import asyncio
import csv
import io
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy import insert
from starlette.applications import Starlette
from typer.testing import CliRunner

from catalog_api.catalog.kinds import SERVICE_ITEM
from catalog_api.cli import app as cli
from catalog_api.db import Database
from catalog_api.settings import Settings
from models import ServiceItem, ServiceItemVersion
from models.base import new_id
from tests.api.lists_scenario import lists_jinan
from tests.factories import versions_of

runner = CliRunner()
TODAY = datetime.now(timezone(timedelta(hours=8))).date().isoformat()


def xlsx_rows(body: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def csv_rows(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode())  # Excel reads the Chinese as UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


async def test_the_fee_list_as_xlsx(
    database: Database, settings: Settings, http: httpx.AsyncClient
) -> None:
    world = await lists_jinan(database, settings.files_dir)

    response = await http.get("/export/fee-list.xlsx", params={"region": "370102"})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"历下区_行政事业性收费清单_{TODAY}.xlsx"
    assert f"filename*=UTF-8''{quote(name)}" in response.headers["content-disposition"]
    assert response.headers["cache-control"] == "no-store"
    header, *rows = xlsx_rows(response.content)
    assert header == (
        "序号", "收费项目编码", "项目名称", "执收部门", "征收对象", "征收标准", "政策依据及文号",
        "资金管理方式", "减免政策", "收费事项数", "收费事项", "备注",
    )
    assert rows == [(
        1,
        world.fee.code,
        "不动产登记费（住宅）",
        "济南市历下区行政审批服务局",
        "申请住宅类不动产登记的权利人",
        "住宅类不动产登记每件80元",
        "《国家发展改革委 财政部关于不动产登记收费标准等有关问题的通知》"
        "（发改价格规〔2016〕2559号）",
        "缴入国库",
        "小微企业（含个体工商户）申请不动产登记的，免征不动产登记费（财税〔2019〕45号）",
        1,
        f"不动产登记收费（{world.charging_item.code}）",
        None,
    )]


async def test_the_trip_list_as_csv(
    database: Database, settings: Settings, http: httpx.AsyncClient
) -> None:
    world = await lists_jinan(database, settings.files_dir)

    params = {"region": "370102", "maxTrips": 0}
    response = await http.get("/export/trip-list.csv", params=params)

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    name = f"历下区_零跑腿事项清单_{TODAY}.csv"
    assert f"filename*=UTF-8''{quote(name)}" in response.headers["content-disposition"]
    header, *rows = csv_rows(response.content)
    assert header[:7] == [
        "序号", "实施编码", "事项名称", "事项类型", "实施主体", "到办事现场次数",
        "必须现场办理原因",
    ]
    expected = sorted(
        [
            [world.jinan.lixia_item.code, "食品经营许可", "行政许可"],
            [world.library_item.code, "公共图书馆读者证办理", "公共服务"],
        ]
    )
    assert [row[:7] for row in rows] == [
        [str(n), *row, "济南市历下区行政审批服务局", "0", "无需到现场"]
        for n, row in enumerate(expected, 1)
    ]


async def test_the_power_list_as_csv_carries_responsibilities_and_the_supervision_phone(
    database: Database, settings: Settings, http: httpx.AsyncClient
) -> None:
    world = await lists_jinan(database, settings.files_dir)

    response = await http.get(
        "/export/power-list.csv", params={"agency": world.jinan.city_agency.uscc}
    )

    header, *rows = csv_rows(response.content)
    assert header == [
        "序号", "职权编码", "职权名称", "职权类型", "实施主体", "承办机构", "行使层级", "权力来源",
        "设定依据", "责任事项", "追责情形", "追责依据", "监督电话",
    ]
    assert rows == [[
        "1",
        world.jinan.city_item.code,
        "食品经营许可",
        "行政许可",
        "济南市市场监督管理局",
        "",
        "市级",
        "法定本级行使",
        "《中华人民共和国食品安全法》第三十五条",
        "受理责任：依法受理或者不予受理，不予受理的告知理由\n决定责任：依法作出准予或者不予许可的决定",
        "1. 对符合法定条件的申请不予受理的",
        "《中华人民共和国行政许可法》第七十二条",
        "0531-86592345",
    ]]


async def test_the_public_service_and_intermediary_lists(
    database: Database, settings: Settings, http: httpx.AsyncClient
) -> None:
    world = await lists_jinan(database, settings.files_dir)

    public = await http.get("/export/public-service-list.xlsx")
    intermediaries = await http.get("/export/intermediary-list.csv", params={"region": "370100"})

    header, *rows = xlsx_rows(public.content)
    assert header[:4] == ("序号", "实施编码", "事项名称", "事项类型")
    assert [row[:4] for row in rows] == [
        (1, world.library_item.code, "公共图书馆读者证办理", "公共服务")
    ]
    name = f"公共服务事项清单_{TODAY}.xlsx"
    assert f"filename*=UTF-8''{quote(name)}" in public.headers["content-disposition"]
    header, *rows = csv_rows(intermediaries.content)
    assert header[:6] == [
        "序号", "中介服务事项编码", "中介服务事项名称", "涉及的审批事项", "审批部门", "设定依据",
    ]
    assert rows == [[
        "1", world.intermediary.code, "建设工程设计方案编制", "食品经营许可",
        "济南市历下区行政审批服务局", "《中华人民共和国城乡规划法》第四十条", "企业", "",
        "市场调节价", "", "",
    ]]


@pytest.mark.parametrize(
    ("path", "params", "parameter"),
    [
        ("/export/fee-list.xlsx", {"region": "379999"}, "region"),
        ("/export/trip-list.csv", {"maxTrips": "2"}, "maxTrips"),
        ("/export/trip-list.csv", {}, "maxTrips"),
        ("/export/trip-list.csv", {"maxTrips": "one"}, "maxTrips"),
        ("/export/tax-list.csv", {}, "list"),
        ("/export/fee-list.pdf", {}, "format"),
        ("/export/power-list.csv", {"itemTypes": "01,99"}, "itemTypes"),
        ("/export/power-list.csv", {"agency": "11370100ABC"}, "agency"),
        ("/export/power-list.csv", {"asOf": "yesterday"}, "asOf"),
    ],
)
async def test_bad_parameters_are_a_400_with_a_clear_error(
    database: Database, settings: Settings, http: httpx.AsyncClient, path, params, parameter
) -> None:
    await lists_jinan(database, settings.files_dir)

    response = await http.get(path, params=params)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "BAD_REQUEST" and error["parameter"] == parameter
    assert error["message"]


async def asgi_get(app: Starlette, path: str, query: bytes) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": query,
        "headers": [(b"host", b"yichuang.test")], "client": ("127.0.0.1", 1),
        "server": ("yichuang.test", 80), "root_path": "",
    }

    requested, done = False, asyncio.Event()

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await done.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body"):
            done.set()

    await app(scope, receive, send)
    return sent


async def test_a_long_list_streams_in_chunks(
    database: Database, settings: Settings, app: Starlette
) -> None:
    world = await lists_jinan(database, settings.files_dir)
    [template] = await versions_of(database, SERVICE_ITEM, world.jinan.city_item.id)
    count = 3000
    base = world.jinan.city_item.code
    records = [
        {"id": new_id(), "code": f"{base[:25]}9{n:05d}", "catalog_item_id": world.jinan.catalog.id,
         "agency_id": world.jinan.city_agency.id, "level": world.jinan.city_item.level,
         "item_type": world.jinan.city_item.item_type}
        for n in range(count)
    ]
    versions = [
        {"id": new_id(), "record_id": record["id"], "number": 1, "status": template.status,
         "effective_from": template.effective_from, "content": template.content,
         "handling_kind": template.handling_kind, "onsite_visits": template.onsite_visits,
         "online_depth": template.online_depth, "charging": template.charging,
         "channels": template.channels}
        for record in records
    ]
    async with database.transaction() as tx:
        await tx.session.execute(insert(ServiceItem), records)
        await tx.session.execute(insert(ServiceItemVersion), versions)

    # straight to the ASGI app: httpx's transport joins the body before handing it over
    messages = await asgi_get(app, "/export/trip-list.csv", b"maxTrips=1")

    assert messages[0]["type"] == "http.response.start" and messages[0]["status"] == 200
    chunks = [m["body"] for m in messages[1:] if m.get("body")]
    assert len(chunks) > 10  # sent as it is read, not built whole first
    assert all(m["more_body"] for m in messages[1:-1])
    _header, *rows = csv_rows(b"".join(chunks))
    assert len(rows) == count + 4
    assert [row[0] for row in rows] == [str(n) for n in range(1, count + 5)]
    assert [row[1] for row in rows] == sorted(row[1] for row in rows)


@pytest.fixture
async def listed_url(database: Database, settings: Settings) -> str:
    await lists_jinan(database, settings.files_dir)
    return database.url


def test_the_cli_writes_a_list_as_xlsx_and_csv(
    listed_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("YICHUANG_DATABASE_URL", listed_url)
    monkeypatch.chdir(tmp_path)

    xlsx = runner.invoke(
        cli,
        ["export-list", "fee-list", "--format", "xlsx", "--region", "370102", "-o", "fees.xlsx"],
    )
    trips = runner.invoke(cli, ["export-list", "trip-list", "--format", "csv", "--max-trips", "0"])
    bad = runner.invoke(cli, ["export-list", "trip-list", "--max-trips", "2"])

    assert xlsx.exit_code == 0, xlsx.output
    header, *rows = xlsx_rows((tmp_path / "fees.xlsx").read_bytes())
    assert header[2] == "项目名称" and [row[2] for row in rows] == ["不动产登记费（住宅）"]
    assert trips.exit_code == 0, trips.output
    header, *rows = csv_rows((tmp_path / f"零跑腿事项清单_{TODAY}.csv").read_bytes())
    assert len(rows) == 2 and "已导出 2 行" in trips.output.replace("\n", "")
    assert bad.exit_code == 1 and "maxTrips" in bad.output
    assert not list(tmp_path.glob("*.partial"))

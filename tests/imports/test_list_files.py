"""An exported public list, edited in a spreadsheet and imported again: only the edited cells
change their fields, read-only columns say where they are kept, and an unedited list changes
nothing."""

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from catalog_api.auth import Principal, Role
from catalog_api.catalog.imports.list_files import LIST_FILES
from catalog_api.catalog.imports.plan import Outcome
from catalog_api.catalog.kinds import FEE_ITEM, INTERMEDIARY_SERVICE, SERVICE_ITEM
from catalog_api.catalog.public_lists import ListRequest
from catalog_api.catalog.queries.lists import ListFilter, ListName
from catalog_api.db import Database
from catalog_api.exports import csv_chunks, write_xlsx
from models.base import utc_now
from models.enums import VersionStatus
from tests.api.lists_scenario import ListsJinan, lists_jinan
from tests.factories import update_and_publish, versions_of
from tests.imports.helpers import errors, outcomes, run

LIXIA = "370102"


@pytest.fixture
async def world(database: Database, tmp_path: Path) -> ListsJinan:
    return await lists_jinan(database, tmp_path / "files")


async def exported(
    database: Database, tmp_path: Path, name: ListName, suffix: str = "xlsx", **extra: Any
) -> Path:
    request = ListRequest(name, ListFilter(region_code=LIXIA), utc_now(), **extra)
    path = tmp_path / f"{name.value}.{suffix}"
    if suffix == "xlsx":
        await write_xlsx(database, request, path)
    else:
        path.write_bytes(b"".join([chunk async for chunk in csv_chunks(database, request)]))
    return path


def edit_xlsx(path: Path, code: str, changes: dict[str, Any]) -> Path:
    """What a person does in a spreadsheet program: find the row by its code, retype cells."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[1].value == code:
            for title, value in changes.items():
                row[header.index(title)].value = value
    workbook.save(path)
    return path


async def fee_list_edited(
    database: Database, tmp_path: Path, world: ListsJinan, changes: dict[str, Any]
) -> Path:
    return edit_xlsx(await exported(database, tmp_path, ListName.FEE), world.fee.code, changes)


def row_of(path: Path, code: str) -> int:
    return int(cell_of(path, code, "序号")[1:])


def cell_of(path: Path, code: str, title: str) -> str:
    sheet = openpyxl.load_workbook(path).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    column = openpyxl.utils.get_column_letter(header.index(title) + 1)
    for row in sheet.iter_rows(min_row=2):
        if row[1].value == code:
            return f"{column}{row[1].row}"
    raise AssertionError(f"{code} not in {path}")


async def head_content(database: Database, kind: Any, record: Any) -> tuple[VersionStatus, dict]:
    versions = await versions_of(database, kind, record.id)
    return versions[-1].status, versions[-1].content


@pytest.mark.parametrize("name", list(ListName))
async def test_an_unedited_list_changes_nothing(
    database: Database, world: ListsJinan, tmp_path: Path, name: ListName
) -> None:
    extra = {"max_trips": 1} if name is ListName.TRIP else {}
    for suffix in ("xlsx", "csv"):
        path = await exported(database, tmp_path, name, suffix, **extra)

        report = await run(database, path, name.value)

        assert report.ok, errors(report)
        assert report.rows and {row.outcome for row in report.rows} == {Outcome.UNCHANGED}
        assert not report.written


async def test_an_edited_fee_standard_is_a_dry_run_diff_then_a_draft(
    database: Database, world: ListsJinan, tmp_path: Path
) -> None:
    path = await fee_list_edited(
        database,
        tmp_path,
        world,
        {"征收标准": "住宅类不动产登记每件60元", "备注": "2027年1月1日起执行"},
    )

    dry = await run(database, path, "fee-list", dry_run=True)

    assert outcomes(dry) == [(2, Outcome.CHANGED)]
    changed = {change.path: (change.before, change.after) for change in dry.rows[0].changes}
    assert changed == {
        ("standard", "text"): ("住宅类不动产登记每件80元", "住宅类不动产登记每件60元"),
        ("standard", "amount"): ("80.00", "60"),
        ("note",): (None, "2027年1月1日起执行"),
    }
    status, _ = await head_content(database, FEE_ITEM, world.fee)
    assert status is VersionStatus.PUBLISHED  # a dry run writes nothing

    report = await run(database, path, "fee-list")

    assert outcomes(report) == [(2, Outcome.CHANGED)] and report.written
    status, content = await head_content(database, FEE_ITEM, world.fee)
    assert status is VersionStatus.DRAFT
    assert content["standard"] == {
        "text": "住宅类不动产登记每件60元",
        "amount": "60",
        "unit": "元/件",
    }
    assert content["basis"][0]["document_number"] == "发改价格规〔2016〕2559号"  # untouched
    again = await run(database, path, "fee-list")
    assert outcomes(again) == [(2, Outcome.UNCHANGED)] and not again.written


async def test_a_trip_list_edit_lands_on_the_items_fields(
    database: Database, world: ListsJinan, tmp_path: Path
) -> None:
    code = world.library_item.code
    path = edit_xlsx(
        await exported(database, tmp_path, ListName.TRIP, max_trips=1),
        code,
        {
            "到办事现场次数": 1,
            "必须现场办理原因": "需现场采集读者照片",
            "承诺办结时限": "3个工作日",
            "网上办理深度": "全程网办",
            "咨询电话": "0531-86011234",
        },
    )

    report = await run(database, path, "trip-list")

    assert report.ok, errors(report)
    _, content = await head_content(database, SERVICE_ITEM, world.library_item)
    assert content["onsite_visits"] == 1
    assert content["onsite_visits_reason"] == "需现场采集读者照片"
    assert content["promised_time_limit"]["value"] == 3
    assert content["online_depth"] == "4"
    assert content["consult_phone"] == "0531-86011234"
    assert content["address"] == "济南市历下区文化东路59号"  # not edited


async def test_power_list_duties_and_the_supervision_phone(
    database: Database, world: ListsJinan, tmp_path: Path
) -> None:
    code = world.charging_item.code
    path = edit_xlsx(
        await exported(database, tmp_path, ListName.POWER),
        code,
        {
            "责任事项": "受理：依法受理或不予受理，并一次性告知\n决定：作出征收决定并送达",
            "追责情形": "1. 对符合条件的申请不予受理的\n2. 违法收费的",
            "监督电话": "0531-12345",
        },
    )

    report = await run(database, path, "power-list")

    assert report.ok, errors(report)
    _, content = await head_content(database, SERVICE_ITEM, world.charging_item)
    duties = content["responsibilities"]
    assert duties["steps"] == [
        {"step": "受理", "duty": "依法受理或不予受理，并一次性告知"},
        {"step": "决定", "duty": "作出征收决定并送达"},
    ]
    assert duties["accountability"] == ["对符合条件的申请不予受理的", "违法收费的"]
    assert duties["supervision_phone"] == "0531-12345"


async def test_intermediary_codes_read_by_their_chinese_label(
    database: Database, world: ListsJinan, tmp_path: Path
) -> None:
    path = edit_xlsx(
        await exported(database, tmp_path, ListName.INTERMEDIARY),
        world.intermediary.code,
        {
            "收费方式": "不收费",
            "设定依据": "《中华人民共和国城乡规划法》第四十条\n"
            "《建设工程勘察设计管理条例》第二十一条（国务院令第293号）",
        },
    )

    report = await run(database, path, "intermediary-list")

    assert report.ok, errors(report)
    _, content = await head_content(database, INTERMEDIARY_SERVICE, world.intermediary)
    assert content["charging"] == "0"
    assert content["basis"][1] == {
        "title": "《建设工程勘察设计管理条例》",
        "article": "第二十一条",
        "document_number": "国务院令第293号",
    }


async def test_read_only_columns_and_bad_cells_reject_the_row_with_their_cell(
    database: Database, world: ListsJinan, tmp_path: Path
) -> None:
    code = world.library_item.code
    path = edit_xlsx(
        await exported(database, tmp_path, ListName.TRIP, max_trips=1),
        code,
        {"事项名称": "图书馆借书证", "承诺办结时限": "五天", "到办事现场次数": "一次"},
    )

    report = await run(database, path, "trip-list")

    name, limit, visits = (
        cell_of(path, code, title) for title in ("事项名称", "承诺办结时限", "到办事现场次数")
    )
    number = row_of(path, code)
    assert dict(outcomes(report))[number] is Outcome.REJECTED and not report.written
    assert errors(report) == {
        number: [
            f"{name} 事项名称：此列不能在清单中修改"
            "（来自基本目录事项：由目录管理员在基本目录中修改）"
        ]
    }
    fixed = edit_xlsx(path, code, {"事项名称": "公共图书馆读者证办理"})
    report = await run(database, fixed, "trip-list")
    assert errors(report) == {
        number: [
            f"{visits} 到办事现场次数：应为整数：一次",
            f"{limit} 承诺办结时限：应写成“5个工作日”“3个小时”“即办”等：五天",
        ]
    }


@pytest.mark.parametrize("text", ["每件80元，每增加一本证书加收10元", "每件100–500元，加收10元"])
async def test_a_standard_with_several_amounts_is_not_guessed(
    database: Database, world: ListsJinan, tmp_path: Path, text: str
) -> None:
    path = await fee_list_edited(database, tmp_path, world, {"征收标准": text})

    report = await run(database, path, "fee-list")

    ref = cell_of(path, world.fee.code, "征收标准")
    assert errors(report)[2] == [
        f"{ref} 征收标准：含多个金额，无法确定收费金额："
        "请在收费项目模板（fee-items）的收费标准列中分别填写"
    ]


async def test_a_code_not_on_any_published_list_cannot_be_created_from_a_list(
    database: Database, world: ListsJinan, tmp_path: Path
) -> None:
    path = await fee_list_edited(database, tmp_path, world, {"收费项目编码": "SF370102999"})

    report = await run(database, path, "fee-list")

    assert errors(report)[2] == [
        "B2 收费项目编码：SF370102999 不在当前公布的行政事业性收费清单记录中（未发布或已撤销）；"
        "新建请用 fee-items 模板导入"
    ]


async def test_an_editor_edits_only_the_agencies_in_scope(
    database: Database, world: ListsJinan, tmp_path: Path
) -> None:
    path = await fee_list_edited(
        database, tmp_path, world, {"征收对象": "申请住宅类不动产登记的权利人（含共有人）"}
    )
    elsewhere = Principal(
        "editor@shizhong", roles=frozenset({Role.EDITOR}), regions=frozenset({"370103"})
    )
    district = Principal("editor@lixia", roles=frozenset({Role.EDITOR}), regions=frozenset({LIXIA}))

    refused = await run(database, path, "fee-list", elsewhere)
    accepted = await run(database, path, "fee-list", district)

    assert outcomes(refused) == [(2, Outcome.REJECTED)]
    assert "无权导入" in errors(refused)[2][0]
    assert outcomes(accepted) == [(2, Outcome.CHANGED)] and accepted.written


async def test_a_list_is_imported_from_the_exported_formats_only(
    database: Database, world: ListsJinan, tmp_path: Path
) -> None:
    path = tmp_path / "fee-list.jsonl"
    path.write_text('{"code": "SF370102001"}\n', encoding="utf-8")

    report = await run(database, path, "fee-list")

    assert report.file_error == "行政事业性收费清单应为导出的 .xlsx 或 .csv 文件"


def test_every_list_column_is_read_back_or_read_only() -> None:
    for list_file in LIST_FILES.values():
        assert list_file.template.by_header.keys() == set(list_file.headers)


@pytest.mark.parametrize(
    ("text", "standard"),
    [
        ("每件60元", {"text": "每件60元", "amount": "60", "unit": "元/件"}),
        ("每件50.5元", {"text": "每件50.5元", "amount": "50.5", "unit": "元/件"}),
        (
            "按面积分档，每件100–500元",
            {
                "text": "按面积分档，每件100–500元",
                "min_amount": "100",
                "max_amount": "500",
                "unit": "元/件",
            },
        ),
        (
            "每件100元至500元",
            {"text": "每件100元至500元", "min_amount": "100", "max_amount": "500", "unit": "元/件"},
        ),
        ("按省定标准执行", {"text": "按省定标准执行", "unit": "元/件"}),
        ("每次1-2本，按省定标准执行", {"text": "每次1-2本，按省定标准执行", "unit": "元/件"}),
    ],
)
def test_the_fee_standard_amount_is_read_from_its_text(text: str, standard: dict) -> None:
    (column,) = [c for c in LIST_FILES["fee-list"].columns if c.header == "征收标准"]
    content = {"standard": {"text": "每件80元", "amount": "80.00", "unit": "元/件"}}

    assert column.apply is not None
    column.apply(content, text)

    assert content["standard"] == standard


async def test_a_row_published_anew_since_the_export_is_stale(
    database: Database, world: ListsJinan, tmp_path: Path
) -> None:
    exported_xlsx = await exported(database, tmp_path, ListName.FEE)
    exported_csv = await exported(database, tmp_path, ListName.FEE, "csv")
    await update_and_publish(database, FEE_ITEM, world.fee, payer="不动产登记申请人")
    path = edit_xlsx(exported_xlsx, world.fee.code, {"备注": "按件收取"})

    report = await run(database, path, "fee-list", dry_run=True)

    (message,) = errors(report)[2]
    assert message.startswith(f"B2 收费项目编码：{world.fee.code} 在导出（")
    assert message.endswith("文件中的内容已过时：请重新导出清单后再修改")
    # a CSV file cannot say when it was exported: its cells are compared with today's list,
    # and the dry run shows the old 征收对象 it would put back
    csv_report = await run(database, exported_csv, "fee-list", dry_run=True)
    (change,) = csv_report.rows[0].changes
    assert (change.path, change.after) == (("payer",), "申请住宅类不动产登记的权利人")

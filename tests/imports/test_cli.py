"""`yichuang import`, `export-kind` and `import-template` from the command line."""

import asyncio
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner, Result

from catalog_api.cli import app
from catalog_api.db import Database
from catalog_api.migrate import upgrade
from tests.api.lists_scenario import ListsJinan, lists_jinan
from tests.imports.helpers import write_csv

runner = CliRunner()


def said(result: Result) -> str:
    return result.output.replace("\n", "")


def test_a_blank_template_has_the_headers_and_a_sheet_describing_them(tmp_path: Path) -> None:
    path = tmp_path / "service-items.xlsx"

    result = runner.invoke(app, ["import-template", "service-items", "-o", str(path)])

    assert result.exit_code == 0, result.output
    workbook = openpyxl.load_workbook(path, read_only=True)
    header = next(workbook.worksheets[0].iter_rows(values_only=True))
    assert header[:4] == ("实施编码", "基本编码", "实施主体统一社会信用代码", "行使层级")
    assert workbook.sheetnames == ["实施清单事项", "填写说明"]
    workbook.close()


def test_an_unknown_kind_is_refused(tmp_path: Path) -> None:
    result = runner.invoke(app, ["import-template", "items", "-o", str(tmp_path / "x.xlsx")])

    assert result.exit_code == 1
    assert "未知的类别：items" in said(result)


def test_import_prints_the_plan_and_a_summary_and_fails_on_a_rejected_row(
    empty_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YICHUANG_DATABASE_URL", empty_database_url)
    assert runner.invoke(app, ["migrate"]).exit_code == 0
    first = write_csv(
        tmp_path / "first.csv", [["基本编码", "事项名称"], ["370166601000", "旧名称"]]
    )
    created = runner.invoke(app, ["import", str(first), "--kind", "catalog-items"])
    path = write_csv(
        tmp_path / "catalog.csv",
        [["基本编码", "事项名称"], ["370166601000", "新名称"], ["370166602000", ""]],
    )

    dry = runner.invoke(app, ["import", str(path), "--kind", "catalog-items", "--dry-run"])

    assert created.exit_code == 0, created.output
    assert "导入完成：新建 1，修改 0，无变化 0，拒绝 0" in said(created)
    assert dry.exit_code == 1
    assert "第2行 370166601000 修改" in said(dry)
    assert 'name："旧名称" → "新名称"' in said(dry)
    assert "第3行 370166602000 拒绝" in said(dry)
    assert "B3 事项名称：必填，不能为空" in said(dry)
    assert "试运行（未写入）：新建 0，修改 1，无变化 0，拒绝 1" in said(dry)


def test_export_then_import_changes_nothing(
    empty_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YICHUANG_DATABASE_URL", empty_database_url)
    assert runner.invoke(app, ["migrate"]).exit_code == 0
    first = write_csv(tmp_path / "first.csv", [["基本编码", "事项名称"], ["370166601000", "甲"]])
    assert runner.invoke(app, ["import", str(first), "--kind", "catalog-items"]).exit_code == 0
    path = tmp_path / "catalog.jsonl"

    exported = runner.invoke(app, ["export-kind", "catalog-items", "-o", str(path)])
    imported = runner.invoke(app, ["import", str(path), "--kind", "catalog-items"])

    assert exported.exit_code == 0, exported.output
    assert "已导出 1 条基本目录事项" in said(exported)
    assert imported.exit_code == 0, imported.output
    assert "未写入任何内容：新建 0，修改 0，无变化 1，拒绝 0" in said(imported)


def test_import_reports_an_unreachable_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YICHUANG_DATABASE_URL", "postgresql+asyncpg://nobody@127.0.0.1:1/nowhere")
    path = write_csv(tmp_path / "c.csv", [["基本编码", "事项名称"], ["370166601000", "甲"]])

    result = runner.invoke(app, ["import", str(path), "--kind", "catalog-items"])

    assert result.exit_code == 1
    assert "导入失败" in said(result)


async def _lists_world(url: str, files: Path) -> ListsJinan:
    await upgrade(url)
    database = Database(url)
    try:
        return await lists_jinan(database, files)
    finally:
        await database.dispose()


def test_an_exported_list_edited_imports_back_from_the_command_line(
    empty_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YICHUANG_DATABASE_URL", empty_database_url)
    world = asyncio.run(_lists_world(empty_database_url, tmp_path / "files"))
    path = tmp_path / "收费清单.xlsx"
    exported = runner.invoke(
        app, ["export-list", "fee-list", "--format", "xlsx", "--region", "370102", "-o", str(path)]
    )
    workbook = openpyxl.load_workbook(path)
    workbook.worksheets[0]["E2"] = "申请不动产登记的权利人"  # 征收对象
    workbook.save(path)

    dry = runner.invoke(app, ["import", str(path), "--kind", "fee-list", "--dry-run"])
    real = runner.invoke(app, ["import", str(path), "--kind", "fee-list"])

    assert exported.exit_code == 0, exported.output
    assert dry.exit_code == 0, dry.output
    assert f"第2行 {world.fee.code} 修改" in said(dry)
    assert 'payer："申请住宅类不动产登记的权利人" → "申请不动产登记的权利人"' in said(dry)
    assert real.exit_code == 0, real.output
    assert "导入完成：新建 0，修改 1，无变化 0，拒绝 0" in said(real)

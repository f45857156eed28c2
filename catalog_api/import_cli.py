"""`yichuang import`, `export-kind` and `import-template`: the catalog in spreadsheet templates.

The command line speaks for whoever may run it against the database, like `yichuang seed`: it
acts as a catalog administrator named by `--actor` (recorded as author and publisher).
"""

import asyncio
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from catalog_api.auth import Principal, Role
from catalog_api.catalog.imports.export import export_rows
from catalog_api.catalog.imports.importer import ImportReport, Options, RowReport, run_import
from catalog_api.catalog.imports.importer import Progress as ImportProgress
from catalog_api.catalog.imports.list_files import LIST_FILES
from catalog_api.catalog.imports.plan import Outcome
from catalog_api.catalog.imports.readers import FORMATS
from catalog_api.catalog.imports.templates import TEMPLATES
from catalog_api.catalog.imports.writer import write_file
from catalog_api.db import Database
from catalog_api.settings import Settings
from models.diff import FieldChange

console = Console()
err = Console(stderr=True)
KIND_HELP = "Kind: " + ", ".join(TEMPLATES)
IMPORT_HELP = KIND_HELP + "; or an exported public list: " + ", ".join(LIST_FILES)
_LABELS = {
    Outcome.CREATED: "新建",
    Outcome.CHANGED: "修改",
    Outcome.UNCHANGED: "无变化",
    Outcome.REJECTED: "拒绝",
}


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]错误：[/]{message}", highlight=False)
    return typer.Exit(code=1)


def _kind(kind: str, *, lists: bool = False) -> str:
    known = [*TEMPLATES, *LIST_FILES] if lists else list(TEMPLATES)
    if kind not in known:
        raise _fail(f"未知的类别：{kind}（可用：{'、'.join(known)}）")
    return kind


def _format(fmt: str | None, path: Path) -> str:
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise _fail(f"未知的格式：{fmt}（可用：{'、'.join(FORMATS)}）")
    return fmt


def import_file(
    file: Annotated[Path, typer.Argument(help="An .xlsx, .csv or .jsonl file.")],
    kind: Annotated[str, typer.Option(help=IMPORT_HELP)],
    dry_run: Annotated[bool, typer.Option(help="Report what would happen; write nothing.")] = False,
    publish: Annotated[bool, typer.Option(help="Submit and publish each written row.")] = False,
    atomic: Annotated[bool, typer.Option(help="All rows in one transaction, or none.")] = False,
    actor: Annotated[str, typer.Option(help="Who imports (author and publisher).")] = "import-cli",
) -> None:
    """Import catalog items, service items, fee items or intermediary services, or a public list
    exported and edited (docs/import.md). Exits non-zero when the file or any row is rejected."""
    _kind(kind, lists=True)
    if not file.is_file():
        raise _fail(f"文件不存在：{file}")
    settings = Settings()
    principal = Principal(subject=actor, roles=frozenset({Role.CATALOG_ADMIN}))
    options = Options(dry_run, publish, atomic, settings.import_max_bytes)
    try:
        report = asyncio.run(_import(settings, file, kind, principal, options))
    except Exception as exc:
        raise _fail(f"导入失败：{exc}（是否已运行 yichuang migrate？）") from exc
    _print(report)
    if not report.ok:
        raise typer.Exit(code=1)


class _Bar(ImportProgress):
    def __init__(self, bar: Progress) -> None:
        self.bar = bar
        self.task = bar.add_task("导入", total=None)

    def start(self, total: int) -> None:
        self.bar.update(self.task, total=total)

    def advance(self) -> None:
        self.bar.advance(self.task)


async def _import(
    settings: Settings, file: Path, kind: str, principal: Principal, options: Options
) -> ImportReport:
    database = Database(settings.database_url)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    try:
        with Progress(*columns, TimeElapsedColumn(), console=console, transient=True) as bar:
            return await run_import(database, file, kind, principal, options, _Bar(bar))
    finally:
        await database.dispose()


def _print(report: ImportReport) -> None:
    if report.file_error is not None:
        err.print(f"[bold red]文件被拒绝：[/]{report.file_error}", highlight=False)
        return
    for row in report.rows:
        if report.dry_run or row.outcome is Outcome.REJECTED:
            _print_row(row)
    counts = "，".join(f"{_LABELS[o]} {report.count(o)}" for o in Outcome)
    if report.dry_run:
        console.print(f"试运行（未写入）：{counts}", highlight=False)
    elif report.written:
        console.print(f"导入完成：{counts}", highlight=False)
    else:
        console.print(f"未写入任何内容：{counts}", highlight=False)


def _print_row(row: RowReport) -> None:
    console.print(f"第{row.number}行 {row.code or ''} {_LABELS[row.outcome]}", highlight=False)
    for error in row.errors:
        console.print(f"  {error}", highlight=False, soft_wrap=True)
    if row.outcome is Outcome.CHANGED:
        for change in row.changes:
            console.print(f"  {_change(change)}", highlight=False, soft_wrap=True)


def _change(change: FieldChange) -> str:
    path = ".".join(change.path)
    before, after = (
        json.dumps(value, ensure_ascii=False) if value is not None else "（无）"
        for value in (change.before, change.after)
    )
    return f"{path}：{before} → {after}"


def export_kind(
    kind: Annotated[str, typer.Argument(help=KIND_HELP)],
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
    fmt: Annotated[
        str | None, typer.Option("--format", help="xlsx, csv or jsonl (default: by suffix).")
    ] = None,
) -> None:
    """Write every record of a kind in its import template (its current content)."""
    _kind(kind)
    fmt = _format(fmt, output)
    try:
        rows = asyncio.run(_export(Settings(), kind))
        count = write_file(output, fmt, TEMPLATES[kind], rows)
    except Exception as exc:
        raise _fail(f"导出失败：{exc}") from exc
    console.print(f"已导出 {count} 条{TEMPLATES[kind].title}：{output}", highlight=False)


async def _export(settings: Settings, kind: str) -> list[dict[str, object]]:
    database = Database(settings.database_url)
    try:
        async with database.read() as session:
            return await export_rows(session, kind)
    finally:
        await database.dispose()


def import_template(
    kind: Annotated[str, typer.Argument(help=KIND_HELP)],
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
    fmt: Annotated[
        str | None, typer.Option("--format", help="xlsx, csv or jsonl (default: by suffix).")
    ] = None,
) -> None:
    """Write a blank template of a kind (XLSX: with a sheet describing every column)."""
    _kind(kind)
    write_file(output, _format(fmt, output), TEMPLATES[kind], [])
    console.print(f"已写出{TEMPLATES[kind].title}空白模板：{output}", highlight=False)

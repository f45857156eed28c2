"""Files to raw rows: XLSX (openpyxl, read-only), CSV (UTF-8 with or without BOM, else
GB18030) and JSON Lines. Whole-file problems (too large, unreadable, wrong headers, merged
cells) are one `ImportFileError` before any row is read for real."""

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from catalog_api.catalog.imports.cells import blank, cell_ref
from catalog_api.catalog.imports.templates import Column, Template

FORMATS = ("xlsx", "csv", "jsonl")
_MERGE_TAG = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}mergeCell"


class ImportFileError(Exception):
    """The file as a whole cannot be imported; nothing of it is."""


@dataclass
class RawRow:
    """One data row: its number (the spreadsheet row, or the line of a JSON Lines file) and, per
    column key, the cell reference and the raw value of each non-blank cell."""

    number: int
    cells: dict[str, tuple[str, Any]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # cells outside every column, bad lines


def format_of(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("jsonl", "ndjson"):
        return "jsonl"
    if suffix in FORMATS:
        return suffix
    raise ImportFileError(f"不支持的文件类型“{path.suffix}”：请使用 .xlsx、.csv 或 .jsonl")


@dataclass
class Sheet:
    """A file's rows, read afresh from the file by each `rows()` (an import reads it once for
    the codes, then a batch at a time, so it never holds the whole file's rows), and where each
    column is (`C`), for references to blank cells."""

    read: Callable[[], Iterator[RawRow]]
    letters: dict[str, str] = field(default_factory=dict)
    properties: dict[str, str] = field(default_factory=dict)  # an XLSX file's custom properties

    def rows(self) -> Iterator[RawRow]:
        """Whole-file problems (headers, merged cells, encoding) raise before the first row."""
        return self.read()

    def ref(self, key: str, number: int) -> str:
        letter = self.letters.get(key)
        return f"{letter}{number}" if letter else f"第{number}行 {key}"


def read_rows(path: Path, template: Template, max_bytes: int) -> Sheet:
    size = path.stat().st_size
    if size > max_bytes:
        raise ImportFileError(
            f"文件 {size / 1048576:.1f} MB，超过导入上限 {max_bytes / 1048576:.0f} MB；"
            "请分成几个文件导入"
        )
    kind = format_of(path)
    sheet = Sheet(lambda: iter(()))
    if kind == "xlsx":
        sheet.read = lambda: _xlsx_rows(path, template, sheet)
    elif kind == "csv":
        sheet.read = lambda: _table_rows(_csv_lines(path), template, sheet.letters)
    else:
        sheet.read = lambda: _jsonl_rows(path, template)
    return sheet


def _xlsx_rows(path: Path, template: Template, into: Sheet) -> Iterator[RawRow]:
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise ImportFileError(f"无法读取 XLSX 文件：{exc}") from None
    try:
        sheet = workbook.worksheets[0]
        merged = _merged_ranges(workbook, sheet)
        if merged:
            raise ImportFileError(
                f"工作表“{sheet.title}”含合并单元格 {'、'.join(merged[:10])}："
                "请取消合并、每格填写完整后再导入"
            )
        into.properties = {p.name: str(p.value) for p in workbook.custom_doc_props.props}
        yield from _table_rows(sheet.iter_rows(values_only=True), template, into.letters)
    finally:
        workbook.close()


def _merged_ranges(workbook: Any, sheet: Any) -> list[str]:
    """Read-only worksheets do not load merged cells: find them in the sheet's XML."""
    ranges = []
    with workbook._archive.open(sheet._worksheet_path) as xml:
        for _, element in ElementTree.iterparse(xml):
            if element.tag == _MERGE_TAG:
                ranges.append(element.get("ref", ""))
            element.clear()
    return ranges


def _csv_lines(path: Path) -> Iterator[list[str]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise ImportFileError("CSV 文件既不是 UTF-8 也不是 GB18030 编码") from None
    try:
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error as exc:
        raise ImportFileError(f"CSV 格式错误：{exc}") from None


def _table_rows(lines: Any, template: Template, letters: dict[str, str]) -> Iterator[RawRow]:
    iterator = iter(lines)
    header = next(iterator, None)
    if header is None:
        raise ImportFileError("文件是空的：第1行应为表头")
    columns = _columns_of(list(header), template)
    letters.update({column.key: cell_ref(index, 1)[:-1] for index, column in columns.items()})
    for offset, values in enumerate(iterator):
        number = offset + 2
        row = RawRow(number)
        for index, value in enumerate(values):
            if blank(value):
                continue
            column = columns.get(index)
            if column is None:
                row.problems.append(f"{cell_ref(index, number)}：此列没有表头，内容无法导入")
                continue
            row.cells[column.key] = (cell_ref(index, number), value)
        if row.cells or row.problems:
            yield row


def _columns_of(header: list[Any], template: Template) -> dict[int, Column]:
    """Columns by position, from the header row; wrong, repeated or missing headers stop here."""
    known = template.by_header
    columns: dict[int, Column] = {}
    problems = []
    seen: dict[str, str] = {}
    for index, value in enumerate(header):
        if blank(value):
            continue
        name = "".join(str(value).split()).lstrip("*")
        ref = cell_ref(index, 1)
        if name not in known:
            problems.append(f"{ref}“{value}”不是{template.title}模板的列")
        elif name in seen:
            problems.append(f"{ref}“{name}”与{seen[name]}重复")
        else:
            seen[name] = ref
            columns[index] = known[name]
    missing = [c.header for c in template.columns if c.required and c.header not in seen]
    if missing:
        problems.append(f"缺少必填列：{'、'.join(missing)}")
    if problems:
        raise ImportFileError(
            "表头与模板不符（" + "；".join(problems) + f"）。可用 yichuang import-template "
            f"{template.slug} 下载空白模板"
        )
    return columns


def _jsonl_rows(path: Path, template: Template) -> Iterator[RawRow]:
    keys = template.by_key
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError("JSON Lines 文件应为 UTF-8 编码") from None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        row = RawRow(number)
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            row.problems.append(f"第{number}行不是有效的 JSON（{exc.msg}）")
            yield row
            continue
        if not isinstance(data, dict):
            row.problems.append(f"第{number}行应为一个 JSON 对象")
            yield row
            continue
        for key, value in data.items():
            if key not in keys:
                row.problems.append(f"第{number}行：{key} 不是{template.title}模板的字段")
            elif not blank(value):
                row.cells[key] = (f"第{number}行 {key}", value)
        yield row

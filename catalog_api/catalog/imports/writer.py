"""Write rows in a template as XLSX, CSV or JSON Lines; a blank template is the header alone
(and, in XLSX, a second sheet 填写说明 describing every column)."""

import csv
import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from catalog_api.catalog.imports.cells import write_cell
from catalog_api.catalog.imports.templates import Template


def write_file(path: Path, fmt: str, template: Template, rows: Iterable[dict[str, Any]]) -> int:
    """Returns the number of rows written."""
    if fmt == "xlsx":
        return _xlsx(path, template, rows)
    if fmt == "csv":
        return _csv(path, template, rows)
    if fmt == "jsonl":
        return _jsonl(path, template, rows)
    raise ValueError(f"unknown format {fmt}")


def _xlsx(path: Path, template: Template, rows: Iterable[dict[str, Any]]) -> int:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(template.title)
    sheet.append([column.header for column in template.columns])
    count = 0
    for row in rows:
        sheet.append([write_cell(column, row.get(column.key)) for column in template.columns])
        count += 1
    guide = workbook.create_sheet("填写说明")
    guide.append(["列", "表头", "JSON Lines 键", "必填", "格式", "说明"])
    for index, column in enumerate(template.columns):
        guide.append(
            [
                index + 1,
                column.header,
                column.key,
                "是" if column.required else "否",
                column.type.value,
                column.meaning,
            ]
        )
    workbook.save(path)
    return count


def _csv(path: Path, template: Template, rows: Iterable[dict[str, Any]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file)
        writer.writerow([column.header for column in template.columns])
        for row in rows:
            writer.writerow(
                [write_cell(column, row.get(column.key)) or "" for column in template.columns]
            )
            count += 1
    return count


def _jsonl(path: Path, template: Template, rows: Iterable[dict[str, Any]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as file:
        for row in rows:
            data = {
                column.key: _json_value(row[column.key])
                for column in template.columns
                if row.get(column.key) not in (None, [], {})
            }
            file.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")
            count += 1
    return count


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value

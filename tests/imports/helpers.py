"""Writing test files the way agencies do, and running an import as a catalog administrator."""

import csv
from pathlib import Path
from typing import Any

import openpyxl

from catalog_api.auth import Principal, Role
from catalog_api.catalog.imports.importer import ImportReport, Options, run_import
from catalog_api.catalog.imports.plan import Outcome
from catalog_api.db import Database

ADMIN = Principal(subject="admin@jinan", roles=frozenset({Role.CATALOG_ADMIN}))


def write_csv(path: Path, rows: list[list[Any]], encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as file:
        csv.writer(file).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[Any]], merge: str | None = None) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    if merge is not None:
        sheet.merge_cells(merge)
    workbook.save(path)
    return path


async def run(
    database: Database,
    path: Path,
    kind: str,
    principal: Principal = ADMIN,
    **options: Any,
) -> ImportReport:
    return await run_import(database, path, kind, principal, Options(**options))


def outcomes(report: ImportReport) -> list[tuple[int, Outcome]]:
    return [(row.number, row.outcome) for row in report.rows]


def errors(report: ImportReport) -> dict[int, list[str]]:
    return {row.number: row.errors for row in report.rows if row.errors}

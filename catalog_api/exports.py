"""The public lists as files: CSV (UTF-8 with a BOM, so Excel reads the Chinese) streamed row by
row, and XLSX written by openpyxl's write-only workbook to a temporary file and streamed back.
Served at `GET /export/{list}.{csv|xlsx}` and written by `yichuang export-list`."""

import asyncio
import csv
import io
import os
import tempfile
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Font
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse

from catalog_api.catalog import public_lists
from catalog_api.catalog.public_lists import AS_OF_PROPERTY, ListRequest
from catalog_api.catalog.queries.lists import (
    TRIP_LIMITS,
    ListFilter,
    ListName,
    UnknownRegion,
    ensure_region,
)
from catalog_api.db import Database
from models.base import utc_now
from models.codes import CodeError, normalise, validate_uscc
from models.enums import ItemType

CHINA = timezone(timedelta(hours=8), "CST")
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
CSV_BATCH = 200  # rows per chunk sent
XLSX_BATCH = 500  # rows appended per hop to the worker thread


class BadParameter(ValueError):
    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.message = message


@dataclass(frozen=True)
class Export:
    request: ListRequest
    file_format: str


def parse(list_name: str, file_format: str, params: Mapping[str, str]) -> Export:
    """Check every parameter before anything is read: a mistake is a 400, never a half file."""
    try:
        name = ListName(list_name)
    except ValueError:
        known = "、".join(n.value for n in ListName)
        raise BadParameter("list", f"没有清单 {list_name}，可选：{known}") from None
    if file_format not in FORMATS:
        raise BadParameter("format", f"不支持的格式 {file_format}，可选：csv、xlsx")
    where = ListFilter(
        region_code=normalise(params["region"]) if params.get("region") else None,
        agency_uscc=_uscc(params.get("agency")),
        item_types=_item_types(params.get("itemTypes")),
    )
    return Export(
        ListRequest(name, where, _as_of(params.get("asOf")), _max_trips(name, params)),
        file_format,
    )


def _uscc(raw: str | None) -> str | None:
    if not raw:
        return None
    try:
        return validate_uscc(raw)
    except CodeError as exc:
        raise BadParameter("agency", str(exc)) from None


def _item_types(raw: str | None) -> tuple[ItemType, ...]:
    if not raw:
        return ()
    found = []
    for code in raw.split(","):
        try:
            found.append(ItemType(code.strip()))
        except ValueError:
            raise BadParameter("itemTypes", f"未知的事项类型代码 {code}（如 01、20）") from None
    return tuple(found)


def _as_of(raw: str | None) -> datetime:
    if not raw:
        return utc_now()
    try:
        at = datetime.fromisoformat(raw)
    except ValueError:
        raise BadParameter("asOf", f"不是 ISO 8601 时间：{raw}") from None
    return at if at.tzinfo else at.replace(tzinfo=CHINA)


def _max_trips(name: ListName, params: Mapping[str, str]) -> int | None:
    raw = params.get("maxTrips")
    if name is not ListName.TRIP:
        return None
    if raw is None or raw.strip() not in {str(n) for n in TRIP_LIMITS}:
        raise BadParameter("maxTrips", "应为 0（零跑腿）或 1（最多跑一次）")
    return int(raw)


async def check(database: Database, export: Export) -> None:
    try:
        async with database.read() as session:
            await ensure_region(session, export.request.where.region_code)
    except UnknownRegion as exc:
        raise BadParameter("region", f"没有行政区划 {exc.args[0]}") from None


async def file_name(database: Database, export: Export) -> str:
    """历下区_行政事业性收费清单_2026-11-27.xlsx (the date of the moment read, Beijing time)."""
    request = export.request
    region = await public_lists.region_name(database, request.where.region_code)
    day = request.at.astimezone(CHINA).date().isoformat()
    parts = [region, request.title, day] if region else [request.title, day]
    return "_".join(parts) + f".{export.file_format}"


def content_disposition(name: str) -> str:
    """RFC 6266 with an RFC 5987 UTF-8 name, and a plain ASCII fallback for old clients."""
    fallback = name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


# --- CSV ------------------------------------------------------------------------------------------


async def csv_chunks(database: Database, request: ListRequest) -> AsyncIterator[bytes]:
    """The BOM and header first, then CSV_BATCH rows per chunk."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(request.headers)
    count = 0
    async for row in public_lists.rows(database, request):
        writer.writerow(row)
        count += 1
        if count % CSV_BATCH == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return data


# --- XLSX -----------------------------------------------------------------------------------------


async def write_xlsx(database: Database, request: ListRequest, path: Path) -> int:
    """Write the list to `path`; returns the number of rows. openpyxl's write-only sheet keeps
    rows on disk as they come; the appends and the save run off the event loop."""
    workbook = Workbook(write_only=True)
    # what the list shows is as of this moment: an import of the file edited checks against it
    workbook.custom_doc_props.append(
        StringProperty(name=AS_OF_PROPERTY, value=request.at.isoformat())
    )
    sheet = workbook.create_sheet(request.title[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for title in request.headers:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    batch: list[list[Any]] = []
    count = 0
    async for row in public_lists.rows(database, request):
        batch.append(row)
        count += 1
        if len(batch) >= XLSX_BATCH:
            await asyncio.to_thread(_append, sheet, batch)
            batch = []
    await asyncio.to_thread(_append, sheet, batch)
    await asyncio.to_thread(workbook.save, path)
    return count


def _append(sheet: Any, batch: list[list[Any]]) -> None:
    for row in batch:
        sheet.append(row)


# --- HTTP -----------------------------------------------------------------------------------------


def _error(exc: BadParameter) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": "BAD_REQUEST", "parameter": exc.parameter, "message": exc.message}},
        status_code=400,
        headers={"Cache-Control": "no-store"},
    )


def export_endpoint(database: Database):  # type: ignore[no-untyped-def]
    async def export(request: Request) -> Response:
        list_name, _, file_format = request.path_params["file"].rpartition(".")
        try:
            job = parse(list_name, file_format, request.query_params)
            await check(database, job)
        except BadParameter as exc:
            return _error(exc)
        headers = {
            "Content-Disposition": content_disposition(await file_name(database, job)),
            # a list is read as of the moment asked; each export reads it afresh
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        }
        if job.file_format == "csv":
            return StreamingResponse(
                csv_chunks(database, job.request), media_type=FORMATS["csv"], headers=headers
            )
        handle, name = tempfile.mkstemp(prefix="yichuang-export-", suffix=".xlsx")
        os.close(handle)
        path = Path(name)
        try:
            await write_xlsx(database, job.request, path)
        except BaseException:
            await asyncio.to_thread(path.unlink, missing_ok=True)
            raise
        return FileResponse(
            path,
            media_type=FORMATS["xlsx"],
            headers=headers,
            background=BackgroundTask(path.unlink, missing_ok=True),
        )

    return export

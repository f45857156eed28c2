"""`POST /import/{kind}`: the import over HTTP, for the staff who have no shell on the server;
`GET /import/{kind}/template.{xlsx|csv|jsonl}`: the blank template of a kind, for anyone.

The body is the file itself (XLSX, CSV or JSON Lines, named by `?format=` or by its
Content-Type); `?dryRun=true` reports without writing, `?atomic=true` writes all rows or none,
`?publish=true` is for catalog administrators. The caller signs in with a bearer token and each
row is checked against their scope, as in GraphQL. The answer is the import's report as JSON:
per row its outcome, its changes (a dry run's diff) and its errors with their cells.
"""

import asyncio
import os
import tempfile
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from catalog_api.auth import AuthError, Principal, Role, TokenVerifier, bearer_token
from catalog_api.catalog.imports.importer import ImportReport, Options, RowReport, run_import
from catalog_api.catalog.imports.list_files import LIST_FILES
from catalog_api.catalog.imports.plan import Outcome
from catalog_api.catalog.imports.templates import TEMPLATES, Template
from catalog_api.catalog.imports.writer import write_file
from catalog_api.db import Database
from catalog_api.exports import BadParameter, content_disposition
from catalog_api.settings import Settings

MEDIA_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "text/csv": "csv",
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
}
FORMAT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson",
}
NO_STORE = {"Cache-Control": "no-store"}


def _error(status: int, code: str, message: str, **extra: Any) -> JSONResponse:
    headers = dict(NO_STORE)
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="yichuang"'
    body = {"error": {"code": code, "message": message, **extra}}
    return JSONResponse(body, status_code=status, headers=headers)


def _flag(request: Request, name: str) -> bool:
    raw = request.query_params.get(name, "false").strip().lower()
    if raw not in ("true", "false", "1", "0"):
        raise BadParameter(name, f"{name} 应为 true 或 false：{raw}")
    return raw in ("true", "1")


def _format(request: Request) -> str:
    given = request.query_params.get("format")
    if given is None:
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        given = MEDIA_TYPES.get(media_type)
    if given not in ("xlsx", "csv", "jsonl"):
        raise BadParameter(
            "format", "请用 ?format=xlsx|csv|jsonl 或相应的 Content-Type 说明文件格式"
        )
    return given


def _options(request: Request, settings: Settings) -> Options:
    return Options(
        dry_run=_flag(request, "dryRun"),
        publish=_flag(request, "publish"),
        atomic=_flag(request, "atomic"),
        max_bytes=settings.import_max_bytes,
    )


def report_json(report: ImportReport) -> dict[str, Any]:
    return {
        "kind": report.kind,
        "dryRun": report.dry_run,
        "ok": report.ok,
        "written": report.written,
        "summary": {outcome.value: report.count(outcome) for outcome in Outcome},
        "rows": [_row_json(row) for row in report.rows],
    }


def _row_json(row: RowReport) -> dict[str, Any]:
    return {
        "row": row.number,
        "code": row.code,
        "outcome": row.outcome.value,
        "changes": [
            {
                "path": list(change.path),
                "kind": change.kind.value,
                "before": change.before,
                "after": change.after,
            }
            for change in row.changes
        ],
        "errors": row.errors,
    }


def import_endpoint(database: Database, settings: Settings):  # type: ignore[no-untyped-def]
    verifier = TokenVerifier(settings)

    async def principal_of(request: Request) -> Principal | None:
        token = bearer_token(request.headers.get("authorization"))
        return await verifier.verify(token) if token else None

    async def import_file(request: Request) -> Response:
        kind = request.path_params["kind"]
        try:
            principal = await principal_of(request)
        except AuthError as exc:
            return _error(401, exc.code, exc.message)
        if principal is None:
            return _error(
                401, "UNAUTHENTICATED", "导入需要登录：请在 Authorization 中提供 Bearer 令牌"
            )
        if not (principal.has(Role.EDITOR) or principal.has(Role.CATALOG_ADMIN)):
            return _error(403, "FORBIDDEN", "导入需要编辑或目录管理员角色")
        if kind not in TEMPLATES and kind not in LIST_FILES:
            known = "、".join([*TEMPLATES, *LIST_FILES])
            return _error(404, "NOT_FOUND", f"没有可导入的类别 {kind}，可选：{known}")
        try:
            suffix, options = _format(request), _options(request, settings)
        except BadParameter as exc:
            return _error(400, "BAD_REQUEST", exc.message, parameter=exc.parameter)
        path = await _spool(await request.body(), suffix)
        try:
            report = await run_import(database, path, kind, principal, options)
        finally:
            await asyncio.to_thread(path.unlink, missing_ok=True)
        if report.file_error is not None:
            return _error(422, "IMPORT_FILE_REJECTED", report.file_error)
        return JSONResponse(report_json(report), headers=NO_STORE)

    return import_file


def template_endpoint():  # type: ignore[no-untyped-def]
    async def template(request: Request) -> Response:
        kind, file_format = request.path_params["kind"], request.path_params["format"]
        if kind not in TEMPLATES:
            known = "、".join(TEMPLATES)
            return _error(404, "NOT_FOUND", f"没有导入模板 {kind}，可选：{known}")
        if file_format not in FORMAT_TYPES:
            return _error(404, "NOT_FOUND", f"不支持的格式 {file_format}，可选：xlsx、csv、jsonl")
        blank = TEMPLATES[kind]
        body = await asyncio.to_thread(_blank_template, blank, file_format)
        name = f"{blank.title}导入模板.{file_format}"
        headers = {
            "Content-Disposition": content_disposition(name),
            "Cache-Control": "public, max-age=3600",  # changes only with a new release
        }
        return Response(body, media_type=FORMAT_TYPES[file_format], headers=headers)

    return template


def _blank_template(template: Template, file_format: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="yichuang-template-") as folder:
        path = Path(folder) / f"template.{file_format}"
        write_file(path, file_format, template, [])
        return path.read_bytes()


async def _spool(body: bytes, suffix: str) -> Path:
    """The readers open files (openpyxl needs to seek): the body goes to a temporary one."""

    def write() -> Path:
        handle, name = tempfile.mkstemp(prefix="yichuang-import-", suffix=f".{suffix}")
        with os.fdopen(handle, "wb") as file:
            file.write(body)
        return Path(name)

    return await asyncio.to_thread(write)

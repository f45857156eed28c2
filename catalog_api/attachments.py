"""Content-addressed files (blank forms and samples): stored once, served by their hash."""

import re
from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from catalog_api.catalog.commands.store_attachment import blob_path
from catalog_api.catalog.queries.reference import attachments_by_sha
from catalog_api.db import Database

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def download_endpoint(database: Database, root: Path):  # type: ignore[no-untyped-def]
    async def download(request: Request) -> Response:
        sha256 = request.path_params["sha256"]
        if not _SHA256.match(sha256):
            raise HTTPException(404, "没有这个文件")
        async with database.read() as session:
            attachment = (await attachments_by_sha(session, [sha256])).get(sha256)
        path = blob_path(root, sha256)
        if attachment is None or not path.exists():
            raise HTTPException(404, "没有这个文件")
        return FileResponse(
            path,
            media_type=attachment.content_type,
            filename=attachment.file_name,
            headers={"Cache-Control": "public, max-age=31536000, immutable", "ETag": f'"{sha256}"'},
        )

    return download

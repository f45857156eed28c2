"""Store a blank form or sample once, under its content hash."""

import hashlib
from pathlib import Path

from catalog_api.db import Tx
from models import Attachment

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


def blob_path(root: Path, sha256: str) -> Path:
    return root / sha256[:2] / sha256[2:4] / sha256


async def store_attachment(
    tx: Tx, root: Path, *, data: bytes, file_name: str, content_type: str
) -> Attachment:
    """Idempotent: the same bytes give the same attachment. The file is written before the row
    commits; a rolled-back row leaves an unreferenced file, never a row without its file."""
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise ValueError(f"附件超过 {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB")
    sha256 = hashlib.sha256(data).hexdigest()
    path = blob_path(root, sha256)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part")
        partial.write_bytes(data)
        partial.replace(path)
    existing = await tx.session.get(Attachment, sha256)
    if existing is not None:
        return existing
    attachment = Attachment(
        sha256=sha256, file_name=file_name, content_type=content_type, size=len(data)
    )
    tx.session.add(attachment)
    await tx.session.flush()
    return attachment

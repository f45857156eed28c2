"""Patch the open draft of a record; fields absent from the patch stay as they were."""

import uuid
from typing import Any

from catalog_api.catalog import events, versions
from catalog_api.catalog.errors import invalid_state
from catalog_api.catalog.kinds import Kind
from catalog_api.db import Tx
from models.enums import ChangeAction, VersionStatus


async def update_draft(
    tx: Tx,
    kind: Kind,
    *,
    record_id: uuid.UUID,
    expected_lock_version: int,
    changes: dict[str, Any],
    actor: str | None,
    change_note: str | None = None,
) -> Any:
    """Apply `changes` to the draft, starting one from the latest published version if the
    record has none. Returns the draft version."""
    record = await versions.lock_record(tx, kind, record_id, expected_lock_version)
    draft = await versions.open_draft(tx.session, kind, record.id)
    if draft is not None and draft.status != VersionStatus.DRAFT:
        raise invalid_state("该版本正在审核中，退回后才能修改", "id")
    if draft is None:
        base = await versions.latest_published(tx.session, kind, record.id)
        if base is None:
            raise invalid_state("没有可修改的草稿或已发布版本", "id")
        number = await versions.next_number(tx.session, kind, record.id)
        draft = versions.new_version(
            kind,
            record,
            number,
            versions.parse_content(kind, base.content),
            author=actor,
            change_note=change_note,
        )
        tx.session.add(draft)
    merged = versions.parse_content(kind, {**draft.content, **changes}, "changes")
    versions.replace_content(kind, draft, merged)
    draft.author = actor or draft.author
    draft.change_note = change_note or draft.change_note
    versions.touch(record)
    await tx.session.flush()
    await events.record_change(
        tx, kind.name, record, draft, ChangeAction.DRAFT_UPDATED, actor=actor
    )
    return draft

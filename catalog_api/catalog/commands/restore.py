"""Restore any earlier version as a new draft (its content, a new number)."""

import uuid
from typing import Any

from catalog_api.catalog import events, versions
from catalog_api.catalog.errors import DomainError, ErrorCode, not_found
from catalog_api.catalog.kinds import Kind
from catalog_api.db import Tx
from models.enums import ChangeAction


async def restore(
    tx: Tx,
    kind: Kind,
    *,
    record_id: uuid.UUID,
    expected_lock_version: int,
    number: int,
    actor: str | None,
) -> Any:
    record = await versions.lock_record(tx, kind, record_id, expected_lock_version)
    source = await versions.version_by_number(tx.session, kind, record.id, number)
    if source is None:
        raise not_found(f"版本 {number} 不存在", "version_number")
    if await versions.open_draft(tx.session, kind, record.id) is not None:
        raise DomainError.one(ErrorCode.INVALID_STATE, "已有未发布的草稿，请先发布或丢弃它", "id")
    draft = versions.new_version(
        kind,
        record,
        await versions.next_number(tx.session, kind, record.id),
        versions.parse_content(kind, source.content),
        author=actor,
        change_note=f"恢复自第 {number} 版",
    )
    tx.session.add(draft)
    versions.touch(record)
    await tx.session.flush()
    await events.record_change(
        tx,
        kind.name,
        record,
        draft,
        ChangeAction.RESTORED,
        actor=actor,
        payload={"from_version": number},
    )
    return draft

"""Return a version under review to its editor as a draft, with the reviewer's reason."""

import uuid
from typing import Any

from catalog_api.catalog import events, versions
from catalog_api.catalog.errors import DomainError, ErrorCode, invalid_state
from catalog_api.catalog.kinds import Kind
from catalog_api.db import Tx
from models.enums import ChangeAction, VersionStatus


async def reject(
    tx: Tx,
    kind: Kind,
    *,
    record_id: uuid.UUID,
    expected_lock_version: int,
    reason: str,
    actor: str | None,
) -> Any:
    if not reason.strip():
        raise DomainError.one(ErrorCode.REQUIRED, "退回须说明原因", "reason")
    record = await versions.lock_record(tx, kind, record_id, expected_lock_version)
    draft = await versions.open_draft(tx.session, kind, record.id)
    if draft is None or draft.status != VersionStatus.IN_REVIEW:
        raise invalid_state("没有正在审核的版本", "id")
    draft.status = VersionStatus.DRAFT
    draft.reason = reason.strip()
    versions.touch(record)
    await tx.session.flush()
    await events.record_change(
        tx,
        kind.name,
        record,
        draft,
        ChangeAction.REJECTED,
        actor=actor,
        payload={"reason": draft.reason},
    )
    return draft

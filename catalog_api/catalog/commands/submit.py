"""Submit a draft for review, once it passes every rule that would block publishing."""

import uuid
from typing import Any

from catalog_api.catalog import events, rules, versions
from catalog_api.catalog.errors import invalid_state
from catalog_api.catalog.kinds import Kind
from catalog_api.db import Tx
from models.enums import ChangeAction, VersionStatus


async def submit(
    tx: Tx, kind: Kind, *, record_id: uuid.UUID, expected_lock_version: int, actor: str | None
) -> Any:
    record = await versions.lock_record(tx, kind, record_id, expected_lock_version)
    draft = await versions.open_draft(tx.session, kind, record.id)
    if draft is None or draft.status != VersionStatus.DRAFT:
        raise invalid_state("没有待提交的草稿", "id")
    await rules.ensure_publishable(tx.session, kind, record, draft)
    draft.status = VersionStatus.IN_REVIEW
    draft.submitted_by = actor
    versions.touch(record)
    await tx.session.flush()
    await events.record_change(tx, kind.name, record, draft, ChangeAction.SUBMITTED, actor=actor)
    return draft

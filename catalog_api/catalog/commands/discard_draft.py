"""Throw away the open draft; published history is untouched."""

import uuid

from catalog_api.catalog import events, versions
from catalog_api.catalog.errors import invalid_state
from catalog_api.catalog.kinds import Kind
from catalog_api.db import Tx
from models.enums import ChangeAction


async def discard_draft(
    tx: Tx, kind: Kind, *, record_id: uuid.UUID, expected_lock_version: int, actor: str | None
) -> int:
    """Returns the number of the discarded version."""
    record = await versions.lock_record(tx, kind, record_id, expected_lock_version)
    draft = await versions.open_draft(tx.session, kind, record.id)
    if draft is None:
        raise invalid_state("没有可丢弃的草稿", "id")
    if draft.number == 1:
        raise invalid_state("首个版本不能丢弃", "id")
    number = draft.number
    await tx.session.delete(draft)
    versions.touch(record)
    await tx.session.flush()
    await events.record_change(
        tx,
        kind.name,
        record,
        None,
        ChangeAction.DRAFT_DISCARDED,
        actor=actor,
        payload={"version_number": number},
    )
    return number

"""An editor accepts the catalog changes flagged on their service item (nothing to fix)."""

import uuid
from typing import Any

from catalog_api.catalog import events, fanout, versions
from catalog_api.catalog.errors import invalid_state
from catalog_api.catalog.kinds import SERVICE_ITEM
from catalog_api.db import Tx
from models.enums import ChangeAction


async def accept_review_flags(
    tx: Tx, *, record_id: uuid.UUID, expected_lock_version: int, actor: str | None
) -> Any:
    record = await versions.lock_record(tx, SERVICE_ITEM, record_id, expected_lock_version)
    resolved = await fanout.resolve_flags(tx, record.id, actor)
    if not resolved:
        raise invalid_state("没有待处理的复核提示", "id")
    versions.touch(record)
    await tx.session.flush()
    await events.record_change(
        tx,
        SERVICE_ITEM.name,
        record,
        None,
        ChangeAction.FLAGS_ACCEPTED,
        actor=actor,
        payload={"resolved": resolved},
    )
    return record

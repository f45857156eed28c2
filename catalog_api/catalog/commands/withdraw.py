"""Withdraw a record from public view (暂停/取消): it stops being current from now on."""

import uuid
from typing import Any

from sqlalchemy import or_, select

from catalog_api.catalog import events, fanout, versions
from catalog_api.catalog.errors import DomainError, ErrorCode, invalid_state
from catalog_api.catalog.kinds import Kind
from catalog_api.db import Tx
from models.base import utc_now
from models.enums import PUBLIC_STATUSES, ChangeAction, VersionStatus


async def withdraw(
    tx: Tx,
    kind: Kind,
    *,
    record_id: uuid.UUID,
    expected_lock_version: int,
    reason: str,
    actor: str | None,
) -> list[Any]:
    """Ends the live version now and cancels a scheduled one; returns the versions ended."""
    if not reason.strip():
        raise DomainError.one(ErrorCode.REQUIRED, "撤回须说明原因", "reason")
    record = await versions.lock_record(tx, kind, record_id, expected_lock_version)
    now = utc_now()
    statement = select(kind.version).where(
        kind.version.record_id == record.id,
        kind.version.status.in_(PUBLIC_STATUSES),
        or_(kind.version.effective_to.is_(None), kind.version.effective_to > now),
    )
    ending = list((await tx.session.execute(statement)).scalars())
    if not ending:
        raise invalid_state("该事项当前没有已发布的版本", "id")
    for version in ending:
        version.status = VersionStatus.WITHDRAWN
        version.effective_to = max(now, version.effective_from)
        version.reason = reason.strip()
    versions.touch(record)
    await tx.session.flush()
    for version in ending:
        await events.record_change(
            tx,
            kind.name,
            record,
            version,
            ChangeAction.WITHDRAWN,
            actor=actor,
            payload={"reason": version.reason},
        )
    live = [version for version in ending if version.effective_from <= now]
    if live:  # the guides naming it now show a withdrawn fee or intermediary
        await fanout.announce_to_referrers(
            tx, kind, record, live[-1], ChangeAction.WITHDRAWN, actor
        )
    return ending

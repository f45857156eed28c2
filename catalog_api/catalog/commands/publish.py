"""Publish the version under review, now or at a future `effective_from`.

The version it replaces is superseded with `effective_to` set to the new version's
`effective_from`: reads go by effective periods, so a scheduled version becomes visible at its
time with no job needed for correctness.
"""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select

from catalog_api.catalog import events, fanout, rules, versions
from catalog_api.catalog.errors import DomainError, ErrorCode, invalid_state
from catalog_api.catalog.kinds import CATALOG_ITEM, SERVICE_ITEM, Kind
from catalog_api.db import Tx
from models.base import utc_now
from models.enums import ChangeAction, VersionStatus


async def publish(
    tx: Tx,
    kind: Kind,
    *,
    record_id: uuid.UUID,
    expected_lock_version: int,
    actor: str | None,
    effective_from: datetime | None = None,
    backdate: bool = False,
) -> Any:
    """`backdate` admits a past `effective_from`, for loading a legacy catalog's history in
    order; it may never reach back before the version it replaces took effect."""
    now = utc_now()
    if effective_from is not None and effective_from.utcoffset() is None:
        raise DomainError.one(ErrorCode.INVALID, "生效时间须带时区", "effective_from")
    if effective_from is not None and effective_from < now and not backdate:
        raise DomainError.one(ErrorCode.INVALID, "生效时间不能早于当前时间", "effective_from")
    effective_from = effective_from or now
    record = await versions.lock_record(tx, kind, record_id, expected_lock_version)
    draft = await versions.open_draft(tx.session, kind, record.id)
    if draft is None or draft.status != VersionStatus.IN_REVIEW:
        raise invalid_state("没有已提交审核的版本可发布", "id")
    await rules.ensure_publishable(tx.session, kind, record, draft, effective_from)
    previous = await versions.latest_published(tx.session, kind, record.id)
    if previous is not None and backdate and effective_from < previous.effective_from:
        raise DomainError.one(
            ErrorCode.INVALID, "生效时间不能早于现行版本的生效时间", "effective_from"
        )
    if previous is not None:
        previous.status = VersionStatus.SUPERSEDED
        previous.effective_to = max(effective_from, previous.effective_from)
    # A version live now while a scheduled one waited must end when this one starts, too.
    overlapping = select(kind.version).where(
        kind.version.record_id == record.id,
        kind.version.status == VersionStatus.SUPERSEDED,
        kind.version.effective_to > effective_from,
    )
    for version in (await tx.session.execute(overlapping)).scalars():
        version.effective_to = max(effective_from, version.effective_from)
    await tx.session.flush()  # free the one-published slot before taking it
    draft.status = VersionStatus.PUBLISHED
    draft.effective_from = effective_from
    draft.published_at = now
    draft.published_by = actor
    draft.announced_at = now if effective_from <= now else None
    versions.touch(record)
    await tx.session.flush()
    # Flag derived items before writing events: the event lock is then held only briefly.
    if kind is CATALOG_ITEM:
        await fanout.flag_derived(tx, record, previous, draft)
    elif kind is SERVICE_ITEM:
        await fanout.resolve_flags(tx, record.id, actor)
    action = ChangeAction.SCHEDULED if effective_from > now else ChangeAction.PUBLISHED
    await events.record_change(
        tx,
        kind.name,
        record,
        draft,
        action,
        actor=actor,
        payload={"effective_from": effective_from.isoformat()},
    )
    if kind is CATALOG_ITEM and effective_from <= now:
        await fanout.announce_to_derived(tx, record, draft, actor)
    if effective_from <= now:
        await fanout.announce_to_referrers(tx, kind, record, draft, action, actor)
    return draft

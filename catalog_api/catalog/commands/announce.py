"""Announce scheduled versions once they take effect (a server's background task).

Reads never need this: they go by effective periods. It emits the "took effect" change events
(and the catalog fan-out) exactly once, however many servers run it: each version is claimed
with a row lock (skipped if another server holds it) and `announced_at` set in the same
transaction.
"""

from datetime import datetime

from sqlalchemy import or_, select

from catalog_api.catalog import events, fanout
from catalog_api.catalog.kinds import CATALOG_ITEM, KINDS
from catalog_api.db import Tx
from models.base import utc_now
from models.enums import PUBLIC_STATUSES, ChangeAction

BATCH = 100


async def announce_due(tx: Tx, now: datetime | None = None) -> int:
    """Announce up to BATCH due versions of every kind; returns how many were announced."""
    now = now or utc_now()
    announced = 0
    for kind in KINDS.values():
        statement = (
            select(kind.record, kind.version)
            .join(kind.version, kind.version.record_id == kind.record.id)
            .where(
                kind.version.status.in_(PUBLIC_STATUSES),
                kind.version.announced_at.is_(None),
                kind.version.published_at.is_not(None),
                kind.version.effective_from <= now,
                # a scheduled version cancelled or replaced before its time never took effect
                or_(
                    kind.version.effective_to.is_(None),
                    kind.version.effective_to > kind.version.effective_from,
                ),
            )
            .order_by(kind.version.effective_from)
            .limit(BATCH)
            .with_for_update(skip_locked=True, of=kind.version)
        )
        for record, version in (await tx.session.execute(statement)).all():
            version.announced_at = now
            await events.record_change(
                tx,
                kind.name,
                record,
                version,
                ChangeAction.PUBLISHED,
                actor="scheduler",
                payload={"effective_from": version.effective_from.isoformat(), "scheduled": True},
            )
            if kind is CATALOG_ITEM:
                await fanout.announce_to_derived(tx, record, version, "scheduler")
            await fanout.announce_to_referrers(
                tx, kind, record, version, ChangeAction.PUBLISHED, "scheduler"
            )
            announced += 1
    return announced

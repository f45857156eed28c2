"""Writes change events (the outbox) inside the command's transaction."""

from typing import Any

from sqlalchemy import text

from catalog_api.db import Tx
from models import Agency, AuditEntry, ChangeEvent
from models.enums import ChangeAction
from models.versioning import RecordColumns, VersionColumns

# The channel every server process LISTENs on (`feed.py`) to learn of new change events.
CHANGES_CHANNEL = "yichuang_changes"

# Serialises event writers on PostgreSQL until commit, so `seq` order is commit order and a
# follower that has seen seq N can never later find a committed event below N. The NOTIFY in the
# same statement is delivered only when the transaction commits (never on rollback), and
# PostgreSQL folds identical notifications of one transaction into one: one wake-up per commit.
_EVENT_LOCK = f"SELECT pg_advisory_xact_lock(7214001), pg_notify('{CHANGES_CHANNEL}', '')"


async def lock_sequence(tx: Tx) -> None:
    """Take the event-writer lock and announce the commit to other processes (PostgreSQL;
    SQLite has a single writer anyway, and its followers poll)."""
    if tx.dialect == "postgresql":
        await tx.session.execute(text(_EVENT_LOCK))


async def record_change(
    tx: Tx,
    kind: str,
    record: RecordColumns,
    version: VersionColumns | None,
    action: ChangeAction,
    *,
    actor: str | None,
    cause: str | None = None,
    payload: dict[str, Any] | None = None,
) -> ChangeEvent:
    await lock_sequence(tx)
    region_code = agency_uscc = None
    if (agency_id := getattr(record, "agency_id", None)) is not None:
        agency = await tx.session.get_one(Agency, agency_id)
        region_code, agency_uscc = agency.region_code, agency.uscc
    event = ChangeEvent(
        kind=kind,
        record_id=record.id,
        code=record.code,
        version_number=version.number if version else None,
        action=action.value,
        region_code=region_code,
        agency_uscc=agency_uscc,
        actor=actor,
        cause=cause,
        payload=payload or {},
    )
    tx.session.add(event)
    if action != ChangeAction.CATALOG_CHANGED:  # fan-out events are consequences, not writes
        tx.session.add(
            AuditEntry(
                actor=actor,
                action=action.value,
                kind=kind,
                record_id=record.id,
                code=record.code,
                version_number=event.version_number,
                change_note=(payload or {}).get("reason")
                or (version.change_note if version else None),
                agency_uscc=agency_uscc,
                client_address=tx.origin.client_address,
                user_agent=(tx.origin.user_agent or "")[:500] or None,
            )
        )
    await tx.session.flush()
    return event

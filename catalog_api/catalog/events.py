"""Writes change events (the outbox) inside the command's transaction."""

from typing import Any

from sqlalchemy import text

from catalog_api.db import Tx
from models import Agency, ChangeEvent, ServiceItem
from models.enums import ChangeAction
from models.versioning import RecordColumns, VersionColumns

# Serialises event writers on PostgreSQL until commit, so `seq` order is commit order and a
# follower that has seen seq N can never later find a committed event below N.
_EVENT_LOCK = "SELECT pg_advisory_xact_lock(7214001)"


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
    if tx.dialect == "postgresql":
        await tx.session.execute(text(_EVENT_LOCK))
    region_code = agency_uscc = None
    if isinstance(record, ServiceItem):
        agency = await tx.session.get_one(Agency, record.agency_id)
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
    await tx.session.flush()
    return event

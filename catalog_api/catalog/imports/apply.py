"""Write one planned row through the editing commands, in the caller's transaction."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from catalog_api.catalog.commands import publish, submit, update_draft
from catalog_api.catalog.commands.create_catalog_item import create_catalog_item
from catalog_api.catalog.commands.create_list_record import (
    create_fee_item,
    create_intermediary_service,
)
from catalog_api.catalog.commands.create_service_item import create_service_item
from catalog_api.catalog.imports.plan import Outcome, Plan
from catalog_api.catalog.imports.rows import Row
from catalog_api.catalog.kinds import CATALOG_ITEM, FEE_ITEM, SERVICE_ITEM, Kind
from catalog_api.db import Tx

IMPORT_ACTOR = "import"
"""Who submits the drafts an import publishes: the system, so that the person who ran the import
publishes what they did not themselves submit (four eyes)."""


async def apply_row(
    tx: Tx,
    kind: Kind,
    row: Row,
    plan: Plan,
    *,
    actor: str,
    note: str,
    publish: bool,
    effective_from: datetime | None,
) -> None:
    assert plan.content is not None
    if plan.outcome is Outcome.CREATED:
        record = await _create(tx, kind, row, plan.content, actor, note)
    else:
        record = plan.record
        if plan.changes:
            # every field, None included: the file replaces the content, it does not patch it
            changes = plan.content.model_dump(mode="json")
            await update_draft.update_draft(
                tx,
                kind,
                record_id=record.id,
                expected_lock_version=record.lock_version,
                changes=changes,
                actor=actor,
                change_note=note,
            )
    if publish:
        await submit.submit(
            tx,
            kind,
            record_id=record.id,
            expected_lock_version=record.lock_version,
            actor=IMPORT_ACTOR,
        )
        await publish_command(tx, kind, record, actor, effective_from)


async def publish_command(
    tx: Tx, kind: Kind, record: Any, actor: str, effective_from: datetime | None
) -> None:
    await publish.publish(
        tx,
        kind,
        record_id=record.id,
        expected_lock_version=record.lock_version,
        actor=actor,
        effective_from=effective_from,
    )


async def _create(tx: Tx, kind: Kind, row: Row, written: BaseModel, actor: str, note: str) -> Any:
    assert row.code is not None
    content = written.model_dump(mode="json", exclude_none=True)
    if kind is CATALOG_ITEM:
        record, _ = await create_catalog_item(
            tx, code=row.code, content=content, actor=actor, change_note=note
        )
    elif kind is SERVICE_ITEM:
        record, _ = await create_service_item(
            tx,
            catalog_code=row.identity["catalog_code"],
            agency_uscc=row.identity["agency_uscc"],
            level=row.identity["level"],
            content=content,
            actor=actor,
            change_note=note,
        )
    else:
        create = create_fee_item if kind is FEE_ITEM else create_intermediary_service
        record, _ = await create(
            tx,
            agency_uscc=row.identity["agency_uscc"],
            code=row.code,
            content=content,
            actor=actor,
            change_note=note,
        )
    return record

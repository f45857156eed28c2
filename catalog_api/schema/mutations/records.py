"""The lifecycle, one set for every versioned kind, addressed by global ID."""

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import strawberry

from catalog_api.auth import Principal
from catalog_api.catalog import access, versions
from catalog_api.catalog.access import Action
from catalog_api.catalog.commands import discard_draft, publish, reject, restore, submit, withdraw
from catalog_api.catalog.kinds import Kind
from catalog_api.db import Tx
from catalog_api.schema.context import Info
from catalog_api.schema.mutations.base import authorised, view, write
from catalog_api.schema.payloads import RecordPayload


@strawberry.input
class RecordActionInput:
    id: strawberry.ID
    expected_lock_version: int


@strawberry.input
class RecordReasonInput:
    id: strawberry.ID
    expected_lock_version: int
    reason: str = strawberry.field(description="Why (退回/撤回原因); shown to the editor.")


@strawberry.input
class RecordPublishInput:
    id: strawberry.ID
    expected_lock_version: int
    effective_from: datetime | None = strawberry.field(
        default=None, description="When it takes effect; now if omitted."
    )


@strawberry.input
class RecordRestoreInput:
    id: strawberry.ID
    expected_lock_version: int
    version_number: int = strawberry.field(description="The version to restore as a new draft.")


Run = Callable[[Tx, Kind, Any, Principal], Awaitable[Any]]


async def _lifecycle(info: Info, global_id: str, action: Action, run: Run) -> RecordPayload:
    """Authorise, run one command on the record, and show the version it returns."""

    async def work(tx: Tx, principal: Principal) -> Any:
        kind, record = await authorised(tx, principal, global_id, action)
        version = await run(tx, kind, record, principal)
        return None if version is None else view(info, kind, record, version)

    record, errors = await write(info, work)
    return RecordPayload(record=record, user_errors=errors)


@strawberry.type
class RecordMutations:
    @strawberry.mutation(description="Submit the draft for review (提交审核).")
    async def record_submit(self, info: Info, input: RecordActionInput) -> RecordPayload:
        async def run(tx: Tx, kind: Kind, record: Any, principal: Principal) -> Any:
            return await submit.submit(
                tx,
                kind,
                record_id=record.id,
                expected_lock_version=input.expected_lock_version,
                actor=principal.subject,
            )

        return await _lifecycle(info, input.id, Action.EDIT, run)

    @strawberry.mutation(description="Return the version under review to its editor (退回).")
    async def record_reject(self, info: Info, input: RecordReasonInput) -> RecordPayload:
        async def run(tx: Tx, kind: Kind, record: Any, principal: Principal) -> Any:
            return await reject.reject(
                tx,
                kind,
                record_id=record.id,
                expected_lock_version=input.expected_lock_version,
                reason=input.reason,
                actor=principal.subject,
            )

        return await _lifecycle(info, input.id, Action.REVIEW, run)

    @strawberry.mutation(description="Publish the version under review, now or later (发布).")
    async def record_publish(self, info: Info, input: RecordPublishInput) -> RecordPayload:
        async def run(tx: Tx, kind: Kind, record: Any, principal: Principal) -> Any:
            draft = await versions.open_draft(tx.session, kind, record.id)
            access.ensure_four_eyes(
                principal,
                draft.submitted_by if draft else None,
                enabled=info.context.settings.four_eyes,
            )
            return await publish.publish(
                tx,
                kind,
                record_id=record.id,
                expected_lock_version=input.expected_lock_version,
                actor=principal.subject,
                effective_from=input.effective_from,
            )

        return await _lifecycle(info, input.id, Action.REVIEW, run)

    @strawberry.mutation(description="Withdraw from public view from now on (暂停/取消).")
    async def record_withdraw(self, info: Info, input: RecordReasonInput) -> RecordPayload:
        async def run(tx: Tx, kind: Kind, record: Any, principal: Principal) -> Any:
            ended = await withdraw.withdraw(
                tx,
                kind,
                record_id=record.id,
                expected_lock_version=input.expected_lock_version,
                reason=input.reason,
                actor=principal.subject,
            )
            return ended[0]

        return await _lifecycle(info, input.id, Action.WITHDRAW, run)

    @strawberry.mutation(description="Restore any version as a new draft (恢复).")
    async def record_restore(self, info: Info, input: RecordRestoreInput) -> RecordPayload:
        async def run(tx: Tx, kind: Kind, record: Any, principal: Principal) -> Any:
            return await restore.restore(
                tx,
                kind,
                record_id=record.id,
                expected_lock_version=input.expected_lock_version,
                number=input.version_number,
                actor=principal.subject,
            )

        return await _lifecycle(info, input.id, Action.EDIT, run)

    @strawberry.mutation(description="Discard the open draft (丢弃草稿).")
    async def record_draft_discard(self, info: Info, input: RecordActionInput) -> RecordPayload:
        async def run(tx: Tx, kind: Kind, record: Any, principal: Principal) -> Any:
            await discard_draft.discard_draft(
                tx,
                kind,
                record_id=record.id,
                expected_lock_version=input.expected_lock_version,
                actor=principal.subject,
            )
            return await versions.latest_published(tx.session, kind, record.id)

        return await _lifecycle(info, input.id, Action.EDIT, run)

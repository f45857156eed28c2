"""Creating fee items and intermediary services, and editing their drafts. Their lifecycle
(submit, publish, withdraw …) is the generic `record*` mutations, by global ID."""

from typing import Any

import strawberry

from catalog_api.auth import Principal
from catalog_api.catalog import access
from catalog_api.catalog.access import Action
from catalog_api.catalog.commands import update_draft
from catalog_api.catalog.commands.create_list_record import (
    create_fee_item,
    create_intermediary_service,
)
from catalog_api.catalog.errors import DomainError, ErrorCode
from catalog_api.catalog.kinds import FEE_ITEM, INTERMEDIARY_SERVICE, Kind
from catalog_api.catalog.queries.reference import agency_by_uscc
from catalog_api.db import Tx
from catalog_api.schema.context import Info
from catalog_api.schema.inputs import (
    FeeItemContentInput,
    IntermediaryServiceContentInput,
    to_data,
)
from catalog_api.schema.mutations.base import authorised, view, write
from catalog_api.schema.payloads import FeeItemPayload, IntermediaryServicePayload
from models import Agency
from models.codes import CodeError, validate_uscc

CODE_HELP = "Explicit code (SF/ZJ + the agency's 6-digit region + 3 digits); derived if omitted."


@strawberry.input
class FeeItemCreateInput:
    agency_uscc: str = strawberry.field(description="The collecting agency (执收部门).")
    code: str | None = strawberry.field(default=None, description=CODE_HELP)
    content: FeeItemContentInput
    change_note: str | None = None


@strawberry.input
class FeeItemDraftUpdateInput:
    id: strawberry.ID
    expected_lock_version: int
    changes: FeeItemContentInput = strawberry.field(description="Only the fields given change.")
    change_note: str | None = None


@strawberry.input
class IntermediaryServiceCreateInput:
    agency_uscc: str = strawberry.field(description="The approving agency (审批部门).")
    code: str | None = strawberry.field(default=None, description=CODE_HELP)
    content: IntermediaryServiceContentInput
    change_note: str | None = None


@strawberry.input
class IntermediaryServiceDraftUpdateInput:
    id: strawberry.ID
    expected_lock_version: int
    changes: IntermediaryServiceContentInput = strawberry.field(
        description="Only the fields given change."
    )
    change_note: str | None = None


async def owning_agency(tx: Tx, principal: Principal, uscc: str) -> Agency:
    """The agency a new record will belong to, once `principal` may edit its records."""
    try:
        agency = await agency_by_uscc(tx.session, validate_uscc(uscc))
    except CodeError as exc:
        raise DomainError.one(ErrorCode.INVALID, str(exc), "agency_uscc") from None
    if agency is None:
        raise DomainError.one(ErrorCode.NOT_FOUND, "机构不存在", "agency_uscc")
    await access.ensure_may(tx.session, principal, Action.EDIT, None, agency)
    return agency


async def create_owned(info: Info, kind: Kind, create: Any, input: Any) -> Any:
    """Create a record owned by `input.agency_uscc` with `create` (one of the create
    commands), once the caller may edit that agency's records; returns (view, userErrors)."""

    async def work(tx: Tx, principal: Principal) -> Any:
        agency = await owning_agency(tx, principal, input.agency_uscc)
        record, version = await create(
            tx,
            agency_uscc=agency.uscc,
            code=input.code,
            content=to_data(input.content),
            actor=principal.subject,
            change_note=input.change_note,
        )
        return view(info, kind, record, version)

    return await write(info, work)


async def update_draft_of(info: Info, kind: Kind, input: Any) -> Any:
    """Patch the draft `input.id` names with `input.changes`; returns (view, userErrors)."""

    async def work(tx: Tx, principal: Principal) -> Any:
        _, record = await authorised(tx, principal, input.id, Action.EDIT, kind)
        draft = await update_draft.update_draft(
            tx,
            kind,
            record_id=record.id,
            expected_lock_version=input.expected_lock_version,
            changes=to_data(input.changes),
            actor=principal.subject,
            change_note=input.change_note,
        )
        return view(info, kind, record, draft)

    return await write(info, work)


@strawberry.type
class ListMutations:
    @strawberry.mutation(description="Create a fee item (收费项目) and its first draft.")
    async def fee_item_create(self, info: Info, input: FeeItemCreateInput) -> FeeItemPayload:
        item, errors = await create_owned(info, FEE_ITEM, create_fee_item, input)
        return FeeItemPayload(fee_item=item, user_errors=errors)

    @strawberry.mutation(description="Change the draft of a fee item (a patch).")
    async def fee_item_draft_update(
        self, info: Info, input: FeeItemDraftUpdateInput
    ) -> FeeItemPayload:
        item, errors = await update_draft_of(info, FEE_ITEM, input)
        return FeeItemPayload(fee_item=item, user_errors=errors)

    @strawberry.mutation(description="Create an intermediary service (中介服务事项) and its draft.")
    async def intermediary_service_create(
        self, info: Info, input: IntermediaryServiceCreateInput
    ) -> IntermediaryServicePayload:
        item, errors = await create_owned(
            info, INTERMEDIARY_SERVICE, create_intermediary_service, input
        )
        return IntermediaryServicePayload(intermediary_service=item, user_errors=errors)

    @strawberry.mutation(description="Change the draft of an intermediary service (a patch).")
    async def intermediary_service_draft_update(
        self, info: Info, input: IntermediaryServiceDraftUpdateInput
    ) -> IntermediaryServicePayload:
        item, errors = await update_draft_of(info, INTERMEDIARY_SERVICE, input)
        return IntermediaryServicePayload(intermediary_service=item, user_errors=errors)

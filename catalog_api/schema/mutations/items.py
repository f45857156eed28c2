"""Creating catalog and service items, and editing their drafts."""

from typing import Any

import strawberry

from catalog_api.auth import Principal
from catalog_api.catalog import access, versions
from catalog_api.catalog.access import Action
from catalog_api.catalog.commands import update_draft
from catalog_api.catalog.commands.accept_review_flags import accept_review_flags
from catalog_api.catalog.commands.create_catalog_item import create_catalog_item
from catalog_api.catalog.commands.create_service_item import create_service_item
from catalog_api.catalog.errors import DomainError, ErrorCode
from catalog_api.catalog.kinds import CATALOG_ITEM, SERVICE_ITEM
from catalog_api.catalog.queries.reference import agency_by_uscc
from catalog_api.db import Tx
from catalog_api.schema.context import Info
from catalog_api.schema.enums import ExerciseLevel
from catalog_api.schema.inputs import CatalogItemContentInput, ServiceItemContentInput, to_data
from catalog_api.schema.mutations.base import authorised, record_ref, view, write
from catalog_api.schema.payloads import CatalogItemPayload, ServiceItemPayload
from models.codes import CodeError, validate_uscc


@strawberry.input
class CatalogItemCreateInput:
    code: str = strawberry.field(description="Basic code (12 chars; 14 for a handling item).")
    content: CatalogItemContentInput
    change_note: str | None = None


@strawberry.input
class CatalogItemDraftUpdateInput:
    id: strawberry.ID
    expected_lock_version: int
    changes: CatalogItemContentInput = strawberry.field(
        description="Only the fields given change; inherited fields are not editable."
    )
    change_note: str | None = None


@strawberry.input
class ServiceItemCreateInput:
    catalog_code: str
    agency_uscc: str
    level: ExerciseLevel | None = strawberry.field(
        default=None, description="Exercise level; the agency's level if omitted."
    )
    content: ServiceItemContentInput
    change_note: str | None = None


@strawberry.input
class ServiceItemDraftUpdateInput:
    id: strawberry.ID
    expected_lock_version: int
    changes: ServiceItemContentInput
    change_note: str | None = None


@strawberry.input
class ReviewFlagsAcceptInput:
    id: strawberry.ID
    expected_lock_version: int


@strawberry.type
class ItemMutations:
    @strawberry.mutation(description="Create a basic-catalog item and its first draft.")
    async def catalog_item_create(
        self, info: Info, input: CatalogItemCreateInput
    ) -> CatalogItemPayload:
        async def work(tx: Tx, principal: Principal) -> Any:
            await access.ensure_may(tx.session, principal, Action.EDIT, None, None)
            record, version = await create_catalog_item(
                tx,
                code=input.code,
                content=to_data(input.content),
                actor=principal.subject,
                change_note=input.change_note,
            )
            return view(info, CATALOG_ITEM, record, version)

        item, errors = await write(info, work)
        return CatalogItemPayload(catalog_item=item, user_errors=errors)

    @strawberry.mutation(description="Change the draft of a catalog item (a patch).")
    async def catalog_item_draft_update(
        self, info: Info, input: CatalogItemDraftUpdateInput
    ) -> CatalogItemPayload:
        async def work(tx: Tx, principal: Principal) -> Any:
            kind, record_id = record_ref(input.id)
            if kind is not CATALOG_ITEM:
                raise DomainError.one(ErrorCode.NOT_FOUND, "没有这个基本目录事项", "id")
            await access.ensure_may(tx.session, principal, Action.EDIT, None, None)
            draft = await update_draft.update_draft(
                tx,
                CATALOG_ITEM,
                record_id=record_id,
                expected_lock_version=input.expected_lock_version,
                changes=to_data(input.changes),
                actor=principal.subject,
                change_note=input.change_note,
            )
            record = await tx.session.get_one(CATALOG_ITEM.record, record_id)
            return view(info, CATALOG_ITEM, record, draft)

        item, errors = await write(info, work)
        return CatalogItemPayload(catalog_item=item, user_errors=errors)

    @strawberry.mutation(description="Create an agency's implementation of a catalog item.")
    async def service_item_create(
        self, info: Info, input: ServiceItemCreateInput
    ) -> ServiceItemPayload:
        async def work(tx: Tx, principal: Principal) -> Any:
            try:
                agency = await agency_by_uscc(tx.session, validate_uscc(input.agency_uscc))
            except CodeError as exc:
                raise DomainError.one(ErrorCode.INVALID, str(exc), "agency_uscc") from None
            if agency is None:
                raise DomainError.one(ErrorCode.NOT_FOUND, "实施主体不存在", "agency_uscc")
            await access.ensure_may(tx.session, principal, Action.EDIT, None, agency)
            record, version = await create_service_item(
                tx,
                catalog_code=input.catalog_code,
                agency_uscc=agency.uscc,
                level=input.level,
                content=to_data(input.content),
                actor=principal.subject,
                change_note=input.change_note,
            )
            return view(info, SERVICE_ITEM, record, version)

        item, errors = await write(info, work)
        return ServiceItemPayload(service_item=item, user_errors=errors)

    @strawberry.mutation(description="Change the draft of a service item (a patch).")
    async def service_item_draft_update(
        self, info: Info, input: ServiceItemDraftUpdateInput
    ) -> ServiceItemPayload:
        async def work(tx: Tx, principal: Principal) -> Any:
            _, record = await authorised(tx, principal, input.id, Action.EDIT, SERVICE_ITEM)
            draft = await update_draft.update_draft(
                tx,
                SERVICE_ITEM,
                record_id=record.id,
                expected_lock_version=input.expected_lock_version,
                changes=to_data(input.changes),
                actor=principal.subject,
                change_note=input.change_note,
            )
            return view(info, SERVICE_ITEM, record, draft)

        item, errors = await write(info, work)
        return ServiceItemPayload(service_item=item, user_errors=errors)

    @strawberry.mutation(description="Accept the catalog changes flagged on a service item.")
    async def review_flags_accept(
        self, info: Info, input: ReviewFlagsAcceptInput
    ) -> ServiceItemPayload:
        async def work(tx: Tx, principal: Principal) -> Any:
            _, record = await authorised(tx, principal, input.id, Action.EDIT, SERVICE_ITEM)
            await accept_review_flags(
                tx,
                record_id=record.id,
                expected_lock_version=input.expected_lock_version,
                actor=principal.subject,
            )
            shown = await versions.latest_published(
                tx.session, SERVICE_ITEM, record.id
            ) or await versions.open_draft(tx.session, SERVICE_ITEM, record.id)
            return view(info, SERVICE_ITEM, record, shown)

        item, errors = await write(info, work)
        return ServiceItemPayload(service_item=item, user_errors=errors)

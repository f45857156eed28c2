"""What every mutation returns: the object it changed and the user errors that stopped it."""

import re
from enum import Enum

import strawberry

from catalog_api.catalog.errors import DomainError, ErrorCode
from catalog_api.schema.catalog_items import CatalogItem
from catalog_api.schema.list_records import FeeItem, IntermediaryService
from catalog_api.schema.service_items import ServiceItem
from catalog_api.schema.versioned import Versioned

UserErrorCode = strawberry.enum(ErrorCode, description="Why a mutation was refused.")


@strawberry.type(description="A validation or business failure, with the input path it concerns.")
class UserError:
    field: list[str] | None
    message: str
    code: UserErrorCode


@strawberry.type
class CatalogItemPayload:
    catalog_item: CatalogItem | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ServiceItemPayload:
    service_item: ServiceItem | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class FeeItemPayload:
    fee_item: FeeItem | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class IntermediaryServicePayload:
    intermediary_service: IntermediaryService | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RecordPayload:
    record: Versioned | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def _camel(segment: str | int | Enum) -> str:
    text = str(segment.value if isinstance(segment, Enum) else segment)
    return re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), text)


def user_errors(error: DomainError) -> list[UserError]:
    """Field paths as the client sent them: `input`, then camelCase input names and indexes."""
    return [
        UserError(field=["input", *map(_camel, e.path)], message=e.message, code=e.code)
        for e in error.errors
    ]

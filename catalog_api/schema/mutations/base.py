"""The one way a mutation writes: signed in, one transaction, failures as userErrors or as
top-level UNAUTHENTICATED / FORBIDDEN errors, and nothing written when anything fails."""

import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from catalog_api.auth import Principal
from catalog_api.catalog import access
from catalog_api.catalog.access import Action, Forbidden
from catalog_api.catalog.errors import DomainError, not_found
from catalog_api.catalog.kinds import Kind
from catalog_api.db import Tx
from catalog_api.schema.context import Info
from catalog_api.schema.errors import PublicError
from catalog_api.schema.ids import from_global_id
from catalog_api.schema.payloads import UserError, user_errors
from catalog_api.schema.views import VIEW_OF_KIND, VIEWS

T = TypeVar("T")
Work = Callable[[Tx, Principal], Awaitable[T]]


def signed_in(info: Info) -> Principal:
    if info.context.principal is None:
        raise PublicError("请先登录：此操作需要有效的访问令牌", "UNAUTHENTICATED")
    return info.context.principal


async def write(info: Info, work: Work[T]) -> tuple[T | None, list[UserError]]:
    """Run `work` in one transaction as the signed-in principal."""
    principal = signed_in(info)
    try:
        async with info.context.database.transaction(info.context.origin()) as tx:
            result = await work(tx, principal)
    except DomainError as exc:
        return None, user_errors(exc)
    except Forbidden as exc:
        raise PublicError(str(exc), "FORBIDDEN") from None
    info.context.forget_cached_reads()
    return result, []


def record_ref(global_id: str) -> tuple[Kind, Any]:
    """The kind and id a record's global ID names; a user error when it names none."""
    try:
        type_name, key = from_global_id(global_id)
        return VIEWS[type_name][0], uuid.UUID(key)
    except (PublicError, KeyError, ValueError):
        raise not_found("没有这个记录", "id") from None


def view(info: Info, kind: Kind, record: Any, version: Any) -> Any:
    """The record as the version just written shows it."""
    at = version.effective_from or info.context.now
    return VIEW_OF_KIND[kind.name].of(info, record, version, at)


async def authorised(
    tx: Tx, principal: Principal, global_id: str, action: Action, only: Kind | None = None
) -> tuple[Kind, Any]:
    """The record a global ID names (of kind `only`, if given), once `principal` may act."""
    kind, record_id = record_ref(global_id)
    record = await tx.session.get(kind.record, record_id) if only in (None, kind) else None
    if record is None:
        raise not_found("没有这个记录", "id")
    agency = await access.agency_of(tx.session, record)
    await access.ensure_may(tx.session, principal, action, record, agency)
    return kind, record

"""Create a fee item (收费项目) or an intermediary service (中介服务事项) and its first draft.

The code is derived (prefix + the owning agency's region + the next free sequence) unless the
editor gives one; see models/list_records.py.
"""

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from catalog_api.catalog import events, versions
from catalog_api.catalog.errors import DomainError, ErrorCode, not_found
from catalog_api.catalog.kinds import FEE_ITEM, INTERMEDIARY_SERVICE, Kind
from catalog_api.catalog.queries.reference import agency_by_uscc
from catalog_api.db import Tx
from models import Agency
from models.codes import (
    FEE_ITEM_PREFIX,
    INTERMEDIARY_PREFIX,
    CodeError,
    list_code,
    normalise,
    validate_list_code,
)
from models.enums import ChangeAction


async def create_fee_item(
    tx: Tx,
    *,
    agency_uscc: str,
    content: dict[str, Any],
    actor: str | None,
    code: str | None = None,
    change_note: str | None = None,
) -> tuple[Any, Any]:
    """`agency_uscc`: the collecting agency (执收部门)."""
    return await _create(
        tx, FEE_ITEM, FEE_ITEM_PREFIX, agency_uscc, code, content, actor, change_note
    )


async def create_intermediary_service(
    tx: Tx,
    *,
    agency_uscc: str,
    content: dict[str, Any],
    actor: str | None,
    code: str | None = None,
    change_note: str | None = None,
) -> tuple[Any, Any]:
    """`agency_uscc`: the approving agency (审批部门) that requires the service."""
    return await _create(
        tx,
        INTERMEDIARY_SERVICE,
        INTERMEDIARY_PREFIX,
        agency_uscc,
        code,
        content,
        actor,
        change_note,
    )


async def _create(
    tx: Tx,
    kind: Kind,
    prefix: str,
    agency_uscc: str,
    code: str | None,
    content: dict[str, Any],
    actor: str | None,
    change_note: str | None,
) -> tuple[Any, Any]:
    agency = await agency_by_uscc(tx.session, normalise(agency_uscc))
    if agency is None:
        raise not_found(f"机构 {normalise(agency_uscc)} 不存在", "agency_uscc")
    parsed = versions.parse_content(kind, content, "content")
    try:
        if code is None:
            code = await _next_code(tx, kind, prefix, agency)
        else:
            code = validate_list_code(prefix, code, agency.region_code)
    except CodeError as exc:
        raise DomainError.one(ErrorCode.INVALID, str(exc), "code") from None
    record = kind.record(code=code, agency_id=agency.id)
    try:
        async with tx.session.begin_nested():
            tx.session.add(record)
            await tx.session.flush()
    except IntegrityError:
        raise DomainError.one(ErrorCode.DUPLICATE, f"编码 {code} 已存在", "code") from None
    version = versions.new_version(kind, record, 1, parsed, author=actor, change_note=change_note)
    tx.session.add(version)
    await tx.session.flush()
    await events.record_change(tx, kind.name, record, version, ChangeAction.CREATED, actor=actor)
    return record, version


async def _next_code(tx: Tx, kind: Kind, prefix: str, agency: Agency) -> str:
    """The next sequence in the agency's region; two editors racing for it meet the unique
    code and one of them is told to try again (DUPLICATE)."""
    stem = f"{prefix}{agency.region_code[:6]}"
    statement = select(func.max(kind.record.code)).where(kind.record.code.like(f"{stem}%"))
    highest = (await tx.session.execute(statement)).scalar_one_or_none()
    return list_code(prefix, agency.region_code, int(highest[len(stem) :]) + 1 if highest else 1)

"""Create an implementation item (实施清单) for one agency, with its derived code."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from catalog_api.catalog import events, versions
from catalog_api.catalog.errors import DomainError, ErrorCode, not_found
from catalog_api.catalog.kinds import SERVICE_ITEM
from catalog_api.db import Tx
from models import Agency, CatalogItem, ServiceItem, ServiceItemVersion
from models.codes import CodeError, derive_implementation_code, normalise
from models.enums import ChangeAction, ExerciseLevel


async def create_service_item(
    tx: Tx,
    *,
    catalog_code: str,
    agency_uscc: str,
    content: dict[str, Any],
    actor: str | None,
    level: ExerciseLevel | None = None,
    change_note: str | None = None,
) -> tuple[ServiceItem, ServiceItemVersion]:
    session = tx.session
    catalog_code, agency_uscc = normalise(catalog_code), normalise(agency_uscc)
    catalog = (
        await session.execute(select(CatalogItem).where(CatalogItem.code == catalog_code))
    ).scalar_one_or_none()
    if catalog is None:
        raise not_found(f"基本目录事项 {catalog_code} 不存在", "catalog_code")
    agency = (
        await session.execute(select(Agency).where(Agency.uscc == agency_uscc))
    ).scalar_one_or_none()
    if agency is None:
        raise not_found(f"实施主体 {agency_uscc} 不存在", "agency_uscc")
    level = level or agency.level
    try:
        code = derive_implementation_code(
            agency.uscc, level, catalog.code[:12], catalog.code[12:] or None
        )
    except CodeError as exc:
        raise DomainError.one(ErrorCode.INVALID, str(exc), "agency_uscc") from None
    parsed = versions.parse_content(SERVICE_ITEM, content, "content")
    record = ServiceItem(
        code=code,
        catalog_item_id=catalog.id,
        agency_id=agency.id,
        level=level,
        item_type=catalog.item_type,
    )
    try:
        async with session.begin_nested():
            session.add(record)
            await session.flush()
    except IntegrityError:
        raise DomainError.one(
            ErrorCode.DUPLICATE,
            f"实施编码 {code} 已存在：该机构已在此层级实施该事项",
            "catalog_code",
        ) from None
    version = versions.new_version(
        SERVICE_ITEM, record, 1, parsed, author=actor, change_note=change_note
    )
    session.add(version)
    await session.flush()
    await events.record_change(
        tx, SERVICE_ITEM.name, record, version, ChangeAction.CREATED, actor=actor
    )
    return record, version

"""The publishing rules, with what they need from the database."""

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_api.catalog import versions
from catalog_api.catalog.errors import DomainError, ErrorCode, FieldError, invalid_state
from catalog_api.catalog.kinds import CATALOG_ITEM, Kind
from catalog_api.catalog.queries.as_of import current_at
from models import CatalogItem, CatalogItemVersion, ServiceItem
from models.content import CatalogItemContent, ServiceItemContent
from models.rules import service_item_problems


async def ensure_publishable(
    session: AsyncSession,
    kind: Kind,
    record: Any,
    draft: Any,
    effective_from: datetime | None = None,
) -> None:
    """Raise every problem that blocks `draft` from being published (at `effective_from`)."""
    if not isinstance(record, ServiceItem):
        return
    catalog_version = await versions.latest_published(session, CATALOG_ITEM, record.catalog_item_id)
    if catalog_version is None:
        catalog = await session.get_one(CatalogItem, record.catalog_item_id)
        raise invalid_state(f"基本目录事项 {catalog.code} 尚未发布，实施清单不能先于它发布", "id")
    if effective_from is not None:
        await _ensure_catalog_in_force(session, record, effective_from)
    problems = service_item_problems(
        ServiceItemContent.model_validate(draft.content),
        CatalogItemContent.model_validate(catalog_version.content),
        record.item_type,
    )
    if problems:
        raise DomainError(
            [
                FieldError(ErrorCode.INVALID, message, ("content", *path))
                for path, message in problems
            ]
        )


async def _ensure_catalog_in_force(
    session: AsyncSession, record: ServiceItem, effective_from: datetime
) -> None:
    """An implementation cannot take effect while its catalog item is not in force: it would
    have no name, type or legal basis to inherit."""
    statement = (
        select(CatalogItemVersion.id)
        .where(
            CatalogItemVersion.record_id == record.catalog_item_id,
            current_at(CatalogItemVersion, effective_from),
        )
        .limit(1)
    )
    if (await session.execute(statement)).first() is None:
        raise DomainError.one(
            ErrorCode.INVALID,
            "生效时基本目录事项尚未生效，实施清单不能先于它生效",
            "effective_from",
        )

"""The publishing rules, with what they need from the database."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from catalog_api.catalog import versions
from catalog_api.catalog.errors import DomainError, ErrorCode, FieldError, invalid_state
from catalog_api.catalog.kinds import CATALOG_ITEM, Kind
from models import CatalogItem, ServiceItem
from models.content import CatalogItemContent, ServiceItemContent
from models.rules import service_item_problems


async def ensure_publishable(session: AsyncSession, kind: Kind, record: Any, draft: Any) -> None:
    """Raise every problem that blocks `draft` from being published."""
    if not isinstance(record, ServiceItem):
        return
    catalog_version = await versions.latest_published(session, CATALOG_ITEM, record.catalog_item_id)
    if catalog_version is None:
        catalog = await session.get_one(CatalogItem, record.catalog_item_id)
        raise invalid_state(f"基本目录事项 {catalog.code} 尚未发布，实施清单不能先于它发布", "id")
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

"""The catalog in the import templates: every record of a kind, one row each, so that importing
the file back changes nothing. A record's row carries its current content: the open draft if it
has one, else the published version (and that version's effective date)."""

from datetime import timedelta, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_api.catalog.commands.create_catalog_item import parent_code_of
from catalog_api.catalog.imports.templates import TEMPLATES
from catalog_api.catalog.kinds import CATALOG_ITEM, KINDS, SERVICE_ITEM, Kind
from models import Agency, CatalogItem
from models.enums import OPEN_STATUSES, VersionStatus

BEIJING = timezone(timedelta(hours=8))
SLUG_KINDS = {
    "catalog-items": "catalog_item",
    "service-items": "service_item",
    "fee-items": "fee_item",
    "intermediary-services": "intermediary_service",
}


async def export_rows(session: AsyncSession, slug: str) -> list[dict[str, Any]]:
    """Rows as JSON values by column key, records in code order (parents before children)."""
    kind = KINDS[SLUG_KINDS[slug]]
    keys = [column.key for column in TEMPLATES[slug].columns]
    heads = await _heads(session, kind)
    identities = await _identities(session, kind)
    rows = []
    for record in await _records(session, kind):
        version = heads.get(record.id)
        if version is None:
            continue  # withdrawn for good: nothing current to export
        values = {**identities(record), **version.content}
        if version.status == VersionStatus.PUBLISHED and version.effective_from is not None:
            values["effective_date"] = version.effective_from.astimezone(BEIJING).date()
        rows.append({key: values.get(key) for key in keys})
    return rows


async def _records(session: AsyncSession, kind: Kind) -> list[Any]:
    records = list((await session.execute(select(kind.record))).scalars())
    if kind is CATALOG_ITEM:
        return sorted(records, key=lambda r: (_depth(r.code), r.code))
    return sorted(records, key=lambda r: r.code)


def _depth(code: str) -> int:
    depth, parent = 0, parent_code_of(code)
    while parent is not None:
        depth, parent = depth + 1, parent_code_of(parent)
    return depth


async def _heads(session: AsyncSession, kind: Kind) -> dict[Any, Any]:
    """Per record its open draft, else its published version."""
    statuses = (*OPEN_STATUSES, VersionStatus.PUBLISHED)
    statement = select(kind.version).where(kind.version.status.in_(statuses))
    heads: dict[Any, Any] = {}
    for version in (await session.execute(statement)).scalars():
        if version.record_id not in heads or version.status in OPEN_STATUSES:
            heads[version.record_id] = version
    return heads


async def _identities(session: AsyncSession, kind: Kind) -> Any:
    agencies = {a.id: a.uscc for a in (await session.execute(select(Agency))).scalars()}
    if kind is CATALOG_ITEM:
        return lambda record: {"code": record.code, "item_type": record.item_type.value}
    if kind is SERVICE_ITEM:
        statement = select(CatalogItem.id, CatalogItem.code)
        catalog = {id_: code for id_, code in await session.execute(statement)}
        return lambda record: {
            "code": record.code,
            "catalog_code": catalog[record.catalog_item_id],
            "agency_uscc": agencies[record.agency_id],
            "level": record.level.value,
        }
    return lambda record: {"code": record.code, "agency_uscc": agencies[record.agency_id]}

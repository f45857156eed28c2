"""Drafts and versions under review are visible to those who may edit or review them."""

from typing import Any

from catalog_api.auth import Role
from catalog_api.catalog import access
from catalog_api.schema.context import Info


async def drafts_visible(info: Info, record: Any) -> bool:
    principal = info.context.principal
    if principal is None:
        return False
    if principal.has(Role.CATALOG_ADMIN):
        return True
    agency_id = getattr(record, "agency_id", None)
    if agency_id is None or not (principal.has(Role.EDITOR) or principal.has(Role.REVIEWER)):
        return False
    cache = info.context.scope_cache
    if agency_id not in cache:
        agency = await info.context.loaders.agency_by_id.load(agency_id)
        async with info.context.database.read() as session:
            cache[agency_id] = await access.in_scope(session, principal, agency)
    return cache[agency_id]


async def visible_versions(info: Info, kind: str, record: Any) -> list[Any]:
    """Newest first: the open draft (for those who may see it), then the published history."""
    rows = list(await info.context.loaders.public_versions.load((kind, record.id)))
    if await drafts_visible(info, record):
        draft = await info.context.loaders.open_draft.load((kind, record.id))
        if draft is not None:
            rows.insert(0, draft)
    return rows

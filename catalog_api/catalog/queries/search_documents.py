"""Published service items flattened into search documents: what the index is rebuilt from.

Content is read from the stored JSON as is (no model parsing): a full reindex reads every
published item, and the stored content was validated when it was written.
"""

import uuid
from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_api.catalog.queries.as_of import current_at
from models import (
    Agency,
    CatalogItem,
    CatalogItemVersion,
    IntermediaryService,
    IntermediaryServiceVersion,
    Region,
    ServiceItem,
    ServiceItemVersion,
)
from models.content import Channels
from models.enums import ExerciseLevel, ItemType
from models.lists import public_lists
from search.documents import SearchDocument


async def documents_by_ids(
    session: AsyncSession, ids: Sequence[uuid.UUID], at: datetime
) -> dict[uuid.UUID, SearchDocument]:
    """The documents of those items that are published at `at`; the others are absent."""
    if not ids:
        return {}
    ancestors = await _region_ancestors(session)
    rows = (
        await session.execute(_documents().where(ServiceItem.id.in_(ids), _published(at)))
    ).all()
    parents = await _parent_names(session, rows, at)
    names = await _intermediary_names(session, rows, at)
    return {row[0].id: _document(*row, ancestors, parents, names) for row in rows}


async def all_documents(
    session: AsyncSession, at: datetime, batch: int = 1000
) -> AsyncIterator[list[SearchDocument]]:
    """Every item published at `at`, in code order, `batch` at a time."""
    ancestors = await _region_ancestors(session)
    after = ""
    while True:
        statement = (
            _documents()
            .where(_published(at), ServiceItem.code > after)
            .order_by(ServiceItem.code)
            .limit(batch)
        )
        rows = (await session.execute(statement)).all()
        if not rows:
            return
        parents = await _parent_names(session, rows, at)
        names = await _intermediary_names(session, rows, at)
        yield [_document(*row, ancestors, parents, names) for row in rows]
        after = rows[-1][0].code


def _documents() -> Select[Any]:
    return (
        select(
            ServiceItem,
            ServiceItemVersion.content,
            Agency,
            CatalogItem.code,
            CatalogItem.parent_id,
            CatalogItemVersion.content,
        )
        .join(ServiceItemVersion, ServiceItemVersion.record_id == ServiceItem.id)
        .join(Agency, Agency.id == ServiceItem.agency_id)
        .join(CatalogItem, CatalogItem.id == ServiceItem.catalog_item_id)
        .join(CatalogItemVersion, CatalogItemVersion.record_id == ServiceItem.catalog_item_id)
    )


async def _parent_names(
    session: AsyncSession, rows: Sequence[Any], at: datetime
) -> dict[uuid.UUID, list[str]]:
    """The names and aliases of the rows' parent catalog items (a sub-item is also found by
    its main item's names: 存量房转移登记 is a kind of 不动产登记)."""
    parent_ids = {row.parent_id for row in rows if row.parent_id is not None}
    if not parent_ids:
        return {}
    statement = select(CatalogItemVersion.record_id, CatalogItemVersion.content).where(
        CatalogItemVersion.record_id.in_(parent_ids), current_at(CatalogItemVersion, at)
    )
    return {
        record_id: [content["name"], *content.get("aliases", [])]
        for record_id, content in await session.execute(statement)
    }


async def _intermediary_names(
    session: AsyncSession, rows: Sequence[Any], at: datetime
) -> dict[str, str]:
    """Names of the intermediary services the rows require, by code: found by what they are
    called (建设工程设计方案编制), not by their codes."""
    codes = {code for row in rows for code in row[1].get("intermediaries", [])}
    if not codes:
        return {}
    statement = (
        select(IntermediaryService.code, IntermediaryServiceVersion.content)
        .join(IntermediaryServiceVersion)
        .where(IntermediaryService.code.in_(codes), current_at(IntermediaryServiceVersion, at))
    )
    return {code: content["name"] for code, content in await session.execute(statement)}


def _published(at: datetime) -> Any:
    return current_at(ServiceItemVersion, at) & current_at(CatalogItemVersion, at)


async def _region_ancestors(session: AsyncSession) -> dict[str, tuple[str, ...]]:
    """Each region code with its ancestors, nearest first (the region tree is small)."""
    parents = dict((await session.execute(select(Region.code, Region.parent_code))).all())
    chains: dict[str, tuple[str, ...]] = {}
    for code in parents:
        chain, current = [], code
        while current is not None and current not in chain:
            chain.append(current)
            current = parents.get(current)
        chains[code] = tuple(chain)
    return chains


def _document(
    item: ServiceItem,
    local: dict[str, Any],
    agency: Agency,
    catalog_code: str,
    parent_id: uuid.UUID | None,
    catalog: dict[str, Any],
    ancestors: dict[str, tuple[str, ...]],
    parents: dict[uuid.UUID, list[str]],
    intermediaries: dict[str, str],
) -> SearchDocument:
    item_type = ItemType(item.item_type)
    onsite_visits = int(local.get("onsite_visits", 1))
    charging = bool(local.get("charging", False))
    channels = Channels.model_validate(local.get("channels") or {}).available()
    materials = [m["name"] for m in catalog.get("baseline_materials", [])]
    materials += [m["name"] for m in local.get("materials", [])]
    return SearchDocument(
        id=str(item.id),
        code=item.code,
        catalog_code=catalog_code,
        name=catalog["name"],
        aliases=tuple(
            _unique(
                [
                    *catalog.get("aliases", []),
                    *parents.get(parent_id, []),
                    *local.get("themes", []),
                ]
            )
        ),
        conditions=catalog.get("accept_conditions") or "",
        materials=tuple(_unique(materials)),
        guide=" ".join(_guide_text(item, local, agency, catalog, intermediaries)),
        region_codes=ancestors.get(agency.region_code, (agency.region_code,)),
        agency_uscc=agency.uscc,
        item_type=item_type.value,
        level=ExerciseLevel(item.level).value,
        service_objects=tuple(catalog.get("service_objects", [])),
        online_depth=str(local.get("online_depth", "1")),
        onsite_visits=onsite_visits,
        charging=charging,
        lists=tuple(
            public_lists(item_type, onsite_visits, charging, bool(local.get("intermediaries")))
        ),
        channels=tuple(sorted(channel.value for channel in channels)),
    )


def _guide_text(
    item: ServiceItem,
    local: dict[str, Any],
    agency: Agency,
    catalog: dict[str, Any],
    intermediaries: dict[str, str],
) -> Iterable[str]:
    yield item.code
    yield from local.get("local_codes", [])
    yield agency.name
    yield from filter(None, (local.get("undertaking_unit"), catalog.get("exercise_content")))
    for step in local.get("process", []):
        yield step["name"]
        yield step.get("description") or ""
    if result := local.get("result"):
        yield result["name"]
    for faq in local.get("faqs", []):
        yield faq["question"]
    for note in local.get("material_notes", []):
        yield note["note"]
    yield from (intermediaries.get(code, code) for code in local.get("intermediaries", []))
    yield local.get("notes") or ""


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(value for value in values if value))

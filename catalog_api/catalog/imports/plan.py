"""What one checked row would do to the catalog, read inside the session that will write it."""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_api.catalog import versions
from catalog_api.catalog.commands.create_catalog_item import parent_code_of
from catalog_api.catalog.imports.list_files import PatchRejected
from catalog_api.catalog.imports.rows import Row
from catalog_api.catalog.kinds import CATALOG_ITEM, SERVICE_ITEM, Kind
from models import CatalogItem
from models.diff import FieldChange, diff
from models.enums import VersionStatus


class Outcome(StrEnum):
    CREATED = "created"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"


@dataclass
class Plan:
    outcome: Outcome
    record: Any = None
    head: Any = None  # the open draft, else the published version
    changes: list[FieldChange] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    content: BaseModel | None = None  # what the row writes (a list row's: patched onto `head`)

    @property
    def content_changed(self) -> bool:
        return self.outcome is Outcome.CREATED or bool(self.changes)


@dataclass
class Known:
    """What the catalog holds for a batch of rows, read in three statements (dry runs)."""

    records: dict[str, Any]  # by code
    heads: dict[Any, Any]  # by record id: the open draft, else the published version
    catalog_codes: set[str]  # catalog items the rows refer to that exist


async def prefetch(session: AsyncSession, kind: Kind, rows: list[Row]) -> Known:
    codes = [row.code for row in rows if row.code is not None]
    statement = select(kind.record).where(kind.record.code.in_(codes))
    records = {record.code: record for record in (await session.execute(statement)).scalars()}
    statuses = (VersionStatus.DRAFT, VersionStatus.IN_REVIEW, VersionStatus.PUBLISHED)
    ids = [record.id for record in records.values()]
    heads: dict[Any, Any] = {}
    if ids:
        statement = select(kind.version).where(
            kind.version.record_id.in_(ids), kind.version.status.in_(statuses)
        )
        for version in (await session.execute(statement)).scalars():
            if version.record_id not in heads or version.status != VersionStatus.PUBLISHED:
                heads[version.record_id] = version
    wanted = {code for row in rows if (code := _reference_of(kind, row)) is not None}
    found = await session.execute(select(CatalogItem.code).where(CatalogItem.code.in_(wanted)))
    return Known(records, heads, set(found.scalars()))


async def plan_row(
    session: AsyncSession,
    kind: Kind,
    row: Row,
    *,
    publish: bool,
    created: set[str],
    known: Known | None = None,
) -> Plan:
    """`created`: codes earlier rows of the file create (parents of catalog items); `known`:
    the batch read ahead by `prefetch`, else each lookup is a statement of its own."""
    assert row.code is not None
    if known is not None:
        record = known.records.get(row.code)
    else:
        statement = select(kind.record).where(kind.record.code == row.code)
        record = (await session.execute(statement)).scalar_one_or_none()
    if record is None:
        assert row.content is not None  # a list row's record was found when it was read
        problem = await _missing_reference(session, kind, row, created, known)
        if problem is not None:
            return Plan(Outcome.REJECTED, errors=[problem])
        new = row.content.model_dump(mode="json", exclude_none=True)
        return Plan(Outcome.CREATED, changes=diff({}, new), content=row.content)
    head = await _head(session, kind, record, known)
    if head is not None and head.status == VersionStatus.IN_REVIEW:
        message = f"{row.code_ref} 该记录有正在审核的版本：请先退回或发布，再导入"
        return Plan(Outcome.REJECTED, record, head, errors=[message])
    current = head.content if head is not None else {}
    try:
        content = row.patch.apply(current) if row.patch is not None else row.content
    except PatchRejected as exc:
        return Plan(Outcome.REJECTED, record, head, errors=exc.errors)
    changes = diff(current, content.model_dump(mode="json", exclude_none=True))
    if changes or (publish and (head is None or head.status != VersionStatus.PUBLISHED)):
        return Plan(Outcome.CHANGED, record, head, changes, content=content)
    return Plan(Outcome.UNCHANGED, record, head, content=content)


async def _head(session: AsyncSession, kind: Kind, record: Any, known: Known | None) -> Any:
    if known is not None:
        return known.heads.get(record.id)
    draft = await versions.open_draft(session, kind, record.id)
    return draft or await versions.latest_published(session, kind, record.id)


def _reference_of(kind: Kind, row: Row) -> str | None:
    """The catalog item a new record needs: a catalog item's parent, a service item's item."""
    if row.patch is not None:
        return None  # a list row edits a record that exists
    if kind is CATALOG_ITEM:
        return parent_code_of(row.code or "")
    if kind is SERVICE_ITEM:
        return str(row.identity["catalog_code"])
    return None


async def _missing_reference(
    session: AsyncSession, kind: Kind, row: Row, created: set[str], known: Known | None
) -> str | None:
    """A new record's parent (catalog items) or catalog item (service items) must exist."""
    wanted = _reference_of(kind, row)
    if wanted is None or wanted in created:
        return None
    if known is not None:
        exists = wanted in known.catalog_codes
    else:
        found = await session.execute(select(CatalogItem.id).where(CatalogItem.code == wanted))
        exists = found.scalar_one_or_none() is not None
    if exists:
        return None
    what = "上级事项" if kind is CATALOG_ITEM else "基本目录事项"
    return f"{row.code_ref} {what} {wanted} 不存在：请先导入或创建它"

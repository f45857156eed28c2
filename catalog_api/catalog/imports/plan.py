"""What one checked row would do to the catalog, read inside the session that will write it."""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_api.catalog import versions
from catalog_api.catalog.commands.create_catalog_item import parent_code_of
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

    @property
    def content_changed(self) -> bool:
        return self.outcome is Outcome.CREATED or bool(self.changes)


async def plan_row(
    session: AsyncSession, kind: Kind, row: Row, *, publish: bool, created: set[str]
) -> Plan:
    """`created`: codes earlier rows of the file create (parents of catalog items)."""
    assert row.code is not None and row.content is not None
    statement = select(kind.record).where(kind.record.code == row.code)
    record = (await session.execute(statement)).scalar_one_or_none()
    new = row.content.model_dump(mode="json", exclude_none=True)
    if record is None:
        problem = await _missing_reference(session, kind, row, created)
        if problem is not None:
            return Plan(Outcome.REJECTED, errors=[problem])
        return Plan(Outcome.CREATED, changes=diff({}, new))
    head = await versions.open_draft(session, kind, record.id)
    if head is not None and head.status == VersionStatus.IN_REVIEW:
        message = f"{row.code_ref} 该记录有正在审核的版本：请先退回或发布，再导入"
        return Plan(Outcome.REJECTED, record, head, errors=[message])
    head = head or await versions.latest_published(session, kind, record.id)
    changes = diff(head.content if head is not None else {}, new)
    if changes or (publish and (head is None or head.status != VersionStatus.PUBLISHED)):
        return Plan(Outcome.CHANGED, record, head, changes)
    return Plan(Outcome.UNCHANGED, record, head)


async def _missing_reference(
    session: AsyncSession, kind: Kind, row: Row, created: set[str]
) -> str | None:
    """A new record's parent (catalog items) or catalog item (service items) must exist."""
    if kind is CATALOG_ITEM:
        wanted, what = parent_code_of(row.code or ""), "上级事项"
    elif kind is SERVICE_ITEM:
        wanted, what = row.identity["catalog_code"], "基本目录事项"
    else:
        return None
    if wanted is None or wanted in created:
        return None
    found = await session.execute(select(CatalogItem.id).where(CatalogItem.code == wanted))
    if found.scalar_one_or_none() is None:
        return f"{row.code_ref} {what} {wanted} 不存在：请先导入或创建它"
    return None

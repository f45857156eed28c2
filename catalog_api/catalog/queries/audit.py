"""The audit log, newest first, filtered by record, person, agency and time."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import AuditEntry


@dataclass(frozen=True)
class AuditFilter:
    code: str | None = None
    actor: str | None = None
    agency_uscc: str | None = None
    since: datetime | None = None
    until: datetime | None = None


async def audit_page(
    session: AsyncSession, where: AuditFilter, first: int, before_id: int | None
) -> tuple[list[AuditEntry], bool]:
    statement = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(first + 1)
    conditions = {
        AuditEntry.code: where.code,
        AuditEntry.actor: where.actor,
        AuditEntry.agency_uscc: where.agency_uscc,
    }
    for column, value in conditions.items():
        if value is not None:
            statement = statement.where(column == value)
    if where.since is not None:
        statement = statement.where(AuditEntry.at >= where.since)
    if where.until is not None:
        statement = statement.where(AuditEntry.at < where.until)
    if before_id is not None:
        statement = statement.where(AuditEntry.id < before_id)
    rows = list((await session.execute(statement)).scalars())
    return rows[:first], len(rows) > first

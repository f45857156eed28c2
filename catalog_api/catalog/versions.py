"""Building blocks of the versioning commands: locking, lookups, validated new versions."""

import uuid
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_api.catalog.errors import DomainError, ErrorCode, from_validation_error, not_found
from catalog_api.catalog.kinds import Kind
from catalog_api.db import Tx
from models.base import utc_now
from models.enums import OPEN_STATUSES, VersionStatus


async def lock_record(tx: Tx, kind: Kind, record_id: uuid.UUID, expected_lock_version: int) -> Any:
    """The record, locked for this transaction, if the caller saw its latest lock version."""
    # populate_existing: a copy read earlier in this session must not hide a concurrent write
    statement = (
        select(kind.record)
        .where(kind.record.id == record_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    record = (await tx.session.execute(statement)).scalar_one_or_none()
    if record is None:
        raise not_found("记录不存在", "id")
    if record.lock_version != expected_lock_version:
        raise DomainError.one(
            ErrorCode.STALE_VERSION,
            f"记录已被他人修改（当前版本锁 {record.lock_version}，"
            f"提交的是 {expected_lock_version}），请刷新后重试",
            "expected_lock_version",
        )
    return record


def touch(record: Any) -> None:
    """Every write moves the lock version on, so concurrent editors notice each other."""
    record.lock_version += 1
    record.updated_at = utc_now()


async def open_draft(session: AsyncSession, kind: Kind, record_id: uuid.UUID) -> Any | None:
    statement = select(kind.version).where(
        kind.version.record_id == record_id, kind.version.status.in_(OPEN_STATUSES)
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def latest_published(session: AsyncSession, kind: Kind, record_id: uuid.UUID) -> Any | None:
    """The version in status `published`: live now, or scheduled to go live."""
    statement = select(kind.version).where(
        kind.version.record_id == record_id, kind.version.status == VersionStatus.PUBLISHED
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def version_by_number(
    session: AsyncSession, kind: Kind, record_id: uuid.UUID, number: int
) -> Any | None:
    statement = select(kind.version).where(
        kind.version.record_id == record_id, kind.version.number == number
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def next_number(session: AsyncSession, kind: Kind, record_id: uuid.UUID) -> int:
    statement = select(func.max(kind.version.number)).where(kind.version.record_id == record_id)
    return ((await session.execute(statement)).scalar_one() or 0) + 1


def parse_content(kind: Kind, data: dict[str, Any], *path: str) -> BaseModel:
    try:
        return kind.content.model_validate(data)
    except ValidationError as exc:
        raise from_validation_error(exc, *path) from None


def new_version(
    kind: Kind,
    record: Any,
    number: int,
    content: BaseModel,
    *,
    author: str | None,
    change_note: str | None,
) -> Any:
    return kind.version(
        record_id=record.id,
        number=number,
        status=VersionStatus.DRAFT,
        content=content.model_dump(mode="json", exclude_none=True),
        author=author,
        change_note=change_note,
        **kind.projection(content),
    )


def replace_content(kind: Kind, version: Any, content: BaseModel) -> None:
    version.content = content.model_dump(mode="json", exclude_none=True)
    for column, value in kind.projection(content).items():
        setattr(version, column, value)

"""The publishing rules, with what they need from the database."""

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_api.catalog import versions
from catalog_api.catalog.errors import DomainError, ErrorCode, FieldError, invalid_state
from catalog_api.catalog.kinds import (
    CATALOG_ITEM,
    FEE_ITEM,
    INTERMEDIARY_SERVICE,
    SCENARIO,
    SERVICE_ITEM,
    Kind,
)
from catalog_api.catalog.queries.as_of import current_at
from models import CatalogItem, CatalogItemVersion, ServiceItem
from models.content import (
    CatalogItemContent,
    FeeItemContent,
    IntermediaryServiceContent,
    ServiceItemContent,
)
from models.enums import VersionStatus
from models.rules import (
    Problem,
    fee_amount_problem,
    fee_item_problems,
    intermediary_problems,
    service_item_problems,
)
from models.scenario_content import ScenarioContent


async def ensure_publishable(
    session: AsyncSession,
    kind: Kind,
    record: Any,
    draft: Any,
    effective_from: datetime | None = None,
) -> None:
    """Raise every problem that blocks `draft` from being published (at `effective_from`)."""
    if isinstance(record, ServiceItem):
        await _ensure_service_item(session, record, draft, effective_from)
    elif kind is FEE_ITEM:
        _raise(_invalid(fee_item_problems(FeeItemContent.model_validate(draft.content))))
    elif kind is INTERMEDIARY_SERVICE:
        content = IntermediaryServiceContent.model_validate(draft.content)
        errors = _invalid(intermediary_problems(content))
        errors += await _approval_item_errors(session, content)
        _raise(errors)
    elif kind is SCENARIO:
        _raise(await _member_errors(session, ScenarioContent.model_validate(draft.content)))


async def _ensure_service_item(
    session: AsyncSession, record: ServiceItem, draft: Any, effective_from: datetime | None
) -> None:
    catalog_version = await versions.latest_published(session, CATALOG_ITEM, record.catalog_item_id)
    catalog = await session.get_one(CatalogItem, record.catalog_item_id)
    if catalog_version is None:
        raise invalid_state(f"基本目录事项 {catalog.code} 尚未发布，实施清单不能先于它发布", "id")
    if effective_from is not None:
        await _ensure_catalog_in_force(session, record, effective_from)
    content = ServiceItemContent.model_validate(draft.content)
    problems = service_item_problems(
        content, CatalogItemContent.model_validate(catalog_version.content), record.item_type
    )
    errors = _invalid(problems)
    errors += await _fee_line_errors(session, content)
    errors += await _intermediary_errors(session, content, catalog.code)
    _raise(errors)


async def _fee_line_errors(session: AsyncSession, content: ServiceItemContent) -> list[FieldError]:
    """Each fee line names a published fee item and charges within its standard."""
    found = await published_contents(session, FEE_ITEM, [line.fee_item for line in content.fees])
    errors = []
    for i, line in enumerate(content.fees):
        fee = found.get(line.fee_item)
        if fee is None:
            message = f"收费项目 {line.fee_item} 不存在或尚未发布"
            errors.append(
                FieldError(ErrorCode.NOT_FOUND, message, ("content", "fees", i, "fee_item"))
            )
            continue
        problem = None if line.amount is None else fee_amount_problem(line.amount, fee)
        if problem is not None:
            errors.append(FieldError(ErrorCode.INVALID, problem, ("content", "fees", i, "amount")))
    return errors


async def _intermediary_errors(
    session: AsyncSession, content: ServiceItemContent, catalog_code: str
) -> list[FieldError]:
    """Each intermediary service is published and lists this item's approval among its own."""
    found = await published_contents(session, INTERMEDIARY_SERVICE, content.intermediaries)
    errors = []
    for i, code in enumerate(content.intermediaries):
        service = found.get(code)
        path = ("content", "intermediaries", i)
        if service is None:
            message = f"中介服务事项 {code} 不存在或尚未发布"
            errors.append(FieldError(ErrorCode.NOT_FOUND, message, path))
        elif not set(service.approval_items) & _catalog_lineage(catalog_code):
            message = f"中介服务事项“{service.name}”未将本事项列为需要它的审批事项"
            errors.append(FieldError(ErrorCode.INVALID, message, path))
    return errors


def _catalog_lineage(code: str) -> set[str]:
    """The catalog item and the items above it: a service listed for a main item is required
    by its sub-items and handling items too."""
    return {code, code[:12], f"{code[:9]}000", f"{code[:9]}00Y"}


async def _approval_item_errors(
    session: AsyncSession, content: IntermediaryServiceContent
) -> list[FieldError]:
    found = await published_contents(session, CATALOG_ITEM, content.approval_items)
    return [
        FieldError(
            ErrorCode.NOT_FOUND,
            f"审批事项 {code} 不在基本目录中或尚未发布",
            ("content", "approval_items", i),
        )
        for i, code in enumerate(content.approval_items)
        if code not in found
    ]


async def _member_errors(session: AsyncSession, content: ScenarioContent) -> list[FieldError]:
    """Every member of a scenario is a published service item."""
    codes = [member.item for member in content.members]
    found = await published_contents(session, SERVICE_ITEM, codes)
    return [
        FieldError(
            ErrorCode.NOT_FOUND,
            f"成员事项 {code} 不是已发布的实施清单事项",
            ("content", "members", i, "item"),
        )
        for i, code in enumerate(codes)
        if code not in found
    ]


async def published_contents(
    session: AsyncSession, kind: Kind, codes: Sequence[str]
) -> dict[str, Any]:
    """The content of each record's version in status published (live, or scheduled), by code;
    codes with none (unknown, never published, withdrawn) are missing."""
    if not codes:
        return {}
    statement = (
        select(kind.record.code, kind.version.content)
        .join(kind.version, kind.version.record_id == kind.record.id)
        .where(kind.record.code.in_(set(codes)), kind.version.status == VersionStatus.PUBLISHED)
    )
    rows = await session.execute(statement)
    return {code: kind.content.model_validate(content) for code, content in rows}


def _invalid(problems: Iterable[Problem]) -> list[FieldError]:
    return [
        FieldError(ErrorCode.INVALID, message, ("content", *path)) for path, message in problems
    ]


def _raise(errors: list[FieldError]) -> None:
    if errors:
        raise DomainError(errors)


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

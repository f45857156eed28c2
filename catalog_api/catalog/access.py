"""Who may do what to which record.

Editors write their own agencies' records (an agency in their scope: one of their agency
USCCs, or any agency in one of their regions or below): service items of the implementing
agency, fee items of the collecting agency, intermediary services of the approving agency.
Reviewers publish, reject and withdraw in their scope what someone else submitted (four eyes);
catalog administrators own the basic catalog and may act on any record. Anonymous readers see
published data only.
"""

from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from catalog_api.auth import Principal, Role
from catalog_api.catalog.queries.reference import region_and_descendants
from models import Agency


class Action(StrEnum):
    EDIT = "edit"  # create, update a draft, submit, restore, discard
    REVIEW = "review"  # publish, reject
    WITHDRAW = "withdraw"


class Forbidden(Exception):
    """The principal may not do this; the message says why, without leaking data."""


async def in_scope(session: AsyncSession, principal: Principal, agency: Agency) -> bool:
    if agency.uscc in principal.agencies:
        return True
    for region in principal.regions:
        if agency.region_code in await region_and_descendants(session, region):
            return True
    return False


async def ensure_may(
    session: AsyncSession, principal: Principal, action: Action, record: Any, agency: Agency | None
) -> None:
    """Raise Forbidden unless `principal` may do `action` to `record` (a catalog item when
    `agency` is None, else a record that agency owns)."""
    if principal.has(Role.CATALOG_ADMIN):
        return
    if agency is None:
        raise Forbidden("基本目录事项仅由目录管理员维护")
    needed = Role.EDITOR if action == Action.EDIT else Role.REVIEWER
    if not principal.has(needed):
        raise Forbidden(f"此操作需要{_ROLE_NAMES[needed]}角色")
    if not await in_scope(session, principal, agency):
        raise Forbidden(f"“{agency.name}”不在您的管辖范围内")


def ensure_four_eyes(principal: Principal, submitted_by: str | None, *, enabled: bool) -> None:
    if enabled and submitted_by is not None and submitted_by == principal.subject:
        raise Forbidden("不能审核发布自己提交的版本")


async def agency_of(session: AsyncSession, record: Any) -> Agency | None:
    """The agency that owns a record; None for the basic catalog, which administrators own."""
    agency_id = getattr(record, "agency_id", None)
    if agency_id is None:
        return None
    return await session.get_one(Agency, agency_id)


_ROLE_NAMES = {Role.EDITOR: "编辑", Role.REVIEWER: "审核", Role.CATALOG_ADMIN: "目录管理员"}

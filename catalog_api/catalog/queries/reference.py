"""Regions, agencies and attachments."""

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Agency, Attachment, Region
from models.enums import ExerciseLevel


async def region_and_descendants(session: AsyncSession, code: str) -> list[str]:
    """A region's code and every code below it (districts, streets …)."""
    tree = select(Region.code).where(Region.code == code).cte("tree", recursive=True)
    tree = tree.union_all(select(Region.code).where(Region.parent_code == tree.c.code))
    return list((await session.execute(select(tree.c.code))).scalars())


async def regions_by_codes(session: AsyncSession, codes: Sequence[str]) -> dict[str, Region]:
    rows = await session.execute(select(Region).where(Region.code.in_(codes)))
    return {region.code: region for region in rows.scalars()}


async def regions_by_parents(
    session: AsyncSession, parent_codes: Sequence[str]
) -> dict[str, list[Region]]:
    statement = select(Region).where(Region.parent_code.in_(parent_codes)).order_by(Region.code)
    children: dict[str, list[Region]] = {code: [] for code in parent_codes}
    for region in (await session.execute(statement)).scalars():
        children[region.parent_code or ""].append(region)
    return children


async def regions_page(
    session: AsyncSession, parent_code: str | None, first: int, after: str | None
) -> tuple[list[Region], bool]:
    statement = select(Region).order_by(Region.code).limit(first + 1)
    if parent_code is None:
        statement = statement.where(Region.parent_code.is_(None))
    else:
        statement = statement.where(Region.parent_code == parent_code)
    if after is not None:
        statement = statement.where(Region.code > after)
    rows = list((await session.execute(statement)).scalars())
    return rows[:first], len(rows) > first


async def agencies_by_ids(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Agency]:
    rows = await session.execute(select(Agency).where(Agency.id.in_(ids)))
    return {agency.id: agency for agency in rows.scalars()}


async def agencies_by_usccs(session: AsyncSession, usccs: Sequence[str]) -> dict[str, Agency]:
    rows = await session.execute(select(Agency).where(Agency.uscc.in_(usccs)))
    return {agency.uscc: agency for agency in rows.scalars()}


async def agency_by_uscc(session: AsyncSession, uscc: str) -> Agency | None:
    statement = select(Agency).where(Agency.uscc == uscc)
    return (await session.execute(statement)).scalar_one_or_none()


async def agencies_page(
    session: AsyncSession,
    *,
    region_code: str | None,
    level: ExerciseLevel | None,
    first: int,
    after: str | None,
) -> tuple[list[Agency], bool]:
    statement = select(Agency).order_by(Agency.uscc).limit(first + 1)
    if region_code is not None:
        regions = await region_and_descendants(session, region_code)
        statement = statement.where(Agency.region_code.in_(regions))
    if level is not None:
        statement = statement.where(Agency.level == level)
    if after is not None:
        statement = statement.where(Agency.uscc > after)
    rows = list((await session.execute(statement)).scalars())
    return rows[:first], len(rows) > first


async def attachments_by_sha(session: AsyncSession, hashes: Sequence[str]) -> dict[str, Attachment]:
    rows = await session.execute(select(Attachment).where(Attachment.sha256.in_(hashes)))
    return {attachment.sha256: attachment for attachment in rows.scalars()}

"""Scenarios (一件事) as published at a moment, in keyset pages: filtered like the lists by the
lead agency (牵头部门) or its region (with the regions below), and by theme or life cycle."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_api.catalog.kinds import SCENARIO
from catalog_api.catalog.queries import items
from catalog_api.catalog.queries.as_of import current_at
from models import Scenario, ScenarioVersion
from models.enums import ScenarioLifeCycle, ScenarioTheme


@dataclass(frozen=True)
class ScenarioFilter:
    region_code: str | None = None
    agency_uscc: str | None = None  # the lead agency
    themes: Sequence[ScenarioTheme] = ()
    life_cycle: ScenarioLifeCycle | None = None

    def owner(self) -> items.ListRecordFilter:
        return items.ListRecordFilter(region_code=self.region_code, agency_uscc=self.agency_uscc)


async def scenarios_page(
    session: AsyncSession, where: ScenarioFilter, at: datetime, first: int, after: str | None
) -> items.Page:
    keys = select(Scenario.id, Scenario.code).join(
        ScenarioVersion,
        (ScenarioVersion.record_id == Scenario.id) & current_at(ScenarioVersion, at),
    )
    statement = await _filtered(session, keys, where)
    return await items._page(session, SCENARIO, statement, first, after, at)


async def count_scenarios(session: AsyncSession, where: ScenarioFilter, at: datetime) -> int:
    base = (
        select(func.count())
        .select_from(Scenario)
        .join(
            ScenarioVersion,
            (ScenarioVersion.record_id == Scenario.id) & current_at(ScenarioVersion, at),
        )
    )
    return (await session.execute(await _filtered(session, base, where))).scalar_one()


async def _filtered(
    session: AsyncSession, statement: Select[Any], where: ScenarioFilter
) -> Select[Any]:
    statement = await items._owner_filtered(session, SCENARIO, statement, where.owner())
    if where.themes:
        statement = statement.where(ScenarioVersion.theme.in_([t.value for t in where.themes]))
    if where.life_cycle is not None:
        themes = [t.value for t in ScenarioTheme if t.life_cycle == where.life_cycle]
        statement = statement.where(ScenarioVersion.theme.in_(themes))
    return statement

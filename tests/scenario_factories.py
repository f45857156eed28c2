"""Builders for scenarios (一件事): member service items published through the commands, and
scenarios created on them."""

from typing import Any

from catalog_api.catalog.commands.create_scenario import create_scenario
from catalog_api.catalog.kinds import SCENARIO
from catalog_api.db import Database
from models import Agency
from models.enums import ExerciseLevel, RegionLevel
from tests.factories import (
    EDITOR,
    JINAN,
    LIXIA,
    add_agency,
    add_region,
    published_catalog_item,
    published_service_item,
    submit_and_publish,
)


async def city_and_district(database: Database) -> tuple[Agency, Agency]:
    """济南市卫生健康委员会, and 历下区行政审批服务局 in 历下区 below 济南市."""
    async with database.transaction() as tx:
        city = await add_agency(tx, name="济南市卫生健康委员会")
        await add_region(tx, LIXIA, "历下区", RegionLevel.DISTRICT, JINAN)
        district = await add_agency(
            tx, region_code=LIXIA, level=ExerciseLevel.COUNTY, name="济南市历下区行政审批服务局"
        )
    return city, district


def scenario_content(members: list[str], **overrides: Any) -> dict[str, Any]:
    content: dict[str, Any] = {
        "name": "新生儿出生一件事",
        "theme": "101",
        "service_objects": ["1"],
        "members": [{"item": code} for code in members],
        "description": "出生医学证明、预防接种证、户口登记、医保参保一次办",
        "process": "网上申请或到医院综合窗口一次提交，各部门并联办理，结果统一送达",
    }
    content.update(overrides)
    return content


async def member_items(database: Database, agency_uscc: str, names: list[str]) -> list[str]:
    """One published service item of `agency_uscc` per name; their implementation codes."""
    codes = []
    for name in names:
        catalog, _ = await published_catalog_item(database, name=name, service_objects=["1"])
        record, _ = await published_service_item(database, catalog.code, agency_uscc)
        codes.append(record.code)
    return codes


async def scenario_draft(
    database: Database, agency_uscc: str, members: list[str], **content: Any
) -> tuple[Any, Any]:
    async with database.transaction() as tx:
        return await create_scenario(
            tx,
            agency_uscc=agency_uscc,
            content=scenario_content(members, **content),
            actor=EDITOR,
        )


async def published_scenario(
    database: Database, agency_uscc: str, members: list[str], **content: Any
) -> tuple[Any, Any]:
    record, _ = await scenario_draft(database, agency_uscc, members, **content)
    return record, await submit_and_publish(database, SCENARIO, record)

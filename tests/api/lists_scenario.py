"""The small Jinan with something on every public list: a public service, a fee item charged by
an item, an intermediary service."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from catalog_api.db import Database
from tests.api.scenario import FOOD_LICENCE, SmallJinan, small_jinan
from tests.factories import (
    next_catalog_code,
    published_catalog_item,
    published_fee_item,
    published_intermediary,
    published_service_item,
)


@dataclass
class ListsJinan:
    jinan: SmallJinan
    library_item: Any  # 公共服务, 历下区, zero trips
    charging_item: Any  # 行政征收, 历下区, charges the fee
    fee: Any
    intermediary: Any


async def lists_jinan(database: Database, files_dir: Path) -> ListsJinan:
    jinan = await small_jinan(database, files_dir)
    lixia = jinan.lixia_agency.uscc
    library = next_catalog_code("20")
    await published_catalog_item(database, library, name="公共图书馆读者证办理", levels=["4"])
    library_item, _ = await published_service_item(
        database, library, lixia, power_source=None, responsibilities=None, onsite_visits=0,
        onsite_visits_reason=None, address="济南市历下区文化东路59号",
    )
    fee, _ = await published_fee_item(database, lixia)
    levy = next_catalog_code("04")
    await published_catalog_item(database, levy, name="不动产登记收费", levels=["4"])
    charging_item, _ = await published_service_item(
        database, levy, lixia, charging=True, fees=[{"fee_item": fee.code}],
        fee_basis="发改价格规〔2016〕2559号",
    )
    intermediary, _ = await published_intermediary(database, lixia, [FOOD_LICENCE])
    return ListsJinan(jinan, library_item, charging_item, fee, intermediary)

"""A small Jinan: the city, two districts and a street, their agencies, and one catalog item
implemented by the city and a district. Built through the commands, like the real catalog."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from catalog_api.catalog.commands.store_attachment import store_attachment
from catalog_api.db import Database
from models import Agency, CatalogItem, ServiceItem
from models.enums import ExerciseLevel, RegionLevel
from tests.factories import add_agency, add_region, published_catalog_item, published_service_item

FORM_BYTES = "企业设立登记申请书（空白表格）".encode()
FOOD_LICENCE = "370113001000"


@dataclass
class SmallJinan:
    city_agency: Agency
    lixia_agency: Agency
    huaiyin_agency: Agency
    street_agency: Agency
    catalog: CatalogItem
    city_item: ServiceItem
    lixia_item: ServiceItem
    form_sha256: str


async def small_jinan(database: Database, files_dir: Path) -> SmallJinan:
    async with database.transaction() as tx:
        await add_region(tx, "370100", "济南市", RegionLevel.CITY)
        await add_region(tx, "370102", "历下区", RegionLevel.DISTRICT, "370100")
        await add_region(tx, "370104", "槐荫区", RegionLevel.DISTRICT, "370100")
        await add_region(tx, "370102001", "泉城路街道", RegionLevel.STREET, "370102")
        city = await add_agency(tx, region_code="370100", name="济南市市场监督管理局")
        lixia = await add_agency(
            tx, region_code="370102", level=ExerciseLevel.COUNTY, name="济南市历下区行政审批服务局"
        )
        huaiyin = await add_agency(
            tx, region_code="370104", level=ExerciseLevel.COUNTY, name="济南市槐荫区行政审批服务局"
        )
        street = await add_agency(
            tx, region_code="370102001", level=ExerciseLevel.TOWNSHIP, name="泉城路街道办事处"
        )
        form = await store_attachment(
            tx,
            files_dir,
            data=FORM_BYTES,
            file_name="食品经营许可申请书.docx",
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
    catalog, _ = await published_catalog_item(
        database,
        FOOD_LICENCE,
        name="食品经营许可",
        baseline_materials=[
            {"name": "食品经营许可申请书", "blank_form": form.sha256},
            {"name": "营业执照", "material_type": "1"},
        ],
    )
    city_item, _ = await published_service_item(database, FOOD_LICENCE, city.uscc)
    lixia_item, _ = await published_service_item(
        database,
        FOOD_LICENCE,
        lixia.uscc,
        onsite_visits=0,
        onsite_visits_reason=None,
        online_depth="4",
        handling_kind="1",
        promised_time_limit={"value": 0},
        materials=[{"name": "食品安全管理制度", "necessity": "2"}],
        material_notes=[{"material": "营业执照", "note": "可通过电子证照库调取"}],
    )
    return SmallJinan(city, lixia, huaiyin, street, catalog, city_item, lixia_item, form.sha256)


def node(body: dict[str, Any], *path: str) -> Any:
    for key in path:
        body = body[key]
    return body

"""The demo catalog loads through the editing commands, once, and tells the newcomer's story:
a district's implementation reads like the city's, and `asOf` shows last month's guide."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from catalog_api.app import create_app
from catalog_api.db import Database
from catalog_api.settings import Settings
from models import CatalogItemVersion, ServiceItem, ServiceItemVersion
from seed.demo import DemoCatalog, load_demo
from seed.loader import load_demo as load

GUIDE = """query($code: String!, $asOf: DateTime) { serviceItem(code: $code, asOf: $asOf) {
  name itemType legalBasis { title } versionNumber promisedTimeLimit { text } } }"""


@pytest.fixture(scope="module")
def demo() -> DemoCatalog:
    return load_demo()


async def test_the_demo_catalog_loads_once_and_reads_right(
    database: Database, tmp_path: Path, demo: DemoCatalog
) -> None:
    first = await load(database, tmp_path, demo)
    again = await load(database, tmp_path, demo)

    assert (first.regions, first.agencies, first.files) == (
        len(demo.regions),
        len(demo.agencies),
        len(demo.files),
    )
    assert (first.catalog_items, first.service_items) == (
        len(demo.catalog_items),
        len(demo.service_items),
    )
    assert first.revised > 0
    assert (again.regions, again.agencies, again.catalog_items, again.service_items) == (0, 0, 0, 0)
    async with database.read() as session:
        published = await session.scalar(
            select(func.count())
            .select_from(CatalogItemVersion)
            .where(CatalogItemVersion.status == "published")
        )
        assert published == len(demo.catalog_items)

    settings = Settings(files_dir=tmp_path, jwt_secret_file=tmp_path / "jwt-secret")
    app = create_app(settings, database=database)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://yichuang.test"
    ) as http:
        await _district_reads_like_the_city(database, http)
        await _as_of_shows_last_months_guide(database, http)


async def _guide(http: httpx.AsyncClient, code: str, as_of: datetime | None = None) -> dict:  # type: ignore[type-arg]
    variables = {"code": code, "asOf": as_of.isoformat() if as_of else None}
    body = (await http.post("/graphql", json={"query": GUIDE, "variables": variables})).json()
    assert "errors" not in body
    return body["data"]["serviceItem"]


async def _district_reads_like_the_city(database: Database, http: httpx.AsyncClient) -> None:
    async with database.read() as session:
        rows = (await session.execute(select(ServiceItem.catalog_item_id, ServiceItem.code))).all()
    by_catalog: dict[object, list[str]] = {}
    for catalog_id, code in rows:
        by_catalog.setdefault(catalog_id, []).append(code)
    city_code, district_code = next(
        sorted(codes)
        for codes in by_catalog.values()
        if any(c[18] == "3" for c in codes) and any(c[18] == "4" for c in codes)
    )[:2]

    city, district = await _guide(http, city_code), await _guide(http, district_code)

    for field in ("name", "itemType", "legalBasis"):
        assert district[field] == city[field]


async def _as_of_shows_last_months_guide(database: Database, http: httpx.AsyncClient) -> None:
    async with database.read() as session:
        code = await session.scalar(
            select(ServiceItem.code)
            .join(ServiceItemVersion, ServiceItemVersion.record_id == ServiceItem.id)
            .where(ServiceItemVersion.number == 2)
            .limit(1)
        )
    assert code is not None

    now = await _guide(http, code)
    month_ago = await _guide(http, code, datetime.now(UTC) - timedelta(days=30))

    assert (now["versionNumber"], month_ago["versionNumber"]) == (2, 1)
    assert now["promisedTimeLimit"] != month_ago["promisedTimeLimit"]

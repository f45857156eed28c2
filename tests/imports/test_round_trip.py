"""Done when: the export → import round trip of the whole demo catalog changes nothing, in the
kinds' templates and as the public lists; and the templates' files, imported with `--publish`
into an empty catalog, publish the same contents."""

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from catalog_api.catalog.imports.export import export_rows
from catalog_api.catalog.imports.plan import Outcome
from catalog_api.catalog.imports.templates import TEMPLATES
from catalog_api.catalog.imports.writer import write_file
from catalog_api.catalog.kinds import KINDS
from catalog_api.catalog.public_lists import ListRequest
from catalog_api.catalog.queries.lists import ListFilter, ListName
from catalog_api.db import Database
from catalog_api.exports import write_xlsx
from catalog_api.migrate import upgrade
from models import ChangeEvent
from models.base import utc_now
from models.enums import VersionStatus
from seed.demo import DemoCatalog, load_demo
from seed.loader import load_demo as load
from seed.loader import load_reference, store_files
from tests.imports.helpers import run

ORDER = ("catalog-items", "fee-items", "intermediary-services", "service-items")
FORMAT_OF = {  # every format goes round once; XLSX carries the biggest kind
    "catalog-items": "csv",
    "fee-items": "jsonl",
    "intermediary-services": "csv",
    "service-items": "xlsx",
}


@pytest.fixture(scope="module")
def demo() -> DemoCatalog:
    return load_demo()


async def _export_all(database: Database, folder: Path) -> dict[str, Path]:
    files = {}
    async with database.read() as session:
        for slug in ORDER:
            path = folder / f"{slug}.{FORMAT_OF[slug]}"
            write_file(path, FORMAT_OF[slug], TEMPLATES[slug], await export_rows(session, slug))
            files[slug] = path
    return files


async def _events(database: Database) -> int:
    async with database.read() as session:
        return (await session.execute(select(func.count()).select_from(ChangeEvent))).scalar_one()


async def _published(database: Database, slug: str) -> dict[str, Any]:
    kind = KINDS[slug.replace("-", "_").removesuffix("s")]
    async with database.read() as session:
        rows = await session.execute(
            select(kind.record.code, kind.version.content)
            .join(kind.version, kind.version.record_id == kind.record.id)
            .where(kind.version.status == VersionStatus.PUBLISHED)
        )
        return {code: content for code, content in rows}


async def test_the_demo_catalog_goes_round_unchanged(
    database: Database, empty_database_url: str, tmp_path: Path, demo: DemoCatalog
) -> None:
    await load(database, tmp_path / "files", demo)
    files = await _export_all(database, tmp_path)
    events = await _events(database)

    for slug in ORDER:
        report = await run(database, files[slug], slug)
        assert report.ok and not report.written, slug
        assert {row.outcome for row in report.rows} == {Outcome.UNCHANGED}, slug
    assert len(report.rows) == len(demo.service_items)
    for name in ListName:  # and every public list, as exported for the whole city
        request = ListRequest(name, ListFilter(), utc_now(), 1 if name is ListName.TRIP else None)
        path = tmp_path / f"{name.value}.xlsx"
        assert await write_xlsx(database, request, path) > 0, name
        report = await run(database, path, name.value)
        assert report.ok and not report.written, (name, report.rows[:3])
        assert {row.outcome for row in report.rows} == {Outcome.UNCHANGED}, name
    assert await _events(database) == events

    await upgrade(empty_database_url)
    fresh = Database(empty_database_url)
    try:
        await load_reference(fresh, demo.regions, demo.agencies)
        await store_files(fresh, tmp_path / "files", demo.files)
        for slug in ORDER:
            report = await run(fresh, files[slug], slug, publish=True)
            assert report.ok, [row.errors for row in report.rows if row.errors][:3]
            assert {row.outcome for row in report.rows} == {Outcome.CREATED}, slug
        for slug in ORDER:
            assert await _published(fresh, slug) == await _published(database, slug), slug
    finally:
        await fresh.dispose()

"""`yichuang seed --synthetic N`: N published service items, readable like any other."""

from pathlib import Path

from sqlalchemy import func, select

from catalog_api.db import Database
from catalog_api.settings import Settings
from models import Attachment, ChangeEvent, ServiceItem, ServiceItemVersion
from seed.cli import run_seed


class _Bar:
    task_ids = (0,)

    def __init__(self) -> None:
        self.done = 0

    def __enter__(self) -> "_Bar":
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def advance(self, _task: int, n: int) -> None:
        self.done += n


async def test_synthetic_items_load_with_events_and_files(
    database: Database, tmp_path: Path
) -> None:
    settings = Settings(database_url=database.url, files_dir=tmp_path)
    bar = _Bar()

    message = await run_seed(settings, 300, lambda _description, _total: bar)

    assert "300" in message and bar.done == 300
    async with database.read() as session:
        items = await session.scalar(select(func.count()).select_from(ServiceItem))
        live = await session.scalar(
            select(func.count())
            .select_from(ServiceItemVersion)
            .where(ServiceItemVersion.status == "published")
        )
        events = await session.scalar(select(func.count()).select_from(ChangeEvent))
        files = await session.scalar(select(func.count()).select_from(Attachment))
    assert items == live == events == 300
    assert files and files > 0

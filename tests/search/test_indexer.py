"""The indexer follows the change events: what is published is found, what is withdrawn or
superseded is not, scheduled versions appear when they take effect, failures are retried, and
a rebuild serves throughout and converges on the same index."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from catalog_api.catalog.commands.announce import announce_due
from catalog_api.catalog.commands.publish import publish
from catalog_api.catalog.commands.submit import submit
from catalog_api.catalog.commands.update_draft import update_draft
from catalog_api.catalog.commands.withdraw import withdraw
from catalog_api.catalog.kinds import CATALOG_ITEM, SERVICE_ITEM
from catalog_api.catalog.search import CatalogSearch
from catalog_api.db import Database
from models.base import utc_now
from models.enums import ExerciseLevel
from search.analysis import Analyzer
from search.backends.embedded import EmbeddedBackend
from search.documents import IndexFailure, SearchDocument, SearchFilter
from tests.factories import (
    EDITOR,
    REVIEWER,
    agency,
    published_catalog_item,
    published_service_item,
    run,
)


class Clock:
    def __init__(self) -> None:
        self.at: datetime | None = None

    def __call__(self) -> datetime:
        return self.at or utc_now()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def catalog_search(
    database: Database, tmp_path: Path, clock: Clock
) -> AsyncIterator[CatalogSearch]:
    analyzer = Analyzer()
    search = CatalogSearch(
        EmbeddedBackend(tmp_path / "search.db", analyzer), analyzer, database, clock=clock
    )
    yield search
    await search.close()


async def found(search: CatalogSearch, text: str, **where: object) -> list[str]:
    page = await search.search(text, SearchFilter(**where), 50, None)  # type: ignore[arg-type]
    return [hit.code for hit in page.hits]


async def licence(database: Database, name: str = "食品经营许可", **content: object):
    city = await agency(database, region_code="370100", name="济南市行政审批服务局")
    catalog, _ = await published_catalog_item(database, name=name)
    item, _ = await published_service_item(
        database, catalog.code, city.uscc, ExerciseLevel.MUNICIPAL, **content
    )
    return catalog, item


async def test_a_published_item_is_found_once_the_indexer_catches_up(database, catalog_search):
    _, item = await licence(database)
    assert await found(catalog_search, "食品经营") == []
    status = await catalog_search.status()
    assert status.lag > 0

    assert await catalog_search.catch_up() > 0

    assert await found(catalog_search, "食品经营") == [item.code]
    assert await found(catalog_search, "spjyxk") == [item.code]  # initials
    status = await catalog_search.status()
    assert (status.lag, status.documents, status.error) == (0, 1, None)
    assert status.last_indexed_at is not None


async def test_a_draft_changes_nothing_until_it_is_published(database, catalog_search):
    _, item = await licence(database, address="济南市历下区龙奥北路1号")
    await catalog_search.catch_up()
    await run(
        database,
        update_draft,
        SERVICE_ITEM,
        record_id=item.id,
        expected_lock_version=item.lock_version,
        changes={"faqs": [{"question": "可以邮寄材料吗？", "answer": "可以，支持快递申请。"}]},
        actor=EDITOR,
    )
    await catalog_search.catch_up()
    assert await found(catalog_search, "邮寄材料") == []

    await run(
        database,
        submit,
        SERVICE_ITEM,
        record_id=item.id,
        expected_lock_version=item.lock_version + 1,
        actor=EDITOR,
    )
    await run(
        database,
        publish,
        SERVICE_ITEM,
        record_id=item.id,
        expected_lock_version=item.lock_version + 2,
        actor=REVIEWER,
    )
    await catalog_search.catch_up()
    assert await found(catalog_search, "邮寄材料") == [item.code]


async def test_a_withdrawn_item_leaves_the_index(database, catalog_search):
    _, item = await licence(database)
    await catalog_search.catch_up()
    await run(
        database,
        withdraw,
        SERVICE_ITEM,
        record_id=item.id,
        expected_lock_version=item.lock_version,
        reason="职能划转，停止办理",
        actor=REVIEWER,
    )
    await catalog_search.catch_up()
    assert await found(catalog_search, "食品经营许可") == []
    assert (await catalog_search.status()).documents == 0


async def test_a_catalog_rename_reaches_the_derived_items(database, catalog_search):
    catalog, item = await licence(database)
    await catalog_search.catch_up()
    await rename(database, catalog, "小餐饮登记")
    await catalog_search.catch_up()
    assert await found(catalog_search, "小餐饮") == [item.code]


async def test_a_scheduled_version_appears_when_it_takes_effect(database, catalog_search, clock):
    catalog, item = await licence(database)
    await catalog_search.catch_up()
    start = utc_now() + timedelta(days=1)
    await rename(database, catalog, "小餐饮登记", effective_from=start)
    await catalog_search.catch_up()
    assert await found(catalog_search, "小餐饮") == []  # not yet in force

    clock.at = start + timedelta(seconds=1)
    async with database.transaction() as tx:
        assert await announce_due(tx, now=clock.at) == 1
    await catalog_search.catch_up()
    assert await found(catalog_search, "小餐饮") == [item.code]


async def rename(database, catalog, name, effective_from=None):
    lock = catalog.lock_version
    await run(
        database,
        update_draft,
        CATALOG_ITEM,
        record_id=catalog.id,
        expected_lock_version=lock,
        changes={"name": name},
        actor=EDITOR,
    )
    await run(
        database,
        submit,
        CATALOG_ITEM,
        record_id=catalog.id,
        expected_lock_version=lock + 1,
        actor=EDITOR,
    )
    await run(
        database,
        publish,
        CATALOG_ITEM,
        record_id=catalog.id,
        expected_lock_version=lock + 2,
        actor=REVIEWER,
        effective_from=effective_from,
    )
    catalog.lock_version = lock + 3


class Unreachable(EmbeddedBackend):
    """The embedded backend behind a link that is down until `up` is set."""

    up = False

    async def apply(
        self,
        upserts: Sequence[SearchDocument],
        deletes: Sequence[str],
        *,
        expected_offset: int,
        new_offset: int,
    ) -> list[IndexFailure]:
        if not self.up:
            raise ConnectionError("index unreachable")
        return await super().apply(
            upserts, deletes, expected_offset=expected_offset, new_offset=new_offset
        )


async def test_a_failed_write_loses_nothing_and_is_retried(database, tmp_path):
    analyzer = Analyzer()
    backend = Unreachable(tmp_path / "search.db", analyzer)
    search = CatalogSearch(backend, analyzer, database)
    try:
        _, item = await licence(database)
        with pytest.raises(ConnectionError):
            await search.catch_up()
        status = await search.status()
        assert status.lag > 0 and status.documents == 0

        backend.up = True
        await search.catch_up()
        assert await found(search, "食品经营许可") == [item.code]
        assert (await search.status()).lag == 0
    finally:
        await search.close()


async def test_reindex_serves_throughout_and_converges(database, catalog_search):
    _, first = await licence(database)
    await catalog_search.catch_up()
    _, second = await licence(database, name="药品零售企业经营许可")

    seen_during_rebuild: list[list[str]] = []
    backend = await catalog_search.ready()
    rebuild = await backend.begin_rebuild(await catalog_search.source.head())
    async for documents in catalog_search.source.all_documents(100):
        await rebuild.add(documents)
        seen_during_rebuild.append(await found(catalog_search, "许可"))
    assert seen_during_rebuild == [[first.code]]  # the old index answers while filling
    await rebuild.switch()
    assert sorted(await found(catalog_search, "许可")) == sorted([first.code, second.code])
    assert await catalog_search.catch_up() == 0  # the rebuild carried the offset

    reported: list[int] = []
    assert await catalog_search.rebuild(reported.append) == 2
    assert sum(reported) == 2  # the progress bar's steps


async def eventually_found(search: CatalogSearch, text: str, code: str) -> None:
    """Wait (on the condition, with a generous deadline) until `text` finds `code`."""
    deadline = asyncio.get_running_loop().time() + 30
    while code not in await found(search, text):
        assert asyncio.get_running_loop().time() < deadline, f"{text} never found {code}"
        await asyncio.sleep(0.01)


async def test_the_servers_indexer_builds_then_follows_on_its_own(database, catalog_search):
    """`follow` is what the server runs: it builds a never-built index from the catalog, then
    a commit wakes it, so a publish is found without anyone asking it to catch up."""
    _, before = await licence(database)
    database.on_commit(catalog_search.indexer.notify)
    follower = asyncio.create_task(catalog_search.follow())
    try:
        await eventually_found(catalog_search, "食品经营许可", before.code)
        _, after = await licence(database, name="小餐饮登记")
        await eventually_found(catalog_search, "小餐饮", after.code)
        assert (await catalog_search.status()).error is None
    finally:
        follower.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await follower


async def test_following_the_events_converges_on_a_fresh_rebuild(
    database, catalog_search, tmp_path
):
    catalog, kept = await licence(database)
    _, gone = await licence(database, name="药品零售企业经营许可")
    await catalog_search.catch_up()
    await rename(database, catalog, "小餐饮登记")
    await run(
        database,
        withdraw,
        SERVICE_ITEM,
        record_id=gone.id,
        expected_lock_version=gone.lock_version,
        reason="职能划转，停止办理",
        actor=REVIEWER,
    )
    _, added = await licence(database, name="食品小作坊登记")
    await catalog_search.catch_up()

    analyzer = Analyzer()
    fresh = CatalogSearch(EmbeddedBackend(tmp_path / "fresh.db", analyzer), analyzer, database)
    try:
        await fresh.rebuild()
        for text in ("小餐饮", "登记", "药品零售", "食品", "许可"):
            assert sorted(await found(catalog_search, text)) == sorted(await found(fresh, text))
        followed, rebuilt = await catalog_search.status(), await fresh.status()
        assert followed.documents == rebuilt.documents == 2
        assert sorted(await found(fresh, "登记")) == sorted([kept.code, added.code])
    finally:
        await fresh.close()

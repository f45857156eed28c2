"""The Elasticsearch backend when things go wrong, against a real node of its own (its data
folder is kept, so the node can be stopped and started again) and a real catalog database:

- the node stops during a stream of publishes: the publishes succeed, the indexer reports the
  error and a growing lag, and when the node returns the lag drains to zero and the index equals
  a fresh reindex;
- a reindex while queries run: no query fails, and the answers switch to the new index;
- a bulk batch with one bad document: the rest is indexed and the bad one reported.

No sleeps for timing: every wait is on a condition, with a deadline.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import replace

import pytest

from catalog_api.catalog.search import CatalogSearch
from catalog_api.db import Database
from models.enums import ExerciseLevel
from search.analysis import Analyzer
from search.backend import SearchUnavailable
from search.backends.elasticsearch import ElasticsearchBackend
from search.documents import SearchFilter
from tests.factories import agency, published_catalog_item, published_service_item
from tests.search.contract import CATALOG, EVERYWHERE, FOOD_LICENCE, ids
from tests.search.search_node import SearchNode, start_or_skip, unique_prefix

DEADLINE = 60.0  # seconds any awaited condition may take


@pytest.fixture(scope="session")
def search_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchNode]:
    """A node of this module's own, with a kept data folder (stopped at the end)."""
    node = SearchNode(data=tmp_path_factory.mktemp("search-node-data"))
    start_or_skip(node)
    try:
        yield node
    finally:
        node.stop()


@pytest.fixture
async def node(search_node: SearchNode) -> SearchNode:
    """The node, running (a test that stopped it may have failed before starting it)."""
    if not await asyncio.to_thread(search_node.running):
        await asyncio.to_thread(start_or_skip, search_node)
    return search_node


@pytest.fixture
async def catalog_search(
    database: Database, node: SearchNode, analyzer: Analyzer
) -> AsyncIterator[CatalogSearch]:
    backend = ElasticsearchBackend(node.url, analyzer, index_prefix=unique_prefix("f"))
    search = CatalogSearch(backend, analyzer, database)
    try:
        yield search
    finally:
        await _drop(search, node)


async def _drop(search: CatalogSearch, node: SearchNode) -> None:
    if not await asyncio.to_thread(node.running):
        await asyncio.to_thread(node.start)
    await search.close()
    backend = search.backend
    assert isinstance(backend, ElasticsearchBackend)
    await backend.open()
    try:
        await backend.drop()
    finally:
        await backend.close()


class Publisher:
    """Publishes service items of one agency, each under a catalog item of its own name."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.uscc: str | None = None
        self.count = 0

    async def publish(self, name: str | None = None) -> str:
        if self.uscc is None:
            city = await agency(self.database, region_code="370100", name="济南市行政审批服务局")
            self.uscc = city.uscc
        self.count += 1
        catalog, _ = await published_catalog_item(
            self.database, name=name or f"食品经营许可第{self.count}号"
        )
        item, _ = await published_service_item(
            self.database, catalog.code, self.uscc, ExerciseLevel.MUNICIPAL
        )
        return str(item.id)


async def eventually(condition: Callable[[], Awaitable[bool]], what: str) -> None:
    """Wait until `condition()` holds; fail after `DEADLINE` seconds (a hung check too)."""
    try:
        async with asyncio.timeout(DEADLINE):
            while True:  # polled: neither the node nor the indexer signals
                if await condition():
                    return
                await asyncio.sleep(0.02)
    except TimeoutError:
        pytest.fail(f"never in {DEADLINE:.0f}s: {what}")


async def cancelled(task: asyncio.Task[None]) -> None:
    """Cancel the task and wait until it has ended. Cancelled again until it ends: on Python
    3.11, `asyncio.wait_for` (which the indexer waits for a notification with) swallows a
    cancellation that arrives together with the notification it waits for."""
    while not task.done():
        task.cancel()
        await asyncio.wait({task}, timeout=1.0)
    with contextlib.suppress(asyncio.CancelledError):
        task.result()


async def indexed_documents(backend: ElasticsearchBackend) -> dict[str, dict]:
    """Every document the read alias serves: id → the stored SearchDocument."""
    answer = await backend.client.search(
        index=backend.names.read_alias, size=10_000, source=["doc"], sort=["id"]
    )
    return {hit["_id"]: hit["_source"]["doc"] for hit in answer["hits"]["hits"]}


async def lag_reported(search: CatalogSearch, offset_before: int) -> int:
    """The lag as the service reports it while the node is down: counted from the offset last
    applied (the follower may have indexed some of the publishes before the node went), with
    the error naming the cluster."""
    status = await search.status()
    assert search.backend.url in (status.error or "")  # type: ignore[attr-defined]
    assert offset_before <= status.offset < status.head
    assert status.lag == status.head - status.offset
    return status.lag


async def test_publishes_while_the_node_is_down_are_indexed_when_it_returns(
    database, catalog_search, node
):
    database.on_commit(catalog_search.indexer.notify)
    publisher = Publisher(database)
    first = await publisher.publish()
    follower = asyncio.create_task(catalog_search.follow())
    try:
        await eventually(
            lambda: _status_lag_is(catalog_search, 0, documents=1), "the first item is indexed"
        )
        offset_before = (await catalog_search.status()).offset

        stopped = asyncio.create_task(asyncio.to_thread(node.stop))
        published = [first, await publisher.publish()]
        while not stopped.done():  # a stream of publishes while the node goes away
            published.append(await publisher.publish())
        await stopped
        lags = []
        for _ in range(3):  # and after
            published.append(await publisher.publish())
            with pytest.raises(SearchUnavailable, match="is unavailable"):
                await catalog_search.catch_up()
            lags.append(await lag_reported(catalog_search, offset_before))
        assert lags == sorted(set(lags)) and lags[0] > 0, lags
        await eventually(_error_is_set(catalog_search), "the follower reports the error")
        assert node.url in (catalog_search.indexer.error or "")

        await asyncio.to_thread(node.start)
        catalog_search.indexer.notify()
        await eventually(
            lambda: _status_lag_is(catalog_search, 0, documents=len(published)),
            "the lag drains",
        )
        await eventually(_error_is_clear(catalog_search), "the follower clears the error")
    finally:
        await cancelled(follower)

    backend = catalog_search.backend
    assert isinstance(backend, ElasticsearchBackend)
    followed = await indexed_documents(backend)
    assert set(followed) == set(published)
    fresh = ElasticsearchBackend(node.url, Analyzer(), index_prefix=unique_prefix("fresh"))
    rebuilt = CatalogSearch(fresh, Analyzer(), database)
    try:
        assert await rebuilt.rebuild() == len(published)
        assert await indexed_documents(fresh) == followed
    finally:
        await _drop(rebuilt, node)


async def _status_lag_is(search: CatalogSearch, lag: int, *, documents: int) -> bool:
    search.indexer.notify()  # the follower may be backing off: wake it
    status = await search.status()
    return (status.error, status.lag, status.documents) == (None, lag, documents)


def _error_is_set(search: CatalogSearch) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return search.indexer.error is not None

    return check


def _error_is_clear(search: CatalogSearch) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        search.indexer.notify()
        return search.indexer.error is None

    return check


async def test_queries_keep_answering_while_reindexing(database, catalog_search):
    publisher = Publisher(database)
    for _ in range(3):
        await publisher.publish()
    await catalog_search.catch_up()
    for _ in range(2):  # published, not yet followed: only a rebuild brings them in
        await publisher.publish()
    before = await catalog_search.backend.state()

    answers: list[int] = []
    errors: list[BaseException] = []
    rebuilding = asyncio.Event()
    during: list[int] = []
    done = asyncio.Event()

    async def keep_querying() -> None:
        while not done.is_set():
            try:
                page = await catalog_search.search("食品经营许可", SearchFilter(), 10, None)
            except Exception as exc:  # every failure is collected and fails the test
                errors.append(exc)
            else:
                answers.append(page.total)
                if rebuilding.is_set():
                    during.append(page.total)
            await asyncio.sleep(0)

    queries = [asyncio.create_task(keep_querying()) for _ in range(3)]
    try:
        await eventually(_answered(answers), "the first queries answer")
        rebuilding.set()
        assert await catalog_search.rebuild() == 5
        assert await catalog_search.rebuild() == 5  # and once more, from the rebuilt index
        rebuilding.clear()
        seen = len(answers)
        await eventually(_answered(answers, seen + 3), "queries after the switch")
    finally:
        done.set()
        await asyncio.gather(*queries)
    assert errors == []
    assert during, "no query ran during the rebuilds"
    assert set(answers) == {3, 5}
    assert answers[0] == 3 and answers[-1] == 5
    after = await catalog_search.backend.state()
    assert after.generation != before.generation
    backend = catalog_search.backend
    assert isinstance(backend, ElasticsearchBackend)
    assert list(await backend._aliases()) == [backend.names.items(after.generation)]


def _answered(answers: list[int], at_least: int = 1) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return len(answers) >= at_least

    return check


@pytest.fixture
async def bare_backend(node: SearchNode, analyzer: Analyzer) -> AsyncIterator[ElasticsearchBackend]:
    backend = ElasticsearchBackend(node.url, analyzer, index_prefix=unique_prefix("b"))
    await backend.open()
    try:
        yield backend
    finally:
        await backend.drop()
        await backend.close()


def _many(count: int) -> list:
    return [
        replace(
            CATALOG[n % len(CATALOG)],
            id=f"si-bulk-{n:05}",
            code=f"{CATALOG[n % len(CATALOG)].code}-{n:05}",
        )
        for n in range(count)
    ]


async def test_a_bulk_batch_with_one_bad_document_indexes_the_rest(bare_backend, analyzer):
    """1,200 documents go in three bulk batches; the one whose `onsite_visits` does not fit the
    mapping's integer is refused by Elasticsearch, reported, and the other 1,199 are written."""
    documents = _many(1200)
    bad = replace(documents[700], onsite_visits=2**40)
    documents[700] = bad
    failures = await bare_backend.apply(documents, [], expected_offset=0, new_offset=1)
    assert [failure.id for failure in failures] == [bad.id]
    assert "onsite_visits" in failures[0].reason
    state = await bare_backend.state()
    assert (state.offset, state.documents) == (1, 1199)
    assert (
        await bare_backend.search(analyzer.query(EVERYWHERE), SearchFilter(), 1, None)
    ).total == (1199)

    rebuild = await bare_backend.begin_rebuild(2)
    failures = await rebuild.add(documents)
    assert [failure.id for failure in failures] == [bad.id]
    await rebuild.switch()
    assert (await bare_backend.state()).documents == 1199
    assert await ids(bare_backend, analyzer, "食品经营许可") != []


async def test_writes_fail_clearly_while_the_node_is_down(bare_backend, node, analyzer):
    await bare_backend.apply([FOOD_LICENCE], [], expected_offset=0, new_offset=1)
    await asyncio.to_thread(node.stop)
    try:
        with pytest.raises(SearchUnavailable, match=f"{node.url} is unavailable"):
            await bare_backend.apply(CATALOG, [], expected_offset=1, new_offset=2)
        with pytest.raises(SearchUnavailable):
            await bare_backend.state()
        with pytest.raises(SearchUnavailable):
            await bare_backend.health()
    finally:
        await asyncio.to_thread(node.start)
    await bare_backend.apply(CATALOG, [], expected_offset=1, new_offset=2)
    assert (await bare_backend.state()).documents == len(CATALOG)
    assert (await bare_backend.health())["status"] in ("green", "yellow")

"""The Elasticsearch backend against a real node: the backend contract, plus what only this
backend shows (aliases and versioned indices, the meta doc's compare-and-set, mappings, the
health report)."""

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace

import pytest

from search.backend import SearchUnavailable, StaleOffset
from search.backends.elasticsearch import ElasticsearchBackend
from search.backends.elasticsearch_mapping import Names, index_tokens, query_terms
from search.backends.embedded_sql import fts_tokens
from search.documents import SearchFilter
from tests.search.contract import (
    CATALOG,
    EVERYWHERE,
    FOOD_LICENCE,
    ID_CARD,
    REAL_ESTATE,
    BackendContract,
    ContractAnalyzer,
    ids,
    index,
    search,
)
from tests.search.search_node import (
    URL_VAR,
    SearchNode,
    dropped_after,
    open_backend,
    start_or_skip,
    unique_prefix,
)


@pytest.fixture(scope="session")
def elasticsearch_url() -> Iterator[str]:
    """A running node: `YICHUANG_TEST_ELASTICSEARCH_URL`, else one started for the session."""
    url = os.environ.get(URL_VAR, "").strip()
    if url:
        yield url
        return
    node = SearchNode()
    url = start_or_skip(node)
    try:
        yield url
    finally:
        node.stop()


@pytest.fixture
async def backend(
    elasticsearch_url: str, analyzer: ContractAnalyzer
) -> AsyncIterator[ElasticsearchBackend]:
    opened = await open_backend(elasticsearch_url, analyzer, index_prefix=unique_prefix())
    async for backend in dropped_after(opened):
        yield backend


class TestElasticsearchBackend(BackendContract):
    pass


# --- what only the Elasticsearch backend shows ----------------------------------------------


async def aliases_of(backend: ElasticsearchBackend) -> dict[str, set[str]]:
    return await backend._aliases()


async def test_the_aliases_point_at_the_current_generation(backend):
    state = await backend.state()
    names = backend.names
    assert await aliases_of(backend) == {
        names.items(state.generation): {names.read_alias, names.write_alias}
    }
    mapping = await backend.client.indices.get_mapping(index=names.read_alias)
    properties = mapping[names.items(state.generation)]["mappings"]["properties"]
    assert properties["facet"]["properties"]["region"]["type"] == "keyword"
    assert properties["tokens"]["properties"]["name"]["type"] == "text"
    assert properties["doc"]["enabled"] is False


async def test_a_switch_moves_both_aliases_and_drops_the_old_index(backend, analyzer):
    await index(backend, CATALOG[:3])
    before = await backend.state()
    rebuild = await backend.begin_rebuild(10)
    await rebuild.add(CATALOG)
    names = backend.names
    assert set(await aliases_of(backend)) == {
        names.items(before.generation),
        names.items(rebuild.generation),
    }
    await rebuild.switch()
    after = await backend.state()
    assert after.generation == rebuild.generation
    assert await aliases_of(backend) == {
        names.items(after.generation): {names.read_alias, names.write_alias}
    }
    await backend.client.indices.refresh(index=names.meta)
    meta = await backend.client.search(index=names.meta, size=10)
    assert [hit["_id"] for hit in meta["hits"]["hits"]] == ["current"]


async def test_an_abandoned_rebuild_leaves_no_index(backend):
    before = await aliases_of(backend)
    async with await backend.begin_rebuild(1) as rebuild:
        await rebuild.add(CATALOG)
        assert len(await aliases_of(backend)) == 2
    assert await aliases_of(backend) == before
    with pytest.raises(RuntimeError):
        await rebuild.add(CATALOG)


async def test_a_second_process_sees_the_same_index_and_switches(backend, analyzer):
    await index(backend, CATALOG[:3])
    other = await open_backend(backend.url, analyzer, index_prefix=backend.names.prefix)
    try:
        assert await other.state() == await backend.state()
        rebuild = await other.begin_rebuild(30)
        await rebuild.add(CATALOG)
        assert (await search(backend, analyzer, EVERYWHERE)).total == 3
        await rebuild.switch()
    finally:
        await other.close()
    state = await backend.state()
    assert (state.offset, state.documents) == (30, len(CATALOG))
    assert (await search(backend, analyzer, EVERYWHERE)).total == len(CATALOG)
    with pytest.raises(StaleOffset):
        await backend.apply([ID_CARD], [], expected_offset=1, new_offset=99)


async def test_a_writer_waits_for_another_writers_lease(backend, analyzer):
    """Two processes' writers: one holds the lease while the other's apply waits, then finds
    the offset moved (StaleOffset) and writes nothing."""
    other = await open_backend(backend.url, analyzer, index_prefix=backend.names.prefix)
    reads = 0
    read_twice = asyncio.Event()
    read_current = backend._current

    async def counted_read():  # the waiter reads `current` again while the lease is held
        nonlocal reads
        reads += 1
        if reads >= 2:
            read_twice.set()
        return await read_current()

    backend._current = counted_read
    try:
        held = await other._take_lease(0)
        waiting = asyncio.create_task(
            backend.apply([FOOD_LICENCE], [], expected_offset=0, new_offset=1)
        )
        await asyncio.wait_for(read_twice.wait(), 30)
        assert not waiting.done()
        await other._write_current(held, offset=5, lease=None)
        with pytest.raises(StaleOffset):
            await waiting
    finally:
        del backend._current
        await other.close()
    assert await ids(backend, analyzer, "食品经营许可") == []
    assert (await backend.state()).offset == 5


async def test_an_expired_lease_is_taken_over(backend, analyzer):
    current = await backend._current()
    dead = {"holder": "a-process-that-died", "until": 0}
    await backend._write_current(current, lease=dead)
    await backend.apply([REAL_ESTATE], [], expected_offset=0, new_offset=1)
    assert (await backend._current()).lease is None
    assert await ids(backend, analyzer, "不动产登记") == [REAL_ESTATE.id]


async def test_reopening_keeps_the_index(backend, analyzer):
    await index(backend, CATALOG)
    state = await backend.state()
    await backend.close()
    await backend.open()
    assert await backend.state() == state
    assert await ids(backend, analyzer, "食品经营许可") == [FOOD_LICENCE.id]


async def test_an_index_of_another_format_is_replaced_by_an_empty_one(backend, analyzer):
    await index(backend, CATALOG)
    current = await backend._current()
    await backend.client.index(
        index=backend.names.meta,
        id="current",
        document={"generation": current.generation, "offset": 1, "schema": 0, "lease": None},
    )
    await backend.close()
    await backend.open()
    state = await backend.state()
    assert (state.offset, state.documents) == (0, 0)
    assert state.generation != current.generation
    assert set(await aliases_of(backend)) == {backend.names.items(state.generation)}


async def test_a_mapping_error_is_reported_and_the_rest_written(backend, analyzer):
    too_many = replace(FOOD_LICENCE, id="si-too-many-trips", onsite_visits=10**12)
    long_id = replace(ID_CARD, id="x" * 600)
    failures = await index(backend, [REAL_ESTATE, too_many, long_id, *CATALOG[3:5]])
    assert sorted(f.id for f in failures) == sorted([too_many.id, long_id.id])
    assert all(f.reason for f in failures)
    assert "onsite_visits" in {f.id: f.reason for f in failures}[too_many.id]
    assert (await backend.state()).documents == 3


async def test_an_unreachable_cluster_is_a_clear_error(analyzer):
    backend = ElasticsearchBackend(f"http://127.0.0.1:{_closed_port()}", analyzer)
    with pytest.raises(SearchUnavailable, match="is unavailable"):
        await backend.open()
    with pytest.raises(RuntimeError, match="not open"):
        await backend.state()


async def test_filters_with_hostile_values_are_plain_terms(backend, analyzer):
    await index(backend, CATALOG)
    weird = SearchFilter(region="*", agency="370100 OR 1=1", max_trips=10**15)
    assert (await search(backend, analyzer, EVERYWHERE, weird)).total == 0
    assert (
        await search(backend, analyzer, EVERYWHERE, SearchFilter(max_trips=-(10**15)))
    ).total == 0


async def test_the_index_has_the_terms_the_embedded_backend_has(backend):
    """Tokens as FTS5's `ascii` tokenizer makes them (folded), through the whitespace
    tokenizer: the same terms, one for one, whatever spaces the text holds."""
    samples = [
        "不动产登记 bdcdj",
        "a-b_c.d Ｆｕｌｌ　width，标点！",
        "x\u00a0y \u3000z\u2003w\u1680v\u2028u\u205ft\u202fs\u2007r",
        "😀emoji🏠 tab\tnew\nline 0531-12345 é è \u200bzero\u200bwidth",
        "y" * 300 + " short",
    ]
    for text in samples:
        expected = query_terms(fts_tokens(text))
        analysed = await backend.client.indices.analyze(
            index=backend.names.read_alias, analyzer="tokens", text=index_tokens(text)
        )
        assert [token["token"] for token in analysed["tokens"]] == expected, text
        assert len(expected) == len([t for t in fts_tokens(text) if len(t) <= 255])


def test_prefixes_are_checked():
    for bad in ("", "Upper", "-x", "a b", "a*", "a-items-b", "a-items", "x" * 101):
        with pytest.raises(ValueError):
            Names(bad)
    assert Names("yichuang").read_alias == "yichuang-search"


def test_urls_are_checked_and_credentials_kept_out_of_messages(analyzer):
    with pytest.raises(ValueError):
        ElasticsearchBackend("ftp://example.org", analyzer)
    backend = ElasticsearchBackend("https://elastic:s3cret@search.example.org:9243", analyzer)
    assert "s3cret" not in backend.url
    assert backend._options["basic_auth"] == ("elastic", "s3cret")


def _closed_port() -> int:
    from tests.search.search_node import free_port

    return free_port()

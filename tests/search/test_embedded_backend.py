"""The embedded SQLite FTS5 backend: the backend contract, plus what only a file shared between
processes shows (another process switching generations, WAL, dropped tables)."""

import asyncio
import sqlite3
import string
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import aiosqlite
import pytest

from search.analysis import AnalysedQuery
from search.backend import StaleOffset
from search.backends.embedded import EmbeddedBackend
from search.backends.embedded_bits import facet_values
from search.backends.embedded_sql import (
    Match,
    decode_cursor,
    encode_cursor,
    fts_tokens,
    plan_matches,
)
from search.documents import FacetField, SearchFilter
from tests.search.contract import (
    CATALOG,
    EVERYWHERE,
    FOOD_LICENCE,
    ID_CARD,
    BackendContract,
    ContractAnalyzer,
    ids,
    index,
    search,
)


@pytest.fixture
async def backend(tmp_path: Path, analyzer: ContractAnalyzer) -> AsyncIterator[EmbeddedBackend]:
    embedded = EmbeddedBackend(tmp_path / "search.db", analyzer)
    await embedded.open()
    yield embedded
    await embedded.close()


class TestEmbeddedBackend(BackendContract):
    pass


# --- what only the embedded backend shows ---------------------------------------------------


async def tables(path: Path) -> set[str]:
    async with aiosqlite.connect(path) as db:
        rows = await db.execute_fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {row[0] for row in rows}


async def test_the_file_is_in_wal_mode(backend: EmbeddedBackend):
    async with aiosqlite.connect(backend.path) as db:
        assert (await db.execute_fetchall("PRAGMA journal_mode"))[0][0] == "wal"


async def test_a_rebuild_by_another_process_is_seen_at_once(backend, analyzer, tmp_path):
    await index(backend, CATALOG[:3])
    served = await backend.state()
    reindex = EmbeddedBackend(backend.path, analyzer)  # what the `reindex` CLI opens
    await reindex.open()
    try:
        rebuild = await reindex.begin_rebuild(30)
        await rebuild.add(CATALOG)
        assert await backend.state() == served
        assert (await search(backend, analyzer, EVERYWHERE)).total == 3
        await rebuild.switch()
    finally:
        await reindex.close()
    state = await backend.state()
    assert (state.offset, state.documents) == (30, len(CATALOG))
    assert (await search(backend, analyzer, EVERYWHERE)).total == len(CATALOG)
    with pytest.raises(StaleOffset):
        await backend.apply([ID_CARD], [], expected_offset=served.offset, new_offset=99)
    names = await tables(backend.path)
    assert not [name for name in names if served.generation in name]
    assert {f"docs_{state.generation}", f"fts_name_{state.generation}"} <= names


async def test_an_abandoned_rebuild_leaves_no_tables(backend, analyzer):
    before = await tables(backend.path)
    rebuild = await backend.begin_rebuild(1)
    await rebuild.add(CATALOG)
    assert len(await tables(backend.path)) > len(before)
    await rebuild.abandon()
    assert await tables(backend.path) == before
    with pytest.raises(RuntimeError):
        await rebuild.add(CATALOG)


async def test_a_rebuild_used_as_a_context_abandons_on_error(backend, analyzer):
    before = await tables(backend.path)
    with pytest.raises(KeyError):
        async with await backend.begin_rebuild(1) as rebuild:
            await rebuild.add(CATALOG)
            raise KeyError("the catalog went away")
    assert await tables(backend.path) == before


async def test_reopening_keeps_the_index(backend, analyzer):
    await index(backend, CATALOG)
    state = await backend.state()
    await backend.close()
    await backend.open()
    assert await backend.state() == state
    assert await ids(backend, analyzer, "食品经营许可") == [FOOD_LICENCE.id]


async def test_closed_backend_refuses_work(backend, analyzer):
    await backend.close()
    with pytest.raises(RuntimeError):
        await backend.state()
    await backend.open()


async def test_searches_run_concurrently(backend, analyzer):
    await index(backend, CATALOG)
    pages = await asyncio.gather(
        *(search(backend, analyzer, text) for text in ["不动产", "登记", "许可", EVERYWHERE] * 5)
    )
    assert [page.total for page in pages[4:8]] == [page.total for page in pages[:4]]


def test_the_matches_quote_every_token():
    query = AnalysedQuery(
        text="",
        terms=('a"b', "NEAR", "", "\x00", "不动产", "0531-12345", "*"),
        prefixes=("bd", 'q"', "{x}:"),
        marks=(),
    )
    terms = '"a" OR "b" OR "NEAR" OR "不动产" OR "0531" OR "12345"'
    assert {match.field: match.expression for match in plan_matches(query)} == {
        "name": terms,
        "aliases": terms,
        "pinyin": terms + ' OR "bd"* OR "q"* OR "x"*',
        "body": terms,
        "rest": terms,
    }
    prefixes_only = AnalysedQuery(text="", terms=("", " "), prefixes=("bd",), marks=())
    assert plan_matches(prefixes_only) == [Match("pinyin", '"bd"*', scored=True)]
    assert plan_matches(AnalysedQuery(text="", terms=(" ", "()"), prefixes=(), marks=())) == []


def test_common_terms_are_matched_unscored_and_absent_ones_skipped():
    query = AnalysedQuery(text="", terms=("办理", "不动产", "Ab"), prefixes=(), marks=())
    frequencies = {
        ("name", "不动产"): 3,
        ("rest", "办理"): 60,
        ("rest", "不动产"): 2,
        ("rest", "ab"): 1,
    }
    rows = {"name": 100, "aliases": 10, "pinyin": 100, "body": 100, "rest": 100}
    assert plan_matches(query, frequencies, rows) == [
        Match("name", '"不动产"', scored=True),
        Match("rest", '"不动产" OR "Ab"', scored=True),
        Match("rest", '"办理"', scored=False),
    ]


def test_tokens_split_like_the_ascii_tokenizer():
    assert fts_tokens("a-b 不动产，登记 x_y\tZ😀") == ["a", "b", "不动产，登记", "x", "y", "Z😀"]


def test_cursors_round_trip_exactly():
    rank = -1.2345678901234567e-06
    assert decode_cursor(encode_cursor(rank, "code", "id")) == (rank, "code", "id")
    for bad in ("", "====", encode_cursor(rank, "c", "i")[:-3], "WyJuYW4iLCJhIiwiYiJd"):
        with pytest.raises(ValueError):
            decode_cursor(bad)


def test_every_facet_field_is_counted():
    counted = {field for field, _ in facet_values(CATALOG[0], CATALOG[0].region_codes)}
    assert counted == {field.value for field in FacetField}


def test_filters_never_interpolate_values():
    from search.backends.embedded_sql import Tables, new_generation

    sql, params = Tables(new_generation()).fill_hits(
        [Match("name", '"x"', scored=True)],
        SearchFilter(region="'; DROP", item_types=["x'"], max_trips=1, charging=True),
    )
    assert "DROP" not in sql and "x'" not in sql
    assert params == ['"x"', "region", "'; DROP", "x'", 1, 1]


async def test_an_upsert_keeps_the_document_number(backend):
    await index(backend, CATALOG)
    state = await backend.state()
    numbers = f"SELECT id, doc FROM docs_{state.generation} ORDER BY doc"
    async with aiosqlite.connect(backend.path) as db:
        before = await db.execute_fetchall(numbers)
    await index(backend, [replace(doc, name=doc.name + "（变更）") for doc in CATALOG])
    async with aiosqlite.connect(backend.path) as db:
        assert await db.execute_fetchall(numbers) == before


async def test_a_file_of_another_format_is_reset(tmp_path, analyzer):
    path = tmp_path / "old.db"
    async with aiosqlite.connect(path) as db:
        await db.execute("CREATE TABLE meta (generation TEXT)")
        await db.execute("CREATE VIRTUAL TABLE fts_old USING fts5(x)")
        await db.execute("PRAGMA user_version = 1")
        await db.commit()
    embedded = EmbeddedBackend(path, analyzer)
    await embedded.open()
    try:
        state = await embedded.state()
        assert (state.offset, state.documents) == (0, 0)
        assert not [name for name in await tables(path) if name.startswith("fts_old")]
    finally:
        await embedded.close()


async def test_a_file_that_is_not_an_index_is_left_alone(tmp_path, analyzer):
    path = tmp_path / "catalog.db"
    async with aiosqlite.connect(path) as db:
        await db.execute("CREATE TABLE service_item (id TEXT)")
        await db.commit()
    with pytest.raises(RuntimeError, match="not a search index"):
        await EmbeddedBackend(path, analyzer).open()
    assert "service_item" in await tables(path)


ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def test_fts_tokens_agree_with_the_ascii_tokenizer():
    samples = [
        "不动产登记 bdcdj",
        "a-b_c.d",
        "Ｆｕｌｌ　width，标点！",
        "😀emoji🏠",
        "tab\tnew\nline",
        "0531-12345",
        "x\u00a0y",
        "é è",
        "\u200bzero\u200bwidth",
    ]
    with sqlite3.connect(":memory:") as db:
        db.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='ascii')")
        db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
        for n, text in enumerate(samples, start=1):
            db.execute("INSERT INTO t (rowid, x) VALUES (?, ?)", (n, text))
            rows = db.execute("SELECT term FROM v WHERE doc = ? ORDER BY offset", (n,))
            expected = [term for (term,) in rows]
            folded = [token.translate(ASCII_LOWER) for token in fts_tokens(text)]
            assert folded == expected, text
    db.close()


async def test_searches_keep_answering_while_another_process_switches(backend, analyzer):
    await index(backend, CATALOG)
    reindex = EmbeddedBackend(backend.path, analyzer)
    await reindex.open()

    async def rebuild_twice() -> None:
        for offset in (10, 20):
            rebuild = await reindex.begin_rebuild(offset)
            await rebuild.add(CATALOG)
            await rebuild.switch()

    async def keep_searching() -> list[int]:
        totals = []
        for _ in range(30):
            totals.append((await search(backend, analyzer, EVERYWHERE)).total)
            await asyncio.sleep(0)
        return totals

    try:
        _, *totals = await asyncio.gather(rebuild_twice(), keep_searching(), keep_searching())
    finally:
        await reindex.close()
    assert {total for run in totals for total in run} == {len(CATALOG)}
    assert (await backend.state()).offset == 20

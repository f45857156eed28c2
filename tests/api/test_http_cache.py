"""HTTP caching of public reads: ETags and 304s, Cache-Control bounded by the schedule, and a
response cache that never serves what the catalog no longer says, nor anyone's private answer.

The cache's monotonic clock is a manual one, so "within the poll interval" and "after the
scheduled moment" are steps of the test, not sleeps.
"""

import asyncio
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import Response

from catalog_api.app import create_app
from catalog_api.auth import Role, mint_token
from catalog_api.catalog.commands.publish import publish
from catalog_api.catalog.commands.submit import submit
from catalog_api.catalog.commands.update_draft import update_draft
from catalog_api.catalog.kinds import SERVICE_ITEM
from catalog_api.db import Database
from catalog_api.http_cache import HttpCache
from catalog_api.http_cache.store import CachedResponse, ResponseStore
from catalog_api.schema import build_schema
from catalog_api.schema.context import Context
from catalog_api.settings import Settings
from models.base import utc_now
from tests.api.editors.test_lifecycle import UPDATE
from tests.api.scenario import SmallJinan, small_jinan
from tests.conftest import SqlCounter
from tests.factories import EDITOR, REVIEWER, record_of

READ = "query($code: String!) { serviceItem(code: $code) { versionNumber hours } }"
VERSIONS = """query($code: String!) {
  serviceItem(code: $code) { id lockVersion versions { nodes { number status } } } }"""
POLL_INTERVAL = 0.5


class ManualClock:
    """The cache's monotonic clock, and a wall clock that moves with it."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.started = utc_now()

    def __call__(self) -> float:
        return self.now

    def wall(self) -> datetime:
        return self.started + timedelta(seconds=self.now - 1000.0)

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        files_dir=tmp_path / "files",
        search_index_path=tmp_path / "search.db",
        jwt_secret="test-secret-" + "x" * 32,
        announce_interval_seconds=0,
        cache_max_age_seconds=60,
        cache_poll_interval_seconds=POLL_INTERVAL,
    )


@pytest.fixture
def cache(app: Starlette) -> HttpCache:
    http_cache: HttpCache = app.state.http_cache
    return http_cache


@pytest.fixture
def clock(cache: HttpCache) -> ManualClock:
    manual = ManualClock()
    cache.generation.clock, cache.generation.wall_clock = manual, manual.wall
    return manual


@pytest.fixture
async def jinan(database: Database, settings: Settings) -> SmallJinan:
    return await small_jinan(database, settings.files_dir)


async def read(
    http: httpx.AsyncClient, query: str, headers: dict[str, str] | None = None, **variables: Any
) -> httpx.Response:
    body = {"query": query, "variables": variables}
    return await http.post("/graphql", json=body, headers=headers or {})


async def republish(
    database: Database, jinan: SmallJinan, hours: str, effective_from: datetime | None = None
) -> None:
    """A new version of 历下区's item through the commands, on `database` (possibly another
    process's connection to the same catalog)."""
    record_id = jinan.lixia_item.id
    lock = (await record_of(database, SERVICE_ITEM, record_id)).lock_version
    async with database.transaction() as tx:
        await update_draft(
            tx,
            SERVICE_ITEM,
            record_id=record_id,
            expected_lock_version=lock,
            changes={"hours": hours},
            actor=EDITOR,
        )
    async with database.transaction() as tx:
        await submit(
            tx, SERVICE_ITEM, record_id=record_id, expected_lock_version=lock + 1, actor=EDITOR
        )
    async with database.transaction() as tx:
        await publish(
            tx,
            SERVICE_ITEM,
            record_id=record_id,
            expected_lock_version=lock + 2,
            actor=REVIEWER,
            effective_from=effective_from,
        )


def hours_of(response: httpx.Response) -> str:
    return response.json()["data"]["serviceItem"]["hours"]


def assert_private(response: httpx.Response) -> None:
    assert response.headers["cache-control"] == "private, no-store"
    assert "etag" not in response.headers
    assert response.headers["vary"] == "Authorization, Accept"


# --- public reads --------------------------------------------------------------------------------


async def test_a_public_read_has_a_stable_etag_and_is_served_without_executing(
    jinan: SmallJinan,
    http: httpx.AsyncClient,
    cache: HttpCache,
    clock: ManualClock,
    sql_counter: SqlCounter,
) -> None:
    first = await read(http, READ, code=jinan.lixia_item.code)
    with sql_counter:
        second = await read(http, READ, code=jinan.lixia_item.code)
    query = {"query": READ, "variables": json.dumps({"code": jinan.lixia_item.code})}
    over_get = await http.get("/graphql", params=query, headers={"accept": "application/json"})

    assert first.status_code == second.status_code == over_get.status_code == 200
    assert first.headers["etag"].startswith('"') and len(first.headers["etag"]) == 34
    assert second.headers["etag"] == first.headers["etag"] == over_get.headers["etag"]
    assert second.content == first.content
    assert first.headers["cache-control"] == "public, max-age=60"
    assert first.headers["vary"] == "Authorization, Accept"
    assert second.headers["content-type"] == "application/json; charset=utf-8"
    assert sql_counter.count == 0  # answered from the response cache
    assert (cache.stats.hits, cache.stats.stored) == (1, 2)


async def test_equal_requests_arriving_together_execute_once(
    jinan: SmallJinan, http: httpx.AsyncClient, cache: HttpCache, clock: ManualClock
) -> None:
    responses = await asyncio.gather(
        *(read(http, READ, code=jinan.lixia_item.code) for _ in range(4))
    )

    assert len({response.content for response in responses}) == 1
    assert len({response.headers["etag"] for response in responses}) == 1
    assert (cache.stats.misses, cache.stats.shared) == (1, 3)


async def test_if_none_match_is_answered_304_without_a_body(
    jinan: SmallJinan, http: httpx.AsyncClient, clock: ManualClock
) -> None:
    first = await read(http, READ, code=jinan.lixia_item.code)
    etag = first.headers["etag"]

    exact = await read(http, READ, {"if-none-match": etag}, code=jinan.lixia_item.code)
    listed = await read(
        http, READ, {"if-none-match": f'"other", W/{etag}'}, code=jinan.lixia_item.code
    )
    other = await read(http, READ, {"if-none-match": '"other"'}, code=jinan.lixia_item.code)

    for not_modified in (exact, listed):
        assert not_modified.status_code == 304
        assert not_modified.content == b""
        assert not_modified.headers["etag"] == etag
        assert not_modified.headers["cache-control"] == "public, max-age=60"
        assert not_modified.headers["vary"] == "Authorization, Accept"
    assert other.status_code == 200 and other.content == first.content


async def test_without_the_response_cache_etags_and_304s_still_work(
    database: Database, settings: Settings, jinan: SmallJinan
) -> None:
    app = create_app(settings.model_copy(update={"response_cache_entries": 0}), database=database)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            first = await read(http, READ, code=jinan.lixia_item.code)
            again = await read(
                http, READ, {"if-none-match": first.headers["etag"]}, code=jinan.lixia_item.code
            )
    finally:
        await app.state.search.close()

    assert app.state.http_cache.store is None
    assert first.headers["cache-control"] == "public, max-age=60"
    assert again.status_code == 304


# --- invalidation --------------------------------------------------------------------------------


async def test_a_publish_in_this_process_is_read_at_once(
    database: Database, jinan: SmallJinan, http: httpx.AsyncClient, clock: ManualClock
) -> None:
    before = await read(http, READ, code=jinan.lixia_item.code)

    await republish(database, jinan, "周一至周日 8:30-18:00")
    after = await read(http, READ, code=jinan.lixia_item.code)
    revalidated = await read(
        http, READ, {"if-none-match": before.headers["etag"]}, code=jinan.lixia_item.code
    )

    assert hours_of(after) == "周一至周日 8:30-18:00" != hours_of(before)
    assert after.headers["etag"] != before.headers["etag"]
    assert revalidated.status_code == 200 and revalidated.content == after.content


async def test_a_commit_without_change_events_keeps_the_cache(
    database: Database,
    jinan: SmallJinan,
    http: httpx.AsyncClient,
    cache: HttpCache,
    clock: ManualClock,
) -> None:
    await read(http, READ, code=jinan.lixia_item.code)
    refreshes = cache.generation.refreshes

    async with database.transaction():  # e.g. the announcer finding nothing due
        pass
    await read(http, READ, code=jinan.lixia_item.code)

    assert cache.generation.refreshes == refreshes + 1  # the head was checked …
    assert cache.stats.hits == 1  # … and had not moved


async def test_a_publish_by_another_process_is_read_within_the_poll_interval(
    database: Database, jinan: SmallJinan, http: httpx.AsyncClient, clock: ManualClock
) -> None:
    before = await read(http, READ, code=jinan.lixia_item.code)
    other_process = Database(database.url)  # its commits are invisible to our listeners
    try:
        await republish(other_process, jinan, "周一至周五 9:00-17:00")
    finally:
        await other_process.dispose()

    clock.advance(POLL_INTERVAL / 2)
    within = await read(http, READ, code=jinan.lixia_item.code)
    clock.advance(POLL_INTERVAL / 2)
    after = await read(http, READ, code=jinan.lixia_item.code)

    assert within.content == before.content  # the bounded staleness the interval allows
    assert hours_of(after) == "周一至周五 9:00-17:00"
    assert after.headers["etag"] != before.headers["etag"]


async def test_max_age_ends_at_the_next_scheduled_version(
    database: Database,
    jinan: SmallJinan,
    http: httpx.AsyncClient,
    cache: HttpCache,
    clock: ManualClock,
) -> None:
    await republish(database, jinan, "新时间", effective_from=utc_now() + timedelta(seconds=30))

    scheduled = await read(http, READ, code=jinan.lixia_item.code)
    cached = await read(http, READ, code=jinan.lixia_item.code)
    clock.advance(31)  # the scheduled version has taken effect
    misses = cache.stats.misses
    later = await read(http, READ, code=jinan.lixia_item.code)

    max_age = int(scheduled.headers["cache-control"].removeprefix("public, max-age="))
    assert 25 <= max_age <= 30
    assert hours_of(scheduled) != "新时间"
    assert cached.headers["cache-control"] == scheduled.headers["cache-control"]
    assert cache.stats.misses == misses + 1  # not served past the moment
    assert later.headers["cache-control"] == "public, max-age=60"


# --- never shared ---------------------------------------------------------------------------------


async def test_signed_in_answers_are_private_and_never_cached_nor_served_from_the_cache(
    jinan: SmallJinan,
    http: httpx.AsyncClient,
    settings: Settings,
    cache: HttpCache,
    clock: ManualClock,
) -> None:
    token = mint_token(
        settings, subject="li", roles=[Role.EDITOR], agencies=[jinan.lixia_agency.uscc]
    )
    editor = {"authorization": f"Bearer {token}"}
    public = (await read(http, VERSIONS, code=jinan.lixia_item.code)).json()["data"]
    item = public["serviceItem"]
    changes = {"id": item["id"], "expectedLockVersion": item["lockVersion"]}
    drafted = await read(http, UPDATE, editor, input={**changes, "changes": {"hours": "草稿"}})
    anonymous_before = await read(http, VERSIONS, code=jinan.lixia_item.code)
    entries = len(cache.store or ())

    signed_in = await read(http, VERSIONS, editor, code=jinan.lixia_item.code)
    signed_in_again = await read(http, VERSIONS, editor, code=jinan.lixia_item.code)
    anonymous_after = await read(http, VERSIONS, code=jinan.lixia_item.code)

    assert_private(drafted)
    for private in (signed_in, signed_in_again):
        assert_private(private)
        statuses = [v["status"] for v in private.json()["data"]["serviceItem"]["versions"]["nodes"]]
        assert statuses[0] == "DRAFT"
    assert len(cache.store or ()) == entries
    assert anonymous_after.content == anonymous_before.content
    assert b"DRAFT" not in anonymous_after.content
    assert "etag" in anonymous_after.headers


async def test_errors_are_never_cached(
    jinan: SmallJinan, http: httpx.AsyncClient, cache: HttpCache, clock: ManualClock
) -> None:
    bad = [await read(http, READ, code="not-a-code") for _ in range(2)]

    for response in bad:
        assert response.json()["errors"]
        assert_private(response)
    assert len(cache.store or ()) == 0 and cache.stats.hits == 0


async def test_mutations_are_never_cached(
    jinan: SmallJinan, http: httpx.AsyncClient, cache: HttpCache, clock: ManualClock
) -> None:
    anonymous = await read(
        http, UPDATE, input={"id": "x", "expectedLockVersion": 1, "changes": {"hours": "x"}}
    )

    assert_private(anonymous)
    assert len(cache.store or ()) == 0


async def test_the_schema_marks_every_mutation_private(database: Database) -> None:
    """Even a mutation that succeeds without errors for an anonymous caller would be marked:
    the schema says so before it runs, whoever asks."""
    sub_response = Response()
    context = Context.build(database, Settings())
    context.response = sub_response

    await build_schema().execute(
        'mutation { recordSubmit(input: {id: "x", expectedLockVersion: 1}) { record { status } } }',
        context_value=context,
    )

    assert sub_response.headers["cache-control"] == "private, no-store"


async def test_answers_from_the_search_index_are_not_cached(
    jinan: SmallJinan, http: httpx.AsyncClient, cache: HttpCache, clock: ManualClock
) -> None:
    response = await read(http, '{ suggest(prefix: "食品") { text } }')

    assert response.json()["data"] == {"suggest": []}
    assert_private(response)
    assert len(cache.store or ()) == 0


# --- the store ------------------------------------------------------------------------------------


def _entry(body: bytes, generation: int = 1) -> CachedResponse:
    return CachedResponse(body, {}, '"e"', generation, len(body))


def test_the_store_is_bounded_by_entries_and_bytes_least_recently_used_first() -> None:
    store = ResponseStore(max_entries=2, max_bytes=10)
    store.put("a", _entry(b"aaaa"))
    store.put("b", _entry(b"bbbb"))
    assert store.get("a", 1) is not None  # a is now the most recently used
    store.put("c", _entry(b"cc"))  # over 2 entries: b goes
    store.put("d", _entry(b"dddd"))  # over 10 bytes: a goes
    store.put("huge", _entry(b"x" * 11))  # larger than the whole store: not kept

    assert [k for k in ("a", "b", "c", "d", "huge") if store.get(k, 1)] == ["c", "d"]
    assert store.bytes == 6


def test_a_newer_generation_empties_the_store_and_older_answers_are_not_kept() -> None:
    store = ResponseStore(max_entries=10, max_bytes=100)
    store.put("a", _entry(b"old", generation=1))

    assert store.get("a", 2) is None
    store.put("late", _entry(b"computed before the change", generation=1))
    assert len(store) == 0 and store.bytes == 0

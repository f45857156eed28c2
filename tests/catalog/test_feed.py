"""The ChangeFeed hears commits of other processes: by NOTIFY on PostgreSQL (surviving a lost
LISTEN connection), and by its poll where nobody announces them."""

import asyncio
import contextlib
import inspect
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text

from catalog_api.catalog.feed import ChangeFeed
from catalog_api.catalog.queries.changes import ChangeFilter, Viewer
from catalog_api.db import Database
from tests.factories import agency, published_catalog_item, service_item_draft

TIMEOUT = 15.0
EVERYTHING = Viewer(everything=True)


@pytest.fixture
async def other_process(database):
    """Another server's view of the same database: its commits wake nobody in this process."""
    other = Database(database.url)
    yield other
    await other.dispose()


async def eventually(check) -> None:
    """Wait until `check()` (a bool, or an awaitable one) holds: state with nothing to await."""
    async with asyncio.timeout(TIMEOUT):
        while True:
            result = check()
            if inspect.isawaitable(result):
                result = await result
            if result:
                return
            await asyncio.sleep(0.05)


@contextlib.asynccontextmanager
async def follower(feed: ChangeFeed) -> AsyncIterator[asyncio.Future]:
    """A follower of every new event, positioned in the feed; yields its next event."""
    stream = feed.follow(None, ChangeFilter(), EVERYTHING)
    next_event = asyncio.ensure_future(anext(stream))
    try:
        await eventually(lambda: feed.following == 1)
        yield next_event
    finally:
        next_event.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await next_event
        await stream.aclose()
        await feed.close()
    assert feed.following == 0


async def listening_backends(database: Database) -> list[int]:
    async with database.read() as session:
        rows = await session.execute(
            text(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND query LIKE 'LISTEN%'"
            )
        )
        return list(rows.scalars())


async def test_commits_of_another_process_reach_a_follower(database, other_process):
    # given a follower (on SQLite, only the poll can tell it of another process's commits)
    catalog, _ = await published_catalog_item(database)
    authority = await agency(database)
    async with follower(ChangeFeed(database, poll_interval=0.05)) as next_event:
        # when another process commits a change
        record, _ = await service_item_draft(other_process, catalog.code, authority.uscc)

        # then the follower receives it
        event = await asyncio.wait_for(next_event, TIMEOUT)
        assert (event.code, event.action) == (record.code, "created")


@pytest.mark.postgres_only
async def test_a_lost_listen_connection_is_opened_again(database, other_process):
    # given a follower that hears other processes only by NOTIFY
    catalog, _ = await published_catalog_item(database)
    authority = await agency(database)
    async with follower(ChangeFeed(database, poll_interval=3600)) as next_event:
        await eventually(lambda: listening_backends(database))

        # when its LISTEN connection is killed, and another process then commits
        async with database.read() as session:
            for pid in await listening_backends(database):
                await session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        record, _ = await service_item_draft(other_process, catalog.code, authority.uscc)

        # then the feed listens again and the follower still receives the change
        event = await asyncio.wait_for(next_event, TIMEOUT)
        assert (event.code, event.action) == (record.code, "created")

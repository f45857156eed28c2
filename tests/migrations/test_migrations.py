"""Migrations build exactly the schema the models describe, and run both ways."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool
from sqlmodel import SQLModel

import models  # noqa: F401  (registers every table on the metadata)
from catalog_api.migrate import downgrade, upgrade

TABLES = {
    "agency",
    "attachment",
    "audit_entry",
    "catalog_item",
    "catalog_item_version",
    "change_event",
    "fee_item",
    "fee_item_version",
    "intermediary_service",
    "intermediary_service_version",
    "region",
    "review_flag",
    "scenario",
    "scenario_version",
    "service_item",
    "service_item_version",
    "webhook_delivery",
    "webhook_subscription",
}


def _differences(connection):
    # the same comparison options as migrations/env.py
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, SQLModel.metadata)


def _tables(connection):
    return set(inspect(connection).get_table_names()) - {"alembic_version"}


def _revision(connection):
    return MigrationContext.configure(connection).get_current_revision()


async def inspect_database(url, function):
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(function)
    finally:
        await engine.dispose()


async def test_upgrade_head_builds_the_models_schema(empty_database_url):
    # when
    await upgrade(empty_database_url)

    # then
    assert await inspect_database(empty_database_url, _tables) == TABLES
    assert await inspect_database(empty_database_url, _differences) == []


async def test_downgrade_to_base_and_upgrade_again_round_trips(empty_database_url):
    # given
    await upgrade(empty_database_url)
    head = await inspect_database(empty_database_url, _revision)

    # when
    await downgrade(empty_database_url, "base")

    # then every table is gone
    assert await inspect_database(empty_database_url, _tables) == set()
    assert await inspect_database(empty_database_url, _revision) is None

    # and when
    await upgrade(empty_database_url)

    # then they are back, as the models describe them
    assert await inspect_database(empty_database_url, _tables) == TABLES
    assert await inspect_database(empty_database_url, _revision) == head
    assert await inspect_database(empty_database_url, _differences) == []


async def test_the_test_database_fixture_is_at_head(database):
    url = database.url

    assert await inspect_database(url, _tables) == TABLES
    assert await inspect_database(url, _differences) == []


async def test_the_comparison_notices_a_schema_that_drifted(empty_database_url):
    # given a migrated database that lost an index behind Alembic's back
    await upgrade(empty_database_url)
    engine = create_async_engine(empty_database_url, poolclass=NullPool)
    async with engine.begin() as connection:
        await connection.execute(text("DROP INDEX ix_region_parent_code"))
    await engine.dispose()

    # when
    differences = await inspect_database(empty_database_url, _differences)

    # then
    assert [(d[0], d[1].name) for d in differences] == [("add_index", "ix_region_parent_code")]

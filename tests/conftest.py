"""Shared fixtures: the `dialect` parametrisation, a fresh migrated `database` per test, and an
SQL statement counter.

Every test that asks for `database` (or `dialect`) runs once on SQLite and once on PostgreSQL.
PostgreSQL comes from `YICHUANG_TEST_POSTGRES_URL` (`scripts/test` starts a throwaway cluster and
sets it). Without it the PostgreSQL runs are skipped, except under `CI`, where they fail: CI must
never pass without having run them.

Each test gets its own database, cloned from a template migrated once per session: SQLite copies
the template file, PostgreSQL runs `CREATE DATABASE … TEMPLATE`. Tests commit for real, so
after-commit callbacks run exactly as in production.
"""

import asyncio
import os
import re
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from catalog_api.db import Database
from catalog_api.migrate import upgrade

POSTGRES_URL_VAR = "YICHUANG_TEST_POSTGRES_URL"
DIALECTS = ("sqlite", "postgresql")
_NO_POSTGRES = (
    f"PostgreSQL tests need {POSTGRES_URL_VAR} "
    "(e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/yichuang_test); "
    "`bash scripts/test` starts a throwaway cluster and sets it"
)


# --- dialects ----------------------------------------------------------------------------------


def postgres_url() -> URL | None:
    raw = os.environ.get(POSTGRES_URL_VAR, "").strip()
    return make_url(raw) if raw else None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`postgres_only` tests do not run on SQLite at all (deselected, not skipped)."""
    keep, drop = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_sqlite = callspec is not None and callspec.params.get("dialect") == "sqlite"
        if on_sqlite and item.get_closest_marker("postgres_only"):
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(params=DIALECTS)
def dialect(request: pytest.FixtureRequest) -> str:
    """The database dialect a test runs on: "sqlite" or "postgresql"."""
    if request.param == "postgresql" and postgres_url() is None:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {POSTGRES_URL_VAR} is not: {_NO_POSTGRES}", pytrace=False)
        pytest.skip(_NO_POSTGRES)
    return request.param


# --- SQLite ------------------------------------------------------------------------------------


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture(scope="session")
async def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once per session; tests copy it."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    await upgrade(sqlite_url(path))
    return path


# --- PostgreSQL --------------------------------------------------------------------------------


class PostgresServer:
    """Creates and drops databases on the test server through its `postgres` maintenance db."""

    def __init__(self, url: URL) -> None:
        self.url = url
        self._admin: AsyncEngine = create_async_engine(
            url.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool
        )

    def url_of(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    async def create(self, name: str, *, template: str | None = None) -> str:
        _check_identifier(name)
        statement = f'CREATE DATABASE "{name}"'
        if template is not None:
            _check_identifier(template)
            statement += f' TEMPLATE "{template}"'
        async with self._admin.connect() as connection:
            await connection.execute(text(statement))
        return self.url_of(name)

    async def drop(self, name: str) -> None:
        _check_identifier(name)
        async with self._admin.connect() as connection:
            await connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))

    async def dispose(self) -> None:
        await self._admin.dispose()


def _check_identifier(name: str) -> None:
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
        raise ValueError(f"unsafe database name: {name!r}")


def unique_name(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
async def postgres_server() -> AsyncIterator[PostgresServer]:
    url = postgres_url()
    if url is None:  # only reached through `dialect`, which has skipped or failed already
        pytest.skip(_NO_POSTGRES)
    server = PostgresServer(url)
    yield server
    await server.dispose()


@pytest.fixture(scope="session")
async def postgres_template(postgres_server: PostgresServer) -> AsyncIterator[str]:
    """A PostgreSQL database migrated to head once per session; tests clone it."""
    name = unique_name("yichuang_tpl")
    url = await postgres_server.create(name)
    try:
        await upgrade(url)
        yield name
    finally:
        await postgres_server.drop(name)


class ClonePool:
    """Clones of the template, each created while the previous test runs.

    `CREATE DATABASE … TEMPLATE` costs a tenth of a second or more (it copies the system
    catalogs too); starting the next clone as soon as one is handed out hides most of that.
    """

    def __init__(self, server: PostgresServer, template: str) -> None:
        self._server = server
        self._template = template
        self._next: asyncio.Task[str] | None = None

    async def _clone(self) -> str:
        name = unique_name("yichuang_t")
        await self._server.create(name, template=self._template)
        return name

    async def take(self) -> str:
        """The name of a fresh clone; the caller drops it with `PostgresServer.drop`."""
        pending, self._next = self._next, None
        name = await (pending if pending is not None else self._clone())
        self._next = asyncio.ensure_future(self._clone())
        return name

    async def close(self) -> None:
        if self._next is not None:
            name = await self._next
            self._next = None
            await self._server.drop(name)


@pytest.fixture(scope="session")
async def postgres_clones(
    postgres_server: PostgresServer, postgres_template: str
) -> AsyncIterator[ClonePool]:
    pool = ClonePool(postgres_server, postgres_template)
    yield pool
    await pool.close()


# --- the database fixture ----------------------------------------------------------------------


@dataclass(frozen=True)
class Backend:
    """What a test's dialect needs: the SQLite template file, or the server and its clones."""

    dialect: str
    sqlite_template: Path | None = None
    server: PostgresServer | None = None
    clones: ClonePool | None = None


@pytest.fixture
def backend(dialect: str, request: pytest.FixtureRequest) -> Backend:
    # A plain fixture, so the session templates are set up lazily (only for the dialects that
    # run) without calling `getfixturevalue` from inside a running event loop.
    if dialect == "sqlite":
        return Backend(dialect, sqlite_template=request.getfixturevalue("sqlite_template"))
    return Backend(
        dialect,
        server=request.getfixturevalue("postgres_server"),
        clones=request.getfixturevalue("postgres_clones"),
    )


@pytest.fixture
async def database(backend: Backend, tmp_path: Path) -> AsyncIterator[Database]:
    """A fresh database migrated to head, disposed (and on PostgreSQL dropped) afterwards."""
    if backend.sqlite_template is not None:
        path = tmp_path / "yichuang.db"
        shutil.copyfile(backend.sqlite_template, path)
        db = Database(sqlite_url(path))
        try:
            yield db
        finally:
            await db.dispose()
        return
    assert backend.server is not None and backend.clones is not None
    name = await backend.clones.take()
    db = Database(backend.server.url_of(name))
    try:
        yield db
    finally:
        await db.dispose()
        await backend.server.drop(name)


@pytest.fixture
async def empty_database_url(backend: Backend, tmp_path: Path) -> AsyncIterator[str]:
    """The URL of an empty database (no migrations applied), removed afterwards."""
    if backend.server is None:
        yield sqlite_url(tmp_path / "empty.db")
        return
    name = unique_name("yichuang_e")
    url = await backend.server.create(name)
    try:
        yield url
    finally:
        await backend.server.drop(name)


# --- counting SQL ------------------------------------------------------------------------------

_TRANSACTION_CONTROL = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b", re.IGNORECASE)


class SqlCounter:
    """Records every SQL statement a Database's engines execute while attached.

    `count` leaves out transaction control (BEGIN, COMMIT, SAVEPOINT …), which SQLite issues as
    statements and asyncpg does not, so counts agree across dialects; `statements` keeps all.
    """

    def __init__(self, database: Database) -> None:
        self.statements: list[str] = []
        # on PostgreSQL both names refer to one engine: listen to it once
        self._engines = list({id(e): e for e in (database.engine, database.read_engine)}.values())
        self._attached = False

    def _on_execute(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        self.statements.append(statement)

    @property
    def queries(self) -> list[str]:
        return [s for s in self.statements if not _TRANSACTION_CONTROL.match(s)]

    @property
    def count(self) -> int:
        return len(self.queries)

    def reset(self) -> None:
        self.statements.clear()

    def attach(self) -> "SqlCounter":
        if not self._attached:
            for engine in self._engines:
                event.listen(engine.sync_engine, "before_cursor_execute", self._on_execute)
            self._attached = True
        return self

    def detach(self) -> None:
        if self._attached:
            for engine in self._engines:
                event.remove(engine.sync_engine, "before_cursor_execute", self._on_execute)
            self._attached = False

    def __enter__(self) -> "SqlCounter":
        self.reset()
        return self.attach()

    def __exit__(self, *exc: object) -> None:
        self.detach()


@pytest.fixture
def sql_counter(database: Database) -> Iterator[SqlCounter]:
    """A counter on `database`; use it as `with sql_counter: ...` around the code measured."""
    counter = SqlCounter(database)
    yield counter
    counter.detach()

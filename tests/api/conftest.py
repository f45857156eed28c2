"""GraphQL over HTTP through the real app, on the test's database."""

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from catalog_api.app import create_app
from catalog_api.db import Database
from catalog_api.settings import Settings

Serve = Callable[..., Awaitable[httpx.AsyncClient]]


@dataclass
class GraphQLClient:
    http: httpx.AsyncClient

    async def post(self, query: str, **variables: Any) -> dict[str, Any]:
        response = await self.http.post("/graphql", json={"query": query, "variables": variables})
        assert response.status_code == 200, response.text
        return response.json()

    async def data(self, query: str, **variables: Any) -> dict[str, Any]:
        """The `data` of a response that must have no errors."""
        body = await self.post(query, **variables)
        assert "errors" not in body, body["errors"]
        return body["data"]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        files_dir=tmp_path / "files",
        max_page_size=100,
        jwt_secret_file=tmp_path / "jwt-secret",
        search_index_path=tmp_path / "search.db",
        announce_interval_seconds=0,
    )


@pytest.fixture
async def app(database: Database, settings: Settings) -> AsyncIterator[Starlette]:
    """The service without its lifespan (httpx runs none): no background tasks, so tests
    decide when the indexer catches up (`app.state.search.catch_up()`)."""
    app = create_app(settings, database=database)
    yield app
    await app.state.search.close()


@pytest.fixture
async def http(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://yichuang.test") as client:
        yield client


@pytest.fixture
def gql(http: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(http)


@pytest.fixture
async def serve(database: Database, settings: Settings) -> AsyncIterator[Serve]:
    """A client of the service run with some settings changed."""
    apps, clients = [], []

    async def start(**changes: Any) -> httpx.AsyncClient:
        app = create_app(settings.model_copy(update=changes), database=database)
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://yichuang.test"
        )
        apps.append(app)
        clients.append(client)
        return client

    yield start
    for client in clients:
        await client.aclose()
    for app in apps:
        await app.state.search.close()

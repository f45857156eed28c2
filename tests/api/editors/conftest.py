"""Signed-in clients for the editors' tests: tokens minted with the service's local secret."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from catalog_api.auth import Role, mint_token
from catalog_api.settings import Settings
from tests.api.conftest import GraphQLClient


@dataclass
class Session:
    """A person at a browser: their token goes with every request."""

    http: httpx.AsyncClient
    token: str | None

    async def post(self, query: str, **variables: Any) -> dict[str, Any]:
        headers = {"authorization": f"Bearer {self.token}"} if self.token else {}
        headers["user-agent"] = "yichuang-tests/1.0"
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        assert response.status_code == 200, response.text
        return response.json()

    async def data(self, query: str, **variables: Any) -> dict[str, Any]:
        body = await self.post(query, **variables)
        assert "errors" not in body, body["errors"]
        return body["data"]


@pytest.fixture
def settings(tmp_path) -> Settings:  # type: ignore[no-untyped-def]
    return Settings(
        files_dir=tmp_path / "files",
        search_index_path=tmp_path / "search.db",
        jwt_secret="test-secret-" + "x" * 32,
        announce_interval_seconds=0,
    )


@pytest.fixture
def sign_in(http: httpx.AsyncClient, settings: Settings):  # type: ignore[no-untyped-def]
    def session(
        subject: str,
        *roles: Role,
        agencies: Sequence[str] = (),
        regions: Sequence[str] = (),
    ) -> Session:
        token = mint_token(
            settings, subject=subject, roles=list(roles), agencies=agencies, regions=regions
        )
        return Session(http, token)

    return session


@pytest.fixture
def anonymous(http: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(http)

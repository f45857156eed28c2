"""What the change-feed tests share: the small Jinan plus a street agency's unpublished draft,
signed-in clients, and the steps that make new events."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from catalog_api.auth import Role, mint_token
from catalog_api.catalog.commands.update_draft import update_draft
from catalog_api.catalog.commands.withdraw import withdraw
from catalog_api.catalog.kinds import CATALOG_ITEM, SERVICE_ITEM
from catalog_api.db import Database
from catalog_api.settings import Settings
from models import ServiceItem
from tests.api.scenario import FOOD_LICENCE, SmallJinan, small_jinan
from tests.factories import EDITOR, REVIEWER, record_of, run, service_item_draft, submit_and_publish

CHANGES = """
query ($after: String, $first: Int, $filter: ChangeFilter) {
  changes(after: $after, first: $first, filter: $filter) {
    edges { cursor node { cursor seq kind recordId code versionNumber action region agency cause } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""


@dataclass
class FeedJinan(SmallJinan):
    street_draft: ServiceItem  # the street agency's item, never published


async def feed_jinan(database: Database, files_dir: Path) -> FeedJinan:
    jinan = await small_jinan(database, files_dir)
    street_draft, _ = await service_item_draft(database, FOOD_LICENCE, jinan.street_agency.uscc)
    return FeedJinan(**jinan.__dict__, street_draft=street_draft)


async def publish_catalog_change(database: Database, jinan: SmallJinan) -> None:
    """A new version of the catalog item, published now: every derived item hears of it."""
    record = await record_of(database, CATALOG_ITEM, jinan.catalog.id)
    await run(
        database,
        update_draft,
        CATALOG_ITEM,
        record_id=record.id,
        expected_lock_version=record.lock_version,
        changes={"statutory_time_limit": {"value": 15, "unit": "1"}},
        actor=EDITOR,
    )
    record.lock_version += 1
    await submit_and_publish(database, CATALOG_ITEM, record)


async def withdraw_item(database: Database, item: ServiceItem) -> None:
    record = await record_of(database, SERVICE_ITEM, item.id)
    await run(
        database,
        withdraw,
        SERVICE_ITEM,
        record_id=record.id,
        expected_lock_version=record.lock_version,
        reason="机构职能调整",
        actor=REVIEWER,
    )


def token(settings: Settings, *roles: Role, agencies=(), regions=()) -> str:  # type: ignore[no-untyped-def]
    return mint_token(
        settings, subject="feed@jinan", roles=list(roles), agencies=agencies, regions=regions
    )


@dataclass
class Reader:
    """A portal or a person reading the feed over HTTP, signed in or not."""

    http: httpx.AsyncClient
    token: str | None = None

    async def post(self, query: str, **variables: Any) -> dict[str, Any]:
        headers = {"authorization": f"Bearer {self.token}"} if self.token else {}
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        assert response.status_code == 200, response.text
        return response.json()

    async def page(self, **variables: Any) -> dict[str, Any]:
        body = await self.post(CHANGES, **variables)
        assert "errors" not in body, body["errors"]
        return body["data"]["changes"]

    async def events(self, **variables: Any) -> list[dict[str, Any]]:
        """Every event after `after`, following the pages to the end."""
        events: list[dict[str, Any]] = []
        while True:
            page = await self.page(**variables)
            events += [edge["node"] for edge in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                return events
            variables["after"] = page["pageInfo"]["endCursor"]


def summary(events: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(code, action) of each event, in feed order."""
    return [(event["code"], event["action"]) for event in events]

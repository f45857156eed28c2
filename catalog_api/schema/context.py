"""The per-request context every resolver receives."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from strawberry.types import Info as StrawberryInfo

from catalog_api.auth import Principal
from catalog_api.catalog.feed import ChangeFeed
from catalog_api.catalog.search import CatalogSearch
from catalog_api.db import Database, Origin
from catalog_api.schema.loaders import Loaders, build_loaders
from catalog_api.settings import Settings
from models.base import utc_now


@dataclass
class Context:
    database: Database
    settings: Settings
    loaders: Loaders
    search: CatalogSearch | None = None
    request: Any = None
    response: Any = None
    principal: Principal | None = None
    # One "now" per request, so every field of one response agrees on what is current.
    now: datetime = field(default_factory=utc_now)
    parsed_content: dict[Any, Any] = field(default_factory=dict)
    scope_cache: dict[Any, bool] = field(default_factory=dict)
    feed: ChangeFeed | None = None
    # A websocket's `connection_init` payload (strawberry sets it): where its token travels.
    connection_params: dict[str, Any] | None = None

    @classmethod
    def build(
        cls,
        database: Database,
        settings: Settings,
        request: Any = None,
        principal: Principal | None = None,
        search: CatalogSearch | None = None,
        feed: ChangeFeed | None = None,
    ) -> "Context":
        return cls(
            database,
            settings,
            build_loaders(database),
            search,
            request,
            principal=principal,
            feed=feed,
        )

    def origin(self) -> Origin:
        """Where the request came from, for the audit log."""
        if self.request is None:
            return Origin()
        client = self.request.client
        return Origin(
            client_address=client.host if client else None,
            user_agent=self.request.headers.get("user-agent"),
        )

    def forget_cached_reads(self) -> None:
        """After a write, later fields of the same request must not see stale loader caches."""
        self.loaders = build_loaders(self.database)
        self.parsed_content.clear()


Info = StrawberryInfo[Context, None]

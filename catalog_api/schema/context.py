"""The per-request context every resolver receives."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from strawberry.types import Info as StrawberryInfo

from catalog_api.db import Database
from catalog_api.schema.loaders import Loaders, build_loaders
from catalog_api.settings import Settings
from models.base import utc_now


@dataclass
class Context:
    database: Database
    settings: Settings
    loaders: Loaders
    request: Any = None
    response: Any = None
    # One "now" per request, so every field of one response agrees on what is current.
    now: datetime = field(default_factory=utc_now)
    parsed_content: dict[Any, Any] = field(default_factory=dict)

    @classmethod
    def build(cls, database: Database, settings: Settings, request: Any = None) -> "Context":
        return cls(database, settings, build_loaders(database), request)


Info = StrawberryInfo[Context, None]

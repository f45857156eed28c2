"""Configuration from `YICHUANG_` environment variables; the defaults need no set-up at all."""

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="YICHUANG_", extra="ignore")

    database_url: str = Field(
        default="sqlite+aiosqlite:///var/yichuang.db",
        description="SQLAlchemy URL: sqlite+aiosqlite:///path or postgresql+asyncpg://…",
    )
    files_dir: Path = Field(
        default=Path("var/files"), description="Folder of content-addressed attachments."
    )
    host: str = Field(default="127.0.0.1", description="Address `yichuang serve` binds.")
    port: int = Field(default=8000, description="Port `yichuang serve` binds.")
    max_page_size: int = Field(default=100, description="Largest `first` a connection accepts.")
    max_query_depth: int = Field(default=12, description="Deepest GraphQL selection accepted.")
    max_query_tokens: int = Field(default=4000, description="Most tokens in one GraphQL document.")
    max_aliases: int = Field(default=30, description="Most aliases in one GraphQL document.")
    graphiql: bool = Field(default=True, description="Serve GraphiQL at GET /graphql.")
    log_level: str = Field(default="info", description="Log level of the service.")

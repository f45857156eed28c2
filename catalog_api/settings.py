"""Configuration from `YICHUANG_` environment variables; the defaults need no set-up at all."""

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
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
    max_query_cost: int = Field(
        default=20_000,
        ge=1,
        description="Largest estimated cost of one operation: each field 1, a field under a "
        "connection or list multiplied by its page size (`first`, else the default).",
    )
    max_body_bytes: int = Field(
        default=1_048_576, ge=1024, description="Largest request body accepted (HTTP 413 above)."
    )
    request_timeout_seconds: float = Field(
        default=30.0,
        gt=0,
        description="Longest one GraphQL operation may run before it is cancelled (`TIMEOUT`).",
    )
    cors_origins: list[str] = Field(
        default=[],
        description="Origins whose pages may call the API from a browser, as a JSON list, e.g. "
        '`["https://zwfw.jinan.gov.cn"]` (`["*"]`: any); empty: no CORS headers.',
    )
    persisted_queries: Literal["off", "automatic", "allowlist"] = Field(
        default="automatic",
        description="`automatic`: Apollo's automatic persisted queries (clients register a "
        "query by its SHA-256); `allowlist`: only the operations in `persisted_queries_file` "
        "run (signed-in staff may still send any query); `off`: free-form queries only.",
    )
    persisted_queries_file: Path | None = Field(
        default=None,
        description='Manifest of registered operations (`{"<sha256>": "<query>"}` or '
        "Apollo's persisted-query manifest); required by `allowlist`, optional otherwise.",
    )
    persisted_queries_cache_size: int = Field(
        default=1000, ge=1, description="Automatic persisted queries kept in memory (LRU)."
    )
    graphiql: bool = Field(default=True, description="Serve GraphiQL at GET /graphql.")
    log_level: str = Field(default="info", description="Log level of the service.")
    four_eyes: bool = Field(
        default=True, description="A reviewer may not publish a version they submitted."
    )
    import_max_bytes: int = Field(
        default=50 * 1024 * 1024,
        ge=1,
        description="Largest file `yichuang import` and `POST /import/…` read; a larger one is "
        "refused unread.",
    )
    announce_interval_seconds: float = Field(
        default=5.0,
        description="How often the server announces scheduled versions that took effect "
        "(0 turns the background task off).",
    )
    search_url: str | None = Field(
        default=None,
        description="Elasticsearch URL for the search index; unset, the embedded index "
        "(SQLite FTS5) in `search_index_path` is used.",
    )
    search_username: str | None = Field(
        default=None, description="Elasticsearch user (basic authentication)."
    )
    search_password: SecretStr | None = Field(
        default=None, description="Elasticsearch password (basic authentication)."
    )
    search_api_key: SecretStr | None = Field(
        default=None, description="Elasticsearch API key (instead of user and password)."
    )
    search_verify_certs: bool = Field(
        default=True, description="Verify the Elasticsearch server's TLS certificate."
    )
    search_ca_certs: Path | None = Field(
        default=None, description="CA bundle for the Elasticsearch server's certificate."
    )
    search_index_prefix: str = Field(
        default="yichuang",
        pattern=r"^[a-z0-9][a-z0-9_-]{0,40}$",
        description="Prefix of the Elasticsearch indices and aliases.",
    )
    search_shards: int = Field(default=1, ge=1, le=64, description="Primary shards per index.")
    search_replicas: int = Field(default=1, ge=0, le=8, description="Replicas per shard.")
    search_index_path: Path = Field(
        default=Path("var/search.db"), description="File of the embedded search index."
    )
    search_synonyms_file: Path | None = Field(
        default=None,
        description="YAML of colloquial names (俗称) → official terms; unset, the packaged one. "
        "Edits take effect within a second, without a restart.",
    )
    search_indexer: bool = Field(
        default=True, description="Run the search indexer in this server process."
    )
    search_poll_interval_seconds: float = Field(
        default=0.5,
        gt=0,
        description="How often the indexer looks for change events written by other processes "
        "(commits in this process wake it at once).",
    )
    webhooks: bool = Field(default=True, description="Deliver webhooks from this server process.")
    webhook_allow_http: bool = Field(
        default=False,
        description="Accept plain http webhook URLs (intranets, tests); otherwise https only.",
    )
    webhook_timeout_seconds: float = Field(
        default=10.0, gt=0, le=120, description="How long a receiver may take to answer."
    )
    webhook_max_backoff_seconds: float = Field(
        default=300.0,
        gt=0,
        description="Longest wait between attempts to a failing receiver (the backoff doubles "
        "from one second up to this).",
    )
    webhook_poll_interval_seconds: float = Field(
        default=1.0,
        gt=0,
        description="How often the deliverer looks for events other processes wrote (this "
        "process's commits wake it at once).",
    )
    feed_poll_interval_seconds: float = Field(
        default=1.0,
        gt=0,
        description="How often subscriptions look for change events nobody announced (another "
        "process on the same SQLite file; PostgreSQL's NOTIFY wakes them at once).",
    )
    cache_max_age_seconds: int = Field(
        default=60,
        ge=0,
        description="Longest `max-age` given to public GraphQL reads; a scheduled version "
        "taking effect sooner shortens it.",
    )
    response_cache_entries: int = Field(
        default=1000,
        ge=0,
        description="Public GraphQL responses kept in memory per process (0 turns the "
        "response cache off; ETags and Cache-Control stay).",
    )
    response_cache_max_bytes: int = Field(
        default=64 * 2**20, ge=0, description="Bytes the response cache may hold."
    )
    cache_poll_interval_seconds: float = Field(
        default=0.5,
        ge=0,
        description="How often the response cache looks for change events written by other "
        "processes (commits in this process invalidate it at once; 0: on every request).",
    )
    jwt_secret: SecretStr | None = Field(
        default=None,
        min_length=32,
        description=(
            "HS256 secret (32+ bytes) for locally minted tokens; when unset, a random one is "
            "created once in `jwt_secret_file`."
        ),
    )
    jwt_secret_file: Path = Field(
        default=Path("var/jwt-secret"),
        description=(
            "File keeping the generated HS256 secret (mode 0600), shared by `yichuang token` "
            "and `yichuang serve`; unused when `jwt_secret` or `jwt_jwks_url` is set."
        ),
    )
    jwt_issuer: str = Field(
        default="yichuang", description="Required `iss` of every token (and of minted ones)."
    )
    jwt_audience: str = Field(
        default="yichuang", description="Required `aud` of every token (and of minted ones)."
    )
    jwt_jwks_url: str | None = Field(
        default=None,
        description=(
            "JWKS URL of the identity service (统一身份认证); when set, only tokens signed with "
            "its keys (`jwt_algorithms`) are accepted, and locally minted HS256 tokens are not."
        ),
    )
    jwt_algorithms: list[
        Literal["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]
    ] = Field(
        default=["RS256", "ES256"],
        min_length=1,
        description=(
            "Signature algorithms accepted from the JWKS (asymmetric only), as a JSON list, "
            'e.g. `["RS256"]`.'
        ),
    )
    jwt_leeway_seconds: int = Field(
        default=30,
        ge=0,
        le=300,
        description="Clock skew tolerated when checking a token's `exp`, `nbf` and `iat`.",
    )

    @model_validator(mode="after")
    def _allowlist_needs_a_manifest(self) -> "Settings":
        if self.persisted_queries == "allowlist" and self.persisted_queries_file is None:
            raise ValueError(
                "persisted_queries=allowlist needs persisted_queries_file (the manifest)"
            )
        return self

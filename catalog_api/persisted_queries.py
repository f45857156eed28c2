"""Persisted queries: Apollo's automatic protocol (APQ) and an allow-list for public portals.

A client sends `extensions.persistedQuery = {version: 1, sha256Hash}`. In `automatic` mode the
first request without the text answers PERSISTED_QUERY_NOT_FOUND, the client retries with the
text, and from then on the hash alone (over GET, so CDNs can cache it) runs the query. In
`allowlist` mode only the operations of the manifest run, except for signed-in staff. Nothing
here knows HTTP or GraphQL: the endpoint turns a `PersistedQueryError` into a GraphQL error.
"""

import hashlib
import json
import re
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from catalog_api.settings import Settings

Mode = Literal["off", "automatic", "allowlist"]
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
APOLLO_MANIFEST_FORMAT = "apollo-persisted-query-manifest"


class PersistedQueryError(Exception):
    """A persisted-query request that cannot run; `code` becomes `extensions.code`."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class ManifestError(ValueError):
    """A manifest that cannot be trusted: unreadable, malformed, or a hash that lies."""


def sha256_of(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


@dataclass(frozen=True)
class Resolved:
    """The text to run, and the hash to remember once it validated (automatic mode only)."""

    query: str | None
    register_hash: str | None = None


class LruStore:
    """Bounded in memory: clients re-register whatever was evicted or lost in a restart."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._queries: OrderedDict[str, str] = OrderedDict()

    def get(self, sha256: str) -> str | None:
        query = self._queries.get(sha256)
        if query is not None:
            self._queries.move_to_end(sha256)
        return query

    def put(self, sha256: str, query: str) -> None:
        self._queries[sha256] = query
        self._queries.move_to_end(sha256)
        while len(self._queries) > self.size:
            self._queries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._queries)


class PersistedQueries:
    def __init__(
        self, mode: Mode, manifest: Mapping[str, str] | None = None, cache_size: int = 1000
    ) -> None:
        self.mode = mode
        self.manifest = dict(manifest or {})
        self.cache = LruStore(cache_size)

    @classmethod
    def from_settings(cls, settings: Settings) -> "PersistedQueries":
        """Reads the manifest now, so a bad one stops the server at start-up."""
        path = settings.persisted_queries_file
        manifest = load_manifest(path) if path is not None else None
        return cls(settings.persisted_queries, manifest, settings.persisted_queries_cache_size)

    def resolve(
        self, query: str | None, extensions: Mapping[str, Any] | None, *, staff: bool
    ) -> Resolved:
        """The query text to execute, or a PersistedQueryError. `staff` (a signed-in editor,
        reviewer or administrator) may send free-form queries even in allowlist mode."""
        persisted = (extensions or {}).get("persistedQuery")
        if persisted is None:
            if self.mode == "allowlist" and query is not None and not staff:
                raise _required()
            return Resolved(query)
        if self.mode == "off":
            if query is not None:  # a client that tried APQ first still gets an answer
                return Resolved(query)
            raise PersistedQueryError("PERSISTED_QUERY_NOT_SUPPORTED", "PersistedQueryNotSupported")
        sha256 = _requested_hash(persisted)
        if query is None:
            known = self.manifest.get(sha256) or (
                self.cache.get(sha256) if self.mode == "automatic" else None
            )
            if known is None:
                # The exact message Apollo clients look for before they resend the text.
                raise PersistedQueryError("PERSISTED_QUERY_NOT_FOUND", "PersistedQueryNotFound")
            return Resolved(known)
        if sha256_of(query) != sha256:
            raise PersistedQueryError(
                "PERSISTED_QUERY_HASH_MISMATCH",
                "extensions.persistedQuery.sha256Hash 与查询文本的 SHA-256 不符，未登记",
            )
        if sha256 in self.manifest:
            return Resolved(query)
        if self.mode == "allowlist":
            if not staff:
                raise _required()
            return Resolved(query)
        return Resolved(query, register_hash=sha256)

    def register(self, sha256: str, query: str) -> None:
        self.cache.put(sha256, query)


def _required() -> PersistedQueryError:
    return PersistedQueryError(
        "PERSISTED_QUERY_REQUIRED",
        "本接口只执行已登记的查询：请发送 extensions.persistedQuery（已登记操作的 SHA-256）",
    )


def _requested_hash(persisted: object) -> str:
    if not isinstance(persisted, Mapping) or persisted.get("version") != 1:
        raise PersistedQueryError(
            "PERSISTED_QUERY_NOT_SUPPORTED",
            "PersistedQueryNotSupported：extensions.persistedQuery 应为 {version: 1, sha256Hash}",
        )
    sha256 = persisted.get("sha256Hash")
    if not isinstance(sha256, str) or not _SHA256.match(sha256.lower()):
        raise PersistedQueryError(
            "BAD_USER_INPUT", "extensions.persistedQuery.sha256Hash 应为 64 位十六进制 SHA-256"
        )
    return sha256.lower()


def load_manifest(path: Path) -> dict[str, str]:
    """`{"<sha256>": "<query>"}` (what `yichuang persisted-query` writes; Relay's shape), or
    Apollo's `{"format": "apollo-persisted-query-manifest", "operations": [{id, body}]}`.
    Every hash is checked against its text, so a wrong manifest fails at start-up."""
    document = _read_json(path)
    if _is_apollo(document):
        operations = document.get("operations")
        if not isinstance(operations, list):
            raise ManifestError(f"{path}：operations 应为列表")
        pairs = [(op.get("id"), op.get("body")) for op in operations if isinstance(op, dict)]
    elif isinstance(document, dict):
        pairs = list(document.items())
    else:
        raise ManifestError(f"{path}：应为 JSON 对象")
    manifest: dict[str, str] = {}
    for sha256, query in pairs:
        if not isinstance(sha256, str) or not isinstance(query, str):
            raise ManifestError(f"{path}：每一项应为 SHA-256 → 查询文本")
        if sha256_of(query) != sha256.lower():
            raise ManifestError(f"{path}：{sha256} 不是其查询文本的 SHA-256")
        manifest[sha256.lower()] = query
    return manifest


def add_to_manifest(path: Path, queries: list[str]) -> list[str]:
    """Register query texts in a flat manifest (created when missing); returns their hashes.
    An Apollo manifest is generated by Apollo's own tooling, so it is never rewritten here."""
    manifest: dict[str, str] = {}
    if path.exists():
        if _is_apollo(_read_json(path)):
            raise ManifestError(f"{path} 是 Apollo 格式的清单：请用 Apollo 的工具重新生成")
        manifest = load_manifest(path)
    hashes = []
    for query in queries:
        sha256 = sha256_of(query)
        manifest[sha256] = query
        hashes.append(sha256)
    text = json.dumps(dict(sorted(manifest.items())), ensure_ascii=False, indent=2)
    path.write_text(text + "\n", encoding="utf-8")
    return hashes


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ManifestError(f"无法读取持久化查询清单 {path}：{exc}") from exc


def _is_apollo(document: Any) -> bool:
    return isinstance(document, dict) and document.get("format") == APOLLO_MANIFEST_FORMAT

"""HTTP caching for public GraphQL reads (issue 6): ETags, Cache-Control, a response cache."""

from catalog_api.http_cache.cache import CacheStats, HttpCache

__all__ = ["CacheStats", "HttpCache"]

"""Search backends: implementations of `search.backend.SearchBackend`.

- `search.backends.embedded.EmbeddedBackend`: SQLite FTS5 in its own database file (the default).
"""

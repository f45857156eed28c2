"""Alembic migrations (async, SQLite-safe batch mode). Run them with `yichuang migrate`."""

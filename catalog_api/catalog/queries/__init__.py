"""Reads of the catalog: lookups by code, keyset-paginated lists and the loaders' batch reads."""

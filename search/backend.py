"""The contract every search backend keeps (embedded SQLite FTS5, Elasticsearch).

Backends receive analysed documents and queries (`search.analysis`), never raw text to parse:
user input is data, so quotes, operators or 10,000 characters give ordinary results or an empty
page, never an error. The stored offset lives with the index it describes, so a rebuilt index
carries the offset it was built at and the indexer resumes from there.
"""

from collections.abc import Sequence
from typing import Protocol

from search.analysis import AnalysedQuery
from search.documents import (
    IndexFailure,
    IndexState,
    SearchDocument,
    SearchFilter,
    SearchPage,
    Suggestion,
)


class SearchUnavailable(RuntimeError):
    """The index could not be reached, or refused the request (credentials, TLS)."""


class StaleOffset(Exception):
    """The index moved on (another writer, or a rebuild was switched in): reread the offset."""


class Rebuild(Protocol):
    """A new index filled beside the serving one; `switch` makes it the one that serves."""

    async def add(self, documents: Sequence[SearchDocument]) -> list[IndexFailure]: ...

    async def switch(self) -> None: ...

    async def abandon(self) -> None: ...


class SearchBackend(Protocol):
    name: str

    async def open(self) -> None: ...

    async def close(self) -> None: ...

    async def state(self) -> IndexState: ...

    async def apply(
        self,
        upserts: Sequence[SearchDocument],
        deletes: Sequence[str],
        *,
        expected_offset: int,
        new_offset: int,
    ) -> list[IndexFailure]:
        """Index and delete in one step and move the offset from `expected_offset` to
        `new_offset`; raises `StaleOffset` (writing nothing) when the offset is not the
        expected one. Documents that cannot be indexed are reported, the rest are written."""
        ...

    async def search(
        self, query: AnalysedQuery, where: SearchFilter, first: int, after: str | None
    ) -> SearchPage: ...

    async def suggest(self, prefix: AnalysedQuery, first: int) -> list[Suggestion]: ...

    async def begin_rebuild(self, offset: int) -> Rebuild: ...

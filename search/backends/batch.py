"""Preparing a batch of documents for a backend, the same way on every backend.

Analysis of a large batch runs on a thread, so the event loop keeps answering queries while a
rebuild analyses; a document that cannot be prepared becomes an `IndexFailure` instead of
stopping the batch; when a batch holds an id twice, its last copy wins.
"""

import asyncio
from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from search.documents import IndexFailure, SearchDocument

THREAD_ANALYSIS_THRESHOLD = 64  # documents; fewer are analysed on the event loop (a publish)


class Identified(Protocol):
    @property
    def id(self) -> str: ...


P = TypeVar("P", bound=Identified)


async def prepare_batch(
    documents: Sequence[SearchDocument], prepare: Callable[[SearchDocument], P]
) -> tuple[list[P], list[IndexFailure]]:
    """`prepare` applied to each document: the prepared ones and the failures."""
    documents = list(documents)
    if len(documents) > THREAD_ANALYSIS_THRESHOLD:
        return await asyncio.to_thread(_prepare_all, documents, prepare)
    return _prepare_all(documents, prepare)


def _prepare_all(
    documents: list[SearchDocument], prepare: Callable[[SearchDocument], P]
) -> tuple[list[P], list[IndexFailure]]:
    prepared: dict[str, P] = {}
    failures: list[IndexFailure] = []
    for document in documents:
        try:
            item = prepare(document)
        except Exception as exc:  # a bad document must not stop the others
            doc_id = str(getattr(document, "id", None))
            failures.append(IndexFailure(id=doc_id, reason=f"{type(exc).__name__}: {exc}"[:500]))
            continue
        prepared.pop(item.id, None)  # the last version of an id in the batch wins
        prepared[item.id] = item
    return list(prepared.values()), failures

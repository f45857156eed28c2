"""Bulk requests and the `current` meta doc of the Elasticsearch backend, as plain values: what
to send and what an answer means. No client here (`search.backends.elasticsearch` sends).

Bulk bodies are NDJSON built once per document and cut into batches of at most `BULK_DOCS`
actions or `BULK_BYTES` bytes. An answer's items sort into written (or a delete of an absent
id), refused for load (429/5xx: sent again) and refused for good (a mapping error: reported).
"""

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from search.backends.elasticsearch_mapping import SCHEMA_VERSION, Prepared, dumps
from search.documents import IndexFailure

BULK_DOCS = 500
# aiohttp warns that a body over 1 MiB "might lock the event loop" (it is written in one go).
BULK_BYTES = 1_000_000
CURRENT = "current"  # the id of the meta doc naming the current generation


class IndexGone(RuntimeError):
    """The index (alias) a bulk request wrote to does not exist any more."""


@dataclass(frozen=True)
class Op:
    id: str
    data: bytes  # the NDJSON lines of the action


def index_op(item: Prepared) -> Op:
    return Op(item.id, dumps({"index": {"_id": item.id}}) + b"\n" + item.source + b"\n")


def delete_op(doc_id: str) -> Op:
    return Op(doc_id, dumps({"delete": {"_id": doc_id}}) + b"\n")


def batches(ops: Iterable[Op]) -> Iterable[list[Op]]:
    batch: list[Op] = []
    size = 0
    for op in ops:
        if batch and (len(batch) >= BULK_DOCS or size + len(op.data) > BULK_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(op)
        size += len(op.data)
    if batch:
        yield batch


def sort_items(
    target: str, sent: list[Op], answer: dict[str, Any]
) -> tuple[list[Op], list[IndexFailure]]:
    """(what to send again, what was refused for good) of a bulk answer; `IndexGone` when the
    target does not exist."""
    again: list[Op] = []
    failures: list[IndexFailure] = []
    for op, item in zip(sent, answer["items"], strict=True):
        result = next(iter(item.values()))
        error = result.get("error")
        if error is None:
            continue  # written, or a delete of an id that was not there
        if error.get("type") == "index_not_found_exception":
            raise IndexGone(f"search index {target} is gone: {error_text(error)}")
        status = int(result.get("status", 500))
        if status == 429 or status >= 500:
            again.append(op)
        else:
            failures.append(IndexFailure(id=op.id, reason=error_text(error)))
    return again, failures


def error_text(error: dict[str, Any]) -> str:
    text = f"{error.get('type')}: {error.get('reason')}"
    cause = error.get("caused_by")
    if isinstance(cause, dict):
        text += f" ({cause.get('type')}: {cause.get('reason')})"
    return text[:500]


# --- the current generation -----------------------------------------------------------------


@dataclass(frozen=True)
class Current:
    """The `current` meta doc (generation, offset, write lease) and the version it was read
    at, for compare-and-set."""

    generation: str
    offset: int
    schema: int
    lease: dict[str, Any] | None
    seq_no: int
    primary_term: int

    @classmethod
    def from_answer(cls, answer: dict[str, Any]) -> "Current":
        source = answer["_source"]
        return cls(
            generation=str(source["generation"]),
            offset=int(source["offset"]),
            schema=int(source.get("schema", 0)),
            lease=source.get("lease"),
            seq_no=int(answer["_seq_no"]),
            primary_term=int(answer["_primary_term"]),
        )

    def changed(
        self, *, generation: str | None, offset: int | None, lease: dict[str, Any] | None
    ) -> dict[str, Any]:
        """The doc's next source: a new generation is written in this version's format."""
        return {
            "generation": generation or self.generation,
            "offset": self.offset if offset is None else offset,
            "schema": SCHEMA_VERSION if generation else self.schema,
            "lease": lease,
            "updated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }

    def leased_by_other(self, holder: str) -> bool:
        """Whether another writer holds a lease that has not expired."""
        lease = self.lease
        return bool(lease) and lease.get("holder") != holder and lease.get("until", 0) > time.time()


def first_current(generation: str) -> dict[str, Any]:
    return {"generation": generation, "offset": 0, "schema": SCHEMA_VERSION, "lease": None}


def new_lease(holder: str, seconds: float) -> dict[str, Any]:
    return {"holder": holder, "until": time.time() + seconds}

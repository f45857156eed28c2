"""Which SQL a request runs, and how long it waits for it: cursor events on the app's engines.

Listening costs a little per statement, so this runs in a separate, short pass at concurrency 1
(where the time between the before and after events is the statement's own), never while
throughput is measured.
"""

import re
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

# An expanded IN list (…$7, $8, $9… or ?, ?, ?) counts as one statement shape whatever its length.
_PARAMETER_RUN = re.compile(r"(?:\$\d+|\?|%\(\w+\)s)(?:\s*,\s*(?:\$\d+|\?|%\(\w+\)s))+")
_SPACE = re.compile(r"\s+")


_COLUMNS = re.compile(r"SELECT (?!…)(.+?) FROM ")


def shape(statement: str) -> str:
    return _PARAMETER_RUN.sub("…", _SPACE.sub(" ", statement).strip())


def brief(statement: str) -> str:
    """A statement without its column lists, for reading in a terminal."""
    return _COLUMNS.sub("SELECT … FROM ", statement)


@dataclass
class StatementStats:
    calls: int = 0
    seconds: float = 0.0


@dataclass
class SqlStats:
    by_shape: dict[str, StatementStats] = field(default_factory=lambda: defaultdict(StatementStats))

    def record(self, statement: str, seconds: float) -> None:
        stats = self.by_shape[shape(statement)]
        stats.calls += 1
        stats.seconds += seconds

    def report(self, requests: int, top: int = 6) -> dict[str, Any]:
        """Per request: statements, SQL milliseconds, and the statements that cost most."""
        requests = max(requests, 1)
        total_calls = sum(s.calls for s in self.by_shape.values())
        total_seconds = sum(s.seconds for s in self.by_shape.values())
        ranked = sorted(self.by_shape.items(), key=lambda item: item[1].seconds, reverse=True)
        return {
            "requests": requests,
            "statements_per_request": total_calls / requests,
            "sql_ms_per_request": total_seconds * 1000 / requests,
            "top": [
                {
                    "statement": statement[:2000],
                    "calls_per_request": stats.calls / requests,
                    "mean_ms": stats.seconds * 1000 / stats.calls,
                    "ms_per_request": stats.seconds * 1000 / requests,
                }
                for statement, stats in ranked[:top]
            ],
        }


@contextmanager
def listening(engines: list[AsyncEngine]) -> Iterator[SqlStats]:
    """Collect statement timings on `engines` while the block runs."""
    stats = SqlStats()

    def before(conn: Any, _cursor: Any, _statement: str, *_args: Any) -> None:
        conn.info.setdefault("bench_started", []).append(time.perf_counter())

    def after(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        started = conn.info["bench_started"].pop()
        stats.record(statement, time.perf_counter() - started)

    targets = list({id(e.sync_engine): e.sync_engine for e in engines}.values())
    for target in targets:
        event.listen(target, "before_cursor_execute", before)
        event.listen(target, "after_cursor_execute", after)
    try:
        yield stats
    finally:
        for target in targets:
            event.remove(target, "before_cursor_execute", before)
            event.remove(target, "after_cursor_execute", after)

"""Per-operation latencies → counts, seconds, ops/s and percentiles; medians over rounds; the
SQL and the Python an unmeasured profiling pass runs; garbage-collector pauses."""

import contextlib
import cProfile
import gc
import io
import math
import pstats
import statistics
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from bench.client import percentile
from bench.sqlstats import listening
from catalog_api.db import Database

MS = 1000.0


def summarise(latencies: list[float], seconds: float, **extra: Any) -> dict[str, Any]:
    """`seconds`: the wall time the operations took together (they may overlap)."""
    ordered = sorted(latencies)
    return {
        "ops": len(ordered),
        "seconds": seconds,
        "ops_per_s": len(ordered) / seconds if seconds > 0 else math.nan,
        "p50_ms": percentile(ordered, 0.50) * MS,
        "p95_ms": percentile(ordered, 0.95) * MS,
        "mean_ms": statistics.fmean(ordered) * MS if ordered else math.nan,
        "max_ms": ordered[-1] * MS if ordered else math.nan,
        **extra,
    }


def median_of(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """The median of every numeric metric over the rounds (`ops`: per round)."""
    median: dict[str, Any] = {"rounds": len(rounds)}
    for key, value in rounds[0].items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        median[key] = statistics.median(r[key] for r in rounds)
    return median


async def sql_profile(
    database: Database, work: Callable[[], Awaitable[int]], *, python: bool = False
) -> dict[str, Any]:
    """Run `work` (returning how many operations it did) with cursor events on the database's
    engines: statements and SQL time per operation, and the costliest statement shapes. With
    `python`, also cProfile's top functions (of this thread: not aiosqlite's)."""
    profiler = cProfile.Profile() if python else None
    with listening([database.engine, database.read_engine]) as stats:
        if profiler:
            profiler.enable()
        try:
            operations = await work()
        finally:
            if profiler:
                profiler.disable()
    report = stats.report(operations, top=8)
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)
        report["python_top_tottime"] = out.getvalue().strip().splitlines()[-17:]
        out = io.StringIO()
        stats_ = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
        stats_.print_stats(r"(catalog_api|models)/", 20)
        report["python_top_cumulative_project"] = out.getvalue().strip().splitlines()[-22:]
    return report


@contextlib.contextmanager
def gc_pauses(into: dict[str, float]) -> Iterator[None]:
    """Count the garbage collector's runs inside the block and the time they took."""
    started: list[float] = []
    into.update(gc_collections=0, gc_full_collections=0, gc_seconds=0.0)

    def callback(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append(time.perf_counter())
        elif started:
            into["gc_seconds"] += time.perf_counter() - started.pop()
            into["gc_collections"] += 1
            into["gc_full_collections"] += info["generation"] == 2

    gc.callbacks.append(callback)
    try:
        yield
    finally:
        gc.callbacks.remove(callback)

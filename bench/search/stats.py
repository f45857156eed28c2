"""Latency summaries (nearest-rank percentiles, as the other benches) and medians of rounds."""

import statistics
from collections.abc import Sequence
from typing import Any

from bench.client import percentile

MS = 1000.0


def latencies(seconds: Sequence[float]) -> dict[str, Any]:
    """count, p50/p95/p99/mean/max in milliseconds of per-operation seconds."""
    ordered = sorted(seconds)
    if not ordered:
        return {"count": 0}
    return {
        "count": len(ordered),
        "p50_ms": percentile(ordered, 0.50) * MS,
        "p95_ms": percentile(ordered, 0.95) * MS,
        "p99_ms": percentile(ordered, 0.99) * MS,
        "mean_ms": statistics.fmean(ordered) * MS,
        "max_ms": ordered[-1] * MS,
    }


def rounds_summary(seconds: Sequence[float]) -> dict[str, Any]:
    """The median of timed rounds, with every round kept."""
    return {
        "median_s": statistics.median(seconds),
        "min_s": min(seconds),
        "max_s": max(seconds),
        "rounds_s": list(seconds),
    }

"""Part 2: query and suggestion latency on the reindexed N-item index, one call at a time.

Each query is `CatalogSearch.search(text, filter, first=20)` (analysis, the backend's match,
ranking, facets and highlights); each suggestion `CatalogSearch.suggest(prefix, 10)`. A warm-up
pass runs first and is not counted. With `profile`, one more (unmeasured) pass of the queries
runs under cProfile and its top functions go to the JSON.
"""

import random
import statistics
import time
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from bench.search.profiling import profiled
from bench.search.queries import Query, sequence
from bench.search.stats import latencies
from catalog_api.catalog.search import CatalogSearch

FIRST = 20
SUGGESTIONS = 10


async def _searches(search: CatalogSearch, queries: Sequence[Query]) -> dict[str, Any]:
    seconds: dict[str, list[float]] = defaultdict(list)
    totals: dict[str, list[int]] = defaultdict(list)
    for query in queries:
        started = time.perf_counter()
        page = await search.search(query.text, query.where, FIRST, None)
        seconds[query.kind].append(time.perf_counter() - started)
        totals[query.kind].append(page.total)
    every = [s for kind in seconds.values() for s in kind]
    return {
        "all": latencies(every),
        "by_kind": {
            kind: {
                **latencies(seconds[kind]),
                "median_total": statistics.median(totals[kind]),
                "max_total": max(totals[kind]),
                "no_hits": sum(1 for total in totals[kind] if total == 0),
            }
            for kind in sorted(seconds)
        },
    }


async def _suggestions(search: CatalogSearch, prefixes: Sequence[Query]) -> dict[str, Any]:
    seconds: dict[str, list[float]] = defaultdict(list)
    empty: dict[str, int] = defaultdict(int)
    for prefix in prefixes:
        started = time.perf_counter()
        found = await search.suggest(prefix.text, SUGGESTIONS)
        seconds[prefix.kind].append(time.perf_counter() - started)
        empty[prefix.kind] += not found
    every = [s for kind in seconds.values() for s in kind]
    return {
        "all": latencies(every),
        "by_kind": {
            kind: {**latencies(seconds[kind]), "no_suggestions": empty[kind]}
            for kind in sorted(seconds)
        },
    }


async def _profile(search: CatalogSearch, queries: Sequence[Query]) -> list[str]:
    lines: list[str] = []
    with profiled(lines.extend):
        for query in queries:
            await search.search(query.text, query.where, FIRST, None)
    return lines


async def measure(
    search: CatalogSearch,
    pool: Sequence[Query],
    prefixes: Sequence[Query],
    *,
    count: int,
    warmup: int,
    rng: random.Random,
    profile: bool,
) -> dict[str, Any]:
    """Latencies of `search` (a warmed-up, opened index on any backend)."""
    await _searches(search, sequence(pool, warmup, rng))
    await _suggestions(search, sequence(prefixes, warmup, rng))
    result = {
        "distinct_queries": len({(q.kind, q.text, q.where) for q in pool}),
        "queries": await _searches(search, sequence(pool, count, rng)),
        "distinct_prefixes": len({(q.kind, q.text) for q in prefixes}),
        "suggestions": await _suggestions(search, sequence(prefixes, count, rng)),
    }
    if profile:
        result["profile_queries"] = await _profile(search, sequence(pool, count // 2, rng))
    return result

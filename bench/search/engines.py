"""`python -m bench.search.engines`: the embedded index and Elasticsearch side by side on the
same N published items.

For each engine, in the same process and on the same documents:
- `writes`: a rebuild of N documents analysed beforehand (the engine alone: its preparation,
  the bulk or SQLite writes, the switch), median of rounds, as documents per second;
- `reindex`: `CatalogSearch.rebuild` end to end (read from the catalog, analyse, write, switch);
- `search` / `suggest`: the query mix of `bench.search` (relevance cases and queries made from
  the synthetic names), one at a time, after a warm-up, in the same order on both engines;
- `live reindex`: a second `rebuild` while one client keeps searching the serving index; it
  reports the rebuild's time, the queries served meanwhile, their latency and any that failed
  (the zero-downtime promise is that none fail and every answer comes from a whole index).

The Elasticsearch node is the one at `--elasticsearch-url` (or $YICHUANG_BENCH_ELASTICSEARCH_URL),
else one started by `scripts/search-node/run` for the run and stopped after it. Either way it
runs on this machine beside the benchmark, competing for the same cores: a production cluster
has machines of its own. Indices get a fresh prefix and are deleted afterwards.
"""

import asyncio
import contextlib
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from bench import report as read_report
from bench.databases import prepare
from bench.search import indexing, latency, report
from bench.search.queries import (
    Query,
    relevance_queries,
    sequence,
    suggestion_prefixes,
    synthetic_queries,
)
from bench.search.stats import latencies, rounds_summary
from catalog_api.catalog.search import CatalogSearch
from catalog_api.db import Database
from search.analysis import AnalysedDocument, Analyzer
from search.backend import SearchBackend
from search.backends.elasticsearch import ElasticsearchBackend
from search.backends.embedded import EmbeddedBackend
from search.documents import SearchDocument

ROOT = Path(__file__).resolve().parents[2]
NODE_SCRIPT = ROOT / "scripts" / "search-node" / "run"
RELEVANCE_FILE = ROOT / "tests" / "search" / "relevance.yaml"
DEFAULT_DATA_DIR = Path(tempfile.gettempdir()) / "yichuang-bench"  # as `python -m bench`
ENGINES = ("embedded", "elasticsearch")
FIRST = 20

app = typer.Typer(add_completion=False)
console = Console(width=None if sys.stdout.isatty() else 220)
log = Console(stderr=True)

BackendFactory = Callable[[Analyzer], SearchBackend]


@dataclass(frozen=True)
class Workload:
    documents: list[SearchDocument]
    analysed: dict[str, AnalysedDocument]
    pool: list[Query]
    prefixes: list[Query]


# --- the Elasticsearch node --------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def elasticsearch_node(url: str | None, *, needed: bool) -> Iterator[str]:
    """The given cluster, or a node started for the run (full JIT: it runs for minutes)."""
    if url or not needed:
        yield url or ""
        return
    port = str(_free_port())
    env = {**os.environ, "SEARCH_NODE_JIT": "full"}
    log.print(f"  starting an Elasticsearch node on port {port} …")
    started = subprocess.run(
        [str(NODE_SCRIPT), "start", "--port", port],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    try:
        yield started.stdout.strip()
    finally:
        subprocess.run([str(NODE_SCRIPT), "stop", "--port", port], env=env, check=False)


def backend_factory(engine: str, work_dir: Path, es_url: str) -> BackendFactory:
    """A new, empty index of the engine each time it is called."""

    def embedded(analyzer: Analyzer) -> SearchBackend:
        path = work_dir / f"index-{uuid.uuid4().hex[:8]}.db"
        return EmbeddedBackend(path, analyzer)

    def elasticsearch(analyzer: Analyzer) -> SearchBackend:
        prefix = f"bench-{uuid.uuid4().hex[:8]}"
        return ElasticsearchBackend(es_url, analyzer, index_prefix=prefix, replicas=0)

    return embedded if engine == "embedded" else elasticsearch


async def _discard(backend: SearchBackend) -> None:
    """Close the backend and delete its index."""
    if isinstance(backend, ElasticsearchBackend):
        await backend.open()
        await backend.drop()
        await backend.close()
    else:
        await backend.close()
        if isinstance(backend, EmbeddedBackend):
            indexing.remove_index(backend.path)


# --- the measurements --------------------------------------------------------------------------


async def writes(make: BackendFactory, work: Workload, rounds: int) -> dict[str, Any]:
    """The engine alone: N documents analysed beforehand, rebuilt and switched in."""
    seconds = []
    for _ in range(rounds):
        backend = make(indexing.PrecomputedAnalyzer(work.analysed))
        await backend.open()
        try:
            started = time.perf_counter()
            rebuild = await backend.begin_rebuild(0)
            for start in range(0, len(work.documents), indexing.BATCH):
                failures = await rebuild.add(work.documents[start : start + indexing.BATCH])
                if failures:
                    raise RuntimeError(f"{len(failures)} documents failed: {failures[0]}")
            await rebuild.switch()
            seconds.append(time.perf_counter() - started)
        finally:
            await _discard(backend)
    summary = rounds_summary(seconds)
    return {**summary, "docs_per_s": len(work.documents) / summary["median_s"]}


@dataclass
class QueryLoad:
    """One client searching without pause until told to stop."""

    search: CatalogSearch
    queries: list[Query]
    seconds: list[float]
    errors: list[str]
    totals: set[int]
    stop: asyncio.Event

    async def run(self) -> None:
        index = 0
        while not self.stop.is_set():
            query = self.queries[index % len(self.queries)]
            index += 1
            started = time.perf_counter()
            try:
                page = await self.search.search(query.text, query.where, FIRST, None)
            except Exception as exc:
                self.errors.append(f"{type(exc).__name__}: {exc}"[:300])
            else:
                self.seconds.append(time.perf_counter() - started)
                if query == self.queries[0]:
                    self.totals.add(page.total)  # one query's total: whole index, or not


async def live_reindex(search: CatalogSearch, queries: list[Query]) -> dict[str, Any]:
    """`rebuild` while a client keeps searching the serving index."""
    load = QueryLoad(search, queries, [], [], set(), asyncio.Event())
    client = asyncio.create_task(load.run())
    try:
        started = time.perf_counter()
        indexed = await search.rebuild()
        seconds = time.perf_counter() - started
    finally:
        load.stop.set()
        await client
    return {
        "seconds": seconds,
        "documents": indexed,
        "queries": latencies(load.seconds),
        "failed_queries": len(load.errors),
        "first_error": load.errors[0] if load.errors else None,
        "distinct_totals_of_one_query": sorted(load.totals),
    }


async def measure_engine(
    engine: str,
    make: BackendFactory,
    database: Database,
    analyzer: Analyzer,
    work: Workload,
    *,
    rounds: int,
    queries: int,
    warmup: int,
    seed: int,
) -> dict[str, Any]:
    log.print(f"[bold]{engine}[/]: writes × {rounds} …")
    result: dict[str, Any] = {"engine": engine, "writes": await writes(make, work, rounds)}
    backend = make(analyzer)
    search = CatalogSearch(backend, analyzer, database)
    try:
        log.print("  reindex end to end …")
        indexing.cold_caches()
        started = time.perf_counter()
        indexed = await search.rebuild()
        result["reindex_s"] = time.perf_counter() - started
        if indexed != len(work.documents):
            raise RuntimeError(f"{engine} indexed {indexed} of {len(work.documents)}")
        log.print(f"  {queries} queries, {queries} suggestions …")
        result["latency"] = await latency.measure(
            search,
            work.pool,
            work.prefixes,
            count=queries,
            warmup=warmup,
            rng=random.Random(seed),
            profile=False,
        )
        log.print("  reindex while a client searches …")
        mix = sequence(work.pool, len(work.pool), random.Random(seed))
        result["live_reindex"] = await live_reindex(search, mix)
        result["documents"] = (await backend.state()).documents
    finally:
        await search.close()
        await _discard(backend)
    return result


async def _workload(database: Database, analyzer: Analyzer, options: "Options") -> Workload:
    rng = random.Random(options.seed)
    documents, read_s = await indexing.read_documents(database)
    analysed, analysis_s = indexing.analyse(analyzer, documents)
    log.print(
        f"  read {len(documents):,} documents in {read_s:.1f}s, analysed in {analysis_s:.1f}s"
    )
    pool = relevance_queries(RELEVANCE_FILE)
    pool += synthetic_queries(documents, options.per_kind, rng)
    return Workload(
        documents, analysed, pool, suggestion_prefixes(documents, options.per_kind, rng)
    )


@dataclass(frozen=True)
class Options:
    size: int
    engines: list[str]
    rounds: int
    queries: int
    warmup: int
    per_kind: int
    seed: int
    data_dir: Path
    elasticsearch_url: str | None


async def run(options: Options) -> list[dict[str, Any]]:
    prepared = await prepare(
        "sqlite", options.size, data_dir=options.data_dir, postgres_url=None, fresh=False
    )
    work_dir = options.data_dir / "search" / f"engines-{options.size}"
    work_dir.mkdir(parents=True, exist_ok=True)
    database = Database(prepared.url)
    analyzer, _ = indexing.load_analyzer()
    try:
        work = await _workload(database, analyzer, options)
        needed = "elasticsearch" in options.engines
        with elasticsearch_node(options.elasticsearch_url, needed=needed) as es_url:
            return [
                {
                    "size": options.size,
                    **await measure_engine(
                        engine,
                        backend_factory(engine, work_dir, es_url),
                        database,
                        analyzer,
                        work,
                        rounds=options.rounds,
                        queries=options.queries,
                        warmup=options.warmup,
                        seed=options.seed,
                    ),
                }
                for engine in options.engines
            ]
    finally:
        await database.dispose()
        await asyncio.to_thread(shutil.rmtree, work_dir, ignore_errors=True)


def markdown(runs: Sequence[dict[str, Any]]) -> str:
    """One column per engine, and Elasticsearch's figures as a ratio of the embedded ones."""
    by_engine = {run["engine"]: run for run in runs}

    def figures(run: dict[str, Any]) -> dict[str, float]:
        q, s = run["latency"]["queries"]["all"], run["latency"]["suggestions"]["all"]
        live = run["live_reindex"]
        return {
            "writes, documents/s (engine alone)": run["writes"]["docs_per_s"],
            "reindex end to end, s": run["reindex_s"],
            "search p50, ms": q["p50_ms"],
            "search p95, ms": q["p95_ms"],
            "suggest p50, ms": s["p50_ms"],
            "suggest p95, ms": s["p95_ms"],
            "live reindex, s": live["seconds"],
            "queries served during it": live["queries"]["count"],
            "their p95, ms": live["queries"].get("p95_ms", float("nan")),
            "failed queries": live["failed_queries"],
        }

    table = {engine: figures(run) for engine, run in by_engine.items()}
    engines = list(table)
    size = runs[0]["size"] if runs else 0
    lines = [
        f"| {size:,} items | "
        + " | ".join(engines)
        + (" | ES / embedded |" if len(engines) == 2 else " |"),
        "|---" * (len(engines) + 1 + (len(engines) == 2)) + "|",
    ]
    for label in table[engines[0]]:
        cells = [_number(table[engine][label]) for engine in engines]
        if len(engines) == 2:
            base, other = table[engines[0]][label], table[engines[1]][label]
            cells.append(f"{other / base:.2f}" if base else "–")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _number(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 or float(value).is_integer() else f"{value:.1f}"


@app.command()
def main(
    size: Annotated[int, typer.Option(min=1, help="Synthetic service items.")] = 100_000,
    engines: Annotated[str, typer.Option(help="embedded and/or elasticsearch.")] = ",".join(
        ENGINES
    ),
    elasticsearch_url: Annotated[
        str | None,
        typer.Option(
            help="A running cluster (default: $YICHUANG_BENCH_ELASTICSEARCH_URL, else "
            "a node started for the run)."
        ),
    ] = None,
    rounds: Annotated[int, typer.Option(min=1, help="Rounds of the engine-only writes.")] = 2,
    queries: Annotated[int, typer.Option(min=1, help="Measured searches (and suggests).")] = 1000,
    warmup: Annotated[int, typer.Option(min=0, help="Unmeasured searches first.")] = 100,
    per_kind: Annotated[int, typer.Option(min=1, help="Synthetic queries per kind.")] = 50,
    seed: Annotated[int, typer.Option(help="Seed of the query mix.")] = 7,
    data_dir: Annotated[Path, typer.Option(help="Databases and index files.")] = DEFAULT_DATA_DIR,
    results_dir: Annotated[Path, typer.Option(help="Where the JSON goes.")] = (
        ROOT / "bench" / "results"
    ),
) -> None:
    """The embedded index and Elasticsearch side by side on the same N items."""
    chosen = [engine.strip() for engine in engines.split(",") if engine.strip()]
    if unknown := set(chosen) - set(ENGINES):
        raise typer.BadParameter(f"unknown engine {', '.join(sorted(unknown))}")
    options = Options(
        size,
        chosen,
        rounds,
        queries,
        warmup,
        per_kind,
        seed,
        data_dir,
        elasticsearch_url or os.environ.get("YICHUANG_BENCH_ELASTICSEARCH_URL"),
    )
    started, clock = datetime.now(UTC), time.perf_counter()
    runs = asyncio.run(run(options))
    document = {
        "bench": "search-engines",
        "started": started.isoformat(timespec="seconds"),
        "wall_seconds": round(time.perf_counter() - clock, 1),
        "machine": read_report.machine(),
        "options": {
            key: str(value) if isinstance(value, Path) else value
            for key, value in vars(options).items()
            if key != "elasticsearch_url"
        },
        "runs": runs,
    }
    path = report.write_json(document, results_dir, stem="search-engines")
    table = markdown(runs)
    console.print(table, highlight=False, markup=False)
    console.print(f"\nResults: {path}")


if __name__ == "__main__":
    app()

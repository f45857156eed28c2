"""`python -m bench.search`: reindex time and where it goes, query/suggestion latency, and
publish → searchable, per dialect and size. `python -m bench.search --help` for the options."""

import asyncio
import os
import random
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from bench import report as read_report
from bench.databases import DIALECTS, prepare
from bench.search import freshness, indexing, latency, report
from bench.search.profiling import profiled
from bench.search.queries import relevance_queries, suggestion_prefixes, synthetic_queries
from bench.search.scratch import database_copy, sqlite_copy
from catalog_api.catalog.search import CatalogSearch
from catalog_api.db import Database
from catalog_api.settings import Settings
from search.backends.embedded import EmbeddedBackend

ROOT = Path(__file__).resolve().parents[2]
RESULTS_DIR = ROOT / "bench" / "results"
RELEVANCE_FILE = ROOT / "tests" / "search" / "relevance.yaml"
DEFAULT_DATA_DIR = Path(tempfile.gettempdir()) / "yichuang-bench"  # as `python -m bench`
DEFAULT_POLL = Settings.model_fields["search_poll_interval_seconds"].default
PROFILED_DOCUMENTS = 10_000

app = typer.Typer(add_completion=False)
console = Console(width=None if sys.stdout.isatty() else 220)
log = Console(stderr=True)


@dataclass(frozen=True)
class Options:
    sizes: list[int]
    dialects: list[str]
    rounds: int
    reindex_rounds: int
    queries: int
    warmup: int
    per_kind: int
    publishes: int
    poll_interval: float
    seed: int
    profile: bool
    fresh: bool
    data_dir: Path
    relevance_file: Path
    postgres_url: str | None


async def _indexing_and_latency(
    options: Options, url: str, index_dir: Path
) -> tuple[dict[str, Any], Path]:
    rng = random.Random(options.seed)
    analyzer, load_seconds = indexing.load_analyzer()
    database = Database(url)
    try:
        log.print("  reindex phases …")
        result, documents, index = await indexing.measure(
            database,
            analyzer,
            index_dir,
            rounds=options.rounds,
            reindex_rounds=options.reindex_rounds,
        )
        result["analyzer_load_s"] = load_seconds
        if options.profile:
            indexing.cold_caches()
            with profiled(lambda lines: result.update(profile_analysis=lines)):
                for doc in documents[:PROFILED_DOCUMENTS]:
                    analyzer.document(doc)
        pool = relevance_queries(options.relevance_file)
        pool += synthetic_queries(documents, options.per_kind, rng)
        prefixes = suggestion_prefixes(documents, options.per_kind, rng)
        del documents
        log.print(f"  {options.queries} queries, {options.queries} suggestions …")
        search = CatalogSearch(EmbeddedBackend(index, analyzer), analyzer, database)
        try:
            measured = await latency.measure(
                search,
                pool,
                prefixes,
                count=options.queries,
                warmup=options.warmup,
                rng=rng,
                profile=options.profile,
            )
        finally:
            await search.close()
        return {"indexing": result, "latency": measured}, index
    finally:
        await database.dispose()


async def run_one(options: Options, dialect: str, size: int) -> dict[str, Any]:
    clock = time.perf_counter()
    prepared = await prepare(
        dialect,
        size,
        data_dir=options.data_dir,
        postgres_url=options.postgres_url,
        fresh=options.fresh,
    )
    log.print(f"[bold]{dialect} {size:,}[/]: {prepared.server_version}")
    index_dir = options.data_dir / "search" / f"{dialect}-{size}"
    index_dir.mkdir(parents=True, exist_ok=True)
    try:
        result, index = await _indexing_and_latency(options, prepared.url, index_dir)
        log.print(f"  publish → searchable, {options.publishes} × 2 …")
        async with (
            database_copy(prepared.url, options.postgres_url, index_dir) as url,
            sqlite_copy(index, index_dir / "fresh-index.db") as fresh_index,
        ):
            result["freshness"] = await freshness.measure(
                url,
                fresh_index,
                publishes=options.publishes,
                poll_interval=options.poll_interval,
                rng=random.Random(options.seed),
            )
    finally:
        await asyncio.to_thread(shutil.rmtree, index_dir, ignore_errors=True)
    database = {
        "cached": prepared.cached,
        "bytes": prepared.database_bytes,
        "server_version": prepared.server_version,
        "seed_seconds": prepared.seeded.seed_seconds if prepared.seeded else None,
    }
    return {
        "dialect": dialect,
        "size": size,
        "database": database,
        **result,
        "wall_seconds": time.perf_counter() - clock,
    }


def _list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


@app.command()
def main(
    sizes: Annotated[str, typer.Option(help="Synthetic service items, comma-separated.")] = (
        "100000"
    ),
    dialects: Annotated[
        str | None,
        typer.Option(help="sqlite and/or postgresql (default: sqlite, and postgresql if a URL)."),
    ] = None,
    postgres_url: Annotated[
        str | None,
        typer.Option(help="Maintenance database URL (default: $YICHUANG_BENCH_POSTGRES_URL)."),
    ] = None,
    rounds: Annotated[int, typer.Option(min=1, help="Rounds of each reindex phase.")] = 3,
    reindex_rounds: Annotated[int, typer.Option(min=1, help="Full reindexes (median).")] = 2,
    queries: Annotated[int, typer.Option(min=1, help="Measured searches (and suggests).")] = 1000,
    warmup: Annotated[int, typer.Option(min=0, help="Unmeasured searches first.")] = 100,
    per_kind: Annotated[int, typer.Option(min=1, help="Synthetic queries per kind.")] = 50,
    publishes: Annotated[int, typer.Option(min=1, help="Publishes per indexer mode.")] = 40,
    poll_interval: Annotated[
        float, typer.Option(min=0.01, help="The indexer's poll interval (s).")
    ] = DEFAULT_POLL,
    seed: Annotated[int, typer.Option(help="Seed of the query mix and pauses.")] = 7,
    profile: Annotated[bool, typer.Option(help="cProfile analysis and queries (JSON).")] = False,
    fresh: Annotated[bool, typer.Option(help="Rebuild the databases even if cached.")] = False,
    data_dir: Annotated[Path, typer.Option(help="Databases and index files.")] = DEFAULT_DATA_DIR,
    relevance_file: Annotated[Path, typer.Option(help="Relevance cases.")] = RELEVANCE_FILE,
    results_dir: Annotated[Path, typer.Option(help="Where the JSON goes.")] = RESULTS_DIR,
) -> None:
    """Measure the search index: reindex, query latency, publish → searchable."""
    postgres_url = postgres_url or os.environ.get("YICHUANG_BENCH_POSTGRES_URL")
    chosen = _list(dialects) if dialects else ["sqlite", *(["postgresql"] * bool(postgres_url))]
    if unknown := set(chosen) - set(DIALECTS):
        raise typer.BadParameter(f"unknown dialect {', '.join(sorted(unknown))}")
    if "postgresql" in chosen and not postgres_url:
        raise typer.BadParameter("PostgreSQL needs --postgres-url or YICHUANG_BENCH_POSTGRES_URL")
    options = Options(
        [int(size) for size in _list(sizes)],
        chosen,
        rounds,
        max(reindex_rounds, 1),
        queries,
        warmup,
        per_kind,
        publishes,
        poll_interval,
        seed,
        profile,
        fresh,
        data_dir,
        relevance_file,
        postgres_url,
    )
    started, clock = datetime.now(UTC), time.perf_counter()
    machine = read_report.machine()

    async def run_all() -> list[dict[str, Any]]:
        return [await run_one(options, d, s) for d in options.dialects for s in options.sizes]

    runs = asyncio.run(run_all())
    document = {
        "started": started.isoformat(timespec="seconds"),
        "wall_seconds": round(time.perf_counter() - clock, 1),
        "machine": machine,
        "options": {
            key: str(value) if isinstance(value, Path) else value
            for key, value in asdict(options).items()
            if key != "postgres_url"
        },
        "runs": runs,
    }
    report.print_tables(runs, console)
    path = report.write_json(document, results_dir)
    console.print(f"\nResults: {path}")
    console.print(report.markdown(runs), highlight=False, markup=False)


if __name__ == "__main__":
    app()

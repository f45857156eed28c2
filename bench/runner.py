"""One benchmark run: for each (dialect, size), prepare the database, serve the service and its
baseline in this process, and drive both with the same load from a separate client process."""

import statistics
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from sqlalchemy.engine import make_url

from bench import databases
from bench.driver import drive
from bench.servers import Running, baseline_app, serving
from bench.sqlstats import listening
from bench.workload import Workload, build_workloads
from catalog_api.app import create_app
from catalog_api.settings import Settings

console = Console(stderr=True)
METRICS = ("rps", "p50_ms", "p95_ms", "p99_ms", "mean_ms", "max_ms", "client_cpu", "server_cpu")


@dataclass(frozen=True)
class Options:
    sizes: list[int]
    dialects: list[str]
    operations: list[str]
    concurrency: int
    duration: float
    warmup: float
    rounds: int
    sample: int
    pages: int
    profile_seconds: float
    max_requests: int
    postgres_url: str | None
    data_dir: Path
    fresh: bool


def _median(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    median = {metric: statistics.median(r[metric] for r in rounds) for metric in METRICS}
    median["requests"] = sum(r["requests"] for r in rounds)
    median["errors"] = sum(r["errors"] for r in rounds)
    median["differing"] = sum(r["differing"] for r in rounds)
    median["first_error"] = next((r["first_error"] for r in rounds if r["first_error"]), None)
    return median


async def _profile(app: Any, port: int, workload: Workload, seconds: float) -> dict[str, Any]:
    database = app.state.database
    with listening([database.engine, database.read_engine]) as stats:
        summary = await drive(
            port, workload, concurrency=1, warmup=0, duration=seconds, max_requests=100_000
        )
    report = stats.report(summary["requests"])
    report["p50_ms_at_concurrency_1"] = summary["p50_ms"]
    report["mean_ms_at_concurrency_1"] = summary["mean_ms"]
    report["sql_share_of_latency"] = report["sql_ms_per_request"] / summary["mean_ms"]
    return report


async def _operation(
    options: Options,
    label: str,
    workload: Workload,
    service: Running,
    baseline: Running,
    app: Any,
) -> dict[str, Any]:
    profile = None
    if options.profile_seconds > 0:
        profile = await _profile(app, service.port, workload, options.profile_seconds)
    rounds: dict[str, list[dict[str, Any]]] = {"service": [], "baseline": []}
    for number in range(options.rounds):
        order = (service, baseline) if number % 2 == 0 else (baseline, service)
        for target in order:
            summary = await drive(
                target.port,
                workload,
                concurrency=options.concurrency,
                warmup=options.warmup,
                duration=options.duration,
                max_requests=options.max_requests,
            )
            rounds[target.name].append(summary)
            console.print(
                f"  {label} {workload.operation:<4} {target.name:<8} round {number + 1}: "
                f"{summary['rps']:8.1f} req/s  p50 {summary['p50_ms']:7.2f} ms  "
                f"p99 {summary['p99_ms']:7.2f} ms  errors {summary['errors']}  "
                f"CPU server {summary['server_cpu']:.0%} client {summary['client_cpu']:.0%}"
            )
    service_median, baseline_median = _median(rounds["service"]), _median(rounds["baseline"])
    return {
        "operation": workload.operation,
        "distinct_requests": len(workload.bodies),
        "mean_response_bytes": sum(map(len, workload.responses)) / len(workload.responses),
        "service": service_median,
        "baseline": baseline_median,
        "ratio": {
            "rps": service_median["rps"] / baseline_median["rps"],
            "p50": service_median["p50_ms"] / baseline_median["p50_ms"],
        },
        "rounds": rounds,
        "sql_profile": profile,
    }


async def run_one(options: Options, dialect: str, size: int) -> dict[str, Any]:
    prepared = await databases.prepare(
        dialect,
        size,
        data_dir=options.data_dir,
        postgres_url=options.postgres_url,
        fresh=options.fresh,
    )
    label = f"{dialect} {size}"
    seeded = prepared.seeded
    state = "cached" if seeded is None else f"seeded in {seeded.seed_seconds:.1f} s"
    console.print(
        f"[bold]{label}[/]: {prepared.server_version}, {state}, "
        f"{prepared.database_bytes / 2**20:.0f} MiB"
    )
    settings = Settings(
        database_url=prepared.url,
        log_level="warning",
        files_dir=options.data_dir / "files",
        # reads only: the search indexer (measured by bench.search) stays out of this process
        search_indexer=False,
        search_index_path=options.data_dir / f"search-{dialect}-{size}.db",
    )
    app = create_app(settings)
    results = []
    async with serving("service", app) as service:
        workloads, content_type = await build_workloads(
            prepared.url, service.port, sample=options.sample, pages=options.pages
        )
        replay = {
            body: answer
            for workload in workloads.values()
            for body, answer in zip(workload.bodies, workload.responses, strict=True)
        }
        async with serving("baseline", baseline_app(replay, content_type)) as baseline:
            for operation in options.operations:
                results.append(
                    await _operation(options, label, workloads[operation], service, baseline, app)
                )
    public = asdict(prepared)
    public["url"] = _hide_password(prepared.url)
    return {"dialect": dialect, "size": size, "database": public, "operations": results}


def _hide_password(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


async def run(options: Options) -> list[dict[str, Any]]:
    runs = []
    for dialect in options.dialects:
        for size in options.sizes:
            runs.append(await run_one(options, dialect, size))
    return runs

"""`python -m bench.http_cache`: what HTTP caching buys a portal's hot query (issue 6).

The hot query is `bench.workload.ITEM_QUERY` (one item's guide: materials, fees, agency) over
a few codes, as a portal's most visited pages ask it. One run serves, in this process and on
uvicorn over 127.0.0.1, the real app twice (response cache off, response cache on) and the
plain Starlette baseline of `bench.servers` returning the very same bytes, and drives four
modes in turn from a spawned client process (`bench.client`), alternating the order by round:

- `uncached`: the app with `response_cache_entries=0`; every request executes (ETags and
  Cache-Control are still computed);
- `cached`: the app with the response cache on; requests served from it after the warm-up;
- `not_modified`: the same app, every request with `If-None-Match` of the captured ETag, so
  every answer is a 304 without a body;
- `raw`: the baseline, the bound: uvicorn + Starlette handing out stored bytes.

Ratios to `raw` are taken round by round (modes seconds apart), and the server process's CPU
per request is reported too: on a shared machine it is the steadier measure of cost.

Results on stdout (and as Markdown) and in
`bench/results/http-cache-<UTC timestamp>.json`.
"""

import asyncio
import json
import os
import statistics
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.table import Table

from bench import databases, report
from bench.__main__ import DEFAULT_DATA_DIR, RESULTS_DIR
from bench.client import HOST, LoadSpec, http_request
from bench.driver import drive_spec
from bench.servers import baseline_app, serving
from bench.workload import Capture, Workload, item_workload, sample_codes
from catalog_api.app import create_app
from catalog_api.settings import Settings

MODES = ("uncached", "cached", "not_modified", "raw")
METRICS = ("rps", "p50_ms", "p95_ms", "p99_ms", "server_cpu", "client_cpu")
console = Console(width=None if sys.stdout.isatty() else 200)
progress = Console(stderr=True, width=200)
app = typer.Typer(add_completion=False)


def _settings(url: str, scratch: Path, data_dir: Path, entries: int) -> Settings:
    return Settings(
        database_url=url,
        log_level="warning",
        files_dir=data_dir / "files",
        search_indexer=False,
        search_index_path=scratch / f"search-{entries}.db",
        announce_interval_seconds=0,  # reads only: nothing writes to the shared bench database
        response_cache_entries=entries,
    )


async def _etags(port: int, workload: Workload) -> list[str]:
    async with httpx.AsyncClient(base_url=f"http://{HOST}:{port}", timeout=60) as client:
        etags = []
        for body in workload.bodies:
            response = await client.post(
                "/graphql", content=body, headers={"content-type": "application/json"}
            )
            etags.append(response.headers["etag"])
    return etags


def _specs(
    workload: Workload, etags: list[str], ports: dict[str, int], options: dict[str, Any]
) -> dict[str, LoadSpec]:
    plain = workload.http_requests()
    conditional = [
        http_request("/graphql", body, {"If-None-Match": etag})
        for body, etag in zip(workload.bodies, etags, strict=True)
    ]
    common = {
        "concurrency": options["concurrency"],
        "warmup": options["warmup"],
        "duration": options["duration"],
        "max_requests": 2_000_000,
    }
    nothing = [b""] * len(plain)
    return {
        "uncached": LoadSpec(ports["uncached"], plain, workload.responses, **common),
        "cached": LoadSpec(ports["cached"], plain, workload.responses, **common),
        "not_modified": LoadSpec(
            ports["cached"], conditional, nothing, expected_status=304, **common
        ),
        "raw": LoadSpec(ports["raw"], plain, workload.responses, **common),
    }


async def _rounds(
    specs: dict[str, LoadSpec], rounds: int, cached_app: Any
) -> dict[str, list[dict[str, Any]]]:
    results: dict[str, list[dict[str, Any]]] = {mode: [] for mode in MODES}
    stats = cached_app.state.http_cache.stats
    for number in range(rounds):
        order = MODES[number % len(MODES) :] + MODES[: number % len(MODES)]
        for mode in order:
            hits, misses = stats.hits, stats.misses
            summary = await drive_spec(specs[mode])
            summary["cache_hits"], summary["cache_misses"] = (
                stats.hits - hits,
                stats.misses - misses,
            )
            results[mode].append(summary)
            progress.print(
                f"  round {number + 1} {mode:<12} {summary['rps']:8.0f} req/s  "
                f"p50 {summary['p50_ms']:6.2f} ms  p95 {summary['p95_ms']:6.2f} ms  "
                f"errors {summary['errors']}  CPU server {summary['server_cpu']:.0%}"
            )
    return results


def _medians(results: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """Medians over rounds, and ratios to `raw` taken round by round (each mode against the
    raw bound measured seconds apart), so load from elsewhere on the machine cancels out."""
    for rounds in results.values():
        for summary in rounds:  # server CPU per request: what a free core would cost
            summary["cpu_us_per_request"] = summary["server_cpu"] / summary["rps"] * 1e6
    raw_rounds = results["raw"]
    medians = {}
    for mode, rounds in results.items():
        median = {metric: statistics.median(r[metric] for r in rounds) for metric in METRICS}
        median["cpu_us_per_request"] = statistics.median(r["cpu_us_per_request"] for r in rounds)
        pairs = list(zip(rounds, raw_rounds, strict=True))
        median["rps_ratio"] = statistics.median(r["rps"] / raw["rps"] for r, raw in pairs)
        median["p50_ratio"] = statistics.median(r["p50_ms"] / raw["p50_ms"] for r, raw in pairs)
        median["cpu_ratio"] = statistics.median(
            raw["cpu_us_per_request"] / r["cpu_us_per_request"] for r, raw in pairs
        )
        median["requests"] = sum(r["requests"] for r in rounds)
        median["errors"] = sum(r["errors"] + r["differing"] for r in rounds)
        median["first_error"] = next((r["first_error"] for r in rounds if r["first_error"]), None)
        medians[mode] = median
    return medians


async def run(options: dict[str, Any]) -> dict[str, Any]:
    prepared = await databases.prepare(
        options["dialect"],
        options["size"],
        data_dir=options["data_dir"],
        postgres_url=options["postgres_url"],
        fresh=False,
    )
    progress.print(f"{prepared.server_version}, {options['size']} items, cached: {prepared.cached}")
    with tempfile.TemporaryDirectory(prefix="yichuang-http-cache-") as scratch:

        def make(entries: int) -> Any:
            return create_app(_settings(prepared.url, Path(scratch), options["data_dir"], entries))

        cached_app, uncached_app = make(1000), make(0)
        async with (
            serving("cached", cached_app) as cached,
            serving("uncached", uncached_app) as uncached,
        ):
            codes = await sample_codes(prepared.url, options["hot"])
            async with httpx.AsyncClient(base_url=f"http://{HOST}:{cached.port}") as client:
                capture = Capture(client)
                workload = await item_workload(capture, codes)
            etags = await _etags(uncached.port, workload)
            replay = dict(zip(workload.bodies, workload.responses, strict=True))
            assert capture.content_type is not None
            async with serving("raw", baseline_app(replay, capture.content_type)) as raw:
                ports = {"cached": cached.port, "uncached": uncached.port, "raw": raw.port}
                specs = _specs(workload, etags, ports, options)
                results = await _rounds(specs, options["rounds"], cached_app)
    return {
        "database": {"dialect": prepared.dialect, "size": prepared.size, "cached": prepared.cached},
        "hot_codes": codes,
        "mean_response_bytes": sum(map(len, workload.responses)) / len(workload.responses),
        "medians": _medians(results),
        "rounds": results,
    }


def _table(medians: dict[str, dict[str, Any]]) -> tuple[Table, str]:
    columns = ("mode", "req/s", "p50 / p95 / p99 ms", "req/s ÷ raw", "p50 ÷ raw")
    columns += ("server CPU", "CPU µs/req", "raw CPU/req ÷ mode's", "errors")
    table = Table(title="bench.http_cache: medians over rounds")
    for column in columns:
        table.add_column(column, justify="left" if column == "mode" else "right")
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for mode in MODES:
        m = medians[mode]
        row = (
            mode,
            f"{m['rps']:,.0f}",
            f"{m['p50_ms']:.1f} / {m['p95_ms']:.1f} / {m['p99_ms']:.1f}",
            f"{m['rps_ratio']:.2f}",
            f"{m['p50_ratio']:.2f}×",
            f"{m['server_cpu']:.0%}",
            f"{m['cpu_us_per_request']:,.0f}",
            f"{m['cpu_ratio']:.2f}",
            str(m["errors"]),
        )
        table.add_row(*row)
        lines.append("| " + " | ".join(row) + " |")
    return table, "\n".join(lines)


@app.command()
def main(
    size: Annotated[int, typer.Option(help="Synthetic service items in the database.")] = 10_000,
    dialect: Annotated[str, typer.Option(help="sqlite or postgresql.")] = "sqlite",
    hot: Annotated[int, typer.Option(min=1, help="Item codes the hot query rotates over.")] = 20,
    concurrency: Annotated[int, typer.Option(min=1, max=256, help="Client connections.")] = 16,
    duration: Annotated[float, typer.Option(min=1, help="Measured seconds per mode.")] = 3.0,
    warmup: Annotated[float, typer.Option(min=0, help="Unmeasured seconds first.")] = 1.0,
    rounds: Annotated[int, typer.Option(min=1, max=20, help="Rounds of all four modes.")] = 4,
    postgres_url: Annotated[
        str | None, typer.Option(help="PostgreSQL maintenance database (dialect postgresql).")
    ] = None,
    data_dir: Annotated[Path, typer.Option(help="Where bench databases are kept.")] = (
        DEFAULT_DATA_DIR
    ),
    results_dir: Annotated[Path, typer.Option(help="Where the JSON goes.")] = RESULTS_DIR,
) -> None:
    """The hot item query uncached, from the response cache, as a 304, and the raw bound."""
    options: dict[str, Any] = {
        "size": size,
        "dialect": dialect,
        "hot": hot,
        "concurrency": concurrency,
        "duration": duration,
        "warmup": warmup,
        "rounds": rounds,
        "postgres_url": postgres_url or os.environ.get("YICHUANG_BENCH_POSTGRES_URL"),
        "data_dir": data_dir,
    }
    started = datetime.now(UTC)
    machine = report.machine()
    result = asyncio.run(run(options))
    table, markdown = _table(result["medians"])
    console.print(table)
    console.print(markdown, highlight=False, markup=False)
    options.pop("postgres_url")
    document = {
        "started": started.isoformat(timespec="seconds"),
        "machine": machine,
        "options": {k: str(v) if isinstance(v, Path) else v for k, v in options.items()},
        **result,
    }
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / f"http-cache-{started.strftime('%Y%m%dT%H%M%SZ')}.json"
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    console.print(f"\nResults: {path}")


if __name__ == "__main__":
    app()

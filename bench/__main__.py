"""`python -m bench`: the benchmarks (`make bench`). `python -m bench --help` for the options."""

import asyncio
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from bench import report
from bench.databases import DIALECTS
from bench.runner import Options, run
from bench.workload import OPERATIONS

RESULTS_DIR = Path(__file__).resolve().parent / "results"
DEFAULT_DATA_DIR = Path(tempfile.gettempdir()) / "yichuang-bench"

app = typer.Typer(add_completion=False)
console = Console(width=None if sys.stdout.isatty() else 200)


def _list(value: str, allowed: tuple[str, ...] | None = None) -> list[str]:
    items = [item.strip() for item in value.split(",") if item.strip()]
    if allowed is not None and (unknown := set(items) - set(allowed)):
        raise typer.BadParameter(f"unknown {', '.join(sorted(unknown))}; choose from {allowed}")
    return items


@app.command()
def main(
    sizes: Annotated[str, typer.Option(help="Synthetic service items, comma-separated.")] = (
        "10000,100000"
    ),
    dialects: Annotated[str, typer.Option(help="sqlite and/or postgresql.")] = "sqlite,postgresql",
    operations: Annotated[str, typer.Option(help="item and/or list.")] = "item,list",
    concurrency: Annotated[int, typer.Option(min=1, max=256, help="Client connections.")] = 16,
    duration: Annotated[float, typer.Option(min=1, max=600, help="Measured seconds.")] = 10.0,
    warmup: Annotated[float, typer.Option(min=0, max=60, help="Unmeasured seconds first.")] = 2.0,
    rounds: Annotated[
        int, typer.Option(min=1, max=20, help="Service/baseline pairs, alternating; medians.")
    ] = 3,
    sample: Annotated[int, typer.Option(min=1, help="Item codes rotated over.")] = 1000,
    pages: Annotated[int, typer.Option(min=1, help="Pages followed per list filter.")] = 3,
    profile: Annotated[
        float, typer.Option(help="Seconds of SQL profiling per operation at concurrency 1; 0: off.")
    ] = 3.0,
    max_requests: Annotated[
        int, typer.Option(min=1, help="Hard bound on requests in one measured run.")
    ] = 2_000_000,
    postgres_url: Annotated[
        str | None,
        typer.Option(
            help="A PostgreSQL server's maintenance database (e.g. postgresql+asyncpg://"
            "postgres@127.0.0.1:5432/postgres); bench databases are created beside it."
        ),
    ] = None,
    data_dir: Annotated[
        Path, typer.Option(help="Where SQLite benchmark databases are kept.")
    ] = DEFAULT_DATA_DIR,
    results_dir: Annotated[Path, typer.Option(help="Where the JSON results go.")] = RESULTS_DIR,
    fresh: Annotated[bool, typer.Option(help="Rebuild the databases even if cached.")] = False,
) -> None:
    """Benchmark serviceItem(code) and a filtered serviceItems page against a plain Starlette
    baseline returning the same bytes, over uvicorn on 127.0.0.1."""
    postgres_url = postgres_url or os.environ.get("YICHUANG_BENCH_POSTGRES_URL")
    chosen_dialects = _list(dialects, DIALECTS)
    if "postgresql" in chosen_dialects and not postgres_url:
        raise typer.BadParameter("PostgreSQL needs --postgres-url or YICHUANG_BENCH_POSTGRES_URL")
    options = Options(
        sizes=[int(size) for size in _list(sizes)],
        dialects=chosen_dialects,
        operations=_list(operations, OPERATIONS),
        concurrency=concurrency,
        duration=duration,
        warmup=warmup,
        rounds=rounds,
        sample=sample,
        pages=pages,
        profile_seconds=profile,
        max_requests=max_requests,
        postgres_url=postgres_url,
        data_dir=data_dir,
        fresh=fresh,
    )
    started = datetime.now(UTC)
    clock = time.perf_counter()
    machine = report.machine()  # before the run: the git revision of the code under test
    runs = asyncio.run(run(options))
    document = {
        "started": started.isoformat(timespec="seconds"),
        "wall_seconds": round(time.perf_counter() - clock, 1),
        "machine": machine,
        "client": "1 spawned process, raw asyncio HTTP/1.1 keep-alive connections",
        "server": "uvicorn (asyncio loop, h11), service and baseline in the benchmark process",
        "options": {
            key: str(value) if isinstance(value, Path) else value
            for key, value in vars(options).items()
            if key != "postgres_url"
        },
        "runs": runs,
    }
    report.print_table(runs, console)
    if summary := report.sql_summary(runs):
        console.print(summary, highlight=False, markup=False)
    path = report.write_json(document, results_dir)
    console.print(f"\nResults: {path}")
    console.print(report.markdown_table(runs), highlight=False, markup=False)


if __name__ == "__main__":
    app()

"""`python -m bench.writes`: publishes/s, update-draft round trips/s and a catalog publish's
fan-out, on SQLite and PostgreSQL. `python -m bench.writes --help` for the options."""

import asyncio
import os
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
from bench.writes import drafts, fanout, publishes, report
from bench.writes.world import build, fresh_database

RESULTS_DIR = Path(__file__).resolve().parent.parent / "results"
DIALECTS = ("sqlite", "postgresql")

app = typer.Typer(add_completion=False)
console = Console(width=None if sys.stdout.isatty() else 200)
log = Console(stderr=True)


@dataclass(frozen=True)
class Options:
    dialects: list[str]
    background: int
    pool: int
    rounds: int
    fanout_rounds: int
    tasks: int
    trips: int
    editors: int
    warmup: int
    profile: bool
    keep: bool
    postgres_url: str | None


async def _measure(options: Options, dialect: str, work_dir: Path) -> dict[str, Any]:
    async with fresh_database(dialect, options.postgres_url, work_dir, options.keep) as (
        url,
        server_version,
    ):
        log.print(f"[bold]{dialect}[/]: {server_version}, building in {work_dir}")
        world = await build(
            dialect,
            url,
            server_version,
            work_dir / "files",
            background=options.background,
            pool=options.pool,
        )
        setup = ", ".join(f"{k} {v:.1f} s" for k, v in world.setup_seconds.items())
        log.print(f"  set-up: {setup}")
        try:
            return {
                "dialect": dialect,
                "server_version": server_version,
                "setup_seconds": world.setup_seconds,
                "publishes": await publishes.run(
                    world, rounds=options.rounds, tasks=options.tasks, profile=options.profile
                ),
                "drafts": await drafts.run(
                    world,
                    work_dir,
                    rounds=options.rounds,
                    trips=options.trips,
                    editors=options.editors,
                    warmup=options.warmup,
                    profile=options.profile,
                ),
                "fanout": await fanout.run(
                    world, rounds=options.fanout_rounds, profile=options.profile
                ),
            }
        finally:
            await world.database.dispose()


async def run_dialect(options: Options, dialect: str) -> dict[str, Any]:
    """Build a fresh database for `dialect`, run the three scenarios on it, clean up."""
    work_dir = Path(tempfile.mkdtemp(prefix=f"yichuang-bench-writes-{dialect}-"))
    clock = time.perf_counter()
    try:
        result = await _measure(options, dialect, work_dir)
    finally:
        if not options.keep:
            await asyncio.to_thread(shutil.rmtree, work_dir, ignore_errors=True)
    result["wall_seconds"] = time.perf_counter() - clock
    return result


@app.command()
def main(
    dialects: Annotated[str, typer.Option(help="sqlite and/or postgresql.")] = "sqlite,postgresql",
    postgres_url: Annotated[
        str | None,
        typer.Option(help="Maintenance database URL (default: $YICHUANG_BENCH_POSTGRES_URL)."),
    ] = None,
    background: Annotated[
        int, typer.Option(min=0, help="Synthetic service items loaded first (0: none).")
    ] = 10000,
    pool: Annotated[int, typer.Option(min=2, help="Service items published per round.")] = 200,
    rounds: Annotated[int, typer.Option(min=1, help="Rounds of publishes and drafts.")] = 5,
    fanout_rounds: Annotated[int, typer.Option(min=1, help="Catalog versions published.")] = 7,
    tasks: Annotated[int, typer.Option(min=1, help="Concurrent publishing tasks.")] = 8,
    trips: Annotated[int, typer.Option(min=1, help="Draft round trips per run.")] = 300,
    editors: Annotated[int, typer.Option(min=1, help="Concurrent editors.")] = 4,
    warmup: Annotated[int, typer.Option(min=0, help="Unmeasured trips per editor first.")] = 5,
    profile: Annotated[bool, typer.Option(help="An extra SQL-profiled pass per scenario.")] = True,
    keep: Annotated[bool, typer.Option(help="Keep the databases (and temp dirs).")] = False,
    results_dir: Annotated[Path, typer.Option(help="Where the JSON goes.")] = RESULTS_DIR,
) -> None:
    """Measure editors' writes through the commands and the GraphQL API."""
    chosen = [d.strip() for d in dialects.split(",") if d.strip()]
    if unknown := set(chosen) - set(DIALECTS):
        raise typer.BadParameter(f"unknown dialect {', '.join(sorted(unknown))}")
    postgres_url = postgres_url or os.environ.get("YICHUANG_BENCH_POSTGRES_URL")
    if "postgresql" in chosen and not postgres_url:
        raise typer.BadParameter("PostgreSQL needs --postgres-url or YICHUANG_BENCH_POSTGRES_URL")
    options = Options(
        chosen,
        background,
        pool,
        rounds,
        fanout_rounds,
        tasks,
        trips,
        editors,
        warmup,
        profile,
        keep,
        postgres_url,
    )
    started, clock = datetime.now(UTC), time.perf_counter()
    machine = read_report.machine()

    async def run_all() -> list[dict[str, Any]]:
        return [await run_dialect(options, dialect) for dialect in chosen]

    runs = asyncio.run(run_all())
    document = {
        "started": started.isoformat(timespec="seconds"),
        "wall_seconds": round(time.perf_counter() - clock, 1),
        "machine": machine,
        "options": {k: v for k, v in asdict(options).items() if k != "postgres_url"},
        "runs": runs,
    }
    report.print_tables(runs, console)
    if summary := report.sql_summary(runs):
        console.print(summary, highlight=False, markup=False)
    path = report.write_json(document, results_dir)
    console.print(f"\nResults: {path}")
    console.print(report.markdown(runs), highlight=False, markup=False)


if __name__ == "__main__":
    app()

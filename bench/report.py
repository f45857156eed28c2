"""The machine a run was on, the results table (terminal and Markdown), and the JSON record."""

import json
import os
import platform
import sqlite3
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench.sqlstats import brief

PACKAGES = ("starlette", "strawberry-graphql", "uvicorn", "sqlalchemy", "aiosqlite", "asyncpg")
COLUMNS = (
    "dialect",
    "items",
    "operation",
    "service req/s",
    "baseline req/s",
    "req/s ratio",
    "service p50/p95/p99 ms",
    "baseline p50/p95/p99 ms",
    "p50 ratio",
    "errors",
)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return None


def _git_revision() -> str | None:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return f"{head}{' (uncommitted changes)' if dirty else ''}"


def machine() -> dict[str, Any]:
    versions = {}
    for package in PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "sqlite_library": sqlite3.sqlite_version,
        "packages": versions,
        "git": _git_revision(),
    }


def _latencies(summary: dict[str, Any]) -> str:
    return f"{summary['p50_ms']:.1f} / {summary['p95_ms']:.1f} / {summary['p99_ms']:.1f}"


def rows(runs: list[dict[str, Any]]) -> list[tuple[str, ...]]:
    table = []
    for run in runs:
        for result in run["operations"]:
            service, baseline = result["service"], result["baseline"]
            table.append(
                (
                    run["dialect"],
                    f"{run['size']:,}",
                    result["operation"],
                    f"{service['rps']:.0f}",
                    f"{baseline['rps']:.0f}",
                    f"{result['ratio']['rps']:.3f}",
                    _latencies(service),
                    _latencies(baseline),
                    f"{result['ratio']['p50']:.1f}×",
                    str(service["errors"] + baseline["errors"]),
                )
            )
    return table


def print_table(runs: list[dict[str, Any]], console: Console) -> None:
    table = Table(title="yichuang benchmarks: medians over rounds (service vs. baseline)")
    for column in COLUMNS:
        table.add_column(column, justify="left" if column in COLUMNS[:3] else "right")
    for row in rows(runs):
        table.add_row(*row)
    console.print(table)


def markdown_table(runs: list[dict[str, Any]]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(row) + " |" for row in rows(runs)]
    return "\n".join(lines)


def sql_summary(runs: list[dict[str, Any]]) -> str:
    """The SQL each operation ran (per request, at concurrency 1), for the terminal."""
    out = []
    for run in runs:
        for result in run["operations"]:
            profile = result.get("sql_profile")
            if not profile:
                continue
            out.append(
                f"{run['dialect']} {run['size']:,} {result['operation']}: "
                f"{profile['statements_per_request']:.1f} statements, "
                f"{profile['sql_ms_per_request']:.2f} ms SQL of "
                f"{profile['mean_ms_at_concurrency_1']:.2f} ms per request "
                f"({profile['sql_share_of_latency']:.0%})"
            )
            for top in profile["top"][:3]:
                out.append(
                    f"    {top['ms_per_request']:6.2f} ms/req  {top['calls_per_request']:.1f}×  "
                    f"{brief(top['statement'])[:300]}"
                )
    return "\n".join(out)


def write_json(document: dict[str, Any], results_dir: Path) -> Path:
    results_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = results_dir / f"{stamp}.json"
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path

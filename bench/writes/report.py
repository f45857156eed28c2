"""The write benchmark's tables (terminal and Markdown) and its JSON record."""

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench.sqlstats import brief

COLUMNS = (
    "dialect",
    "operation",
    "concurrency",
    "ops/round",
    "seconds",
    "ops/s",
    "p50 ms",
    "p95 ms",
    "rounds",
)
FANOUT_COLUMNS = (
    "dialect",
    "derived items",
    "publish → commit ms (median, min–max)",
    "flag_derived ms",
    "events insert ms",
    "commit ms",
    "GC ms",
    "events after publish",
    "items flagged per round",
)


def _row(dialect: str, operation: str, concurrency: str, m: dict[str, Any]) -> tuple[str, ...]:
    return (
        dialect,
        operation,
        concurrency,
        f"{m['ops']:.0f}",
        f"{m['seconds']:.2f}",
        f"{m['ops_per_s']:.1f}",
        f"{m['p50_ms']:.1f}",
        f"{m['p95_ms']:.1f}",
        str(m.get("rounds", 1)),
    )


def rows(runs: list[dict[str, Any]]) -> list[tuple[str, ...]]:
    table = []
    for run in runs:
        d, p, u = run["dialect"], run["publishes"], run["drafts"]
        tasks, editors = p["concurrent"]["median"]["tasks"], u["concurrent"]["median"]["editors"]
        table += [
            _row(d, "publish, first version (set-up)", "1", p["first_version"]),
            _row(d, "publish, new version", "1", p["sequential"]["median"]),
            _row(d, "publish, new version", f"{tasks:.0f} tasks", p["concurrent"]["median"]),
            _row(d, "serviceItemDraftUpdate (HTTP)", "1 editor", u["sequential"]["median"]),
            _row(
                d,
                "serviceItemDraftUpdate (HTTP)",
                f"{editors:.0f} editors",
                u["concurrent"]["median"],
            ),
        ]
    return table


def fanout_rows(runs: list[dict[str, Any]]) -> list[tuple[str, ...]]:
    table = []
    for run in runs:
        rounds, median = run["fanout"]["rounds"], run["fanout"]["median"]
        seconds = [r["seconds"] * 1000 for r in rounds]
        table.append(
            (
                run["dialect"],
                f"{median['derived']:,.0f}",
                f"{median['seconds'] * 1000:.0f} ({min(seconds):.0f}–{max(seconds):.0f})",
                f"{median['flag_derived'] * 1000:.0f}",
                f"{median['announce_to_derived'] * 1000:.0f}",
                f"{median['commit'] * 1000:.0f}",
                f"{median.get('gc_seconds', 0) * 1000:.0f}",
                ", ".join(str(r["events_after_publish"]) for r in rounds),
                ", ".join(str(r["flagged_items"]) for r in rounds),
            )
        )
    return table


def print_tables(runs: list[dict[str, Any]], console: Console) -> None:
    for title, columns, body in (
        ("yichuang writes: medians over rounds", COLUMNS, rows(runs)),
        ("catalog publish fan-out: medians over rounds", FANOUT_COLUMNS, fanout_rows(runs)),
    ):
        table = Table(title=title)
        for column in columns:
            table.add_column(column, justify="left" if column in columns[:3] else "right")
        for row in body:
            table.add_row(*row)
        console.print(table)


def markdown(runs: list[dict[str, Any]]) -> str:
    out = []
    for columns, body in ((COLUMNS, rows(runs)), (FANOUT_COLUMNS, fanout_rows(runs))):
        out += ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        out += ["| " + " | ".join(row) + " |" for row in body] + [""]
    return "\n".join(out)


def sql_summary(runs: list[dict[str, Any]]) -> str:
    out = []
    for run in runs:
        for name in ("publishes", "drafts", "fanout"):
            profile = run[name].get("sql_profile")
            if not profile:
                continue
            out.append(
                f"{run['dialect']} {name}: {profile['statements_per_request']:.1f} statements, "
                f"{profile['sql_ms_per_request']:.1f} ms SQL per operation"
            )
            for top in profile["top"][:4]:
                out.append(
                    f"    {top['ms_per_request']:7.2f} ms/op  {top['calls_per_request']:6.1f}×  "
                    f"{brief(top['statement'])[:240]}"
                )
    return "\n".join(out)


def write_json(document: dict[str, Any], results_dir: Path) -> Path:
    results_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = results_dir / f"writes-{stamp}.json"
    text = json.dumps(document, ensure_ascii=False, indent=2, default=str)
    path.write_text(text + "\n", encoding="utf-8")
    return path

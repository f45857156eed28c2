"""Tables (terminal and Markdown) and the JSON record of a search benchmark run."""

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

Row = tuple[str, ...]
SUMMARY = (
    "dialect",
    "items",
    "reindex s",
    "items/s",
    "read s",
    "analysis s",
    "writes s (add+switch)",
    "index MiB",
    "search p50/p95/p99 ms",
    "suggest p50/p95 ms",
    "publish→found notify p50/p95/max ms",
    "poll p50/p95/max ms",
)
KINDS = ("dialect", "items", "kind", "n", "p50/p95/p99 ms", "median hits", "no hits")


def _ms(summary: dict[str, Any], keys: tuple[str, ...]) -> str:
    if not summary.get("count"):
        return "–"
    return " / ".join(f"{summary[f'{key}_ms']:.1f}" for key in keys)


def summary_rows(runs: list[dict[str, Any]]) -> list[Row]:
    rows = []
    for run in runs:
        index, latency, fresh = run["indexing"], run["latency"], run["freshness"]
        add, switch = index["writes_add"]["median_s"], index["writes_switch"]["median_s"]
        rows.append(
            (
                run["dialect"],
                f"{run['size']:,}",
                f"{index['reindex']['median_s']:.1f}",
                f"{index['items_per_s']:,.0f}",
                f"{index['read']['median_s']:.1f}",
                f"{index['analysis']['median_s']:.1f}",
                f"{add + switch:.1f} ({add:.1f}+{switch:.1f})",
                f"{index['index_bytes'] / 2**20:,.0f}",
                _ms(latency["queries"]["all"], ("p50", "p95", "p99")),
                _ms(latency["suggestions"]["all"], ("p50", "p95")),
                _ms(fresh.get("notify", {}), ("p50", "p95", "max")),
                _ms(fresh.get("poll", {}), ("p50", "p95", "max")),
            )
        )
    return rows


def kind_rows(runs: list[dict[str, Any]]) -> list[Row]:
    rows = []
    for run in runs:
        latency = run["latency"]
        groups = (("", latency["queries"]), ("suggest ", latency["suggestions"]))
        for prefix, group in groups:
            for kind, summary in group["by_kind"].items():
                rows.append(
                    (
                        run["dialect"],
                        f"{run['size']:,}",
                        prefix + kind,
                        str(summary["count"]),
                        _ms(summary, ("p50", "p95", "p99")),
                        f"{summary['median_total']:,.0f}" if "median_total" in summary else "",
                        str(summary.get("no_hits", summary.get("no_suggestions", ""))),
                    )
                )
    return rows


def _table(title: str, columns: tuple[str, ...], rows: list[Row], left: int) -> Table:
    table = Table(title=title)
    for n, column in enumerate(columns):
        table.add_column(column, justify="left" if n < left else "right")
    for row in rows:
        table.add_row(*row)
    return table


def print_tables(runs: list[dict[str, Any]], console: Console) -> None:
    console.print(
        _table("search: reindex, queries, publish → searchable", SUMMARY, summary_rows(runs), 2)
    )
    console.print(_table("search latency by kind", KINDS, kind_rows(runs), 3))


def markdown(runs: list[dict[str, Any]]) -> str:
    out = []
    for columns, rows in ((SUMMARY, summary_rows(runs)), (KINDS, kind_rows(runs))):
        out.append("| " + " | ".join(columns) + " |")
        out.append("|" + "---|" * len(columns))
        out += ["| " + " | ".join(row) + " |" for row in rows]
        out.append("")
    return "\n".join(out)


def write_json(document: dict[str, Any], results_dir: Path, stem: str = "search") -> Path:
    results_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = results_dir / f"{stem}-{stamp}.json"
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path

"""Import throughput (`python -m bench.imports`): rows per second of `yichuang import` for N
service items exported from the cached bench database (`bench/databases.py`).

On a scratch copy of that database (SQLite: a file copy; PostgreSQL: `CREATE DATABASE …
TEMPLATE`), for each format:
- export: every service item in the template (the file the runs read);
- dry run: all N rows checked and planned, nothing written;
- re-import: a real run of the same file, every row `unchanged`, one transaction per row;
- change (first format only, after the others): a real run of a file with the 办理时间 of the
  first `--changed` rows changed: a new draft per row through `update_draft`.
Each import records the process's resident memory before it and its peak during it (VmHWM,
reset before each import; `bench/memory.py`). The process also holds the exported rows the
files were written from, and memory freed by an earlier import may stay with the process, so
`peak` is the figure to read; `peak − before` is a lower bound of what the import itself held.
"""

import asyncio
import json
import os
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from bench.__main__ import DEFAULT_DATA_DIR, RESULTS_DIR
from bench.databases import prepare
from bench.memory import reset_peak, status_mib
from bench.report import machine
from catalog_api.auth import Principal, Role
from catalog_api.catalog.imports.export import export_rows
from catalog_api.catalog.imports.importer import ImportReport, Options, run_import
from catalog_api.catalog.imports.templates import SERVICE_ITEMS
from catalog_api.catalog.imports.writer import write_file
from catalog_api.db import Database

app = typer.Typer(add_completion=False)
console = Console(stderr=True)
ADMIN = Principal(subject="bench", roles=frozenset({Role.CATALOG_ADMIN}))
SLUG = "service-items"


async def _scratch(dialect: str, url: str, data_dir: Path) -> str:
    """A throwaway copy of the cached database, so the runs never change it."""
    if dialect == "sqlite":
        source = Path(make_url(url).database or "")
        target = data_dir / "yichuang-bench-imports.db"
        for stale in (target, *(target.with_name(target.name + s) for s in ("-wal", "-shm"))):
            stale.unlink(missing_ok=True)  # a copy over a killed run's WAL would be corrupt
        original, copy = sqlite3.connect(source), sqlite3.connect(target)
        try:
            original.backup(copy)  # consistent, WAL included
        finally:
            original.close()
            copy.close()
        return f"sqlite+aiosqlite:///{target}"
    name = "yichuang_bench_imports"
    template = make_url(url).database
    admin = create_async_engine(
        make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool
    )
    async with admin.connect() as connection:
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    await admin.dispose()
    return make_url(url).set(database=name).render_as_string(hide_password=False)


async def _timed_import(database: Database, path: Path, **options: Any) -> dict[str, Any]:
    before = reset_peak()
    started = time.perf_counter()
    report: ImportReport = await run_import(
        database, path, SLUG, ADMIN, Options(max_bytes=1 << 34, **options)
    )
    seconds = time.perf_counter() - started
    counts = {o.value: report.count(o) for o in type(report.rows[0].outcome)}
    out = {
        "rows": len(report.rows),
        "seconds": round(seconds, 2),
        "rows_per_second": round(len(report.rows) / seconds, 1),
        "counts": counts,
        "rss_before_mib": round(before, 1),
        "peak_rss_mib": round(status_mib("VmHWM"), 1),
    }
    console.print(f"  {out}", highlight=False, markup=False)
    return out


async def _run(dialect: str, options: dict[str, Any]) -> dict[str, Any]:
    prepared = await prepare(
        dialect,
        options["size"],
        data_dir=options["data_dir"],
        postgres_url=options["postgres_url"],
        fresh=False,
    )
    url = await _scratch(dialect, prepared.url, options["data_dir"])
    database = Database(url)
    result: dict[str, Any] = {"dialect": dialect, "size": options["size"], "formats": {}}
    try:
        started = time.perf_counter()
        async with database.read() as session:
            rows = await export_rows(session, SLUG)
        result["export_read_seconds"] = round(time.perf_counter() - started, 2)
        for fmt in options["formats"]:
            result["formats"][fmt] = await _one_format(database, rows, fmt, options)
        if options["changed"]:  # last: the other formats' files hold the content before it
            fmt = options["formats"][0]
            result["formats"][fmt]["change"] = await _change(database, rows, fmt, options)
    finally:
        await database.dispose()
    # the highest of the imports' peaks: resetting VmHWM resets ru_maxrss too
    result["process_peak_rss_mib"] = max(
        run["peak_rss_mib"]
        for data in result["formats"].values()
        for run in (data["dry_run"], data["reimport"], data.get("change"))
        if run is not None
    )
    return result


async def _one_format(
    database: Database, rows: list[dict[str, Any]], fmt: str, options: dict[str, Any]
) -> dict[str, Any]:
    folder: Path = options["data_dir"]
    path = folder / f"bench-service-items-{len(rows)}.{fmt}"  # sizes never overwrite each other
    started = time.perf_counter()
    write_file(path, fmt, SERVICE_ITEMS, rows)
    out: dict[str, Any] = {
        "write_seconds": round(time.perf_counter() - started, 2),
        "file_bytes": path.stat().st_size,
    }
    console.print(f"{fmt}: dry run …")
    out["dry_run"] = await _timed_import(database, path, dry_run=True)
    console.print(f"{fmt}: re-import (unchanged) …")
    out["reimport"] = await _timed_import(database, path)
    return out


async def _change(
    database: Database, rows: list[dict[str, Any]], fmt: str, options: dict[str, Any]
) -> dict[str, Any]:
    changed = [
        {**row, "hours": f"工作日 9:00-17:00（导入基准 {fmt}）"}
        for row in rows[: options["changed"]]
    ]
    path = options["data_dir"] / f"bench-service-items-{len(rows)}-changed.{fmt}"
    write_file(path, fmt, SERVICE_ITEMS, changed)
    console.print(f"{fmt}: change {len(changed)} rows …")
    return await _timed_import(database, path)


def _render(runs: list[dict[str, Any]]) -> str:
    lines = [
        "| dialect | format | file | dry run rows/s | re-import rows/s | change rows/s "
        "| peak RSS MiB (dry / re-import) |",
        "|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        for fmt, data in run["formats"].items():
            change = data.get("change")
            changed = (
                f"{change['rows_per_second']} ({change['rows']} rows, {change['seconds']} s)"
                if change
                else "–"
            )
            lines.append(
                f"| {run['dialect']} | {fmt} | {data['file_bytes'] / 1048576:.1f} MB "
                f"| {data['dry_run']['rows_per_second']} ({data['dry_run']['seconds']} s) "
                f"| {data['reimport']['rows_per_second']} ({data['reimport']['seconds']} s) "
                f"| {changed} "
                f"| {data['dry_run']['peak_rss_mib']} / {data['reimport']['peak_rss_mib']} |"
            )
    return "\n".join(lines)


@app.command()
def main(
    size: Annotated[int, typer.Option(help="Synthetic service items in the database.")] = 10_000,
    formats: Annotated[str, typer.Option(help="Comma-separated: jsonl, csv, xlsx.")] = (
        "jsonl,csv,xlsx"
    ),
    changed: Annotated[int, typer.Option(help="Rows changed in the change run (0: none).")] = (
        2_000
    ),
    dialects: Annotated[str | None, typer.Option(help="Comma-separated.")] = None,
    postgres_url: Annotated[str | None, typer.Option(help="PostgreSQL server URL.")] = None,
    data_dir: Annotated[Path, typer.Option(help="Where bench databases are kept.")] = (
        DEFAULT_DATA_DIR
    ),
    results_dir: Annotated[Path, typer.Option(help="Where the JSON goes.")] = RESULTS_DIR,
) -> None:
    postgres_url = postgres_url or os.environ.get("YICHUANG_BENCH_POSTGRES_URL")
    chosen = (
        [d.strip() for d in dialects.split(",") if d.strip()]
        if dialects
        else ["sqlite"] + (["postgresql"] if postgres_url else [])
    )
    options = {
        "size": size,
        "formats": [f.strip() for f in formats.split(",") if f.strip()],
        "changed": changed,
        "postgres_url": postgres_url,
        "data_dir": data_dir,
    }
    started = datetime.now(UTC)
    runs = [asyncio.run(_run(dialect, options)) for dialect in chosen]
    console.print(_render(runs), highlight=False, markup=False)
    options.pop("postgres_url")
    document = {
        "started": started.isoformat(timespec="seconds"),
        "machine": machine(),
        "options": {k: str(v) if isinstance(v, Path) else v for k, v in options.items()},
        "runs": runs,
    }
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / f"imports-{started.strftime('%Y%m%dT%H%M%SZ')}.json"
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    console.print(f"\nResults: {path}")


if __name__ == "__main__":
    app()

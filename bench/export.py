"""Export of the public lists: time and peak memory to write a list of 10k or 100k rows as CSV
and XLSX, through the same code as GET /export/… and `yichuang export-list`.

    python -m bench.export [--sizes 10000,100000] [--formats csv,xlsx] [--list power-list]
                           [--dialects sqlite,postgresql] [--postgres-url URL]

Each case runs in a fresh process. Once the database is open, the peak RSS is reset
(/proc/self/clear_refs) and the RSS taken as the baseline; `peak - baseline` is what the export
itself held (rows in flight, openpyxl, the driver's buffers).
Databases are the cached bench databases of `bench.databases.prepare` (SQLite files in
/tmp/yichuang-bench, PostgreSQL `yichuang_bench_<N>` on the server of `--postgres-url` or
YICHUANG_BENCH_POSTGRES_URL), rebuilt when their seed content is stale. Results go to
bench/results/export-<time>.json.
"""

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.databases import prepare
from bench.memory import reset_peak, status_mib
from catalog_api.db import Database
from catalog_api.exports import check, csv_chunks, parse, write_xlsx

# bench.__main__'s DEFAULT_DATA_DIR, not imported: it costs each case process ~85 MiB of RSS
DATA_DIR = Path(tempfile.gettempdir()) / "yichuang-bench"
RESULTS = Path(__file__).parent / "results"


async def _one(url: str, size: int, file_format: str, list_name: str, params: dict) -> dict:
    database = Database(url)
    job = parse(list_name, file_format, params)
    await check(database, job)
    baseline = reset_peak()  # opening the database maps its WAL and caches pages
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"out.{file_format}"
        if file_format == "csv":
            rows, first_chunk = -1, None
            with path.open("wb") as sink:
                async for chunk in csv_chunks(database, job.request):
                    first_chunk = first_chunk or time.perf_counter() - started
                    sink.write(chunk)
                    rows += chunk.count(b"\r\n")
        else:
            rows = await write_xlsx(database, job.request, path)
            first_chunk = None
        seconds = time.perf_counter() - started
        file_bytes = path.stat().st_size
    await database.dispose()
    peak = status_mib("VmHWM")
    lifetime_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "dialect": database.dialect, "size": size, "format": file_format, "list": list_name,
        "params": params, "rows": rows,
        "seconds": round(seconds, 2), "rows_per_second": round(rows / seconds),
        "first_chunk_seconds": None if first_chunk is None else round(first_chunk, 3),
        "file_mib": round(file_bytes / 2**20, 1), "baseline_rss_mib": round(baseline, 1),
        "peak_rss_mib": round(peak, 1), "export_rss_mib": round(peak - baseline, 1),
        "process_peak_rss_mib": round(lifetime_peak, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--list", default="power-list")
    parser.add_argument("--max-trips", default=None)
    parser.add_argument("--dialects", default="sqlite")
    parser.add_argument("--postgres-url", default=os.environ.get("YICHUANG_BENCH_POSTGRES_URL"))
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    params = {} if args.max_trips is None else {"maxTrips": args.max_trips}
    if args.one:
        size, file_format = int(args.sizes), args.formats
        print(json.dumps(asyncio.run(_one(args.url, size, file_format, args.list, params))))
        return
    results = []
    cases = [(d, int(s)) for d in args.dialects.split(",") for s in args.sizes.split(",")]
    for dialect, size in cases:
        prepared = asyncio.run(
            prepare(dialect, size, data_dir=DATA_DIR, postgres_url=args.postgres_url,
                    fresh=False)
        )
        for file_format in args.formats.split(","):
            command = [sys.executable, "-m", "bench.export", "--one", "--sizes", str(size),
                       "--formats", file_format, "--list", args.list, "--url", prepared.url]
            if args.max_trips is not None:
                command += ["--max-trips", args.max_trips]
            done = subprocess.run(command, capture_output=True, text=True, check=True)
            result = json.loads(done.stdout.strip().splitlines()[-1])
            results.append(result)
            print(json.dumps(result, ensure_ascii=False), flush=True)
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS / f"export-{stamp}.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()

"""Update-draft round trips per second, over HTTP through the real app.

`create_app(Settings(database_url=…, jwt_secret=…, jwt_secret_file=<temp>,
announce_interval_seconds=0))`, served by uvicorn on 127.0.0.1 in this process
(`bench.servers.serving`); the app opens its own `Database`. Editors hold HS256 tokens from
`catalog_api.auth.mint_token` (role editor, scoped to their item's agency) and run in a spawned
client process (`editor_client.py`). Sequentially (one editor) and with several editors at
once, each on a different item of a different agency. An item's first trip turns its
published version into a draft; the rest patch that draft.
"""

import asyncio
import multiprocessing
import secrets
import time
from pathlib import Path
from typing import Any

from rich.console import Console

from bench.servers import serving
from bench.writes.editor_client import DraftLoad, Editor, draft_process
from bench.writes.timing import median_of, sql_profile, summarise
from bench.writes.world import Item, World
from catalog_api.app import create_app
from catalog_api.auth import Role, mint_token
from catalog_api.schema.ids import to_global_id
from catalog_api.settings import Settings

console = Console(stderr=True)
PATIENCE = 300.0  # seconds without a word from the client before giving up on it


async def _receive(receive: Any) -> dict[str, Any]:
    if not await asyncio.to_thread(receive.poll, PATIENCE):
        return {"failed": f"the editors' client said nothing for {PATIENCE:.0f} s"}
    try:
        message: dict[str, Any] = receive.recv()
    except EOFError:
        return {"failed": "the editors' client died without a report"}
    return message


async def drive(load: DraftLoad) -> dict[str, Any]:
    """Run `load` from a fresh client process; adds `server_cpu` (this process, all threads)."""
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=draft_process, args=(load, send), daemon=True)
    process.start()
    send.close()
    cpu = wall = None
    try:
        while "event" in (message := await _receive(receive)):
            cpu, wall = time.process_time(), time.perf_counter()
    finally:
        process.join(timeout=10)
        if process.is_alive():
            process.kill()
            process.join()
        receive.close()
    if "failed" in message:
        raise RuntimeError(f"the editors' client failed: {message['failed']}")
    if cpu is not None and wall is not None:
        message["server_cpu"] = (time.process_time() - cpu) / (time.perf_counter() - wall)
    return message


def _settings(world: World, work_dir: Path) -> Settings:
    return Settings(
        database_url=world.url,
        jwt_secret=secrets.token_urlsafe(48),
        jwt_secret_file=work_dir / "jwt-secret",
        announce_interval_seconds=0,
        log_level="warning",
        files_dir=work_dir / "files",
        search_indexer=False,  # measured by bench.search
        search_index_path=work_dir / "search.db",
    )


def _editors(settings: Settings, items: list[Item]) -> list[Editor]:
    return [
        Editor(
            mint_token(
                settings,
                subject=f"editor{n}@bench",
                roles=[Role.EDITOR],
                agencies=[item.agency_uscc],
                name=f"编辑{n}",
            ),
            to_global_id("ServiceItem", item.id),
            item.lock_version,
        )
        for n, item in enumerate(items)
    ]


async def _trips(
    settings: Settings, port: int, items: list[Item], trips: int, warmup: int, tag: int
) -> dict[str, Any]:
    per_editor = max(1, trips // len(items))
    load = DraftLoad(port, _editors(settings, items), per_editor, warmup, tag)
    result = await drive(load)
    for item, lock in zip(items, result["locks"], strict=True):
        item.lock_version = lock
    return summarise(
        result["latencies"],
        result["seconds"],
        editors=len(items),
        server_cpu=result.get("server_cpu"),
        client_cpu=result["client_cpu"],
    )


async def run(
    world: World,
    work_dir: Path,
    *,
    rounds: int,
    trips: int,
    editors: int,
    warmup: int,
    profile: bool,
) -> dict[str, Any]:
    if len(world.pool) < editors + 1:
        raise ValueError(f"--editors {editors} needs a pool of at least {editors + 1} items")
    settings = _settings(world, work_dir)
    app = create_app(settings)
    teams = {1: world.pool[:1], editors: world.pool[1 : editors + 1]}
    measured: dict[int, list[dict[str, Any]]] = {1: [], editors: []}
    report: dict[str, Any] = {"transport": "uvicorn on 127.0.0.1, raw HTTP/1.1 client process"}
    async with serving("writes", app) as running:
        for number in range(rounds):
            for size in (1, editors) if number % 2 == 0 else (editors, 1):
                tag = number * 100 + size
                result = await _trips(settings, running.port, teams[size], trips, warmup, tag)
                measured[size].append(result)
                console.print(
                    f"  {world.dialect} draft update ×{size} round {number + 1}: "
                    f"{result['ops']} in {result['seconds']:.2f} s, "
                    f"{result['ops_per_s']:.1f}/s, p50 {result['p50_ms']:.1f} ms "
                    f"p95 {result['p95_ms']:.1f} ms, server CPU {result['server_cpu']:.0%}"
                )
        if profile:

            async def work() -> int:
                sample = min(trips, 100)
                return (await _trips(settings, running.port, teams[1], sample, 0, 9999))["ops"]

            report["sql_profile"] = await sql_profile(app.state.database, work, python=True)
    report["sequential"] = {"median": median_of(measured[1]), "rounds": measured[1]}
    report["concurrent"] = {"median": median_of(measured[editors]), "rounds": measured[editors]}
    return report

"""Editors saving drafts: a client process of its own (like `bench.client`: raw HTTP/1.1
keep-alive, far cheaper than httpx), one connection per editor. Each round trip sends
`serviceItemDraftUpdate` with the lock version the previous response returned, so an editor
has one request in flight at a time. Any error, `userErrors` entry or HTTP status other than
200 stops the run: the next lock version would be unknown."""

import asyncio
import json
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from bench.client import HOST, REQUEST_TIMEOUT, _read_response

MUTATION = """mutation SaveDraft($input: ServiceItemDraftUpdateInput!) {
  serviceItemDraftUpdate(input: $input) {
    serviceItem { id lockVersion versionNumber status hours consultPhone
                  promisedTimeLimit { value unit } }
    userErrors { field message code }
  }
}"""


@dataclass(frozen=True)
class Editor:
    token: str
    item_id: str  # the service item's global ID
    lock_version: int


@dataclass(frozen=True)
class DraftLoad:
    port: int
    editors: list[Editor]
    trips: int  # measured round trips per editor
    warmup: int  # unmeasured round trips per editor before them
    tag: int  # makes every round's contents differ


def _request(load: DraftLoad, editor: Editor, lock: int, n: int) -> bytes:
    changes = {
        "hours": f"周一至周五 上午9:00-12:00，下午13:30-17:00（草稿{load.tag}-{n}）",
        "consultPhone": f"0531-{86000000 + n % 1000000}",
    }
    variables = {"input": {"id": editor.item_id, "expectedLockVersion": lock, "changes": changes}}
    body = json.dumps({"query": MUTATION, "variables": variables}, ensure_ascii=False).encode()
    head = (
        f"POST /graphql HTTP/1.1\r\nHost: {HOST}:{load.port}\r\n"
        f"Content-Type: application/json\r\nAccept: application/json\r\n"
        f"Authorization: Bearer {editor.token}\r\nUser-Agent: bench.writes\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def lock_version_of(status: int, raw: bytes) -> int:
    """The lock version a successful response returns; raises on anything else."""
    if status != 200:
        raise RuntimeError(f"HTTP {status}: {raw[:300]!r}")
    document = json.loads(raw)
    if document.get("errors"):
        raise RuntimeError(f"errors: {json.dumps(document['errors'], ensure_ascii=False)[:300]}")
    payload = document["data"]["serviceItemDraftUpdate"]
    if payload["userErrors"]:
        raise RuntimeError(f"userErrors: {json.dumps(payload['userErrors'], ensure_ascii=False)}")
    return int(payload["serviceItem"]["lockVersion"])


async def _editor(
    load: DraftLoad, editor: Editor, barrier: asyncio.Barrier, latencies: list[float]
) -> int:
    reader, writer = await asyncio.open_connection(HOST, load.port)
    lock = editor.lock_version
    try:
        for n in range(load.warmup + load.trips):
            if n == load.warmup:
                await barrier.wait()  # measured trips start together
            started = time.perf_counter()
            writer.write(_request(load, editor, lock, n))
            status, raw = await asyncio.wait_for(_read_response(reader), REQUEST_TIMEOUT)
            elapsed = time.perf_counter() - started
            lock = lock_version_of(status, raw)
            if n >= load.warmup:
                latencies.append(elapsed)
    except BaseException:
        await barrier.abort()
        raise
    finally:
        writer.close()
    return lock


async def _run(load: DraftLoad, out: Connection) -> dict[str, Any]:
    barrier = asyncio.Barrier(len(load.editors) + 1)
    latencies: list[float] = []
    tasks = [asyncio.create_task(_editor(load, e, barrier, latencies)) for e in load.editors]
    try:
        await barrier.wait()
    except asyncio.BrokenBarrierError:
        await asyncio.gather(*tasks)  # raises the editor's error
        raise
    cpu, started = time.process_time(), time.perf_counter()
    out.send({"event": "start"})
    locks = await asyncio.gather(*tasks)
    seconds = time.perf_counter() - started
    return {
        "latencies": latencies,
        "seconds": seconds,
        "locks": list(locks),
        "client_cpu": (time.process_time() - cpu) / seconds,
    }


def draft_process(load: DraftLoad, out: Connection) -> None:
    """Entry point of the client process: `{"event": "start"}` when the measured trips begin,
    then the results (or `{"failed": …}`)."""
    try:
        result = asyncio.run(_run(load, out))
    except BaseException as exc:  # the parent must always hear back
        result = {"failed": repr(exc)}
    out.send(result)
    out.close()

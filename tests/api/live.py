"""Real servers for the subscription tests: uvicorn on loopback (in this event loop, or as
`yichuang serve` in another process), and a graphql-transport-ws client built on `websockets`."""

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from starlette.types import ASGIApp
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

HOST = "127.0.0.1"
TIMEOUT = 15.0  # seconds any one expected message or server start may take
WORKTREE = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextlib.asynccontextmanager
async def serving(app: ASGIApp) -> AsyncIterator[str]:
    """Serve `app` (with its lifespan) on a free loopback port; yields the base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind((HOST, 0))
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        await until(lambda: server.started or task.done())
        if task.done():
            task.result()
        yield f"http://{HOST}:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await task
        sock.close()


async def until(condition: Callable[[], bool]) -> None:
    """Wait for a condition of this process's own state (uvicorn's `started`, the feed's
    `following`: plain attributes, no event to await), letting the event loop run."""
    async with asyncio.timeout(TIMEOUT):
        while not condition():  # noqa: ASYNC110
            await asyncio.sleep(0.01)


@contextlib.asynccontextmanager
async def server_process(env: Mapping[str, str], log: Path) -> AsyncIterator[str]:
    """`yichuang serve` from this work tree in a process of its own; yields the base URL."""
    port = free_port()
    command = [sys.executable, "-c", "from catalog_api.cli import main; main()", "serve"]
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            *command,
            "--host",
            HOST,
            "--port",
            str(port),
            cwd=WORKTREE,
            env={**os.environ, **env},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://{HOST}:{port}"
    try:
        await _healthy(url, process, log)
        yield url
    finally:
        if process.returncode is None:
            process.terminate()
            try:
                async with asyncio.timeout(TIMEOUT):
                    await process.wait()
            except TimeoutError:
                process.kill()
                await process.wait()


async def _healthy(url: str, process: asyncio.subprocess.Process, log: Path) -> None:
    async with httpx.AsyncClient(base_url=url) as client, asyncio.timeout(TIMEOUT * 2):
        while True:
            if process.returncode is not None:
                output = await asyncio.to_thread(log.read_text, errors="replace")
                raise RuntimeError(f"server exited: {output}")
            with contextlib.suppress(httpx.TransportError):
                if (await client.get("/healthz")).status_code == 200:
                    return
            await asyncio.sleep(0.1)


@dataclass
class Subscriptions:
    """One graphql-transport-ws connection; messages are sorted by operation id."""

    ws: ClientConnection
    _inbox: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    _ids: int = 0

    async def subscribe(self, query: str, **variables: Any) -> str:
        self._ids += 1
        op_id = str(self._ids)
        payload = {"query": query, "variables": variables}
        await self.ws.send(json.dumps({"id": op_id, "type": "subscribe", "payload": payload}))
        return op_id

    async def message(self, op_id: str) -> dict[str, Any]:
        """The next message of one operation (`next`, `error` or `complete`)."""
        async with asyncio.timeout(TIMEOUT):
            while not self._inbox[op_id]:
                raw = await self.ws.recv()
                assert isinstance(raw, str), "graphql-transport-ws messages are text frames"
                message = json.loads(raw)
                self._inbox[message.get("id", "")].append(message)
        return self._inbox[op_id].pop(0)

    async def events(self, op_id: str, count: int) -> list[dict[str, Any]]:
        """The next `count` change events of a subscription."""
        events = []
        for _ in range(count):
            message = await self.message(op_id)
            assert message["type"] == "next", message
            assert "errors" not in message["payload"], message["payload"]["errors"]
            events.append(message["payload"]["data"]["catalogChanged"])
        return events

    async def complete(self, op_id: str) -> None:
        await self.ws.send(json.dumps({"id": op_id, "type": "complete"}))


@contextlib.asynccontextmanager
async def subscriptions(base_url: str, token: str | None = None) -> AsyncIterator[Subscriptions]:
    url = base_url.replace("http://", "ws://") + "/graphql"
    async with connect(url, subprotocols=[Subprotocol("graphql-transport-ws")]) as ws:
        payload = {"authorization": f"Bearer {token}"} if token else {}
        await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        async with asyncio.timeout(TIMEOUT):
            ack = json.loads(await ws.recv())
        assert ack["type"] == "connection_ack", ack
        yield Subscriptions(ws)

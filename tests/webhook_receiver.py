"""A portal's webhook endpoint on loopback, for the webhook tests: a real uvicorn server that
records what it accepts and can answer errors, stop and start again on the same port."""

import asyncio
import json
import socket
from dataclasses import dataclass, field

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from catalog_api.catalog.webhook_delivery import SIGNATURE_HEADER


@dataclass
class Receiver:
    """A portal's endpoint: records every body it accepts; `answer` sets its status."""

    port: int
    answer: int = 200
    bodies: list[dict] = field(default_factory=list)
    signatures: list[tuple[bytes, str]] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)  # set by each accepted body
    _server: uvicorn.Server | None = None
    _task: asyncio.Task | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/catalog"

    def app(self) -> Starlette:
        async def hook(request: Request) -> Response:
            body = await request.body()
            if self.answer == 200:
                self.bodies.append(json.loads(body))
                self.signatures.append((body, request.headers[SIGNATURE_HEADER]))
                self.arrived.set()
            return Response(status_code=self.answer)

        return Starlette(routes=[Route("/hooks/catalog", hook, methods=["POST"])])

    async def start(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        config = uvicorn.Config(self.app(), log_level="warning", access_log=False, lifespan="off")
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve(sockets=[sock]))
        async with asyncio.timeout(10):
            while not self._server.started:  # uvicorn sets a flag, it has no event to await
                if self._task.done():
                    self._task.result()  # raises why it could not start
                await asyncio.sleep(0.01)

    async def stop(self) -> None:
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            await self._task
            self._server = self._task = None

    def seqs(self) -> list[int]:
        return [event["seq"] for body in self.bodies for event in body["events"]]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]



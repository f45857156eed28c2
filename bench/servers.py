"""uvicorn servers on loopback, in this process and event loop: the service and its baseline.

The baseline is a plain Starlette app whose one endpoint answers each request body with the
response bytes the service gave for it (captured beforehand) and the same content type, so the
two differ only in what the service does to produce those bytes.
"""

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp

from bench.client import HOST

STARTUP_TIMEOUT = 30.0


@dataclass
class Running:
    name: str
    port: int
    server: uvicorn.Server


def baseline_app(responses: Mapping[bytes, bytes], content_type: str) -> Starlette:
    """POST /graphql returning, for a known request body, the service's own response bytes."""

    async def graphql(request: Request) -> Response:
        body = responses.get(await request.body())
        if body is None:
            return Response(b'{"errors":[{"message":"unknown request"}]}', status_code=400)
        return Response(body, headers={"content-type": content_type})

    return Starlette(routes=[Route("/graphql", graphql, methods=["POST"])])


def _free_socket() -> socket.socket:
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY on accepted connections only when the
    # listening socket says so (as uvicorn's own host/port binding does); with proto 0, Nagle
    # and delayed ACKs add ~40 ms to every response written in two parts.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, 0))
    return sock


@contextlib.asynccontextmanager
async def serving(name: str, app: ASGIApp) -> AsyncIterator[Running]:
    """Serve `app` with uvicorn on 127.0.0.1 and a free port while the block runs."""
    sock = _free_socket()
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, host=HOST, port=port, log_level="warning", access_log=False, lifespan="on"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]), name=f"uvicorn-{name}")
    try:
        async with asyncio.timeout(STARTUP_TIMEOUT):
            while not server.started:
                if task.done():
                    task.result()  # raises why it stopped
                    raise RuntimeError(f"{name} server stopped during start-up")
                await asyncio.sleep(0.05)
        yield Running(name, port, server)
    finally:
        server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await task
        sock.close()

"""The service on an already-listening socket, for the graphql-http audit:

    python -m tests.api.audit_server FD DIR

The test binds and listens before it starts this process, so a client can connect at once (the
connection waits in the backlog until uvicorn accepts it): no polling for readiness.
"""

import asyncio
import socket
import sys
from pathlib import Path

import uvicorn

from catalog_api.app import create_app
from catalog_api.migrate import upgrade
from catalog_api.settings import Settings


def main(fd: int, folder: Path) -> None:
    url = f"sqlite+aiosqlite:///{folder / 'catalog.db'}"
    asyncio.run(upgrade(url))  # a real service runs on a migrated catalog (the HTTP cache reads it)
    settings = Settings(
        database_url=url,
        files_dir=folder / "files",
        search_index_path=folder / "search.db",
        jwt_secret_file=folder / "jwt-secret",
        announce_interval_seconds=0,
        search_indexer=False,
    )
    listening = socket.socket(fileno=fd)
    server = uvicorn.Server(uvicorn.Config(create_app(settings), log_level="warning"))
    asyncio.run(server.serve(sockets=[listening]))


if __name__ == "__main__":
    main(int(sys.argv[1]), Path(sys.argv[2]))

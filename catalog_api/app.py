"""The ASGI application: GraphQL at /graphql, attachments, GraphiQL assets, health."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from catalog_api.attachments import download_endpoint
from catalog_api.catalog.search import CatalogSearch, open_search
from catalog_api.db import Database
from catalog_api.http import STATIC_DIR, CatalogGraphQL
from catalog_api.scheduler import announce_forever
from catalog_api.schema import build_schema
from catalog_api.settings import Settings

log = logging.getLogger(__name__)


def create_app(
    settings: Settings | None = None,
    *,
    database: Database | None = None,
    search: CatalogSearch | None = None,
) -> Starlette:
    """The service. Tests inject a `database` and a `search`; otherwise the settings' ones are
    opened here and closed when the app shuts down."""
    settings = settings or Settings()
    owns_database, owns_search = database is None, search is None
    database = database or Database(settings.database_url)
    search = search or open_search(settings, database)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        announcer = None
        if settings.announce_interval_seconds > 0:
            announcer = asyncio.create_task(
                announce_forever(database, settings.announce_interval_seconds)
            )
        indexer = None
        if settings.search_indexer:
            database.on_commit(search.indexer.notify)
            indexer = asyncio.create_task(search.follow())
        yield
        for task in (announcer, indexer):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if owns_search:
            await search.close()
        if owns_database:
            await database.dispose()

    async def health(_request: Request) -> Response:
        await database.ping()
        return JSONResponse({"status": "ok"})

    async def home(_request: Request) -> Response:
        return RedirectResponse("/graphql")

    graphql = CatalogGraphQL(build_schema(settings), database, settings, search)
    routes = [
        Route("/", home),
        Route("/healthz", health),
        Route("/graphql", graphql, methods=["GET", "POST"]),
        Route("/attachments/{sha256}", download_endpoint(database, settings.files_dir)),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.database = database
    app.state.settings = settings
    app.state.search = search
    app.state.http_cache = graphql.http_cache
    return app

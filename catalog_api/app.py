"""The ASGI application: GraphQL at /graphql (subscriptions over WebSocket at the same path),
attachments, GraphiQL assets, health."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles

from catalog_api.attachments import download_endpoint
from catalog_api.body_limit import BodyLimit
from catalog_api.catalog.feed import ChangeFeed
from catalog_api.catalog.search import CatalogSearch, open_search
from catalog_api.catalog.webhook_delivery import Deliverer
from catalog_api.db import Database
from catalog_api.exports import export_endpoint
from catalog_api.http import STATIC_DIR, CatalogGraphQL
from catalog_api.imports_http import import_endpoint, template_endpoint
from catalog_api.scheduler import announce_forever, deliver_webhooks_forever
from catalog_api.schema import build_schema
from catalog_api.schema.changes import event_json
from catalog_api.settings import Settings

log = logging.getLogger(__name__)


async def _deliver_webhooks(database: Database, settings: Settings) -> None:
    wake = asyncio.Event()
    database.on_commit(wake.set)
    async with httpx.AsyncClient(follow_redirects=False) as client:
        deliverer = Deliverer(
            database,
            client,
            render=event_json,  # deliveries show events as the `changes` feed does
            timeout=settings.webhook_timeout_seconds,
            max_backoff=settings.webhook_max_backoff_seconds,
        )
        await deliver_webhooks_forever(deliverer, wake, settings.webhook_poll_interval_seconds)


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
    feed = ChangeFeed(database, poll_interval=settings.feed_poll_interval_seconds)
    database.on_commit(feed.notify)  # this process's commits wake its subscribers at once

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
        deliverer = None
        if settings.webhooks:
            deliverer = asyncio.create_task(_deliver_webhooks(database, settings))
        yield
        await feed.close()
        for task in (announcer, indexer, deliverer):
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

    graphql = CatalogGraphQL(build_schema(settings), database, settings, search, feed)
    routes = [
        Route("/", home),
        Route("/healthz", health),
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        Route("/attachments/{sha256}", download_endpoint(database, settings.files_dir)),
        Route("/export/{file}", export_endpoint(database)),
        Route("/import/{kind}", import_endpoint(database, settings), methods=["POST"]),
        Route("/import/{kind}/template.{format}", template_endpoint()),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
    ]
    app = Starlette(routes=routes, middleware=_middleware(settings), lifespan=lifespan)
    app.state.graphql = graphql
    app.state.database = database
    app.state.settings = settings
    app.state.search = search
    app.state.feed = feed
    app.state.http_cache = graphql.http_cache
    return app


# What a portal's page sends: a token, JSON, a persisted query's name and version for Apollo,
# and a revalidation of what it has cached.
CORS_REQUEST_HEADERS = [
    "accept",
    "authorization",
    "content-type",
    "if-none-match",
    "apollographql-client-name",
    "apollographql-client-version",
    "x-apollo-operation-name",
    "apollo-require-preflight",
]


def _middleware(settings: Settings) -> list[Middleware]:
    """The body limit runs before anything reads a body; CORS answers preflights first and
    adds its headers to every answer, errors included."""
    middleware = [
        Middleware(
            BodyLimit,
            max_bytes=settings.max_body_bytes,
            larger={"/import/": settings.import_max_bytes},
        )
    ]
    if settings.cors_origins:
        cors = Middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=CORS_REQUEST_HEADERS,
            expose_headers=["ETag"],  # Cache-Control and Content-Type are always readable
            max_age=600,
        )
        middleware.insert(0, cors)
    return middleware

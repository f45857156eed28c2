"""The GraphQL endpoint over HTTP, and over WebSocket for subscriptions (graphql-transport-ws):
per-request context, tokens, local GraphiQL. The HTTP protocol itself (media types, status
codes, persisted queries, the timeout) is in `graphql_http`."""

from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.websockets import WebSocket, WebSocketDisconnect
from strawberry import UNSET
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UnsetType

from catalog_api.auth import AuthError, TokenVerifier, bearer_token
from catalog_api.catalog.feed import ChangeFeed
from catalog_api.catalog.search import CatalogSearch
from catalog_api.db import Database
from catalog_api.graphql_http import GraphQLOverHTTP
from catalog_api.http_cache import HttpCache
from catalog_api.persisted_queries import PersistedQueries
from catalog_api.schema.context import Context
from catalog_api.settings import Settings

STATIC_DIR = Path(__file__).resolve().parent / "static"
_UNAUTHENTICATED = {
    "content-type": "application/json; charset=utf-8",
    "www-authenticate": 'Bearer realm="yichuang"',
}


class TextFrames(ASGIWebSocketAdapter):
    """graphql-transport-ws messages are text frames; `encode_json` gives bytes for HTTP."""

    async def send_json(self, message: Mapping[str, object]) -> None:
        encoded = self.view.encode_json(message)
        try:
            await self.ws.send_text(encoded.decode() if isinstance(encoded, bytes) else encoded)
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc


class CatalogGraphQL(GraphQLOverHTTP):
    websocket_adapter_class = TextFrames  # type: ignore[assignment]

    def __init__(
        self,
        schema: Any,
        database: Database,
        settings: Settings,
        search: CatalogSearch | None = None,
        feed: ChangeFeed | None = None,
    ) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if settings.graphiql else None,
            persisted_queries=PersistedQueries.from_settings(settings),
            timeout_seconds=settings.request_timeout_seconds,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            # Portals on other origins subscribe from browsers. A socket carries no cookie and
            # no ambient credential (the token travels in `connection_init`), so a page on any
            # origin can do no more than an anonymous client can.
            allowed_origins=("*",),
        )
        self.database = database
        self.settings = settings
        self.search = search
        self.feed = feed
        self.verifier = TokenVerifier(settings)
        self.http_cache = HttpCache(database, settings)

    async def run(
        self, request: Request | WebSocket, context: Any = UNSET, root_value: Any = UNSET
    ) -> Any:
        """A request with a token that does not verify is refused whole, with a GraphQL error:
        the client believes it is signed in, so answering as anonymous would mislead it."""
        if isinstance(request, WebSocket):  # subscriptions authenticate in connection_init
            return await super().run(request, context, root_value)
        try:
            token = bearer_token(request.headers.get("authorization"))
            principal = await self.verifier.verify(token) if token else None
        except AuthError as exc:
            body = {"errors": [{"message": str(exc), "extensions": {"code": exc.code}}]}
            return Response(self.encode_json(body), status_code=401, headers=_UNAUTHENTICATED)
        request.state.principal = principal
        execute = partial(super().run, request, context, root_value)
        return await self.http_cache.respond(request, principal, execute)

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        principal = getattr(request.state, "principal", None)
        context = Context.build(
            self.database, self.settings, request, principal, self.search, self.feed
        )
        context.response = response
        return context

    def is_staff(self, request: Request) -> bool:
        """Signed-in staff (any role) build their queries as they edit, so an allow-list of
        the portals' operations does not bind them; the limits still do."""
        principal = getattr(request.state, "principal", None)
        return principal is not None and bool(principal.roles)

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """A socket signs in with `{"authorization": "Bearer <token>"}` in its
        `connection_init` payload; without one it is anonymous. A token that does not verify
        closes the socket (4403): answering as anonymous would mislead the client."""
        params = context.connection_params or {}
        header = params.get("authorization", params.get("Authorization"))
        try:
            if header is not None and not isinstance(header, str):
                raise AuthError("connection_init 的 authorization 应为 Bearer <令牌>")
            token = bearer_token(header)
            context.principal = await self.verifier.verify(token) if token else None
        except AuthError as exc:
            raise ConnectionRejectionError({"code": exc.code, "message": exc.message}) from None
        return UNSET

    async def render_graphql_ide(self, request: Request) -> Response:
        """GraphiQL from the package itself: government intranets are often offline."""
        page = (STATIC_DIR / "graphiql" / "index.html").read_text(encoding="utf-8")
        return HTMLResponse(page)

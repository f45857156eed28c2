"""The GraphQL endpoint over HTTP: per-request context, readable UTF-8 JSON, local GraphiQL."""

import json
from functools import partial
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.websockets import WebSocket
from strawberry import UNSET
from strawberry.asgi import GraphQL

from catalog_api.auth import AuthError, TokenVerifier, bearer_token
from catalog_api.catalog.search import CatalogSearch
from catalog_api.db import Database
from catalog_api.http_cache import HttpCache
from catalog_api.schema.context import Context
from catalog_api.settings import Settings

STATIC_DIR = Path(__file__).resolve().parent / "static"
_UNAUTHENTICATED = {
    "content-type": "application/json; charset=utf-8",
    "www-authenticate": 'Bearer realm="yichuang"',
}


class CatalogGraphQL(GraphQL[Context, None]):
    def __init__(
        self,
        schema: Any,
        database: Database,
        settings: Settings,
        search: CatalogSearch | None = None,
    ) -> None:
        super().__init__(schema, graphql_ide="graphiql" if settings.graphiql else None)
        self.database = database
        self.settings = settings
        self.search = search
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
        context = Context.build(self.database, self.settings, request, principal, self.search)
        context.response = response
        return context

    def encode_json(self, data: object) -> bytes:
        # Chinese stays Chinese: no \\u escapes in any response.
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()

    def create_response(self, response_data: Any, sub_response: Response) -> Response:
        response = super().create_response(response_data, sub_response)
        if response.headers.get("content-type") == "application/json":
            response.headers["content-type"] = "application/json; charset=utf-8"
        return response

    async def render_graphql_ide(self, request: Request) -> Response:
        """GraphiQL from the package itself: government intranets are often offline."""
        page = (STATIC_DIR / "graphiql" / "index.html").read_text(encoding="utf-8")
        return HTMLResponse(page)

"""Strawberry's ASGI view, made to follow the GraphQL-over-HTTP spec (checked by the
graphql-http audit in the test suite), with persisted queries and a per-operation timeout.

- The response is `application/graphql-response+json` when the client prefers it, else
  `application/json`; a client that accepts neither gets 406.
- A request error (the document does not parse or validate, variables do not coerce, a limit
  is exceeded: nothing executed) has no `data` entry, and is HTTP 400 under
  graphql-response+json and 200 under legacy application/json, as the spec says.
- Requests refused before GraphQL runs (bad JSON, bad parameters, a mutation over GET) get a
  JSON GraphQL error body too, never plain text.
"""

import asyncio
from typing import Any

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry import UNSET
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.base import BaseRequestProtocol
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.execution import PreExecutionError
from strawberry.types.graphql import OperationType

from catalog_api.graphql_responses import (
    GRAPHQL_RESPONSE_JSON,
    JSON,
    content_type,
    encode_json,
    error_response,
    negotiate,
)
from catalog_api.persisted_queries import PersistedQueries, PersistedQueryError
from catalog_api.schema.errors import PublicError

# Apollo clients read these from a 200 answer and then resend the text (or stop using APQ);
# a 400 or 500 would make them turn persisted queries off for good.
_APQ_HANDSHAKE = frozenset({"PERSISTED_QUERY_NOT_FOUND", "PERSISTED_QUERY_NOT_SUPPORTED"})
_HTTP_CODES = {
    400: "BAD_REQUEST",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    406: "NOT_ACCEPTABLE",
}


class RefusedRequest(HTTPException):
    def __init__(self, status_code: int, reason: str, headers: dict[str, str]) -> None:
        super().__init__(status_code, reason)
        self.headers = headers


class GraphQLOverHTTP(GraphQL[Any, None]):
    def __init__(
        self,
        schema: Any,
        *,
        graphql_ide: Any,
        persisted_queries: PersistedQueries,
        timeout_seconds: float,
        **options: Any,  # strawberry's own (subscription protocols, allowed origins)
    ) -> None:
        super().__init__(schema, graphql_ide=graphql_ide, **options)
        self.persisted_queries = persisted_queries
        self.timeout_seconds = timeout_seconds

    def is_staff(self, request: Request) -> bool:
        """Whether this caller may send free-form queries in allowlist mode."""
        return False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive=receive)
        try:
            response = await self.run(request)
        except HTTPException as exc:
            response = error_response(
                request.headers,
                exc.reason,
                _HTTP_CODES.get(exc.status_code, "BAD_REQUEST"),
                exc.status_code,
                getattr(exc, "headers", None),
            )
        await response(scope, receive, send)

    async def run(
        self, request: Request | WebSocket, context: Any = UNSET, root_value: Any = UNSET
    ) -> Any:
        if isinstance(request, Request):
            media_type = negotiate(request.headers.get("accept"))
            adapter = self.request_adapter_class(request)
            if media_type is None and not self.should_render_graphql_ide(adapter):
                raise HTTPException(
                    406, f"只能以 {GRAPHQL_RESPONSE_JSON} 或 {JSON} 答复：请检查 Accept 请求头"
                )
            request.state.media_type = media_type or JSON
        return await super().run(request, context, root_value)

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        """GraphiQL for a browser's plain GET only: a GET carrying a persisted query has no
        `query` parameter either, and API clients that send `*/*` want JSON."""
        params = request.query_params
        return (
            request.method == "GET"
            and params.get("query") is None
            and params.get("extensions") is None
            and "text/html" in request.headers.get("accept", "")
        )

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub_response = await super().get_sub_response(request)
        sub_response.media_type = getattr(request.state, "media_type", JSON)
        request.state.sub_response = sub_response
        return sub_response

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        data = await super().parse_http_body(request)
        if isinstance(data, GraphQLRequestData) and not isinstance(data.operation_name, str | None):
            raise HTTPException(
                400, "The GraphQL operation's `operationName` must be a string or null."
            )
        return data

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Any,
        root_value: Any,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        try:
            resolved = self.persisted_queries.resolve(
                request_data.query, request_data.extensions, staff=self.is_staff(request)
            )
        except PersistedQueryError as exc:
            return _request_error(exc.message, exc.code)
        if resolved.query is None:
            raise HTTPException(400, "No GraphQL query found in the request")
        method = request_adapter.method
        try:
            async with asyncio.timeout(self.timeout_seconds):
                result = await self.schema.execute(
                    resolved.query,
                    root_value=root_value,
                    variable_values=request_data.variables,
                    context_value=context,
                    operation_name=request_data.operation_name,
                    allowed_operation_types=OperationType.from_http(method),
                    operation_extensions=request_data.extensions,
                )
        except TimeoutError:
            return _request_error(f"查询运行超过 {self.timeout_seconds:g} 秒，已中止", "TIMEOUT")
        except CannotGetOperationTypeError as exc:
            raise HTTPException(400, exc.as_http_error_reason()) from exc
        except InvalidOperationTypeError as exc:  # the spec: a mutation over GET is 405
            raise RefusedRequest(405, exc.as_http_error_reason(method), {"allow": "POST"}) from exc
        if resolved.register_hash and not isinstance(result, PreExecutionError):
            self.persisted_queries.register(resolved.register_hash, resolved.query)
        return result

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        response = await super().process_result(request, result)
        if not _is_request_error(result):
            return response
        response.pop("data", None)  # nothing executed, so there is no data, not even null
        sub_response: Response = request.state.sub_response
        codes = {(error.extensions or {}).get("code") for error in result.errors or ()}
        if codes & _APQ_HANDSHAKE:
            sub_response.status_code = 200  # never cached: the HTTP cache marks errors no-store
        elif "TIMEOUT" in codes:
            sub_response.status_code = 504
        elif sub_response.media_type == GRAPHQL_RESPONSE_JSON:
            sub_response.status_code = 400
        return response

    def encode_json(self, data: object) -> bytes:
        return encode_json(data)

    def create_response(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: Response
    ) -> Response:
        response = Response(
            self.encode_json(response_data),
            status_code=sub_response.status_code or 200,
            media_type=content_type(sub_response.media_type or JSON),
        )
        response.headers.raw.extend(sub_response.headers.raw)
        response.background = sub_response.background
        return response


def _request_error(message: str, code: str) -> PreExecutionError:
    return PreExecutionError(data=None, errors=[PublicError(message, code)])


def _is_request_error(result: ExecutionResult) -> bool:
    """Nothing executed: refused before execution, or variables that did not coerce (the only
    errors without a path when `data` is null; a field error always has one)."""
    if isinstance(result, PreExecutionError):
        return True
    errors = result.errors or ()
    return result.data is None and bool(errors) and all(error.path is None for error in errors)

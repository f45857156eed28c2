"""Refuse request bodies over `max_body_bytes` before anything parses them.

A declared Content-Length over the limit is refused at once; a chunked body (no length) is
counted as it arrives and refused as soon as it passes the limit, so a client cannot make the
server buffer more than the limit either way. Accepted bodies are replayed to the application.
"""

from collections.abc import Mapping

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from catalog_api.graphql_responses import error_response


class BodyTooLarge(Exception):
    pass


class BodyLimit:
    """`larger`: path prefixes with a limit of their own (the import endpoint takes files)."""

    def __init__(
        self, app: ASGIApp, max_bytes: int, larger: Mapping[str, int] | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.larger = dict(larger or {})

    def _limit(self, path: str) -> int:
        return next(
            (limit for prefix, limit in self.larger.items() if path.startswith(prefix)),
            self.max_bytes,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        limit = self._limit(scope["path"])
        declared = headers.get("content-length")
        if declared is not None and not declared.strip().isdigit():
            response = error_response(headers, "Content-Length 无效", "BAD_REQUEST", 400)
            await response(scope, receive, send)
            return
        try:
            if declared is not None and int(declared) > limit:
                raise BodyTooLarge
            messages = await self._read_body(receive, limit)
        except BodyTooLarge:
            response = error_response(
                headers,
                f"请求体超过 {limit} 字节的上限",
                "BODY_TOO_LARGE",
                413,
                {"connection": "close"},  # the rest of the body is never read
            )
            await response(scope, receive, send)
            return
        await self.app(scope, _replay(messages, receive), send)

    async def _read_body(self, receive: Receive, limit: int) -> list[Message]:
        messages: list[Message] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                return messages  # the client went away; the application sees it too
            size += len(message.get("body", b""))
            if size > limit:
                raise BodyTooLarge
            if not message.get("more_body", False):
                return messages


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()  # after the body: http.disconnect when the client leaves

    return replay

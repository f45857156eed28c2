"""What the schema tells the HTTP cache: which answers must never be shared.

The HTTP layer caches successful anonymous reads by their request bytes, invalidated by the
catalog's change events. Two things it cannot see from outside, the schema marks here by
setting `Cache-Control: private, no-store` on the request's sub-response (the HTTP cache then
leaves the response alone and keeps no copy):
- operations other than queries (a mutation must run every time);
- fields that answer from something other than the committed catalog, such as the search
  index, which catches up with the change events a moment later (`uncacheable`).
"""

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from catalog_api.schema.context import Info

PRIVATE = "private, no-store"


def _mark(context: object) -> None:
    response = getattr(context, "response", None)
    headers = getattr(response, "headers", None)
    # Only an HTTP sub-response can be marked: without HTTP (tests, scripts) there is none, and
    # over a WebSocket (subscriptions) the headers are the handshake's, read-only and not cached.
    if hasattr(headers, "__setitem__"):
        headers["cache-control"] = PRIVATE


def uncacheable(info: Info) -> None:
    """This field's answer must not be cached with the catalog's generation."""
    _mark(info.context)


class CachePolicy(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        if execution.operation_type is not OperationType.QUERY:
            _mark(execution.context)
        yield

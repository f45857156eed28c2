"""Media types of GraphQL over HTTP, and error bodies for requests refused before GraphQL runs.

The GraphQL-over-HTTP spec: a client that accepts `application/graphql-response+json` gets it
(and real status codes for request errors); `application/json` is the legacy default, also for
no Accept header or `*/*`; a client that accepts neither gets 406.
"""

import json
from collections.abc import Mapping

from starlette.datastructures import Headers
from starlette.responses import Response

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"
_DEFAULT = JSON
_ACCEPTED_AS = {
    GRAPHQL_RESPONSE_JSON: GRAPHQL_RESPONSE_JSON,
    JSON: JSON,
    "application/*": _DEFAULT,
    "*/*": _DEFAULT,
}


def negotiate(accept: str | None) -> str | None:
    """The media type to answer in, or None when the client accepts none we produce. The
    highest `q` wins; on a tie, the one the client listed first."""
    if not accept or not accept.strip():
        return _DEFAULT
    best: tuple[float, int, str] | None = None
    for position, part in enumerate(accept.split(",")):
        media, _, params = part.partition(";")
        produced = _ACCEPTED_AS.get(media.strip().lower())
        if produced is None:
            continue
        quality = _quality(params)
        if quality > 0 and (best is None or (-quality, position) < (-best[0], best[1])):
            best = (quality, position, produced)
    return best[2] if best else None


def _quality(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                return max(0.0, min(1.0, float(value)))
            except ValueError:
                return 0.0
    return 1.0


def content_type(media_type: str) -> str:
    return f"{media_type}; charset=utf-8"


def encode_json(data: object) -> bytes:
    """Chinese stays Chinese: no \\u escapes in any response."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def error_response(
    request_headers: Headers | Mapping[str, str],
    message: str,
    code: str,
    status_code: int,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """A GraphQL response with one top-level error and no `data`, in the media type the client
    asked for (application/json when it asked for none we produce)."""
    media_type = negotiate(request_headers.get("accept")) or _DEFAULT
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return Response(
        encode_json(body),
        status_code=status_code,
        headers={**(headers or {}), "content-type": content_type(media_type)},
    )

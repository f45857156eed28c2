"""ETags and the headers every GraphQL response carries."""

import hashlib

PRIVATE = "private, no-store"
# Signed-in answers differ from anonymous ones, and the media type follows `Accept`.
VARY = "Authorization, Accept"
GRAPHQL_MEDIA_TYPES = ("application/json", "application/graphql-response+json")


def etag_of(content_type: str, body: bytes) -> str:
    """A strong validator: equal for equal bytes of the same media type, whatever produced
    them, so a client revalidating after an unrelated write still gets its 304."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(content_type.encode())
    digest.update(b"\n")
    digest.update(body)
    return f'"{digest.hexdigest()}"'


def none_match(if_none_match: str | None, etag: str) -> bool:
    """Whether `If-None-Match` names `etag` (or is `*`): weak comparison, as RFC 9110 asks."""
    if not if_none_match:
        return False
    for candidate in if_none_match.split(","):
        tag = candidate.strip()
        if tag == "*" or tag.removeprefix("W/") == etag:
            return True
    return False


def public_cache_control(max_age: int) -> str:
    return f"public, max-age={max_age}"


def is_graphql_media_type(content_type: str | None) -> bool:
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    return media_type in GRAPHQL_MEDIA_TYPES

"""Sign-in: bearer JWTs → `Principal` (roles and agency/region scopes), below the GraphQL layer.

Nothing here imports Strawberry or Starlette: the HTTP layer calls `bearer_token` on the
`Authorization` header and `TokenVerifier.verify` on the token, and turns `AuthError` into a
top-level `UNAUTHENTICATED` error.
"""

from catalog_api.auth.principal import AuthError, Principal, Role
from catalog_api.auth.secret import SecretFileError, local_secret
from catalog_api.auth.tokens import TokenVerifier, bearer_token, mint_token

__all__ = [
    "AuthError",
    "Principal",
    "Role",
    "SecretFileError",
    "TokenVerifier",
    "bearer_token",
    "local_secret",
    "mint_token",
]

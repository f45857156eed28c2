"""Who is calling: a `Principal` with roles and scopes, or an `AuthError` saying why not."""

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    """What a signed-in person may do; scopes (agencies, regions) say where."""

    EDITOR = "editor"  # drafts and submits its agencies' records
    REVIEWER = "reviewer"  # publishes, rejects or withdraws what someone else submitted
    CATALOG_ADMIN = "catalog_admin"  # owns catalog items, agencies and regions


@dataclass(frozen=True)
class Principal:
    """A verified caller. Anonymous readers have no principal at all (`None`)."""

    subject: str
    name: str | None = None
    roles: frozenset[Role] = field(default_factory=frozenset)
    agencies: frozenset[str] = field(default_factory=frozenset)  # USCCs, normalised
    regions: frozenset[str] = field(default_factory=frozenset)  # GB/T 2260 codes

    def has(self, role: Role) -> bool:
        return role in self.roles


class AuthError(Exception):
    """A missing, malformed, expired or forged credential: GraphQL's `UNAUTHENTICATED`."""

    code = "UNAUTHENTICATED"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

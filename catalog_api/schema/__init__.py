"""The GraphQL schema: thin adapters from GraphQL to the application layer."""

import logging

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)
from strawberry.extensions.max_aliases import create_validator as alias_limit
from strawberry.extensions.query_depth_limiter import create_validator as depth_limit
from strawberry.types import ExecutionContext

from catalog_api.schema.errors import is_public, masking
from catalog_api.schema.mutations.items import ItemMutations
from catalog_api.schema.mutations.lists import ListMutations
from catalog_api.schema.mutations.records import RecordMutations
from catalog_api.schema.query import Query
from catalog_api.settings import Settings

log = logging.getLogger("catalog_api.graphql")


@strawberry.type
class Mutation(ItemMutations, ListMutations, RecordMutations):
    """Editors' writes; each runs in one transaction of its own."""


class CatalogSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log what went wrong inside the service; a client's bad request is not our error."""
        for error in errors:
            if not is_public(error):
                log.error("GraphQL resolver failed", exc_info=error.original_error)


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    settings = settings or Settings()
    # The limit rules are built once, so every request validates with the same rules and the
    # validation cache can answer repeated queries without walking the document again.
    limits = [
        depth_limit(settings.max_query_depth, None, None),
        alias_limit(settings.max_aliases),
    ]
    return CatalogSchema(
        query=Query,
        mutation=Mutation,
        extensions=[
            lambda: AddValidationRules(limits),
            lambda: MaxTokensLimiter(max_token_count=settings.max_query_tokens),
            masking,
            lambda: ParserCache(maxsize=1000),
            lambda: ValidationCache(maxsize=1000),
        ],
    )

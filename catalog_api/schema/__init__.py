"""The GraphQL schema: thin adapters from GraphQL to the application layer."""

import logging

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.types import ExecutionContext

from catalog_api.schema.errors import is_public, masking
from catalog_api.schema.mutations.items import ItemMutations
from catalog_api.schema.mutations.records import RecordMutations
from catalog_api.schema.query import Query
from catalog_api.settings import Settings

log = logging.getLogger("catalog_api.graphql")


@strawberry.type
class Mutation(ItemMutations, RecordMutations):
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
    return CatalogSchema(
        query=Query,
        mutation=Mutation,
        extensions=[
            lambda: QueryDepthLimiter(max_depth=settings.max_query_depth),
            lambda: MaxTokensLimiter(max_token_count=settings.max_query_tokens),
            lambda: MaxAliasesLimiter(max_alias_count=settings.max_aliases),
            masking,
            lambda: ParserCache(maxsize=1000),
            lambda: ValidationCache(maxsize=1000),
        ],
    )

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
from strawberry.types import ExecutionContext

from catalog_api.schema.cache_policy import CachePolicy
from catalog_api.schema.changes import Subscription
from catalog_api.schema.errors import is_public, masking
from catalog_api.schema.limits import QueryCostLimit, limit_rules, tag_token_limit
from catalog_api.schema.mutations.items import ItemMutations
from catalog_api.schema.mutations.lists import ListMutations
from catalog_api.schema.mutations.records import RecordMutations
from catalog_api.schema.mutations.scenarios import ScenarioMutations
from catalog_api.schema.query import Query
from catalog_api.schema.webhooks import WebhookMutations
from catalog_api.settings import Settings

log = logging.getLogger("catalog_api.graphql")


@strawberry.type
class Mutation(ItemMutations, ListMutations, ScenarioMutations, RecordMutations, WebhookMutations):
    """Editors' writes; each runs in one transaction of its own."""


class CatalogSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log what went wrong inside the service; a client's bad request is not our error.
        Every request error passes here, so the parser's token-limit error gets its code too."""
        for error in errors:
            tag_token_limit(error)
            if not is_public(error):
                log.error("GraphQL resolver failed", exc_info=error.original_error)


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    settings = settings or Settings()
    # The limit rules are built once, so every request validates with the same rules and the
    # validation cache can answer repeated queries without walking the document again.
    limits = limit_rules(settings)
    return CatalogSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=[
            lambda: AddValidationRules(limits),
            lambda: MaxTokensLimiter(max_token_count=settings.max_query_tokens),
            masking,
            lambda: QueryCostLimit(settings.max_query_cost, settings.max_page_size),
            lambda: ParserCache(maxsize=1000),
            lambda: ValidationCache(maxsize=1000),
            CachePolicy,
        ],
    )

"""The limits every operation must stay within, each refused with its own `extensions.code`:
depth, aliases and tokens (checked while parsing and validating) and the estimated cost
(checked before execution, when the variables that set page sizes are known)."""

from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError, ValidationContext, ValidationRule
from strawberry.extensions import SchemaExtension
from strawberry.extensions.max_aliases import create_validator as alias_limit
from strawberry.extensions.query_depth_limiter import create_validator as depth_limit

from catalog_api.schema.cost import operation_cost
from catalog_api.schema.errors import PublicError
from catalog_api.schema.pagination import DEFAULT_PAGE_SIZE
from catalog_api.settings import Settings

QUERY_TOO_DEEP = "QUERY_TOO_DEEP"
TOO_MANY_ALIASES = "TOO_MANY_ALIASES"
TOO_MANY_TOKENS = "TOO_MANY_TOKENS"
QUERY_TOO_COSTLY = "QUERY_TOO_COSTLY"
# graphql-core's lexer message when `max_tokens` stops the parser.
_TOKEN_LIMIT_MESSAGE = "Document contains more than"


def limit_rules(settings: Settings) -> list[type[ValidationRule]]:
    return [
        _coded(depth_limit(settings.max_query_depth, None, None), QUERY_TOO_DEEP),
        _coded(alias_limit(settings.max_aliases), TOO_MANY_ALIASES),
    ]


class _CodingContext:
    """A validation context that adds `extensions.code` to what a rule reports."""

    def __init__(self, context: ValidationContext, code: str) -> None:
        self._context = context
        self._code = code

    def report_error(self, error: GraphQLError) -> None:
        error.extensions = {**(error.extensions or {}), "code": self._code}
        self._context.report_error(error)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)


def _coded(rule: type[ValidationRule], code: str) -> type[ValidationRule]:
    class Coded(rule):  # type: ignore[valid-type, misc]
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(_CodingContext(context, code))

    Coded.__name__ = f"{rule.__name__}With{code.title().replace('_', '')}"
    return Coded


def tag_token_limit(error: GraphQLError) -> None:
    """The parser reports the token limit as a syntax error; give it its own code."""
    if _TOKEN_LIMIT_MESSAGE in error.message and "code" not in (error.extensions or {}):
        error.extensions = {**(error.extensions or {}), "code": TOO_MANY_TOKENS}


class QueryCostLimit(SchemaExtension):
    """Refuses, before any resolver runs, an operation whose estimated cost is over the budget;
    the error carries the estimate so a client can see how far over it is."""

    def __init__(self, max_cost: int, max_page_size: int) -> None:
        self.max_cost = max_cost
        self.max_page_size = max_page_size

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is not None:
            cost = operation_cost(
                context.schema._schema,
                context.graphql_document,
                context.operation_name,
                context.variables,
                DEFAULT_PAGE_SIZE,
                self.max_page_size,
            )
            if cost > self.max_cost:
                raise PublicError(
                    f"查询的估算代价 {cost} 超过上限 {self.max_cost}：请减少 first 或嵌套的列表",
                    QUERY_TOO_COSTLY,
                    cost=cost,
                    maxCost=self.max_cost,
                )
        yield

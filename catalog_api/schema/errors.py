"""Top-level errors the client may see, and the masking of everything else."""

from graphql import GraphQLError
from strawberry.extensions import MaskErrors


class PublicError(GraphQLError):
    """An error whose message is meant for the client (bad arguments, limits, permissions)."""

    def __init__(self, message: str, code: str, **extensions: object) -> None:
        super().__init__(message, extensions={"code": code, **extensions})


def bad_argument(argument: str, message: str) -> PublicError:
    return PublicError(f"参数 {argument} 无效：{message}", "BAD_USER_INPUT", argument=argument)


def is_public(error: GraphQLError) -> bool:
    """Errors about the request itself (syntax, validation, variable coercion, our own
    PublicError) are the client's to read; anything else is a failure inside the service."""
    original = error.original_error
    return original is None or isinstance(original, GraphQLError)


def _should_mask(error: GraphQLError) -> bool:
    return not is_public(error)


def masking() -> MaskErrors:
    """Unexpected errors reach the client as one plain message; the log keeps the details."""
    return MaskErrors(should_mask_error=_should_mask, error_message="服务器内部错误")

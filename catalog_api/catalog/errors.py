"""Business and validation failures, raised by commands and turned into `userErrors` upstream."""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from pydantic import ValidationError


class ErrorCode(StrEnum):
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    NOT_FOUND = "NOT_FOUND"
    STALE_VERSION = "STALE_VERSION"
    INVALID_STATE = "INVALID_STATE"
    DUPLICATE = "DUPLICATE"
    NOT_ALLOWED = "NOT_ALLOWED"


Path = tuple[str | int, ...]


@dataclass(frozen=True)
class FieldError:
    code: ErrorCode
    message: str
    path: Path = ()


class DomainError(Exception):
    """One or more failures; the transaction that raised it writes nothing."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = list(errors)

    @classmethod
    def one(cls, code: ErrorCode, message: str, *path: str | int) -> "DomainError":
        return cls([FieldError(code, message, tuple(path))])


def not_found(message: str, *path: str | int) -> DomainError:
    return DomainError.one(ErrorCode.NOT_FOUND, message, *path)


def invalid_state(message: str, *path: str | int) -> DomainError:
    return DomainError.one(ErrorCode.INVALID_STATE, message, *path)


def from_validation_error(exc: ValidationError, *prefix: str | int) -> DomainError:
    """Pydantic's errors, one per offending field, with the field path kept."""
    errors = []
    for error in exc.errors(include_url=False):
        code = ErrorCode.REQUIRED if error["type"] == "missing" else ErrorCode.INVALID
        errors.append(FieldError(code, _message(error), (*prefix, *error["loc"])))
    return DomainError(errors)


def _message(error: dict) -> str:  # type: ignore[type-arg]
    if error["type"] == "missing":
        return "必填项缺失"
    if error["type"] == "extra_forbidden":
        return "不是可编辑的字段"
    return str(error["msg"])

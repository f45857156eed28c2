"""Relay global IDs: base64 of "TypeName:uuid"."""

import base64
import binascii
import uuid

from catalog_api.schema.errors import bad_argument


def to_global_id(type_name: str, record_id: uuid.UUID | str) -> str:
    return base64.b64encode(f"{type_name}:{record_id}".encode()).decode()


def from_global_id(global_id: str, argument: str = "id") -> tuple[str, str]:
    try:
        type_name, _, key = base64.b64decode(global_id, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise bad_argument(argument, "不是有效的全局ID") from None
    if not type_name or not key:
        raise bad_argument(argument, "不是有效的全局ID")
    return type_name, key


def record_uuid(key: str, argument: str = "id") -> uuid.UUID:
    try:
        return uuid.UUID(key)
    except ValueError:
        raise bad_argument(argument, "不是有效的全局ID") from None

"""Token claims → `Principal`: every claim is checked for shape; a malformed one is refused."""

import re
from collections.abc import Iterable, Mapping
from typing import Any

from catalog_api.auth.principal import AuthError, Principal, Role
from models.codes import CodeError, validate_uscc

# GB/T 2260 county-level codes are 6 digits; townships (streets) add 3, statistical codes 6.
REGION_CODE = re.compile(r"^[0-9]{6}(?:[0-9]{3}|[0-9]{6})?$")
MAX_SCOPES = 200  # agencies or regions in one token
MAX_TEXT = 200  # characters of `sub` or `name`
_ROLES = frozenset(role.value for role in Role)


def principal_from_claims(claims: Mapping[str, Any]) -> Principal:
    """The principal a verified token's claims describe. Unknown roles are ignored."""
    return Principal(
        subject=_text(claims, "sub", required=True) or "",
        name=_text(claims, "name", required=False),
        roles=frozenset(Role(value) for value in _strings(claims, "roles") if value in _ROLES),
        agencies=frozenset(_uscc(value) for value in _strings(claims, "agencies")),
        regions=frozenset(_region(value) for value in _strings(claims, "regions")),
    )


def agency_codes(raw: Iterable[str]) -> list[str]:
    """Validated, normalised USCCs (for minting); raises `CodeError` naming a bad one."""
    return sorted({validate_uscc(value) for value in raw})


def region_codes(raw: Iterable[str]) -> list[str]:
    """Validated region codes (for minting); raises `ValueError` naming a bad one."""
    codes = {value.strip() for value in raw}
    for code in codes:
        if not REGION_CODE.match(code):
            raise ValueError(f"行政区划代码应为6、9或12位数字：{code}")
    return sorted(codes)


def _text(claims: Mapping[str, Any], name: str, *, required: bool) -> str | None:
    value = claims.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise AuthError(f"令牌声明 {name} 应为非空字符串")
    if len(value) > MAX_TEXT:
        raise AuthError(f"令牌声明 {name} 过长")
    return value.strip()


def _strings(claims: Mapping[str, Any], name: str) -> list[str]:
    value = claims.get(name)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise AuthError(f"令牌声明 {name} 应为字符串列表")
    if len(value) > MAX_SCOPES:
        raise AuthError(f"令牌声明 {name} 的条目过多（至多 {MAX_SCOPES} 个）")
    return value


def _uscc(value: str) -> str:
    try:
        return validate_uscc(value)
    except CodeError as exc:
        raise AuthError(f"令牌声明 agencies 含无效的统一社会信用代码：{exc}") from None


def _region(value: str) -> str:
    if not REGION_CODE.match(value):
        raise AuthError(f"令牌声明 regions 含无效的行政区划代码：{value[:20]}")
    return value

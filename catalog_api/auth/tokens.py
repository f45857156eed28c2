"""Bearer JWTs with PyJWT: HS256 with the local secret, or RS256/ES256 keys from a JWKS URL.

Every token's issuer, audience, expiry and algorithm are checked. The algorithm allow-list is
fixed by configuration, never taken from the token: with a JWKS only asymmetric algorithms are
accepted (so an HS256 token "signed" with a public key is refused), without one only HS256;
`alg: none` is never accepted.
"""

import asyncio
import logging
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from catalog_api.auth.claims import agency_codes, principal_from_claims, region_codes
from catalog_api.auth.principal import AuthError, Principal, Role
from catalog_api.auth.secret import local_secret
from catalog_api.settings import Settings

log = logging.getLogger(__name__)

LOCAL_ALGORITHM = "HS256"
MAX_TOKEN_LENGTH = 8192
REQUIRED_CLAIMS = ["sub", "exp", "iss", "aud"]

# Most specific first: each PyJWT error becomes one clear message.
_MESSAGES: list[tuple[type[Exception], str]] = [
    (jwt.ExpiredSignatureError, "令牌已过期"),
    (jwt.InvalidSignatureError, "令牌签名无效"),
    (jwt.InvalidAlgorithmError, "不支持的签名算法"),
    (jwt.InvalidAudienceError, "令牌受众不符"),
    (jwt.InvalidIssuerError, "令牌签发者不符"),
    (jwt.ImmatureSignatureError, "令牌尚未生效"),
    (jwt.InvalidIssuedAtError, "令牌签发时间（iat）无效"),
    (jwt.exceptions.InvalidSubjectError, "令牌声明 sub 应为非空字符串"),
    (jwt.InvalidKeyError, "签名密钥无效"),
    (jwt.DecodeError, "令牌格式错误"),
]


class TokenVerifier:
    """Turns a bearer token into a `Principal`, or raises `AuthError`. One per application."""

    def __init__(
        self,
        settings: Settings,
        *,
        jwks_cache_seconds: float = 300,
        jwks_refresh_cooldown_seconds: float = 30,
        jwks_timeout_seconds: float = 5,
    ) -> None:
        self._issuer = settings.jwt_issuer
        self._audience = settings.jwt_audience
        self._leeway = settings.jwt_leeway_seconds
        self._jwks: jwt.PyJWKClient | None = None
        self._secret: str | None = None
        if settings.jwt_jwks_url:
            self._algorithms: tuple[str, ...] = tuple(settings.jwt_algorithms)
            # Caches the key set; an unknown `kid` refetches it once (at most every cooldown).
            self._jwks = jwt.PyJWKClient(
                settings.jwt_jwks_url,
                cache_jwk_set=True,
                lifespan=jwks_cache_seconds,
                timeout=jwks_timeout_seconds,
                cooldown_duration=jwks_refresh_cooldown_seconds,
            )
        else:
            self._algorithms = (LOCAL_ALGORITHM,)
            self._secret = local_secret(settings)

    async def verify(self, token: str) -> Principal:
        header = _header(token)
        algorithm = header.get("alg")
        if not isinstance(algorithm, str) or algorithm not in self._algorithms:
            raise AuthError(f"不支持的签名算法：{str(algorithm)[:20]}")
        key = await self._key(header)
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=list(self._algorithms),
                audience=self._audience,
                issuer=self._issuer,
                leeway=self._leeway,
                options={"require": REQUIRED_CLAIMS, "enforce_minimum_key_length": True},
            )
        except jwt.MissingRequiredClaimError as exc:
            raise AuthError(f"缺少必需声明：{exc.claim}") from None
        except jwt.PyJWTError as exc:
            raise AuthError(_message(exc)) from None
        return principal_from_claims(claims)

    async def _key(self, header: dict[str, Any]) -> jwt.PyJWK | str:
        if self._jwks is None:
            assert self._secret is not None
            return self._secret
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise AuthError("令牌缺少签名密钥标识（kid）")
        try:
            return await asyncio.to_thread(self._jwks.get_signing_key, kid)
        except jwt.PyJWKClientConnectionError as exc:
            log.warning("cannot fetch the JWKS: %s", exc)
            raise AuthError("暂时无法获取签名密钥，请稍后重试") from None
        except jwt.PyJWKClientError:
            raise AuthError(f"未知的签名密钥：{kid[:64]}") from None
        except jwt.PyJWTError as exc:  # a key set PyJWT cannot read
            log.warning("unusable JWKS: %s", exc)
            raise AuthError("签名密钥无效") from None


def mint_token(
    settings: Settings,
    *,
    subject: str,
    roles: Iterable[Role | str],
    agencies: Iterable[str] = (),
    regions: Iterable[str] = (),
    name: str | None = None,
    ttl: timedelta = timedelta(hours=8),
    now: datetime | None = None,
) -> str:
    """An HS256 token signed with the local secret (for the embedded default and for trying
    things out). Raises `ValueError` on an unknown role, a bad USCC or region code, an empty
    subject or a non-positive `ttl`; `now` lets tests mint tokens that have already expired."""
    if not subject.strip():
        raise ValueError("令牌主体（subject）不能为空")
    if ttl <= timedelta(0):
        raise ValueError("令牌有效期应为正")
    issued = now or datetime.now(UTC)
    payload: dict[str, Any] = {
        "sub": subject.strip(),
        "roles": sorted({Role(role).value for role in roles}),
        "agencies": agency_codes(agencies),
        "regions": region_codes(regions),
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": issued,
        "exp": issued + ttl,
    }
    if name is not None and name.strip():
        payload["name"] = name.strip()
    return jwt.encode(payload, local_secret(settings), algorithm=LOCAL_ALGORITHM)


def bearer_token(authorization_header: str | None) -> str | None:
    """The token of an `Authorization: Bearer …` header; `None` without a header (anonymous).
    Another scheme or a malformed header is an `AuthError`."""
    if authorization_header is None or not authorization_header.strip():
        return None
    parts = authorization_header.split()
    if parts[0].lower() != "bearer":
        raise AuthError("不支持的认证方式：请使用 Authorization: Bearer <令牌>")
    if len(parts) != 2:
        raise AuthError("Authorization 请求头格式错误：应为 Bearer <令牌>")
    return parts[1]


def _header(token: str) -> dict[str, Any]:
    if len(token) > MAX_TOKEN_LENGTH:
        raise AuthError("令牌过长")
    try:
        return jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise AuthError("令牌格式错误") from None


def _message(exc: jwt.PyJWTError) -> str:
    for kind, message in _MESSAGES:
        if isinstance(exc, kind):
            return message
    return "令牌无效"

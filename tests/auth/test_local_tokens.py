"""HS256 tokens signed with the local secret: minted, verified, and every way one is refused."""

import hashlib
import hmac
from datetime import timedelta
from typing import Any

import jwt
import pytest

from catalog_api.auth import AuthError, Principal, Role, TokenVerifier, local_secret, mint_token
from catalog_api.settings import Settings
from tests.auth.conftest import (
    LIXIA,
    LIXIA_AGENCY,
    SHIZHONG_AGENCY,
    b64url,
    claims,
    in_the_past,
    segment,
)


def signed(settings: Settings, payload: dict[str, Any], **header: Any) -> str:
    return jwt.encode(payload, local_secret(settings), algorithm="HS256", headers=header or None)


async def refused(settings: Settings, token: str) -> str:
    with pytest.raises(AuthError) as caught:
        await TokenVerifier(settings).verify(token)
    assert caught.value.code == "UNAUTHENTICATED"
    return caught.value.message


async def test_a_minted_token_verifies_as_its_principal(settings: Settings) -> None:
    token = mint_token(
        settings,
        subject="zhang.san",
        name="张三",
        roles=[Role.EDITOR, "reviewer"],
        agencies=[LIXIA_AGENCY, SHIZHONG_AGENCY.lower()],
        regions=[LIXIA],
    )

    principal = await TokenVerifier(settings).verify(token)

    assert principal == Principal(
        subject="zhang.san",
        name="张三",
        roles=frozenset({Role.EDITOR, Role.REVIEWER}),
        agencies=frozenset({LIXIA_AGENCY, SHIZHONG_AGENCY}),  # normalised to upper case
        regions=frozenset({LIXIA}),
    )
    assert principal.has(Role.EDITOR)
    assert not principal.has(Role.CATALOG_ADMIN)


async def test_a_token_without_scopes_or_name_is_a_bare_principal(settings: Settings) -> None:
    token = signed(settings, claims(settings, name=None, roles=None, agencies=None, regions=None))

    principal = await TokenVerifier(settings).verify(token)

    assert principal == Principal(subject="zhang.san")
    assert principal.roles == frozenset()


async def test_unknown_roles_are_ignored(settings: Settings) -> None:
    token = signed(settings, claims(settings, roles=["editor", "superuser", "ADMIN"]))

    principal = await TokenVerifier(settings).verify(token)

    assert principal.roles == frozenset({Role.EDITOR})


async def test_an_expired_token_is_refused(settings: Settings) -> None:
    token = mint_token(settings, subject="zhang.san", roles=["editor"], now=in_the_past(9))

    assert await refused(settings, token) == "令牌已过期"


async def test_expiry_within_the_leeway_is_tolerated(settings: Settings) -> None:
    issued = in_the_past(1) - timedelta(seconds=10)  # expired 10 s ago; the leeway is 30 s
    token = mint_token(
        settings, subject="zhang.san", roles=["editor"], ttl=timedelta(hours=1), now=issued
    )

    principal = await TokenVerifier(settings).verify(token)

    assert principal.subject == "zhang.san"


async def test_a_token_for_another_audience_is_refused(settings: Settings) -> None:
    portal = settings.model_copy(update={"jwt_audience": "another-portal"})
    token = mint_token(portal, subject="zhang.san", roles=["editor"])

    assert await refused(settings, token) == "令牌受众不符"


async def test_a_token_from_another_issuer_is_refused(settings: Settings) -> None:
    other = settings.model_copy(update={"jwt_issuer": "someone-else"})
    token = mint_token(other, subject="zhang.san", roles=["editor"])

    assert await refused(settings, token) == "令牌签发者不符"


async def test_a_token_signed_with_another_secret_is_refused(settings: Settings) -> None:
    forger = settings.model_copy(update={"jwt_secret": "forged-" + "f" * 40})
    token = mint_token(forger, subject="zhang.san", roles=["catalog_admin"])

    assert await refused(settings, token) == "令牌签名无效"


async def test_a_tampered_payload_is_refused(settings: Settings) -> None:
    header, _, signature = mint_token(settings, subject="li.si", roles=["editor"]).split(".")
    payload = segment(claims(settings, sub="li.si", roles=["catalog_admin"]))

    assert await refused(settings, f"{header}.{payload}.{signature}") == "令牌签名无效"


@pytest.mark.parametrize("alg", ["none", "None", "NONE"])
async def test_an_unsigned_alg_none_token_is_refused(settings: Settings, alg: str) -> None:
    token = f"{segment({'alg': alg, 'typ': 'JWT'})}.{segment(claims(settings))}."

    assert await refused(settings, token) == f"不支持的签名算法：{alg}"


async def test_a_token_without_alg_is_refused(settings: Settings) -> None:
    signing_input = f"{segment({'typ': 'JWT'})}.{segment(claims(settings))}"
    mac = hmac.new(local_secret(settings).encode(), signing_input.encode(), hashlib.sha256)

    message = await refused(settings, f"{signing_input}.{b64url(mac.digest())}")

    assert message.startswith("不支持的签名算法")


@pytest.mark.parametrize("alg", ["HS384", "HS512", "RS256", "ES256"])
async def test_only_hs256_is_accepted_without_a_jwks(settings: Settings, alg: str) -> None:
    signing_input = f"{segment({'alg': alg, 'typ': 'JWT'})}.{segment(claims(settings))}"
    mac = hmac.new(local_secret(settings).encode(), signing_input.encode(), hashlib.sha512)

    message = await refused(settings, f"{signing_input}.{b64url(mac.digest())}")

    assert message == f"不支持的签名算法：{alg}"


@pytest.mark.parametrize("claim", ["sub", "exp", "iss", "aud"])
async def test_a_token_missing_a_required_claim_is_refused(settings: Settings, claim: str) -> None:
    token = signed(settings, claims(settings, **{claim: None}))

    assert await refused(settings, token) == f"缺少必需声明：{claim}"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"roles": "editor"}, "令牌声明 roles 应为字符串列表"),
        ({"roles": ["editor", 1]}, "令牌声明 roles 应为字符串列表"),
        ({"agencies": {"a": 1}}, "令牌声明 agencies 应为字符串列表"),
        ({"regions": 370102}, "令牌声明 regions 应为字符串列表"),
        ({"agencies": ["11370102MB1234567X"]}, "令牌声明 agencies 含无效的统一社会信用代码"),
        ({"regions": ["37010"]}, "令牌声明 regions 含无效的行政区划代码：37010"),
        ({"name": 42}, "令牌声明 name 应为非空字符串"),
        ({"name": "x" * 201}, "令牌声明 name 过长"),
        ({"sub": 42}, "令牌声明 sub 应为非空字符串"),
        ({"sub": "  "}, "令牌声明 sub 应为非空字符串"),
        ({"exp": "tomorrow"}, "令牌格式错误"),
        ({"iat": "yesterday"}, "令牌签发时间（iat）无效"),
        ({"roles": ["editor"] * 201}, "令牌声明 roles 的条目过多（至多 200 个）"),
    ],
)
async def test_malformed_claims_are_refused(
    settings: Settings, overrides: dict[str, Any], message: str
) -> None:
    token = signed(settings, claims(settings, **overrides))

    assert (await refused(settings, token)).startswith(message)


async def test_a_token_issued_in_the_future_is_refused(settings: Settings) -> None:
    future = claims(settings)
    future["iat"] += 3600
    future["exp"] += 3600

    assert await refused(settings, signed(settings, future)) == "令牌尚未生效"


@pytest.mark.parametrize(
    "token",
    ["", "abc", "a.b", "a.b.c", "....", "eyJhbGciOiJIUzI1NiJ9.!!!.x", "é.é.é"],
)
async def test_garbage_is_refused(settings: Settings, token: str) -> None:
    assert await refused(settings, token) == "令牌格式错误"


async def test_a_huge_token_is_refused_unread(settings: Settings) -> None:
    assert await refused(settings, "a" * 10_000) == "令牌过长"


def test_minting_checks_what_it_signs(settings: Settings) -> None:
    with pytest.raises(ValueError, match="'owner' is not a valid Role"):
        mint_token(settings, subject="zhang.san", roles=["owner"])
    with pytest.raises(ValueError, match="校验位错误"):
        mint_token(settings, subject="zhang.san", roles=["editor"], agencies=["11370102MB1234567X"])
    with pytest.raises(ValueError, match="行政区划代码"):
        mint_token(settings, subject="zhang.san", roles=["editor"], regions=["济南"])
    with pytest.raises(ValueError, match="不能为空"):
        mint_token(settings, subject=" ", roles=["editor"])
    with pytest.raises(ValueError, match="有效期应为正"):
        mint_token(settings, subject="zhang.san", roles=["editor"], ttl=timedelta(0))


async def test_expiry_beyond_the_leeway_is_refused(settings: Settings) -> None:
    strict = settings.model_copy(update={"jwt_leeway_seconds": 0})
    issued = in_the_past(1) - timedelta(seconds=10)
    token = mint_token(
        settings, subject="zhang.san", roles=["editor"], ttl=timedelta(hours=1), now=issued
    )

    assert await refused(strict, token) == "令牌已过期"

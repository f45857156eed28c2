"""RS256/ES256 tokens verified through the identity service's JWKS, served over real HTTP."""

import hashlib
import hmac
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from pydantic import ValidationError

from catalog_api.auth import AuthError, Principal, Role, TokenVerifier, mint_token
from catalog_api.settings import Settings
from tests.auth.conftest import (
    LIXIA,
    LIXIA_AGENCY,
    JwksServer,
    SigningKey,
    b64url,
    claims,
    segment,
)


async def refused(verifier: TokenVerifier, token: str) -> str:
    with pytest.raises(AuthError) as caught:
        await verifier.verify(token)
    assert caught.value.code == "UNAUTHENTICATED"
    return caught.value.message


@pytest.mark.parametrize("key", ["rsa_key", "ec_key"])
async def test_a_token_signed_by_the_identity_service_verifies(
    jwks_settings: Settings, key: str, request: pytest.FixtureRequest
) -> None:
    signer: SigningKey = request.getfixturevalue(key)
    token = signer.sign(claims(jwks_settings, roles=["reviewer", "editor"]))

    principal = await TokenVerifier(jwks_settings).verify(token)

    assert principal == Principal(
        subject="zhang.san",
        name="张三",
        roles=frozenset({Role.REVIEWER, Role.EDITOR}),
        agencies=frozenset({LIXIA_AGENCY}),
        regions=frozenset({LIXIA}),
    )


async def test_the_key_set_is_fetched_once_and_cached(
    jwks_settings: Settings, jwks: JwksServer, rsa_key: SigningKey, ec_key: SigningKey
) -> None:
    verifier = TokenVerifier(jwks_settings)

    for _ in range(3):
        await verifier.verify(rsa_key.sign(claims(jwks_settings)))
        await verifier.verify(ec_key.sign(claims(jwks_settings)))

    assert jwks.requests == ["/jwks.json"]


async def test_a_token_with_an_unknown_kid_is_refused(
    jwks_settings: Settings, jwks: JwksServer, rsa_key: SigningKey
) -> None:
    stranger = SigningKey("stranger", "RS256", rsa.generate_private_key(65537, 2048))
    verifier = TokenVerifier(jwks_settings, jwks_refresh_cooldown_seconds=0)

    message = await refused(verifier, stranger.sign(claims(jwks_settings)))

    assert message == "未知的签名密钥：stranger"
    assert jwks.requests == ["/jwks.json", "/jwks.json"]  # refreshed once, then refused


async def test_a_rotated_in_key_is_found_by_one_refresh(
    jwks_settings: Settings, jwks: JwksServer, rsa_key: SigningKey
) -> None:
    verifier = TokenVerifier(jwks_settings, jwks_refresh_cooldown_seconds=0)
    await verifier.verify(rsa_key.sign(claims(jwks_settings)))
    rotated = SigningKey("ec-2", "ES256", ec.generate_private_key(ec.SECP256R1()))
    jwks.keys.append(rotated.jwk())

    principal = await verifier.verify(rotated.sign(claims(jwks_settings)))

    assert principal.subject == "zhang.san"
    assert len(jwks.requests) == 2


async def test_a_key_signing_under_anothers_kid_is_refused(
    jwks_settings: Settings, rsa_key: SigningKey
) -> None:
    impostor = SigningKey(rsa_key.kid, "RS256", rsa.generate_private_key(65537, 2048))

    message = await refused(TokenVerifier(jwks_settings), impostor.sign(claims(jwks_settings)))

    assert message == "令牌签名无效"


async def test_a_token_without_kid_is_refused(jwks_settings: Settings, rsa_key: SigningKey) -> None:
    token = rsa_key.sign(claims(jwks_settings), kid=None)

    message = await refused(TokenVerifier(jwks_settings), token)

    assert message == "令牌缺少签名密钥标识（kid）"


async def test_an_hs256_token_is_refused_once_a_jwks_is_configured(
    settings: Settings, jwks_settings: Settings, jwks: JwksServer
) -> None:
    token = mint_token(settings, subject="zhang.san", roles=["catalog_admin"])

    message = await refused(TokenVerifier(jwks_settings), token)

    assert message == "不支持的签名算法：HS256"
    assert jwks.requests == []  # refused before any key is looked up


async def test_hs256_signed_with_the_public_key_is_refused(
    jwks_settings: Settings, jwks: JwksServer, rsa_key: SigningKey
) -> None:
    # The classic algorithm confusion: HMAC "signed" with the RSA public key everyone can fetch.
    public_pem = rsa_key.private.public_key().public_bytes(
        Encoding.PEM, PublicFormat.SubjectPublicKeyInfo
    )
    header = {"alg": "HS256", "typ": "JWT", "kid": rsa_key.kid}
    signing_input = f"{segment(header)}.{segment(claims(jwks_settings, roles=['catalog_admin']))}"
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()

    message = await refused(TokenVerifier(jwks_settings), f"{signing_input}.{b64url(mac)}")

    assert message == "不支持的签名算法：HS256"
    assert jwks.requests == []


async def test_alg_none_is_refused_with_a_jwks(
    jwks_settings: Settings, jwks: JwksServer, rsa_key: SigningKey
) -> None:
    header = {"alg": "none", "typ": "JWT", "kid": rsa_key.kid}
    token = f"{segment(header)}.{segment(claims(jwks_settings))}."

    assert await refused(TokenVerifier(jwks_settings), token) == "不支持的签名算法：none"
    assert jwks.requests == []


async def test_a_header_naming_another_algorithm_than_the_key_is_refused(
    jwks_settings: Settings, rsa_key: SigningKey, ec_key: SigningKey
) -> None:
    # An ES256 signature presented under the RSA key's kid: the key fixes the algorithm.
    token = ec_key.sign(claims(jwks_settings), kid=rsa_key.kid)

    assert await refused(TokenVerifier(jwks_settings), token) == "不支持的签名算法"


async def test_algorithms_outside_the_configured_list_are_refused(
    jwks_settings: Settings, jwks: JwksServer, ec_key: SigningKey
) -> None:
    rsa_only = jwks_settings.model_copy(update={"jwt_algorithms": ["RS256"]})

    message = await refused(TokenVerifier(rsa_only), ec_key.sign(claims(rsa_only)))

    assert message == "不支持的签名算法：ES256"


@pytest.mark.parametrize("algorithms", [["HS256"], ["none"], ["RS256", "HS512"], []])
def test_settings_accept_only_asymmetric_algorithms(algorithms: list[Any]) -> None:
    with pytest.raises(ValidationError):
        Settings(jwt_algorithms=algorithms)


async def test_expiry_audience_and_issuer_are_checked_on_jwks_tokens(
    jwks_settings: Settings, ec_key: SigningKey
) -> None:
    verifier = TokenVerifier(jwks_settings)
    expired = claims(jwks_settings)
    expired["iat"] -= 7200
    expired["exp"] -= 7200

    assert await refused(verifier, ec_key.sign(expired)) == "令牌已过期"
    assert await refused(verifier, ec_key.sign(claims(jwks_settings, aud="x"))) == "令牌受众不符"
    assert await refused(verifier, ec_key.sign(claims(jwks_settings, iss="x"))) == "令牌签发者不符"


async def test_an_unreachable_jwks_refuses_tokens(
    settings: Settings, jwks: JwksServer, rsa_key: SigningKey
) -> None:
    gone = settings.model_copy(update={"jwt_jwks_url": jwks.url.replace("jwks.json", "gone")})

    message = await refused(TokenVerifier(gone), rsa_key.sign(claims(gone)))

    assert message == "暂时无法获取签名密钥，请稍后重试"


def test_a_jwks_verifier_needs_no_local_secret(jwks_settings: Settings) -> None:
    TokenVerifier(jwks_settings)

    assert not jwks_settings.jwt_secret_file.exists()

"""Settings on a temporary secret file, hand-crafted tokens, and a real JWKS over HTTP.

The JWKS server is `http.server` in a thread on 127.0.0.1 (port 0); the key set it serves can
be changed by a test (key rotation) and it counts the requests it answered (caching).
"""

import base64
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from catalog_api.settings import Settings

LIXIA_AGENCY = "11370102MB1234567U"  # a 历下区 agency's USCC (valid check character)
SHIZHONG_AGENCY = "11370103MB76543217"
LIXIA = "370102"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def segment(value: dict[str, Any]) -> str:
    return b64url(json.dumps(value).encode())


def claims(settings: Settings, **overrides: Any) -> dict[str, Any]:
    """Valid claims for `settings`, as numbers (what a foreign identity service sends)."""
    now = int(datetime.now(UTC).timestamp())
    values: dict[str, Any] = {
        "sub": "zhang.san",
        "name": "张三",
        "roles": ["editor"],
        "agencies": [LIXIA_AGENCY],
        "regions": [LIXIA],
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now,
        "exp": now + 3600,
    }
    values.update(overrides)
    return {name: value for name, value in values.items() if value is not None}


def in_the_past(hours: float) -> datetime:
    return datetime.now(UTC) - timedelta(hours=hours)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The embedded default: no secret configured, so one is kept in a file."""
    return Settings(
        jwt_secret=None,
        jwt_secret_file=tmp_path / "var" / "jwt-secret",
        jwt_jwks_url=None,
        jwt_issuer="yichuang",
        jwt_audience="yichuang",
        jwt_leeway_seconds=30,
    )


# --- the identity service's keys and JWKS ----------------------------------------------------


@dataclass
class SigningKey:
    kid: str
    algorithm: str
    private: Any

    def jwk(self) -> dict[str, Any]:
        to_jwk = RSAAlgorithm.to_jwk if self.algorithm.startswith("RS") else ECAlgorithm.to_jwk
        jwk = to_jwk(self.private.public_key(), as_dict=True)
        return {**jwk, "kid": self.kid, "use": "sig", "alg": self.algorithm}

    def sign(self, payload: dict[str, Any], **header: Any) -> str:
        """Signed with this key; `header` overrides the kid (None drops it)."""
        fields = {name: value for name, value in {"kid": self.kid, **header}.items() if value}
        return jwt.encode(payload, self.private, algorithm=self.algorithm, headers=fields)


@pytest.fixture(scope="module")
def rsa_key() -> SigningKey:
    return SigningKey("rsa-1", "RS256", rsa.generate_private_key(65537, 2048))


@pytest.fixture(scope="module")
def ec_key() -> SigningKey:
    return SigningKey("ec-1", "ES256", ec.generate_private_key(ec.SECP256R1()))


@dataclass
class JwksServer:
    url: str
    keys: list[dict[str, Any]]
    requests: list[str] = field(default_factory=list)


def _handler(state: JwksServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.requests.append(self.path)
            if self.path != "/jwks.json":
                self.send_error(404)
                return
            body = json.dumps({"keys": state.keys}).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def jwks(rsa_key: SigningKey, ec_key: SigningKey) -> Iterator[JwksServer]:
    state = JwksServer(url="", keys=[rsa_key.jwk(), ec_key.jwk()])
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.url = f"http://127.0.0.1:{server.server_address[1]}/jwks.json"
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def jwks_settings(settings: Settings, jwks: JwksServer) -> Settings:
    return settings.model_copy(update={"jwt_jwks_url": jwks.url})

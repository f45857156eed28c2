"""`Authorization: Bearer …`: no header is anonymous; anything else but a bearer is refused."""

import pytest

from catalog_api.auth import AuthError, bearer_token


@pytest.mark.parametrize("header", [None, "", "   "])
def test_no_header_is_anonymous(header: str | None) -> None:
    assert bearer_token(header) is None


@pytest.mark.parametrize(
    "header", ["Bearer abc.def.ghi", "bearer abc.def.ghi", "BEARER  abc.def.ghi "]
)
def test_the_scheme_is_case_insensitive(header: str) -> None:
    assert bearer_token(header) == "abc.def.ghi"


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("Basic dXNlcjpwYXNz", "不支持的认证方式"),
        ("Token abc", "不支持的认证方式"),
        ("abc.def.ghi", "不支持的认证方式"),
        ("Bearer", "Authorization 请求头格式错误"),
        ("Bearer a b", "Authorization 请求头格式错误"),
    ],
)
def test_other_schemes_and_malformed_headers_are_refused(header: str, message: str) -> None:
    with pytest.raises(AuthError) as caught:
        bearer_token(header)

    assert caught.value.code == "UNAUTHENTICATED"
    assert caught.value.message.startswith(message)

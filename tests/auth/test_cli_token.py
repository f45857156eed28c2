"""`yichuang token`: prints only a token that the service verifies, or fails clearly."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from catalog_api.auth import Principal, Role, TokenVerifier
from catalog_api.cli import app
from catalog_api.settings import Settings
from tests.auth.conftest import LIXIA, LIXIA_AGENCY, SHIZHONG_AGENCY

runner = CliRunner()


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    secret_file = tmp_path / "var" / "jwt-secret"
    for name in ("SECRET", "JWKS_URL", "ISSUER", "AUDIENCE", "ALGORITHMS"):
        monkeypatch.delenv(f"YICHUANG_JWT_{name}", raising=False)
    monkeypatch.setenv("YICHUANG_JWT_SECRET_FILE", str(secret_file))
    return secret_file


async def test_the_token_printed_verifies_as_asked() -> None:
    result = runner.invoke(
        app,
        [
            "token",
            "--role", "editor",
            "--role", "reviewer",
            "--agency", LIXIA_AGENCY,
            "--agency", SHIZHONG_AGENCY.lower(),
            "--region", LIXIA,
            "--subject", "zhang.san",
            "--name", "张三",
        ],
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert result.stdout == token + "\n"  # only the token: TOKEN=$(yichuang token …)
    principal = await TokenVerifier(Settings()).verify(token)
    assert principal == Principal(
        subject="zhang.san",
        name="张三",
        roles=frozenset({Role.EDITOR, Role.REVIEWER}),
        agencies=frozenset({LIXIA_AGENCY, SHIZHONG_AGENCY}),
        regions=frozenset({LIXIA}),
    )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--role", "editor", "--agency", "11370102MB1234567X"], "校验位错误"),
        (["--role", "editor", "--agency", "123"], "统一社会信用代码应为18位"),
        (["--role", "owner"], "未知的角色：owner（可用：editor、reviewer、catalog_admin）"),
        (["--role", "editor", "--region", "济南"], "行政区划代码应为6、9或12位数字"),
        (["--role", "editor", "--hours", "0"], "--hours 应大于 0 且不超过 720"),
        (["--role", "editor", "--subject", " "], "令牌主体（subject）不能为空"),
    ],
)
def test_bad_arguments_fail_clearly(arguments: list[str], message: str) -> None:
    result = runner.invoke(app, ["token", *arguments])

    assert result.exit_code == 1
    assert result.stdout == ""
    assert message in result.output.replace("\n", "")


def test_a_role_is_required() -> None:
    result = runner.invoke(app, ["token", "--agency", LIXIA_AGENCY])

    assert result.exit_code == 2
    assert result.stdout == ""


def test_minting_is_refused_when_the_service_trusts_a_jwks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("YICHUANG_JWT_JWKS_URL", "https://id.example.invalid/jwks.json")

    result = runner.invoke(app, ["token", "--role", "editor"])

    assert result.exit_code == 1
    assert "YICHUANG_JWT_JWKS_URL" in result.output


def test_a_bad_secret_setting_is_named_but_not_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YICHUANG_JWT_SECRET", "hunter2")

    result = runner.invoke(app, ["token", "--role", "editor"])

    assert result.exit_code == 1
    assert "jwt_secret" in result.output
    assert "hunter2" not in result.output

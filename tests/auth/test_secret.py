"""The local secret: configured, or created once in a 0600 file and reused."""

import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from catalog_api.auth import SecretFileError, TokenVerifier, local_secret, mint_token
from catalog_api.settings import Settings


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_secret_file_is_created_once_private_and_reused(settings: Settings) -> None:
    path = settings.jwt_secret_file
    assert not path.exists()

    first = local_secret(settings)
    again = local_secret(settings)

    assert path.exists()
    assert mode_of(path) == 0o600
    assert first == again == path.read_text().strip()
    assert len(first) >= 32
    assert [p.name for p in path.parent.iterdir()] == ["jwt-secret"]  # no temporary left


async def test_a_token_minted_by_one_process_verifies_in_another(settings: Settings) -> None:
    token = mint_token(settings, subject="zhang.san", roles=["editor"])  # `yichuang token`
    server = TokenVerifier(settings.model_copy())  # `yichuang serve`, later

    assert (await server.verify(token)).subject == "zhang.san"


def test_processes_starting_together_agree_on_one_secret(settings: Settings) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        secrets = set(pool.map(lambda _: local_secret(settings), range(16)))

    assert len(secrets) == 1
    assert [p.name for p in settings.jwt_secret_file.parent.iterdir()] == ["jwt-secret"]


def test_a_configured_secret_wins_and_no_file_is_written(settings: Settings) -> None:
    configured = Settings(jwt_secret="s" * 32, jwt_secret_file=settings.jwt_secret_file)

    assert local_secret(configured) == "s" * 32
    assert not settings.jwt_secret_file.exists()
    assert "s" * 32 not in repr(configured)  # a SecretStr: never printed


def test_a_short_configured_secret_is_refused(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YICHUANG_JWT_SECRET", "too-short")
    with pytest.raises(ValueError, match="jwt_secret"):
        Settings()
    with pytest.raises(SecretFileError, match="过短"):
        local_secret(settings.model_copy(update={"jwt_secret": "too-short"}))


def test_a_secret_file_readable_by_others_is_refused(settings: Settings) -> None:
    local_secret(settings)
    settings.jwt_secret_file.chmod(0o644)

    with pytest.raises(SecretFileError, match="权限过宽"):
        local_secret(settings)


def test_a_truncated_secret_file_is_refused(settings: Settings) -> None:
    path = settings.jwt_secret_file
    path.parent.mkdir(parents=True)
    path.write_text("short\n")
    path.chmod(0o600)

    with pytest.raises(SecretFileError, match="过短"):
        local_secret(settings)

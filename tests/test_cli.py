"""`yichuang`: each command says what it did, or fails clearly with a non-zero exit."""

import pytest
from typer.testing import CliRunner, Result

from catalog_api.cli import app

runner = CliRunner()


def said(result: Result) -> str:
    """The output as one line: the console wraps long Chinese lines wherever it likes."""
    return result.output.replace("\n", "")


def test_migrate_creates_the_schema(
    empty_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YICHUANG_DATABASE_URL", empty_database_url)

    first = runner.invoke(app, ["migrate"])
    again = runner.invoke(app, ["migrate"])

    assert first.exit_code == 0, first.output
    assert "数据库已迁移到 head" in said(first)
    assert again.exit_code == 0  # migrating twice is harmless


def test_migrate_reports_an_unreachable_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YICHUANG_DATABASE_URL", "postgresql+asyncpg://nobody@127.0.0.1:1/nowhere")

    result = runner.invoke(app, ["migrate"])

    assert result.exit_code == 1
    assert "迁移失败" in said(result)


def test_seed_refuses_a_silly_synthetic_size(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("YICHUANG_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/x.db")

    result = runner.invoke(app, ["seed", "--synthetic", "0"])

    assert result.exit_code == 1
    assert "--synthetic 应在 1 到 2000000 之间" in said(result)


def test_seed_without_migrating_says_what_to_do(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("YICHUANG_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/x.db")

    result = runner.invoke(app, ["seed"])

    assert result.exit_code == 1
    assert "是否已运行 yichuang migrate" in said(result)


def test_serve_refuses_to_start_without_a_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YICHUANG_DATABASE_URL", "postgresql+asyncpg://nobody@127.0.0.1:1/nowhere")

    result = runner.invoke(app, ["serve", "--port", "0"])

    assert result.exit_code == 1
    assert "无法连接数据库" in said(result)


def test_no_arguments_prints_help() -> None:
    result = runner.invoke(app, [])

    assert "migrate" in said(result) and "seed" in said(result) and "serve" in said(result)


def test_reindex_builds_the_search_index_from_the_catalog(
    empty_database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("YICHUANG_DATABASE_URL", empty_database_url)
    monkeypatch.setenv("YICHUANG_FILES_DIR", str(tmp_path / "files"))
    monkeypatch.setenv("YICHUANG_SEARCH_INDEX_PATH", str(tmp_path / "index" / "search.db"))
    assert runner.invoke(app, ["migrate"]).exit_code == 0
    assert runner.invoke(app, ["seed", "--synthetic", "40"]).exit_code == 0

    result = runner.invoke(app, ["reindex"])

    assert result.exit_code == 0, result.output
    assert "检索索引已重建：40 个已发布的实施清单事项" in said(result)
    assert (tmp_path / "index" / "search.db").exists()


def test_reindex_reports_an_unreachable_database(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("YICHUANG_DATABASE_URL", "postgresql+asyncpg://nobody@127.0.0.1:1/nowhere")
    monkeypatch.setenv("YICHUANG_SEARCH_INDEX_PATH", str(tmp_path / "search.db"))

    result = runner.invoke(app, ["reindex"])

    assert result.exit_code == 1
    assert "重建检索索引失败" in said(result)

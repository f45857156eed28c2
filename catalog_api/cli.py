"""`yichuang`: one command line for every job (migrate, seed, serve …)."""

import asyncio
import logging
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.engine import make_url

from catalog_api import migrate as migrations
from catalog_api.app import create_app
from catalog_api.db import Database
from catalog_api.settings import Settings
from seed.cli import run_seed

app = typer.Typer(
    help="一窗 yichuang: the single source of truth for government service items.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
err = Console(stderr=True)


def _settings() -> Settings:
    settings = Settings()
    if settings.database_url.startswith("sqlite"):
        path = settings.database_url.split(":///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    return settings


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]错误：[/]{message}")
    return typer.Exit(code=1)


@app.command()
def migrate(
    revision: Annotated[str, typer.Option(help="Target revision.")] = "head",
) -> None:
    """Create or upgrade the database schema (Alembic)."""
    settings = _settings()
    try:
        asyncio.run(migrations.upgrade(settings.database_url, revision))
    except Exception as exc:
        raise _fail(f"迁移失败：{exc}") from exc
    console.print(f"数据库已迁移到 {revision}：{_safe_url(settings.database_url)}")


@app.command()
def seed(
    synthetic: Annotated[
        int | None,
        typer.Option(help="Instead of the demo catalog, add N synthetic service items."),
    ] = None,
) -> None:
    """Load the Jinan demo catalog (idempotent), or N synthetic items for benchmarks."""
    settings = _settings()
    if synthetic is not None and not 1 <= synthetic <= 2_000_000:
        raise _fail("--synthetic 应在 1 到 2000000 之间")
    try:
        message = asyncio.run(run_seed(settings, synthetic, _progress))
    except Exception as exc:
        logging.getLogger(__name__).debug("seed failed", exc_info=True)
        raise _fail(f"导入失败：{exc}（是否已运行 yichuang migrate？）") from exc
    console.print(message)


def _progress(description: str, total: int) -> Progress:
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )
    bar.add_task(description, total=total)
    return bar


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to bind.")] = None,
) -> None:
    """Serve GraphQL at http://HOST:PORT/graphql (GraphiQL in a browser)."""
    settings = _settings()
    host, port = host or settings.host, port or settings.port
    asyncio.run(_check_database(settings))
    console.print(f"一窗 yichuang 正在 http://{host}:{port}/graphql 提供服务")
    uvicorn.run(create_app(settings), host=host, port=port, log_level=settings.log_level)


async def _check_database(settings: Settings) -> None:
    database = Database(settings.database_url)
    try:
        await database.ping()
    except Exception as exc:
        raise _fail(f"无法连接数据库 {_safe_url(settings.database_url)}：{exc}") from exc
    finally:
        await database.dispose()


def _safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def main() -> None:
    app()

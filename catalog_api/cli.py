"""`yichuang`: one command line for every job (migrate, seed, serve …)."""

import asyncio
import logging
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.engine import make_url

from catalog_api import migrate as migrations
from catalog_api.app import create_app
from catalog_api.auth import Role, SecretFileError, mint_token
from catalog_api.catalog.queries.items import ServiceItemFilter, count_service_items
from catalog_api.catalog.search import open_search
from catalog_api.db import Database
from catalog_api.exports import (
    BadParameter,
    Export,
    check,
    csv_chunks,
    file_name,
    parse,
    write_xlsx,
)
from catalog_api.import_cli import export_kind, import_file, import_template
from catalog_api.persisted_queries import ManifestError, add_to_manifest
from catalog_api.settings import Settings
from models.base import utc_now
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


@app.command()
def reindex() -> None:
    """Rebuild the search index from the catalog; the old index keeps serving until the new
    one is complete, then the server switches to it at once."""
    settings = _settings()
    try:
        indexed = asyncio.run(_reindex(settings))
    except Exception as exc:
        logging.getLogger(__name__).debug("reindex failed", exc_info=True)
        raise _fail(f"重建检索索引失败：{exc}") from exc
    console.print(f"检索索引已重建：{indexed} 个已发布的实施清单事项")


async def _reindex(settings: Settings) -> int:
    database = Database(settings.database_url)
    search = open_search(settings, database)
    try:
        async with database.read() as session:
            total = await count_service_items(session, ServiceItemFilter(), utc_now())
        with _progress("重建检索索引", total) as bar:
            task = bar.task_ids[0]
            return await search.rebuild(lambda done: bar.advance(task, done))
    finally:
        await search.close()
        await database.dispose()


@app.command()
def token(
    role: Annotated[
        list[str], typer.Option(help="Role: editor, reviewer or catalog_admin (repeatable).")
    ],
    agency: Annotated[
        list[str] | None, typer.Option(help="USCC of an agency in scope (repeatable).")
    ] = None,
    region: Annotated[
        list[str] | None, typer.Option(help="Region code in scope, e.g. 370102 (repeatable).")
    ] = None,
    subject: Annotated[str, typer.Option(help="Who the token speaks for (`sub`).")] = "dev",
    name: Annotated[str | None, typer.Option(help="Display name, e.g. 张三.")] = None,
    hours: Annotated[float, typer.Option(help="Hours until the token expires.")] = 8,
) -> None:
    """Mint an HS256 token signed with the local secret; prints only the token
    (TOKEN=$(yichuang token --role editor --agency USCC))."""
    try:
        settings = Settings()
    except ValidationError as exc:  # named by field only: the input may be a secret
        fields = "、".join(f"{'.'.join(map(str, e['loc']))}（{e['msg']}）" for e in exc.errors())
        raise _fail(f"配置无效：{fields}") from None
    if settings.jwt_jwks_url:
        raise _fail("已配置 YICHUANG_JWT_JWKS_URL：服务只接受统一身份认证签发的令牌，本地令牌无效")
    if unknown := [value for value in role if value not in {r.value for r in Role}]:
        known = "、".join(Role)
        raise _fail(f"未知的角色：{'、'.join(unknown)}（可用：{known}）")
    if not 0 < hours <= 24 * 30:
        raise _fail("--hours 应大于 0 且不超过 720")
    try:
        minted = mint_token(
            settings,
            subject=subject,
            roles=role,
            agencies=agency or (),
            regions=region or (),
            name=name,
            ttl=timedelta(hours=hours),
        )
    except (ValueError, SecretFileError, OSError) as exc:
        raise _fail(str(exc)) from exc
    typer.echo(minted)


@app.command("persisted-query")
def persisted_query(
    files: Annotated[
        list[Path], typer.Argument(help=".graphql files, each one operation's exact text.")
    ],
    manifest: Annotated[
        Path | None,
        typer.Option(help="Manifest to add them to; default YICHUANG_PERSISTED_QUERIES_FILE."),
    ] = None,
) -> None:
    """Register operations in the persisted-query manifest (created when missing) and print
    each SHA-256: clients send that hash, for exactly that text."""
    manifest = manifest or Settings().persisted_queries_file
    if manifest is None:
        raise _fail("请用 --manifest 或 YICHUANG_PERSISTED_QUERIES_FILE 指定清单文件")
    try:
        queries = [path.read_text(encoding="utf-8") for path in files]
        hashes = add_to_manifest(manifest, queries)
    except (OSError, UnicodeDecodeError, ManifestError) as exc:
        raise _fail(str(exc)) from exc
    for path, sha256 in zip(files, hashes, strict=True):
        console.print(f"{sha256}  {path}", highlight=False, soft_wrap=True)
    console.print(f"已登记 {len(hashes)} 个查询：{manifest}", highlight=False, soft_wrap=True)


app.command("import")(import_file)
app.command("export-kind")(export_kind)
app.command("import-template")(import_template)


@app.command("export-list")
def export_list(
    list_name: Annotated[
        str,
        typer.Argument(
            metavar="LIST",
            help="power-list, fee-list, intermediary-list, public-service-list or trip-list.",
        ),
    ],
    file_format: Annotated[str, typer.Option("--format", help="csv or xlsx.")] = "xlsx",
    region: Annotated[str | None, typer.Option(help="Region code, e.g. 370102.")] = None,
    agency: Annotated[str | None, typer.Option(help="USCC of the agency.")] = None,
    item_types: Annotated[
        str | None, typer.Option("--item-types", help="Item type codes, e.g. 01,02.")
    ] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="ISO time; default now.")] = None,
    max_trips: Annotated[
        int | None, typer.Option("--max-trips", help="trip-list: 0 零跑腿, 1 最多跑一次.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File to write; default its name.")
    ] = None,
) -> None:
    """Write a public list as CSV or XLSX, with the column headers agencies publish."""
    params = {
        key: str(value)
        for key, value in {
            "region": region,
            "agency": agency,
            "itemTypes": item_types,
            "asOf": as_of,
            "maxTrips": max_trips,
        }.items()
        if value is not None
    }
    try:
        job = parse(list_name, file_format, params)
        path, rows = asyncio.run(_export_list(_settings(), job, output))
    except BadParameter as exc:
        raise _fail(f"参数 {exc.parameter} 无效：{exc.message}") from exc
    console.print(f"已导出 {rows} 行：{path}")


async def _export_list(settings: Settings, job: Export, output: Path | None) -> tuple[Path, int]:
    database = Database(settings.database_url)
    try:
        await check(database, job)
        path = output or Path(await file_name(database, job))
        partial = path.with_name(path.name + ".partial")
        if job.file_format == "xlsx":
            rows = await write_xlsx(database, job.request, partial)
        else:
            rows = -1  # the header
            with partial.open("wb") as sink:
                async for chunk in csv_chunks(database, job.request):
                    sink.write(chunk)
                    rows += chunk.count(b"\r\n")
        partial.replace(path)
        return path, rows
    finally:
        await database.dispose()


def main() -> None:
    app()

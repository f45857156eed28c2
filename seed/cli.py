"""What `yichuang seed` does, kept beside the seed data it loads."""

from collections.abc import Callable
from typing import Any

from catalog_api.db import Database
from catalog_api.settings import Settings
from seed.bulk import load_synthetic
from seed.demo import load_demo as demo_catalog
from seed.loader import load_demo, load_reference, store_files
from seed.synthetic import synthetic_catalog

ProgressFactory = Callable[[str, int], Any]


async def run_seed(settings: Settings, synthetic: int | None, progress: ProgressFactory) -> str:
    database = Database(settings.database_url)
    try:
        if synthetic is not None:
            return await _synthetic(database, settings, synthetic, progress)
        return await _demo(database, settings, progress)
    finally:
        await database.dispose()


async def _demo(database: Database, settings: Settings, progress: ProgressFactory) -> str:
    demo = demo_catalog()
    total = len(demo.catalog_items) + len(demo.service_items)
    with progress("载入济南市示例目录", total) as bar:
        summary = await load_demo(
            database, settings.files_dir, demo, lambda n: bar.advance(bar.task_ids[0], n)
        )
    if not (summary.catalog_items or summary.service_items or summary.scenarios):
        return "示例目录此前已载入，未作改动。"
    return (
        f"已载入：区划 {summary.regions} 个，实施主体 {summary.agencies} 个，"
        f"附件 {summary.files} 个，基本目录事项 {summary.catalog_items} 项，"
        f"收费项目 {summary.fee_items} 项，中介服务事项 {summary.intermediary_services} 项，"
        f"实施清单事项 {summary.service_items} 项（其中 {summary.revised} 项有修订版本），"
        f"一件事 {summary.scenarios} 项。"
    )


async def _synthetic(
    database: Database, settings: Settings, n: int, progress: ProgressFactory
) -> str:
    catalog = synthetic_catalog(n)
    await load_reference(database, catalog.regions, catalog.agencies)
    await store_files(database, settings.files_dir, catalog.files)
    with progress(f"生成 {n} 项合成实施清单", n) as bar:
        loaded = await load_synthetic(
            database,
            catalog.agencies,
            catalog.catalog_items,
            catalog.service_items,
            lambda k: bar.advance(bar.task_ids[0], k),
            fee_items=catalog.fee_items,
        )
    return (
        f"已载入合成数据：实施清单事项 {loaded} 项，基本目录事项 {len(catalog.catalog_items)} 项。"
    )

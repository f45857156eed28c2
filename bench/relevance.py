"""`python -m bench.relevance`: recall@3 and MRR of search on the Jinan demo catalog.

The demo catalog is loaded through the editing commands into a fresh SQLite database (as
`yichuang seed` does), indexed from the catalog (as `yichuang reindex` does), and every case of
`tests/search/relevance.yaml` is asked; a case passes when one of its expected catalog items is
among the first three distinct catalog items of the hits. The same bar is asserted by
`tests/seed/test_loader.py`.
"""

import asyncio
import json
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from catalog_api import migrate
from catalog_api.catalog.search import open_search
from catalog_api.db import Database
from catalog_api.settings import Settings
from search.documents import SearchFilter
from search.relevance import evaluate, load_cases
from seed.demo import load_demo as demo_catalog
from seed.loader import load_demo

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "search" / "relevance.yaml"
RESULTS = ROOT / "bench" / "results"


async def main() -> None:
    with tempfile.TemporaryDirectory(prefix="yichuang-relevance-") as work:
        url = f"sqlite+aiosqlite:///{work}/demo.db"
        settings = Settings(
            database_url=url, files_dir=Path(work) / "files", search_index_path=Path(work) / "s.db"
        )
        await migrate.upgrade(url)
        database = Database(url)
        search = open_search(settings, database)
        try:
            await load_demo(database, settings.files_dir, demo_catalog())
            indexed = await search.rebuild()

            async def ranked(query: str) -> list[str]:
                page = await search.search(query, SearchFilter(), 60, None)
                return [hit.code[19:] for hit in page.hits]  # the basic code in the item's code

            started = time.perf_counter()
            report = await evaluate(load_cases(CASES), ranked, k=3)
            seconds = time.perf_counter() - started
        finally:
            await search.close()
            await database.dispose()
    print(f"{indexed} published service items indexed; {report.cases} queries in {seconds:.2f} s")
    print(report.summary())
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"relevance-{stamp}.json").write_text(
        json.dumps(
            {
                "cases": report.cases,
                "recall_at_3": report.recall,
                "mrr": report.mrr,
                "by_kind": {
                    kind: {"cases": s.cases, "recall": s.recall, "mrr": s.mrr}
                    for kind, s in report.by_kind.items()
                },
                "failures": [f.query for f in report.failures],
            },
            ensure_ascii=False,
            indent=2,
        ),
        encoding="utf-8",
    )


if __name__ == "__main__":
    asyncio.run(main())

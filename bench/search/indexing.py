"""Part 1: a full reindex of the N published items, and where its time goes.

- `read`: iterate `CatalogChangeSource.all_documents(1000)` alone (SQL + building documents);
- `analysis`: `Analyzer.document` over those documents, in memory;
- `writes`: `Rebuild.add` of the same documents in batches of 1,000, then `switch`, with an
  analyzer that hands back the analyses made beforehand (so: the backend's own preparation and
  its SQLite writes, minus analysis);
- `reindex`: `CatalogSearch.rebuild` into a fresh index file, all of the above together.

The analyzer's caches (names, words, pinyin) are cleared before every round that analyses, so
each round costs what it would in a freshly started process; jieba's dictionary is loaded once,
beforehand, and timed on its own.
"""

import importlib
import pkgutil
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.search.stats import rounds_summary
from catalog_api.catalog.search import CatalogChangeSource, CatalogSearch
from catalog_api.db import Database
from search import analysis
from search.analysis import AnalysedDocument, Analyzer
from search.backends.embedded import EmbeddedBackend
from search.documents import SearchDocument

BATCH = 1000


class PrecomputedAnalyzer(Analyzer):
    """Hands back analyses made beforehand: the backend's writes without the analysis."""

    def __init__(self, analysed: dict[str, AnalysedDocument]) -> None:
        super().__init__()
        self._analysed = analysed

    def document(self, doc: SearchDocument) -> AnalysedDocument:
        return self._analysed[doc.id]


def cold_caches() -> int:
    """Clear every `functools` cache of the analysis modules; returns how many."""
    cleared = 0
    for info in pkgutil.iter_modules(analysis.__path__, f"{analysis.__name__}."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()
                cleared += 1
    return cleared


def remove_index(path: Path) -> None:
    for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        file.unlink(missing_ok=True)


def load_analyzer() -> tuple[Analyzer, float]:
    """The analyzer, with jieba's dictionary and OpenCC loaded (timed)."""
    started = time.perf_counter()
    analyzer = Analyzer()
    analyzer.document(SearchDocument(id="warm", code="c", catalog_code="c", name="居民身份证换领"))
    analyzer.query("居民身份證")
    return analyzer, time.perf_counter() - started


async def read_documents(database: Database) -> tuple[list[SearchDocument], float]:
    started = time.perf_counter()
    documents: list[SearchDocument] = []
    async for batch in CatalogChangeSource(database).all_documents(BATCH):
        documents.extend(batch)
    return documents, time.perf_counter() - started


def analyse(
    analyzer: Analyzer, documents: Sequence[SearchDocument]
) -> tuple[dict[str, AnalysedDocument], float]:
    cold_caches()
    started = time.perf_counter()
    analysed = {doc.id: analyzer.document(doc) for doc in documents}
    return analysed, time.perf_counter() - started


async def write(
    path: Path, documents: Sequence[SearchDocument], analysed: dict[str, AnalysedDocument]
) -> tuple[float, float]:
    """(seconds of `add`, seconds of `switch`) into a fresh file."""
    remove_index(path)
    backend = EmbeddedBackend(path, PrecomputedAnalyzer(analysed))
    await backend.open()
    try:
        rebuild = await backend.begin_rebuild(0)
        started = time.perf_counter()
        for start in range(0, len(documents), BATCH):
            failures = await rebuild.add(documents[start : start + BATCH])
            if failures:
                raise RuntimeError(f"{len(failures)} documents failed: {failures[0]}")
        added = time.perf_counter()
        await rebuild.switch()
        return added - started, time.perf_counter() - added
    finally:
        await backend.close()
        remove_index(path)


async def reindex(database: Database, analyzer: Analyzer, path: Path) -> tuple[int, float]:
    """`CatalogSearch.rebuild` into a fresh file (kept): (documents indexed, seconds)."""
    remove_index(path)
    cold_caches()
    search = CatalogSearch(EmbeddedBackend(path, analyzer), analyzer, database)
    try:
        started = time.perf_counter()
        indexed = await search.rebuild()
        return indexed, time.perf_counter() - started
    finally:
        await search.close()


async def measure(
    database: Database, analyzer: Analyzer, index_dir: Path, *, rounds: int, reindex_rounds: int
) -> tuple[dict[str, Any], list[SearchDocument], Path]:
    """The phases, then the full reindexes; returns the results, the documents and the file
    the last reindex left (for the queries)."""
    reads, analyses, adds, switches = [], [], [], []
    documents: list[SearchDocument] = []
    for _ in range(rounds):
        documents, seconds = await read_documents(database)
        reads.append(seconds)
    analysed: dict[str, AnalysedDocument] = {}
    for _ in range(rounds):
        analysed, seconds = analyse(analyzer, documents)
        analyses.append(seconds)
    for _ in range(rounds):
        added, switched = await write(index_dir / "writes-only.db", documents, analysed)
        adds.append(added)
        switches.append(switched)
    del analysed
    path = index_dir / "index.db"
    totals, indexed = [], 0
    for _ in range(reindex_rounds):
        indexed, seconds = await reindex(database, analyzer, path)
        totals.append(seconds)
    if indexed != len(documents):
        raise RuntimeError(f"reindexed {indexed} documents, read {len(documents)}")
    count = len(documents)
    result = {
        "documents": count,
        "guide_chars_mean": sum(len(d.guide) for d in documents) / max(count, 1),
        "reindex": rounds_summary(totals),
        "items_per_s": count / rounds_summary(totals)["median_s"],
        "read": rounds_summary(reads),
        "analysis": rounds_summary(analyses),
        "writes_add": rounds_summary(adds),
        "writes_switch": rounds_summary(switches),
        "index_bytes": sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists()),
    }
    return result, documents, path

#!/usr/bin/env python3
"""Smoke test of a running search node: what a search backend needs, over plain HTTP (stdlib only),
then through the official `elasticsearch` client if it is importable.

    python3 scripts/search-node/smoke.py http://127.0.0.1:9250

Leaves nothing behind (its indices, alias and template are named smoke-*). Ends with the line
'N passed, N failed' and exits non-zero if anything failed.
"""

from __future__ import annotations

import asyncio
import json
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

URL = (sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:9250").rstrip("/")
results: list[tuple[str, bool, str]] = []


def http(
    method: str, path: str, body: Any = None, ndjson: list[Any] | None = None
) -> tuple[int, dict[str, str], Any]:
    data = None
    headers = {}
    if ndjson is not None:
        data = ("\n".join(json.dumps(x, ensure_ascii=False) for x in ndjson) + "\n").encode()
        headers["Content-Type"] = "application/x-ndjson"
    elif body is not None:
        data = json.dumps(body, ensure_ascii=False).encode()
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(URL + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            raw = r.read()
            return (
                r.status,
                {k.lower(): v for k, v in r.headers.items()},
                json.loads(raw) if raw else None,
            )
    except urllib.error.HTTPError as e:
        raw = e.read()
        return (
            e.code,
            {k.lower(): v for k, v in e.headers.items()},
            json.loads(raw) if raw else None,
        )


def check(name: str, fn: Callable[[], Any]) -> None:
    try:
        detail = fn()
        results.append((name, True, "" if detail is None else str(detail)))
    except Exception as e:
        results.append((name, False, f"{type(e).__name__}: {e}"))


def ok(status: int, body: Any) -> Any:
    assert 200 <= status < 300, f"HTTP {status}: {json.dumps(body, ensure_ascii=False)[:300]}"
    return body


def cleanup() -> None:
    http("DELETE", "/smoke-v1,smoke-v2?ignore_unavailable=true")
    http("DELETE", "/_index_template/smoke-template")


def root() -> str:
    status, headers, body = http("GET", "/")
    ok(status, body)
    assert headers.get("x-elastic-product") == "Elasticsearch", headers
    assert body["version"]["number"].startswith("8."), body
    return body["version"]["number"]


def template() -> None:
    ok(
        *_drop_headers(
            http(
                "PUT",
                "/_index_template/smoke-template",
                {
                    "index_patterns": ["smoke-*"],
                    "template": {
                        "settings": {
                            "number_of_shards": 1,
                            "number_of_replicas": 0,
                            "analysis": {
                                "analyzer": {
                                    "ws_lower": {
                                        "type": "custom",
                                        "tokenizer": "whitespace",
                                        "filter": ["lowercase"],
                                    }
                                }
                            },
                        },
                        "mappings": {
                            "dynamic": "strict",
                            "properties": {
                                "title": {"type": "text", "analyzer": "whitespace"},
                                "body": {"type": "text", "analyzer": "ws_lower"},
                                "tags": {"type": "keyword"},
                                "rank": {"type": "integer"},
                            },
                        },
                    },
                },
            )
        )
    )
    for index in ("smoke-v1", "smoke-v2"):
        ok(*_drop_headers(http("PUT", "/" + index)))
    _, _, mapping = http("GET", "/smoke-v1/_mapping")
    assert mapping["smoke-v1"]["mappings"]["properties"]["title"]["analyzer"] == "whitespace", (
        mapping
    )


def _drop_headers(r: tuple[int, dict[str, str], Any]) -> tuple[int, Any]:
    return r[0], r[2]


def bulk() -> None:
    docs = [
        (
            "1",
            {
                "title": "北京 大学 图书馆",
                "body": "Hello World 北京",
                "tags": ["a", "b"],
                "rank": 1,
            },
        ),
        ("2", {"title": "北京 烤鸭", "body": "hello duck", "tags": ["b"], "rank": 2}),
    ]
    lines: list[Any] = []
    for doc_id, doc in docs:
        lines += [{"index": {"_index": "smoke-v1", "_id": doc_id}}, doc]
    status, _, body = http("POST", "/_bulk?refresh=true", ndjson=lines)
    ok(status, body)
    assert body["errors"] is False, body


def search() -> str:
    status, _, body = http(
        "POST",
        "/smoke-v1/_search",
        {
            "query": {
                "bool": {
                    "must": [{"match": {"title": "北京"}}],
                    "filter": [{"terms": {"tags": ["b"]}}, {"prefix": {"tags": "b"}}],
                    "should": [{"match": {"body": "HELLO"}}],
                }
            },
            "aggs": {"tags": {"terms": {"field": "tags"}}},
            "highlight": {"fields": {"title": {}}},
            "sort": [{"rank": "asc"}],
            "size": 1,
        },
    )
    ok(status, body)
    assert body["hits"]["total"]["value"] == 2, body
    buckets = {b["key"]: b["doc_count"] for b in body["aggregations"]["tags"]["buckets"]}
    assert buckets == {"a": 1, "b": 2}, buckets
    hit = body["hits"]["hits"][0]
    assert hit["_id"] == "1" and "<em>北京</em>" in hit["highlight"]["title"][0], hit
    status, _, after = http(
        "POST",
        "/smoke-v1/_search",
        {
            "query": {"match": {"title": "北京"}},
            "sort": [{"rank": "asc"}],
            "size": 1,
            "search_after": hit["sort"],
        },
    )
    ok(status, after)
    assert [h["_id"] for h in after["hits"]["hits"]] == ["2"], after
    # whitespace analysis: "大学" is one token, "大" is not
    _, _, none = http("POST", "/smoke-v1/_search", {"query": {"match": {"title": "大"}}})
    assert none["hits"]["total"]["value"] == 0, none
    return f"aggs {buckets}"


def alias_swap() -> None:
    ok(
        *_drop_headers(
            http(
                "POST", "/_aliases", {"actions": [{"add": {"index": "smoke-v1", "alias": "smoke"}}]}
            )
        )
    )
    _, _, c1 = http("GET", "/smoke/_count")
    assert c1["count"] == 2, c1
    ok(
        *_drop_headers(
            http(
                "POST",
                "/_aliases",
                {
                    "actions": [
                        {"remove": {"index": "smoke-v1", "alias": "smoke"}},
                        {"add": {"index": "smoke-v2", "alias": "smoke"}},
                    ]
                },
            )
        )
    )
    _, _, aliases = http("GET", "/_alias/smoke")
    assert list(aliases) == ["smoke-v2"], aliases
    _, _, c2 = http("GET", "/smoke/_count")
    assert c2["count"] == 0, c2


def client() -> str:
    try:
        import elasticsearch
        from elasticsearch import AsyncElasticsearch
    except ImportError:
        return "skipped: the elasticsearch package is not installed"

    async def run() -> str:
        es = AsyncElasticsearch(URL)
        try:
            info = await es.info()
            r = await es.search(
                index="smoke-v1",
                query={"match": {"body": "hello"}},
                aggs={"t": {"terms": {"field": "tags"}}},
            )
            assert r["hits"]["total"]["value"] == 2, r
            server = info["version"]["number"]
            return f"elasticsearch-py {elasticsearch.__versionstr__} -> server {server}"
        finally:
            await es.close()

    return asyncio.run(run())


def main() -> int:
    cleanup()
    check("GET / (X-Elastic-Product)", root)
    check("index template + whitespace analyzers", template)
    check("bulk", bulk)
    check("search: bool/terms/prefix/match, terms agg, highlight, search_after", search)
    check("atomic alias swap", alias_swap)
    check("official Python client", client)
    cleanup()
    for name, passed, detail in results:
        print(f"{'ok  ' if passed else 'FAIL'} {name}{': ' + detail if detail else ''}")
    failed = sum(1 for _, p, _ in results if not p)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

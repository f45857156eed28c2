"""Search and suggestion requests of the Elasticsearch backend, and what their answers mean.
No client here: these are plain request bodies (`search.backends.elasticsearch` sends them).

A search is one request: a `bool` query whose `should` clauses are a `term` query per query
term and token field, boosted by `FIELD_WEIGHTS` (so the score is the weighted sum of each
field's BM25, as in the embedded backend), plus `prefix` queries on the pinyin field; the
filters in `filter`; sorted by score, then code, then id (`search_after` pages by those three);
and a `terms` aggregation per facet field. User text only ever becomes term values.
"""

from collections.abc import Sequence
from typing import Any

from search.analysis import FIELD_WEIGHTS, PREFIX_FIELDS, TOKEN_FIELDS, AnalysedQuery
from search.backends.elasticsearch_mapping import (
    SUGGESTION_SEPARATOR,
    clamp_int32,
    query_terms,
)
from search.backends.embedded_sql import MAX_FILTER_VALUES, clean, query_tokens
from search.documents import Facet, FacetBucket, FacetField, SearchFilter, Suggestion

# Buckets per facet field: every value there is (agencies are the most numerous, in the hundreds).
FACET_SIZE = 10_000
SORT = [{"_score": "desc"}, {"code": "asc"}, {"id": "asc"}]


def text_clauses(query: AnalysedQuery) -> list[dict[str, Any]]:
    """The scored clauses of a query (empty: it matches nothing)."""
    terms, prefixes = query_tokens(query)
    terms, prefixes = query_terms(terms), query_terms(prefixes)
    clauses: list[dict[str, Any]] = []
    for field in TOKEN_FIELDS:
        weight = float(FIELD_WEIGHTS[field])
        clauses += [
            {"term": {f"tokens.{field}": {"value": term, "boost": weight}}} for term in terms
        ]
        if field in PREFIX_FIELDS:
            clauses += [
                {"prefix": {f"tokens.{field}": {"value": prefix, "boost": weight}}}
                for prefix in prefixes
            ]
    return clauses


def filter_clauses(where: SearchFilter) -> list[dict[str, Any]]:
    clauses: list[dict[str, Any]] = []

    def any_of(field: str, values: Sequence[str] | str | None) -> None:
        if values is None:
            return
        if isinstance(values, str):
            values = (values,)
        kept = [clean(str(value)) for value in list(values)[:MAX_FILTER_VALUES]]
        if kept:
            clauses.append({"terms": {field: kept}})

    any_of("region_codes", where.region)
    any_of(f"facet.{FacetField.AGENCY}", where.agency)
    any_of(f"facet.{FacetField.ITEM_TYPE}", where.item_types)
    any_of(f"facet.{FacetField.LEVEL}", where.levels)
    any_of(f"facet.{FacetField.SERVICE_OBJECT}", where.service_objects)
    any_of(f"facet.{FacetField.ONLINE_DEPTH}", where.online_depths)
    if where.max_trips is not None:
        clauses.append({"range": {"onsite_visits": {"lte": clamp_int32(int(where.max_trips))}}})
    if where.charging is not None:
        any_of(f"facet.{FacetField.CHARGING}", "true" if where.charging else "false")
    any_of(f"facet.{FacetField.LIST}", where.lists)
    any_of(f"facet.{FacetField.CHANNEL}", where.channels)
    return clauses


def search_body(
    clauses: list[dict[str, Any]],
    where: SearchFilter,
    size: int,
    after: tuple[float, str, str] | None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "query": {
            "bool": {
                "should": clauses,
                "minimum_should_match": 1,
                "filter": filter_clauses(where),
            }
        },
        "sort": SORT,
        "size": size,
        "track_total_hits": True,
        "source": ["doc"],
        "aggregations": {
            field.value: {
                "terms": {
                    "field": f"facet.{field.value}",
                    "size": FACET_SIZE,
                    "order": [{"_count": "desc"}, {"_key": "asc"}],
                }
            }
            for field in FacetField
        },
    }
    if after is not None:
        body["search_after"] = list(after)
    return body


def facets(aggregations: dict[str, Any] | None) -> tuple[Facet, ...]:
    """Every facet field, in `FacetField` order, buckets by count desc then value."""
    aggregations = aggregations or {}
    out = []
    for field in FacetField:
        buckets = aggregations.get(field.value, {}).get("buckets", [])
        counted = [(str(b["key"]), int(b["doc_count"])) for b in buckets if b["doc_count"]]
        out.append(
            Facet(
                field=field.value,
                buckets=tuple(
                    FacetBucket(value=value, count=count)
                    for value, count in sorted(counted, key=lambda b: (-b[1], b[0]))
                    if value
                ),
            )
        )
    return tuple(out)


def empty_facets() -> tuple[Facet, ...]:
    return facets(None)


# --- suggestions ------------------------------------------------------------------------------


def suggest_body(prefixes: Sequence[str], size: int) -> dict[str, Any]:
    """Names whose suggestion keys start with any of the prefixes, counted per (name, catalog
    code): most documents first, then the shorter name, then the name."""
    return {
        "size": 0,
        "track_total_hits": False,
        "query": {
            "bool": {
                "should": [{"prefix": {"suggest": {"value": prefix}}} for prefix in prefixes],
                "minimum_should_match": 1,
            }
        },
        "aggregations": {
            "names": {
                "terms": {
                    "field": "suggestion",
                    "size": size,
                    "order": [{"_count": "desc"}, {"length": "asc"}, {"_key": "asc"}],
                },
                "aggregations": {"length": {"min": {"field": "name_length"}}},
            }
        },
    }


def suggestions(buckets: list[dict[str, Any]], first: int) -> list[Suggestion]:
    """The first `first` distinct names of the buckets (a name's best catalog code)."""
    out: dict[str, Suggestion] = {}
    for bucket in buckets:
        name, _, code = str(bucket["key"]).partition(SUGGESTION_SEPARATOR)
        if name and name not in out:
            out[name] = Suggestion(text=name, catalog_code=code or None)
            if len(out) >= first:
                break
    return list(out.values())

"""What the Elasticsearch backend stores: index names, the index template, and documents turned
into Elasticsearch sources. Nothing here talks to a cluster (`search.backends.elasticsearch`
does), and nothing imports the client.

Names, for the index prefix `p`:

- `p-items-<generation>`: one index per generation (the template `p-items` gives its settings
  and mappings). `p-search` is the read alias and `p-search-write` the write alias: both point
  at the current generation, and a rebuild moves both in one `_aliases` call. A generation being
  built has its own alias `p-build-<generation>`, so that its writes can require an alias and a
  dropped index is never re-created by a late bulk request.
- `p-meta`: the doc `current` (generation, offset, lease) and one doc per generation being
  built (`generation-<g>`: its offset).

The token fields hold the analyser's tokens (`search.analysis`), split and folded exactly as the
embedded backend's FTS5 `ascii` tokenizer does and joined by spaces for the `whitespace`
tokenizer (the few characters it would split at inside a token are replaced), so both backends
see the same terms and the same field lengths, and BM25 (the same k1 and b as FTS5) ranks alike.
Facets and filters use keyword fields (`facet.<FacetField>`, values as
`search.backends.embedded_bits.facet_values` gives them: trips "0"/"1"/"2+", charging
"true"/"false"); the SearchDocument itself is kept unindexed in `doc`, for highlights.
"""

import dataclasses
import json
import re
from dataclasses import dataclass
from typing import Any

from search.analysis import TOKEN_FIELDS, Analyzer
from search.backends.embedded_bits import facet_values
from search.backends.embedded_sql import clean, fold, fts_tokens, new_generation
from search.documents import FacetField, SearchDocument

# Bumped when the mappings change: an index written by another version is replaced by an empty
# one at offset 0 when the backend opens (the indexer then rebuilds it).
SCHEMA_VERSION = 1

# A token longer than this is left out of the index and of queries: the whitespace tokenizer
# would cut it at 255 characters. No real token comes near.
MAX_TOKEN_CHARS = 255
# Characters Java's `Character.isWhitespace` (hence the whitespace tokenizer) splits at but the
# embedded backend's tokenizer keeps inside tokens: each stands in for itself as a character of
# the supplementary private use area, at index and at query time alike.
_SPLITTING = (
    "\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a\u2028\u2029\u205f\u3000"
)
_KEEP_WHOLE = str.maketrans({c: chr(0xF0000 + ord(c)) for c in _SPLITTING})
_NEEDS_KEEPING = re.compile(f"[{_SPLITTING}]")
_ASCII_UPPER = re.compile("[A-Z]")
_LONG_TOKEN = re.compile(f"[0-9A-Za-z\u0080-\U0010ffff]{{{MAX_TOKEN_CHARS + 1}}}")
# Elasticsearch refuses a whole bulk request with a longer `_id`.
MAX_ID_BYTES = 512
# Separates name and catalog code in the `suggestion` field (names are cleaned of NUL).
SUGGESTION_SEPARATOR = "\x00"

_PREFIX = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")
_SOURCE_FIELDS = tuple(f.name for f in dataclasses.fields(SearchDocument))
_TUPLE_FIELDS = {"aliases", "materials", "region_codes", "service_objects", "lists", "channels"}
_INT32 = (-(2**31), 2**31 - 1)


@dataclass(frozen=True)
class Names:
    """Index, alias and template names for one index prefix."""

    prefix: str

    def __post_init__(self) -> None:
        # "-items-" inside a prefix would let two prefixes' template patterns overlap.
        if not _PREFIX.match(self.prefix) or "-items-" in f"{self.prefix}-":
            raise ValueError(
                f"index prefix {self.prefix!r}: use lowercase letters, digits, '-' and '_' "
                "(starting with a letter or digit, at most 100 characters, no '-items')"
            )

    @property
    def template(self) -> str:
        return f"{self.prefix}-items"

    @property
    def pattern(self) -> str:
        return f"{self.prefix}-items-*"

    @property
    def read_alias(self) -> str:
        return f"{self.prefix}-search"

    @property
    def write_alias(self) -> str:
        return f"{self.prefix}-search-write"

    @property
    def meta(self) -> str:
        return f"{self.prefix}-meta"

    def items(self, generation: str) -> str:
        return f"{self.prefix}-items-{generation}"

    def build_alias(self, generation: str) -> str:
        return f"{self.prefix}-build-{generation}"


def generation_id() -> str:
    """A sortable, unique generation id that is valid in an index name (lowercase)."""
    return new_generation()


# --- settings and mappings --------------------------------------------------------------------


def _keyword(*, index: bool = True, doc_values: bool = True) -> dict[str, Any]:
    return {"type": "keyword", "index": index, "doc_values": doc_values}


MAPPINGS: dict[str, Any] = {
    "dynamic": "strict",
    # The token arrays are indexed, not kept: the source holds what hits and highlights need.
    "_source": {"excludes": ["tokens.*"]},
    "properties": {
        "id": _keyword(),
        "code": _keyword(),
        "tokens": {
            "properties": {
                field: {"type": "text", "analyzer": "tokens", "index_options": "freqs"}
                for field in TOKEN_FIELDS
            }
        },
        "region_codes": _keyword(doc_values=False),
        "onsite_visits": {"type": "integer"},
        "facet": {"properties": {field.value: _keyword() for field in FacetField}},
        "suggest": _keyword(doc_values=False),  # suggestion keys, matched by prefix
        "suggestion": _keyword(index=False),  # name NUL catalog code, counted by suggestions
        "name_length": {"type": "integer", "index": False},
        "doc": {"type": "object", "enabled": False},
    },
}


def template_body(names: Names, shards: int, replicas: int) -> dict[str, Any]:
    """The index template of every generation of this prefix."""
    return {
        "index_patterns": [names.pattern],
        "priority": 100,
        "template": {
            "settings": {
                "number_of_shards": shards,
                "number_of_replicas": replicas,
                "max_result_window": 100_001,
                "analysis": {"analyzer": {"tokens": {"type": "custom", "tokenizer": "whitespace"}}},
            },
            "mappings": MAPPINGS,
        },
        "_meta": {"schema": SCHEMA_VERSION, "managed_by": "yichuang"},
    }


def meta_body(replicas: int) -> dict[str, Any]:
    """The meta index: a handful of docs read by id (realtime), never searched."""
    return {
        "settings": {"number_of_shards": 1, "number_of_replicas": replicas},
        "mappings": {"dynamic": False, "properties": {}},
    }


# --- documents ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    """One document ready for a bulk request."""

    id: str
    source: bytes  # the JSON source


def prepare(analyzer: Analyzer, doc: SearchDocument) -> Prepared:
    """The Elasticsearch source of a document; raises on a document that is not well typed or
    cannot be analysed (the caller reports it as an `IndexFailure`)."""
    doc_id = _text(doc.id, "id")
    if not doc_id or len(doc_id.encode("utf-8")) > MAX_ID_BYTES:
        raise ValueError(f"an id must have 1 to {MAX_ID_BYTES} bytes (UTF-8)")
    name = _text(doc.name, "name")
    catalog_code = _text(doc.catalog_code, "catalog_code")
    region_codes = _texts(doc.region_codes, "region_codes")
    for field in ("code", "agency_uscc", "item_type", "level", "online_depth"):
        _text(getattr(doc, field), field)
    for field in ("aliases", "materials", "service_objects", "lists", "channels"):
        _texts(getattr(doc, field), field)
    if not isinstance(doc.onsite_visits, int) or isinstance(doc.onsite_visits, bool):
        raise TypeError(f"onsite_visits must be an int, not {type(doc.onsite_visits).__name__}")
    analysed = analyzer.document(doc)
    tokens: dict[str, str] = {}
    for field in TOKEN_FIELDS:
        found = index_tokens(analysed.fields.get(field, ""))
        if found:
            tokens[field] = found
    facets: dict[str, list[str]] = {}
    for field, value in facet_values(doc, region_codes):
        facets.setdefault(field, []).append(clean(value))
    source = {
        "id": doc_id,
        "code": clean(doc.code),
        "tokens": tokens,
        "region_codes": [code for code in region_codes if code],
        "onsite_visits": doc.onsite_visits,
        "facet": facets,
        "suggest": list(dict.fromkeys(k for k in map(clean, analysed.suggest_keys) if k)),
        "suggestion": name + SUGGESTION_SEPARATOR + catalog_code,
        "name_length": len(name),
        "doc": {field: _cleaned(getattr(doc, field)) for field in _SOURCE_FIELDS},
    }
    return Prepared(id=doc_id, source=dumps(source))


def index_tokens(text: str) -> str:
    """The terms of one token field, split and folded like the embedded backend's tokenizer
    does, joined by spaces for the whitespace tokenizer."""
    tokens = fts_tokens(_as_term(clean(text)))
    if len(text) > MAX_TOKEN_CHARS and _LONG_TOKEN.search(text):
        tokens = [token for token in tokens if len(token) <= MAX_TOKEN_CHARS]
    return " ".join(tokens)


def query_terms(tokens: list[str]) -> list[str]:
    """Query tokens (already split by `embedded_sql.query_tokens`) as index terms."""
    return list(
        dict.fromkeys(term for term in map(_as_term, tokens) if len(term) <= MAX_TOKEN_CHARS)
    )


def _as_term(text: str) -> str:
    """ASCII letters folded to lower case, splitting whitespace replaced (both rare: searched
    for first, as `str.translate` costs much more than a search on CJK text)."""
    if _ASCII_UPPER.search(text):
        text = fold(text)
    if _NEEDS_KEEPING.search(text):
        text = text.translate(_KEEP_WHOLE)
    return text


def document_from_source(data: dict[str, Any]) -> SearchDocument:
    values = {
        key: tuple(value) if key in _TUPLE_FIELDS else value
        for key, value in data.items()
        if key in _SOURCE_FIELDS
    }
    return SearchDocument(**values)


def clamp_int32(value: int) -> int:
    return max(_INT32[0], min(_INT32[1], value))


def dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _cleaned(value: Any) -> Any:
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, (tuple, list)):
        return [_cleaned(item) for item in value]
    return value


def _text(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{field} must be a str, not {type(value).__name__}")
    return clean(value)


def _texts(values: object, field: str) -> list[str]:
    if isinstance(values, str) or not isinstance(values, (tuple, list)):
        raise TypeError(f"{field} must be a tuple of str, not {type(values).__name__}")
    return [_text(value, field) for value in values]

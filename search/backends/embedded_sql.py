"""The SQL of the embedded backend: table layout per generation, the FTS5 MATCHes built from an
analysed query, filters and the page cursor.

Nothing here touches a connection; `search.backends.embedded` runs the statements.

Layout (every table but `meta` is suffixed with its generation id, e.g. `docs_20250101120000_ab12`):

- `meta(generation, current, event_offset, documents, version, state, created_at)`: one row per
  generation; exactly one has `current = 1` (a partial unique index guarantees it). `version`
  counts the writes to a generation, so readers know when their cached statistics are stale.
- `fts_<field>_<g>`: one single-column FTS5 table per token field (`TOKEN_FIELDS`), rowid = `doc`;
  `prefix='2 3 4'` on the `PREFIX_FIELDS` ones. One table per field rather than one column per
  field, because FTS5's bm25 normalises by the length of the whole row: a long guide would sink
  its item's name matches. Per table, each field is normalised by its own length and has its own
  IDF, as Elasticsearch scores a multi-field query, so the two backends rank alike. The score is
  the sum over fields of bm25 times `FIELD_WEIGHTS`. The analyzer has made the tokens, so the
  `ascii` tokenizer only has to split them: at spaces and ASCII punctuation, keeping every
  non-ASCII character (CJK) as is; twice as fast as `unicode61`. Query tokens are split the same
  way (`fts_tokens`), so every quoted FTS5 string is exactly one token.
- `docs_<g>(doc INTEGER PRIMARY KEY, id UNIQUE, code, catalog_code, name, filter columns)`: one
  compact row per document, keyed by the FTS rowid (an upsert keeps its document's number, so
  the numbers stay dense); `src_<g>(doc, suggest_keys, facets, source)` beside it holds the
  bulky part: the SearchDocument as JSON (for highlights) and what to undo when it is replaced.
- `tags_<g>(doc, field, value)`: multi-valued filter values (`region`: the agency's region and
  its ancestors, `service_object`, `list`, `channel`), primary key (doc, field, value).
- `bits_<g>(field, value, bitmap)`: for every facet value, the bitmap of the documents that
  have it (bit n = doc n, little-endian). Facet counts are popcounts of the hits' bitmap ANDed
  with these: a few hundred big-integer operations instead of grouping every hit by every
  field. `apply` keeps them up to date; a rebuild computes them once, before its switch.
- `suggest_<g>(key, name, catalog_code, weight)`: suggestion keys aggregated over documents
  (weight = number of documents with that name behind the key); primary key (key, name,
  catalog_code), so a prefix is a range scan.

Readers also keep temp tables: `temp.hits(doc, rank, code, id)` for one search's matches, and
`temp.vocab_<field>_<g>` (fts5vocab) for the document frequencies of the query's tokens.
"""

import base64
import binascii
import json
import math
import re
import secrets
import string
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from search.analysis import FIELD_WEIGHTS, PREFIX_FIELDS, TOKEN_FIELDS, AnalysedQuery
from search.documents import SearchFilter

SCHEMA_VERSION = 2

# Caps on what one query sends to FTS5: a 10,000-character query analyses into thousands of
# terms, and each term is a posting-list scan. The analyzer lists the most useful terms first.
MAX_TERMS = 64
MAX_PREFIXES = 16
# Values of one filter field ("any of these"), and of the cursor's size.
MAX_FILTER_VALUES = 200
MAX_CURSOR_CHARS = 4096
# What a field's match on common tokens adds to the rank: FTS5's bm25 of such a token, about.
COMMON_RANK = -1e-6

_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
_GENERATION = re.compile(r"^[0-9]{14}_[0-9a-f]{6}$")

# Fields held in `tags_<g>`, by the SearchDocument attribute they come from.
TAG_FIELDS: dict[str, str] = {
    "region": "region_codes",
    "service_object": "service_objects",
    "list": "lists",
    "channel": "channels",
}


def _check_identifier(name: str) -> str:
    if not _IDENTIFIER.match(name):
        raise ValueError(f"not a safe SQL identifier: {name!r}")
    return name


for _name in TOKEN_FIELDS:
    _check_identifier(_name)


def new_generation() -> str:
    """A sortable, unique generation id that is safe inside a table name."""
    return time.strftime("%Y%m%d%H%M%S", time.gmtime()) + "_" + secrets.token_hex(3)


@dataclass(frozen=True)
class Tables:
    """The table names of one generation."""

    generation: str

    def __post_init__(self) -> None:
        if not _GENERATION.match(self.generation):
            raise ValueError(f"not a generation id: {self.generation!r}")

    def fts(self, field: str) -> str:
        return f"fts_{_check_identifier(field)}_{self.generation}"

    @property
    def docs(self) -> str:
        return f"docs_{self.generation}"

    @property
    def src(self) -> str:
        return f"src_{self.generation}"

    @property
    def tags(self) -> str:
        return f"tags_{self.generation}"

    @property
    def bits(self) -> str:
        return f"bits_{self.generation}"

    @property
    def suggest(self) -> str:
        return f"suggest_{self.generation}"

    def create(self) -> list[str]:
        return [
            *(
                f"CREATE VIRTUAL TABLE {self.fts(field)} USING fts5(tokens, "
                "tokenize='ascii'" + (", prefix='2 3 4')" if field in PREFIX_FIELDS else ")")
                for field in TOKEN_FIELDS
            ),
            f"""CREATE TABLE {self.docs} (
                doc INTEGER PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                code TEXT NOT NULL,
                catalog_code TEXT NOT NULL,
                name TEXT NOT NULL,
                agency_uscc TEXT NOT NULL,
                region TEXT NOT NULL,
                item_type TEXT NOT NULL,
                level TEXT NOT NULL,
                online_depth TEXT NOT NULL,
                onsite_visits INTEGER NOT NULL,
                charging INTEGER NOT NULL
            )""",
            f"""CREATE TABLE {self.src} (
                doc INTEGER PRIMARY KEY,
                suggest_keys TEXT NOT NULL,
                facets TEXT NOT NULL,
                source TEXT NOT NULL
            )""",
            f"""CREATE TABLE {self.tags} (
                doc INTEGER NOT NULL,
                field TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (doc, field, value)
            ) WITHOUT ROWID""",
            f"""CREATE TABLE {self.suggest} (
                key TEXT NOT NULL,
                name TEXT NOT NULL,
                catalog_code TEXT NOT NULL,
                weight INTEGER NOT NULL,
                PRIMARY KEY (key, name, catalog_code)
            ) WITHOUT ROWID""",
            f"""CREATE TABLE {self.bits} (
                field TEXT NOT NULL,
                value TEXT NOT NULL,
                bitmap BLOB NOT NULL,
                UNIQUE (field, value)
            )""",
        ]

    def drop(self) -> list[str]:
        return [
            f"DROP TABLE IF EXISTS {name}"
            for name in (
                *map(self.fts, TOKEN_FIELDS),
                self.docs,
                self.src,
                self.tags,
                self.suggest,
                self.bits,
            )
        ]

    # --- writing ---------------------------------------------------------------------------

    def insert_doc(self) -> str:
        return (
            f"INSERT INTO {self.docs} (doc, id, code, catalog_code, name, agency_uscc, region, "
            "item_type, level, online_depth, onsite_visits, charging) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        )

    def insert_src(self) -> str:
        return f"INSERT INTO {self.src} (doc, suggest_keys, facets, source) VALUES (?, ?, ?, ?)"

    def insert_fts(self) -> list[str]:
        """One statement per token field, in `TOKEN_FIELDS` order: (doc, tokens)."""
        return [
            f"INSERT INTO {self.fts(field)} (rowid, tokens) VALUES (?, ?)" for field in TOKEN_FIELDS
        ]

    def insert_tag(self) -> str:
        return f"INSERT OR IGNORE INTO {self.tags} (doc, field, value) VALUES (?, ?, ?)"

    def change_suggestion(self) -> str:
        """(key, name, catalog_code, change in weight)."""
        return (
            f"INSERT INTO {self.suggest} (key, name, catalog_code, weight) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (key, name, catalog_code) DO UPDATE SET weight = weight + excluded.weight"
        )

    def prune_suggestions(self) -> str:
        return (
            f"DELETE FROM {self.suggest} WHERE key = ? AND name = ? AND catalog_code = ? "
            "AND weight <= 0"
        )

    def find_docs(self, count: int) -> str:
        placeholders = ", ".join("?" for _ in range(count))
        return (
            f"SELECT d.doc, d.id, d.name, d.catalog_code, s.suggest_keys, s.facets "
            f"FROM {self.docs} AS d JOIN {self.src} AS s ON s.doc = d.doc "
            f"WHERE d.id IN ({placeholders})"
        )

    def delete_doc(self) -> list[str]:
        return [
            *(f"DELETE FROM {self.fts(field)} WHERE rowid = ?" for field in TOKEN_FIELDS),
            f"DELETE FROM {self.docs} WHERE doc = ?",
            f"DELETE FROM {self.src} WHERE doc = ?",
            f"DELETE FROM {self.tags} WHERE doc = ?",
        ]

    def read_bits(self, count: int) -> str:
        """The bitmaps of `count` (field, value) pairs."""
        pairs = ", ".join("(?, ?)" for _ in range(count))
        return f"SELECT field, value, bitmap FROM {self.bits} WHERE (field, value) IN ({pairs})"

    def all_bits(self) -> str:
        return f"SELECT field, value, bitmap FROM {self.bits}"

    def write_bits(self) -> str:
        return (
            f"INSERT INTO {self.bits} (field, value, bitmap) VALUES (?, ?, ?) "
            "ON CONFLICT (field, value) DO UPDATE SET bitmap = excluded.bitmap"
        )

    def delete_bits(self) -> str:
        return f"DELETE FROM {self.bits} WHERE field = ? AND value = ?"

    def all_facets(self) -> str:
        return f"SELECT doc, facets FROM {self.src}"

    def max_doc(self) -> str:
        return f"SELECT coalesce(max(doc), 0) FROM {self.docs}"

    def optimize(self) -> list[str]:
        return [
            f"INSERT INTO {table} ({table}) VALUES ('optimize')"
            for table in map(self.fts, TOKEN_FIELDS)
        ]

    # --- reading ---------------------------------------------------------------------------

    def fill_hits(
        self, matches: Sequence["Match"], where: SearchFilter
    ) -> tuple[str, list[object]]:
        """Matching documents into `temp.hits`, with the weighted sum of their fields' bm25 as
        `rank` (FTS5's bm25 is negative, lower is better: so is `rank`)."""
        params: list[object] = []
        selects = []
        for n, match in enumerate(matches):
            # Aliased, as a field can be matched twice (scored and common tokens).
            table, alias = self.fts(match.field), f"m{n}"
            column = f"{alias}.{table}"
            weight = float(FIELD_WEIGHTS[match.field])
            score = f"bm25({column}) * {weight!r}" if match.scored else repr(COMMON_RANK * weight)
            selects.append(
                f"SELECT {alias}.rowid AS doc, {score} AS rank FROM {table} AS {alias} "
                f"WHERE {column} MATCH ?"
            )
            params.append(match.expression)
        # One match needs no sum (and must not get one: bm25 cannot run inside an aggregate).
        scores = (
            selects[0]
            if len(selects) == 1
            else f"SELECT doc, sum(rank) AS rank FROM ({' UNION ALL '.join(selects)}) GROUP BY doc"
        )
        conditions, filter_params = self._filters(where)
        sql = (
            "INSERT INTO temp.hits (doc, rank, code, id) "
            "SELECT d.doc, s.rank, d.code, d.id "
            f"FROM ({scores}) AS s CROSS JOIN {self.docs} AS d ON d.doc = s.doc"
        )
        if conditions:
            sql += " WHERE " + " AND ".join(conditions)
        return sql, [*params, *filter_params]

    def vocabulary(self, field: str) -> str:
        """A reader's temp fts5vocab table over a field's FTS table (document frequencies)."""
        return f"temp.vocab_{_check_identifier(field)}_{self.generation}"

    def create_vocabularies(self) -> list[str]:
        return [
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {self.vocabulary(field)} "
            f"USING fts5vocab(main, {self.fts(field)}, row)"
            for field in TOKEN_FIELDS
        ]

    def drop_vocabularies(self) -> list[str]:
        return [f"DROP TABLE IF EXISTS {self.vocabulary(field)}" for field in TOKEN_FIELDS]

    def frequencies(self, lookups: Sequence[tuple[str, str]]) -> tuple[str, list[object]]:
        """(field, token, documents with it) for each (field, token) that occurs."""
        sql = " UNION ALL ".join(
            f"SELECT '{_check_identifier(field)}', term, doc FROM {self.vocabulary(field)} "
            "WHERE term = ?"
            for field, _ in lookups
        )
        return sql, [fold(token) for _, token in lookups]

    def field_rows(self) -> str:
        """(field, documents with that field), from the FTS tables' docsize shadow tables."""
        return " UNION ALL ".join(
            f"SELECT '{field}', count(*) FROM {self.fts(field)}_docsize" for field in TOKEN_FIELDS
        )

    def _filters(self, where: SearchFilter) -> tuple[list[str], list[object]]:
        conditions: list[str] = []
        params: list[object] = []

        def any_of(column: str, values: Sequence[str]) -> None:
            values = _values(values)
            if values:
                conditions.append(f"{column} IN ({', '.join('?' for _ in values)})")
                params.extend(values)

        def any_tag(field: str, values: Sequence[str]) -> None:
            values = _values(values)
            if values:
                conditions.append(
                    f"EXISTS (SELECT 1 FROM {self.tags} AS t WHERE t.doc = d.doc "
                    f"AND t.field = ? AND t.value IN ({', '.join('?' for _ in values)}))"
                )
                params.append(field)
                params.extend(values)

        if where.region is not None:
            any_tag("region", (where.region,))
        if where.agency is not None:
            any_of("d.agency_uscc", (where.agency,))
        any_of("d.item_type", where.item_types)
        any_of("d.level", where.levels)
        any_tag("service_object", where.service_objects)
        any_of("d.online_depth", where.online_depths)
        if where.max_trips is not None:
            conditions.append("d.onsite_visits <= ?")
            params.append(int(where.max_trips))
        if where.charging is not None:
            conditions.append("d.charging = ?")
            params.append(1 if where.charging else 0)
        any_tag("list", where.lists)
        any_tag("channel", where.channels)
        return conditions, params

    def sources(self, count: int) -> str:
        placeholders = ", ".join("?" for _ in range(count))
        return f"SELECT doc, source FROM {self.src} WHERE doc IN ({placeholders})"

    def suggestions(self, prefixes: int) -> str:
        ranges = " UNION ALL ".join(
            f"SELECT name, catalog_code, weight FROM {self.suggest} WHERE key >= ? AND key < ?"
            for _ in range(prefixes)
        )
        return (
            f"SELECT name, catalog_code, max(weight) AS w FROM ({ranges}) "
            "GROUP BY name ORDER BY w DESC, length(name), name LIMIT ?"
        )


META = [
    """CREATE TABLE IF NOT EXISTS meta (
        generation TEXT PRIMARY KEY,
        current INTEGER NOT NULL DEFAULT 0,
        event_offset INTEGER NOT NULL,
        documents INTEGER NOT NULL DEFAULT 0,
        version INTEGER NOT NULL DEFAULT 0,
        state TEXT NOT NULL,
        created_at TEXT NOT NULL
    )""",
    "CREATE UNIQUE INDEX IF NOT EXISTS meta_current ON meta (current) WHERE current = 1",
]

HITS = """CREATE TEMP TABLE IF NOT EXISTS hits (
    doc INTEGER PRIMARY KEY,
    rank REAL NOT NULL,
    code TEXT NOT NULL,
    id TEXT NOT NULL
)"""

PAGE = "SELECT doc, rank, code, id FROM temp.hits {after} ORDER BY rank, code, id LIMIT ?"
PAGE_AFTER = "WHERE (rank, code, id) > (?, ?, ?)"


# --- text that reaches SQLite ---------------------------------------------------------------


def clean(text: str) -> str:
    """Text SQLite can bind and FTS5 can parse inside a string: no NUL (it ends an FTS5 string)
    and no lone surrogates (not UTF-8)."""
    text = text.replace("\x00", "")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


def _values(values: Sequence[str] | str) -> list[str]:
    if isinstance(values, str):
        values = (values,)
    return [clean(str(value)) for value in list(values)[:MAX_FILTER_VALUES]]


# What FTS5's `ascii` tokenizer keeps as token characters: ASCII letters and digits, and every
# non-ASCII character; everything else (ASCII punctuation, spaces, controls) separates tokens.
_ASCII_TOKEN = re.compile(r"[0-9A-Za-z\u0080-\U0010ffff]+")


_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def fold(token: str) -> str:
    """A token as the `ascii` tokenizer stores it (ASCII letters lower-cased)."""
    return token.translate(_ASCII_LOWER)


def fts_tokens(text: str) -> list[str]:
    """The tokens FTS5's `ascii` tokenizer makes of `text` (before its ASCII case folding)."""
    return _ASCII_TOKEN.findall(text)


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


@dataclass(frozen=True)
class Match:
    """One FTS5 MATCH against one token field's table."""

    field: str
    expression: str
    scored: bool  # False: common tokens only, worth COMMON_RANK × the field's weight


def query_tokens(query: AnalysedQuery) -> tuple[list[str], list[str]]:
    """The distinct FTS tokens of the query's terms and prefixes, capped."""
    return _distinct(query.terms, MAX_TERMS), _distinct(query.prefixes, MAX_PREFIXES)


def plan_matches(
    query: AnalysedQuery,
    frequencies: Mapping[tuple[str, str], int] | None = None,
    rows: Mapping[str, int] | None = None,
) -> list[Match]:
    """The MATCHes of a query: per token field, every term a quoted string (never syntax), in
    `PREFIX_FIELDS` also the prefixes as `"p"*`, joined with OR. Empty: the query matches
    nothing.

    With document frequencies (`frequencies[field, folded token]`, `rows[field]`), a field
    skips the terms it does not contain, and matches the common ones (in at least half of the
    field's documents) separately and unscored: FTS5's bm25 gives such a term an IDF of 1e-6,
    so computing it for most of the index changes nothing but the time taken."""
    terms, prefixes = query_tokens(query)
    matches = []
    for field in TOKEN_FIELDS:
        scored, common = [], []
        for term in terms:
            if frequencies is None or rows is None:
                scored.append(term)
                continue
            found = frequencies.get((field, fold(term)), 0)
            if found == 0:
                continue
            (common if 2 * found >= rows.get(field, 0) else scored).append(term)
        quoted = [_quote(term) for term in scored]
        if field in PREFIX_FIELDS:
            quoted += [_quote(prefix) + "*" for prefix in prefixes]
        if quoted:
            matches.append(Match(field, " OR ".join(quoted), scored=True))
        if common:
            matches.append(Match(field, " OR ".join(map(_quote, common)), scored=False))
    return matches


def prefix_ranges(prefixes: Iterable[str]) -> list[tuple[str, str]]:
    """Half-open key ranges [p, p + U+10FFFF) for suggestion prefixes."""
    distinct = dict.fromkeys(
        text for text in (clean(p).strip() for p in prefixes if isinstance(p, str)) if text
    )
    return [(prefix, prefix + "\U0010ffff") for prefix in list(distinct)[:MAX_PREFIXES]]


def _distinct(tokens: Iterable[str], limit: int) -> list[str]:
    """Up to `limit` distinct FTS tokens of the analysed tokens, in order."""
    seen: dict[str, None] = {}
    for token in tokens:
        if not isinstance(token, str):
            continue
        for part in fts_tokens(clean(token)):
            seen.setdefault(part, None)
            if len(seen) >= limit:
                return list(seen)
    return list(seen)


# --- the page cursor ------------------------------------------------------------------------


def encode_cursor(rank: float, code: str, id: str) -> str:
    raw = json.dumps([float(rank).hex(), code, id], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii").rstrip("=")


def decode_cursor(cursor: str) -> tuple[float, str, str]:
    """The keyset (rank, code, id) after which the next page starts; ValueError if malformed."""
    try:
        if not isinstance(cursor, str) or not cursor or len(cursor) > MAX_CURSOR_CHARS:
            raise ValueError
        padded = cursor + "=" * (-len(cursor) % 4)
        raw = base64.urlsafe_b64decode(padded.encode("ascii"))
        value = json.loads(raw.decode("utf-8"))
        if not (isinstance(value, list) and len(value) == 3):
            raise ValueError
        rank_hex, code, id = value
        if not all(isinstance(part, str) for part in value):
            raise ValueError
        rank = float.fromhex(rank_hex)
        if not math.isfinite(rank):
            raise ValueError
        return rank, clean(code), clean(id)
    except (ValueError, TypeError, UnicodeError, binascii.Error):
        raise ValueError("invalid cursor: pass the next_cursor of a previous page") from None

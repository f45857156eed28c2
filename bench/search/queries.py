"""The query mix: the relevance cases' queries (tests/search/relevance.yaml, kind `rel-<kind>`)
and queries made from the names of the indexed synthetic items: a whole name, a word of it, a
2-character word, a word's full pinyin, a name's initials, and words with a filter (district
370102, no trip to the office, the item's own type). Suggestion prefixes: the first 1–4
characters of a name, the first 2–8 letters of its pinyin, its first 2–4 initials."""

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pypinyin import Style, lazy_pinyin

from search.analysis.normalise import CJK_RUN
from search.analysis.segment import words
from search.documents import SearchDocument, SearchFilter

DISTRICT = "370102"  # 历下区


@dataclass(frozen=True)
class Query:
    kind: str
    text: str
    where: SearchFilter = field(default_factory=SearchFilter)


def relevance_queries(path: Path) -> list[Query]:
    if not path.exists():
        return []
    cases = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [Query(f"rel-{case['kind']}", str(case["query"])) for case in cases]


def _base(name: str) -> str:
    """The name without its parenthesised qualifier (（新办）, （二类）)."""
    return name.split("（")[0] or name


def _words(name: str) -> list[str]:
    return [w for run in CJK_RUN.findall(_base(name)) for w in words(run)]


def _syllables(text: str) -> list[str]:
    return lazy_pinyin(text, style=Style.NORMAL, errors="ignore")


def _initials(text: str) -> str:
    return "".join(s[0] for s in _syllables(text) if s)


def _from_name(doc: SearchDocument, rng: random.Random) -> list[Query]:
    name, found = _base(doc.name), _words(doc.name)
    longer = [w for w in found if len(w) >= 3] or [w for w in found if len(w) >= 2] or [name]
    two = [w for w in found if len(w) == 2] or [name[:2]]
    word = rng.choice(longer)
    return [
        Query("name", doc.name),
        Query("word", word),
        Query("two-char", rng.choice(two)),
        Query("pinyin", "".join(_syllables(rng.choice(longer)))),
        Query("initials", _initials(name)[:8]),
        Query("filter-region", word, SearchFilter(region=DISTRICT)),
        Query("filter-trips0", rng.choice(two), SearchFilter(max_trips=0)),
        Query("filter-type", word, SearchFilter(item_types=(doc.item_type,))),
    ]


def synthetic_queries(
    documents: Sequence[SearchDocument], per_kind: int, rng: random.Random
) -> list[Query]:
    """`per_kind` queries of each synthetic kind, from distinct names drawn at random."""
    by_name = {doc.name: doc for doc in documents}
    names = sorted(by_name)
    chosen = rng.sample(names, min(per_kind, len(names)))
    return [query for name in chosen for query in _from_name(by_name[name], rng)]


def suggestion_prefixes(
    documents: Sequence[SearchDocument], per_kind: int, rng: random.Random
) -> list[Query]:
    names = sorted({_base(doc.name) for doc in documents})
    out: list[Query] = []
    for name in rng.sample(names, min(per_kind, len(names))):
        letters = "".join(_syllables(name))
        out.append(Query("hanzi", name[: rng.randint(1, 4)]))
        out.append(Query("pinyin", letters[: rng.randint(2, 8)]))
        out.append(Query("initials", _initials(name)[: rng.randint(2, 4)]))
    return out


def sequence(pool: Sequence[Query], count: int, rng: random.Random) -> list[Query]:
    """`count` queries cycling through the pool in a shuffled order."""
    order = list(pool)
    rng.shuffle(order)
    return [order[i % len(order)] for i in range(count)]

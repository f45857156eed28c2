"""The analyzer: documents to token fields, user text to terms, prefixes and marks.

Pure functions of the text are cached (names and material names repeat across districts), so
indexing 100k documents spends its time on the guide text, which gets bigrams only.
"""

from functools import lru_cache
from pathlib import Path

from search.analysis import highlight as hl
from search.analysis import normalise, pinyin, tokens
from search.analysis.model import EMPTY_QUERY, AnalysedDocument, AnalysedQuery
from search.analysis.synonyms import Synonyms
from search.documents import Highlight, SearchDocument

MAX_TERMS = 64
MAX_PREFIXES = 16
MAX_MARKS = 64
MAX_SYNONYM_TERMS = 24  # of MAX_TERMS, kept for the official terms of colloquial names
MAX_COMPLETIONS = 8  # official names a colloquial prefix leads to


@lru_cache(maxsize=65536)
def _name_analysis(text: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(word tokens, pinyin tokens, suggest keys) of one name or alias."""
    name = normalise.normalise_name(text)
    words = tuple(dict.fromkeys(tokens.word_tokens(name)))
    full, initials = pinyin.keys(name)
    texts = pinyin.suffixes(name)
    suggest = tuple(dict.fromkeys((*texts, *full, *initials)))
    return words, (*full, *initials), suggest


@lru_cache(maxsize=131072)
def _phrase_tokens(text: str) -> tuple[str, ...]:
    """Word tokens of a short phrase (a material name)."""
    return tuple(tokens.word_tokens(text))


@lru_cache(maxsize=4096)
def _target_tokens(target: str) -> tuple[str, ...]:
    """Query tokens of an official term a colloquial name stands for."""
    out: list[str] = []
    for run in normalise.runs(target):
        out.extend(tokens.query_tokens(run) if normalise.is_cjk(run) else [run])
    return tuple(dict.fromkeys(out))


def _capped(items: dict[str, None], limit: int) -> tuple[str, ...]:
    return tuple(items)[:limit]


class Analyzer:
    """One per process (the caches and jieba are process-wide); thread-safe."""

    def __init__(self, synonyms_file: Path | None = None, *, reload_interval: float = 1.0):
        self.synonyms = Synonyms(synonyms_file, interval=reload_interval)

    @property
    def synonym_count(self) -> int:
        return len(self.synonyms.entries)

    def reload(self) -> bool:
        """Reread the synonyms file if its mtime changed; True when reloaded."""
        return self.synonyms.reload()

    # Documents

    def document(self, doc: SearchDocument) -> AnalysedDocument:
        name_words, name_pinyin, suggest = _name_analysis(doc.name)
        alias_words: list[str] = []
        alias_pinyin: list[str] = []
        alias_suggest: list[str] = []
        for alias in doc.aliases:
            words, keys, alias_keys = _name_analysis(alias)
            alias_words.extend(words)
            alias_pinyin.extend(keys)
            alias_suggest.extend(alias_keys)
        body = tokens.word_tokens(doc.conditions)
        for material in doc.materials:
            body.extend(_phrase_tokens(material))
        fields = {
            "name": tokens.join(name_words),
            "aliases": tokens.join(alias_words),
            "pinyin": tokens.join((*name_pinyin, *alias_pinyin)),
            "body": tokens.join(body),
            "rest": tokens.join(tokens.fast_tokens(doc.guide)),
        }
        keys = tuple(dict.fromkeys((*suggest, *alias_suggest)))
        return AnalysedDocument(fields=fields, suggest_keys=keys)

    # Queries

    def query(self, text: str) -> AnalysedQuery:
        """Terms (words, bigrams, Latin runs, official terms of colloquial names), pinyin
        prefixes and the strings to highlight. Never raises on user input."""
        self.synonyms.check()
        norm = normalise.normalise_query(text)
        if not norm:
            return EMPTY_QUERY
        terms: dict[str, None] = {}
        prefixes: dict[str, None] = {}
        marks: dict[str, None] = {}
        for run in norm.split():
            if normalise.is_cjk(run):
                found = tokens.query_tokens(run)
                terms.update(dict.fromkeys(found))
                marks[run] = None
                marks.update(dict.fromkeys(found))
            else:
                terms[run] = None
                if len(run) > 1:
                    marks[run] = None
                    if pinyin.looks_like_pinyin(run):
                        prefixes[pinyin.fuzzy(run)] = None
        targets = self.synonyms.expand(norm.replace(" ", ""))
        for run in norm.split():
            if not normalise.is_cjk(run) and pinyin.looks_like_pinyin(run):
                targets += self.synonyms.expand_pinyin(pinyin.fuzzy(run))
        synonym_terms: dict[str, None] = {}
        for target in dict.fromkeys(targets):
            marks.update(dict.fromkeys(target.split()))
            synonym_terms.update(dict.fromkeys(_target_tokens(target)))
        kept_synonyms = _capped(synonym_terms, MAX_SYNONYM_TERMS)
        own = _capped(terms, MAX_TERMS - len(kept_synonyms))
        all_terms = tuple(dict.fromkeys((*own, *kept_synonyms)))
        ordered_marks = sorted(marks, key=len, reverse=True)[:MAX_MARKS]
        return AnalysedQuery(
            text=norm,
            terms=all_terms,
            prefixes=_capped(prefixes, MAX_PREFIXES),
            marks=tuple(ordered_marks),
        )

    def prefix(self, text: str) -> AnalysedQuery:
        """What a suggestion box has typed so far, matched against `suggest_keys`."""
        self.synonyms.check()
        compact = normalise.normalise_query(text).replace(" ", "")
        if not compact:
            return EMPTY_QUERY
        prefixes = {compact: None}
        if compact.isascii() and compact.isalpha():
            prefixes[pinyin.fuzzy(compact)] = None
        for target in self.synonyms.complete(compact)[:MAX_COMPLETIONS]:
            prefixes[target] = None
        return AnalysedQuery(
            text=compact,
            terms=(),
            prefixes=_capped(prefixes, MAX_PREFIXES),
            marks=(compact,),
        )

    # Highlights

    def highlight(self, text: str, query: AnalysedQuery) -> str | None:
        """HTML-escaped text with every mark in <em>…</em>; None when nothing matches."""
        return hl.highlight(text, query.marks)

    def highlights(self, doc: SearchDocument, query: AnalysedQuery) -> tuple[Highlight, ...]:
        """The highlighted name (when it matches) and one snippet from the first of conditions,
        materials and guide that matches."""
        out: list[Highlight] = []
        name = hl.highlight(doc.name, query.marks)
        if name is not None:
            out.append(Highlight(field="name", fragment=name))
        sources = (
            ("conditions", doc.conditions),
            ("materials", "、".join(doc.materials)),
            ("guide", doc.guide),
        )
        for field, text in sources:
            fragment = hl.snippet(text, query.marks)
            if fragment is not None:
                out.append(Highlight(field=field, fragment=fragment))
                break
        return tuple(out)

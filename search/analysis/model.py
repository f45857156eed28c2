"""The analysed forms backends index and query; plain values shared by every backend."""

from dataclasses import dataclass

# Relative weight of each token field when ranking (name above aliases above conditions and
# materials above the rest of the guide). Backends apply these to their own scoring.
FIELD_WEIGHTS: dict[str, float] = {
    "name": 10.0,
    "aliases": 6.0,
    "pinyin": 5.0,
    "body": 2.0,
    "rest": 1.0,
}
TOKEN_FIELDS = tuple(FIELD_WEIGHTS)

# Fields whose terms may be matched as prefixes (pinyin typed partially).
PREFIX_FIELDS = ("pinyin",)


@dataclass(frozen=True)
class AnalysedQuery:
    text: str  # the normalised query, for display and highlighting
    terms: tuple[str, ...]  # tokens matched exactly in any token field (any of them: OR)
    prefixes: tuple[str, ...]  # tokens matched as prefixes in PREFIX_FIELDS (OR with terms)
    marks: tuple[str, ...]  # strings to highlight in the original text (longest first)

    @property
    def empty(self) -> bool:
        return not self.terms and not self.prefixes


EMPTY_QUERY = AnalysedQuery(text="", terms=(), prefixes=(), marks=())


@dataclass(frozen=True)
class AnalysedDocument:
    fields: dict[str, str]  # TOKEN_FIELDS -> space-separated tokens
    suggest_keys: tuple[str, ...]  # normalised keys a suggestion prefix is matched against

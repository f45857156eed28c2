"""Text analysis, done once in the application so every backend indexes the same tokens.

Backends see only tokens: a document becomes a few token fields (space-separated tokens) and a
query becomes terms to match exactly and terms to match as prefixes. No user text ever reaches a
backend's query syntax. `Analyzer` does the work; the modules beside it are its parts
(normalise, segment, tokens, pinyin, synonyms, highlight).
"""

from search.analysis.analyzer import Analyzer
from search.analysis.model import (
    FIELD_WEIGHTS,
    PREFIX_FIELDS,
    TOKEN_FIELDS,
    AnalysedDocument,
    AnalysedQuery,
)

__all__ = [
    "FIELD_WEIGHTS",
    "PREFIX_FIELDS",
    "TOKEN_FIELDS",
    "AnalysedDocument",
    "AnalysedQuery",
    "Analyzer",
]

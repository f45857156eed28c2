"""Index tokens of text: words for precision, bigrams and single characters for recall.

Every CJK run yields its overlapping bigrams and its characters, so any 1- or 2-character query
matches; short fields also get jieba's search-mode words. Other runs (Latin, digits) are tokens
as they are. Tokens never hold whitespace or quotes, so a field is its tokens joined by spaces.
"""

from collections.abc import Iterable
from operator import add

from search.analysis import normalise, segment


def bigrams(run: str) -> list[str]:
    return list(map(add, run, run[1:]))


def ngrams(run: str) -> list[str]:
    """Overlapping bigrams of a CJK run followed by its single characters."""
    grams = bigrams(run)
    grams.extend(run)
    return grams


def fast_tokens(text: str) -> list[str]:
    """Bigrams and characters only: for long text (the guide), where jieba would be too slow.
    This is most of the indexing time, hence the plain loop (faster than lookahead regexes)."""
    out: list[str] = []
    chars: list[str] = []
    for cjk, other in normalise.raw_runs(text):
        if cjk:
            out.extend(map(add, cjk, cjk[1:]))
            chars.append(cjk)
        else:
            out.append(other)
    out.extend("".join(chars))
    return out


def word_tokens(text: str) -> list[str]:
    """jieba search-mode words plus bigrams and characters: for names, conditions, materials."""
    out: list[str] = []
    for cjk, other in normalise.raw_runs(text):
        if cjk:
            if len(cjk) > 1:
                out.extend(w for w in segment.search_words(cjk) if len(w) > 1)
            out.extend(ngrams(cjk))
        else:
            out.append(other)
    return out


def query_tokens(run: str) -> list[str]:
    """Tokens of one query CJK run: words of two or more characters and bigrams; a single
    character only when the run is one character (else it would match nearly everything)."""
    if len(run) == 1:
        return [run]
    out = [w for w in segment.search_words(run) if len(w) > 1]
    out.extend(bigrams(run))
    return out


def join(tokens: Iterable[str]) -> str:
    """One field value: distinct tokens in first-seen order, space separated."""
    return " ".join(dict.fromkeys(tokens))

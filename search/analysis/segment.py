"""Chinese word segmentation with jieba, loaded once per process and kept quiet.

jieba 0.42.1 imports `pkg_resources` (deprecated) and has invalid escape sequences, so it is
imported with warnings suppressed; its logger is set to WARNING ("Building prefix dict …").
A private `jieba.Tokenizer` holds the domain words of `search/data/words.txt`, so the global
jieba state of other code is untouched. Runs are segmented without HMM: deterministic, faster,
and the bigrams cover unknown words anyway.
"""

import logging
import threading
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any

WORDS_FILE = Path(__file__).resolve().parent.parent / "data" / "words.txt"
_CACHE_MAX_RUN = 24  # runs up to this length are cached (names, materials, short phrases)

_lock = threading.Lock()
_tokenizer: Any = None


def _load() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba

        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
    for line in WORDS_FILE.read_text(encoding="utf-8").splitlines():
        parts = line.split("#", 1)[0].split()
        if parts:
            freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
            tokenizer.add_word(parts[0], freq)
    return tokenizer


def tokenizer() -> Any:
    """The process's tokenizer, built on first use (about a second)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                _tokenizer = _load()
    return _tokenizer


def _search_words(run: str) -> tuple[str, ...]:
    return tuple(tokenizer().cut_for_search(run, HMM=False))


def _words(run: str) -> tuple[str, ...]:
    return tuple(tokenizer().cut(run, HMM=False))


_search_words_cached = lru_cache(maxsize=131072)(_search_words)
_words_cached = lru_cache(maxsize=65536)(_words)


def search_words(run: str) -> tuple[str, ...]:
    """Search-mode words of a CJK run: the words and the dictionary words inside them."""
    if len(run) <= _CACHE_MAX_RUN:
        return _search_words_cached(run)
    return _search_words(run)


def words(run: str) -> tuple[str, ...]:
    """Accurate-mode words of a CJK run (a partition of the run)."""
    if len(run) <= _CACHE_MAX_RUN:
        return _words_cached(run)
    return _words(run)


def in_dictionary(word: str) -> bool:
    return bool(tokenizer().FREQ.get(word))

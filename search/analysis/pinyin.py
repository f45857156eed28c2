"""Pinyin keys of names, and the one fuzzy form both documents and queries are reduced to.

The public types `bdcdj`, `budongchan` or misspells `budongcan`; names are indexed as the full
pinyin and the initials of every suffix that starts at a word boundary, in the fuzzy form.
"""

import re
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

from search.analysis import normalise, segment

MAX_SUFFIXES = 12  # word-boundary suffixes of one name that get pinyin keys

# The fuzzy rules, applied to a whole lowercase string (never per syllable), in one pass over the
# original string:
#   1. "h" after "z", "c" or "s" is dropped: zh→z, ch→c, sh→s. In pinyin "zh/ch/sh" only ever
#      start a syllable, so this is the retroflex/dental merger that southern and typing-in-a-
#      hurry users make (zhang = zang, chan = can, shen = sen).
#   2. "g" after "n" is dropped: -ng→-n (deng = den, jing = jin, dong = don). Applied to the
#      string, it also fires across a syllable boundary (fan|ge → fane); both sides get the same
#      string, so this only merges a few rare pairs.
# Each rule deletes a character depending only on its left neighbour in the original string, so
# fuzzy(prefix of s) is a prefix of fuzzy(s): a partly typed query stays a prefix of the key.
# Initials (bdcdj) pass through unchanged except for the rare "ng"/"sh" pairs, identically.
_FUZZY = re.compile(r"(?<=[zcs])h|(?<=n)g")

# Pinyin spelled as typed on a keyboard (ü as v); syllables are initial + final pairs, a superset
# of the real ~410 syllables, which is all `looks_like_pinyin` needs.
_INITIALS_TEXT = "b p m f d t n l g k h j q x zh ch sh r z c s y w"
_FINALS_TEXT = (
    "a o e i u v ai ei ui ao ou iu ie ve er an en in un vn ang eng ing ong ia iao ian iang "
    "iong ua uo uai uan uang ue van"
)
_STANDALONE_TEXT = "a o e ai ei ao ou an en ang eng er yi wu yu"
_INITIALS = _INITIALS_TEXT.split()
_FINALS = _FINALS_TEXT.split()
_STANDALONE = _STANDALONE_TEXT.split()
_SYLLABLES = frozenset(i + f for i in _INITIALS for f in _FINALS) | frozenset(_STANDALONE)
_UNITS = _SYLLABLES | {_FUZZY.sub("", s) for s in _SYLLABLES} | set("bpmfdtnlgkhjqxzcsryw")
_PARTIAL = frozenset(s[:i] for s in _UNITS for i in range(1, len(s) + 1))
_LONGEST = 6
_LETTERS = re.compile(r"[a-z]+")


def fuzzy(text: str) -> str:
    """The fuzzy form (see the rules above)."""
    return _FUZZY.sub("", text)


@lru_cache(maxsize=16384)
def looks_like_pinyin(word: str) -> bool:
    """Lowercase letters that split into syllables (exact or fuzzy, the last one possibly half
    typed) and single initials, which covers initials (bdcdj), full pinyin and mixtures
    (gongjjin). Generous on purpose: a wrong guess only adds a prefix that matches nothing."""
    if not _LETTERS.fullmatch(word) or len(word) > 48:
        return False
    reachable = [False] * (len(word) + 1)
    reachable[0] = True
    for start in range(len(word)):
        if not reachable[start]:
            continue
        rest = word[start:]
        if rest in _PARTIAL:
            return True
        for end in range(start + 1, min(len(word), start + _LONGEST) + 1):
            if word[start:end] in _UNITS:
                reachable[end] = True
    return reachable[-1]


@lru_cache(maxsize=65536)
def syllables(run: str) -> tuple[str, ...]:
    """One syllable per character of a CJK run (phrase-aware readings); characters without a
    reading stand for themselves."""
    return tuple(lazy_pinyin(run, style=Style.NORMAL, errors=lambda chars: list(chars)))


def _boundaries(run: str) -> list[int]:
    """Word starts in a CJK run: accurate-mode words, plus dictionary words that end a longer
    word (居民|身份证, 养老|保险), so `shenfenzheng` finds 居民身份证换领."""
    starts: list[int] = []
    pos = 0
    for word in segment.words(run):
        starts.append(pos)
        for i in range(1, len(word) - 1):
            if segment.in_dictionary(word[i:]):
                starts.append(pos + i)
        pos += len(word)
    return starts


@lru_cache(maxsize=65536)
def keys(name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(full pinyin, initials) of every word-boundary suffix of a normalised name, fuzzy; the
    whole name first. Latin/digit runs count as one word and stand for themselves."""
    units: list[tuple[str, str]] = []  # (full, initials) per character or Latin run
    starts: list[int] = []
    for run in normalise.runs(name):
        if normalise.is_cjk(run):
            base = len(units)
            starts.extend(base + i for i in _boundaries(run))
            units.extend((s, s[0]) for s in syllables(run))
        else:
            starts.append(len(units))
            units.append((run, run))
    full: list[str] = []
    initials: list[str] = []
    for start in starts[:MAX_SUFFIXES]:
        rest = units[start:]
        full.append(fuzzy("".join(u[0] for u in rest)))
        initials.append(fuzzy("".join(u[1] for u in rest)))
    return tuple(dict.fromkeys(full)), tuple(dict.fromkeys(initials))


@lru_cache(maxsize=65536)
def suffixes(name: str) -> tuple[str, ...]:
    """The normalised name without spaces and its suffixes from each word boundary."""
    compact = name.replace(" ", "")
    out = [compact]
    pos = 0
    for run in normalise.runs(name):
        if normalise.is_cjk(run):
            out.extend(compact[pos + i :] for i in _boundaries(run))
        else:
            out.append(compact[pos:])
        pos += len(run)
    return tuple(dict.fromkeys(s for s in out[: MAX_SUFFIXES + 1] if s))

"""One normal form for what the public types and what the catalog says.

Queries arrive full-width, in traditional characters, with emoji and search-engine operators;
documents are simplified Chinese written by editors. Both are reduced to runs of CJK characters
and runs of other letters/digits, lowercased; everything else is a separator.
"""

import re
import threading
import unicodedata
from functools import lru_cache
from typing import Any

# CJK unified ideographs (basic, extension A, compatibility, extensions B–H) and 〇.
CJK_RANGES = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
CJK_RUN = re.compile(f"[{CJK_RANGES}]+")
# A token run: CJK characters, or letters/digits that are not CJK (underscore is a separator).
RUN = re.compile(f"[{CJK_RANGES}]+|[^\\W_{CJK_RANGES}]+")
# The same split on raw document text: compatibility ideographs and full-width letters fall
# into the second group and are folded there, so the long CJK runs skip NFKC altogether.
_CJK_PLAIN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003134f"
_RAW_RUN = re.compile(f"([{_CJK_PLAIN}]+)|([^\\W_{_CJK_PLAIN}]+)")

MAX_QUERY_INPUT = 2000  # characters of raw query looked at at all
MAX_QUERY_TEXT = 200  # characters of normalised query analysed

_converter_lock = threading.Lock()
_converter: Any = None


def is_cjk(run: str) -> bool:
    return bool(run) and CJK_RUN.fullmatch(run[0]) is not None


def _to_simplified(text: str) -> str:
    """Traditional → simplified (OpenCC t2s); loaded on first use, as it reads dictionaries."""
    global _converter
    if _converter is None:
        with _converter_lock:
            if _converter is None:
                from opencc import OpenCC

                _converter = OpenCC("t2s")
    return _converter.convert(text)


def runs(text: str) -> list[str]:
    """Split already normalised text into token runs (CJK runs and other letter/digit runs)."""
    return RUN.findall(text)


def raw_runs(text: str) -> list[tuple[str, str]]:
    """(cjk, "") or ("", other) per run of raw text, the other runs folded; equivalent to
    `runs(fold(text))` for catalog text but without folding the Chinese."""
    out: list[tuple[str, str]] = []
    for cjk, other in _RAW_RUN.findall(text):
        if cjk:
            out.append((cjk, ""))
        elif other.isascii():
            out.append(("", other.lower()))
        else:
            for run in RUN.findall(fold(other)):
                out.append((run, "") if is_cjk(run) else ("", run))
    return out


def fold(text: str) -> str:
    """NFKC (full-width → half-width, compatibility forms) and lowercase: cheap, for documents."""
    return unicodedata.normalize("NFKC", text).lower()


def normalise_query(text: str) -> str:
    """The query's runs joined by single spaces; traditional characters become simplified."""
    text = " ".join(runs(fold(text[:MAX_QUERY_INPUT])))[:MAX_QUERY_TEXT].strip()
    if CJK_RUN.search(text):
        text = " ".join(runs(_to_simplified(text)))
    return text


@lru_cache(maxsize=65536)
def normalise_name(text: str) -> str:
    """Names and aliases get the full query normalisation, so both sides agree exactly."""
    return normalise_query(text)

"""The colloquial-name dictionary (俗称 → official terms), reloaded when its file changes.

Editors tune the dictionary while the service runs, so a changed file takes effect within a
second without a restart; a broken edit must never take search down, so it is logged and the
dictionary in force is kept.
"""

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from search.analysis import normalise, pinyin

log = logging.getLogger(__name__)

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "data" / "synonyms.yaml"
MAX_TARGETS = 8  # official terms per colloquial name


class SynonymFileError(ValueError):
    """The file is not a mapping of colloquial name → official term(s)."""


@dataclass(frozen=True)
class _Signature:
    mtime_ns: int
    size: int


def parse(text: str) -> dict[str, tuple[str, ...]]:
    """Normalised colloquial key (no spaces) → normalised official terms (their runs separated
    by single spaces: 户口迁移（迁入）登记 → "户口迁移 迁入 登记")."""
    data: Any = yaml.safe_load(text)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SynonymFileError("the synonyms file must be a mapping")
    entries: dict[str, tuple[str, ...]] = {}
    for raw_key, raw_targets in data.items():
        targets = [raw_targets] if isinstance(raw_targets, str) else raw_targets
        if not isinstance(raw_key, str) or not isinstance(targets, list):
            raise SynonymFileError(f"bad entry {raw_key!r}: want a name and a list of terms")
        key = normalise.normalise_query(raw_key).replace(" ", "")
        clean = [normalise.normalise_query(str(t)) for t in targets]
        clean = [t for t in dict.fromkeys(clean) if t and t != key][:MAX_TARGETS]
        if key and clean:
            entries[key] = tuple(dict.fromkeys([*entries.get(key, ()), *clean]))
    return entries


class Synonyms:
    """The dictionary in force; `check()` is cheap and safe to call on every query."""

    def __init__(self, path: Path | None = None, *, interval: float = 1.0) -> None:
        self.path = Path(path) if path is not None else DEFAULT_FILE
        self.interval = interval
        self.entries: dict[str, tuple[str, ...]] = {}
        self.by_pinyin: dict[str, str] = {}  # fuzzy full pinyin of a key → the key
        self._signature: _Signature | None = None
        self._checked = time.monotonic()
        self._lock = threading.Lock()
        self.reload()

    def _stat(self) -> _Signature | None:
        try:
            st = self.path.stat()
        except OSError:
            return None
        return _Signature(st.st_mtime_ns, st.st_size)

    def reload(self) -> bool:
        """Reread the file if it changed since the last read; True when a new dictionary is in
        force. A missing or broken file is logged and the old dictionary stays."""
        with self._lock:
            self._checked = time.monotonic()
            signature = self._stat()
            if signature == self._signature:
                return False
            self._signature = signature  # a broken version is reported once, not every second
            if signature is None:
                log.warning(
                    "synonyms file %s is missing; keeping %d entries", self.path, len(self.entries)
                )
                return False
            try:
                entries = parse(self.path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, yaml.YAMLError, SynonymFileError) as exc:
                log.warning(
                    "synonyms file %s not loaded (%s); keeping %d entries",
                    self.path,
                    exc,
                    len(self.entries),
                )
                return False
            self.entries, self.by_pinyin = entries, _pinyin_keys(entries)
            log.info("loaded %d synonyms from %s", len(entries), self.path)
            return True

    def check(self) -> None:
        """Reload at most once per `interval` seconds; never raises."""
        if time.monotonic() - self._checked < self.interval:
            return
        try:
            self.reload()
        except Exception:  # a query must never fail on the dictionary
            log.exception("synonyms reload failed")

    def expand(self, compact: str) -> list[str]:
        """Official terms for every colloquial key the (space-free) query contains; a key inside
        a longer matching key is skipped (二手车过户 is not about 过户 of a house)."""
        entries = self.entries
        found = [key for key in entries if key in compact]
        out: list[str] = []
        for key in found:
            if not any(key != other and key in other for other in found):
                out.extend(entries[key])
        return list(dict.fromkeys(out))

    def expand_pinyin(self, fuzzy_word: str) -> list[str]:
        """Official terms for a colloquial name typed in full pinyin (kaigongsi → 开公司)."""
        key = self.by_pinyin.get(fuzzy_word)
        return list(self.entries.get(key, ())) if key else []

    def complete(self, prefix: str) -> list[str]:
        """Official terms (without spaces) for the colloquial keys that start with `prefix`."""
        out: list[str] = []
        if prefix:
            for key, targets in self.entries.items():
                if key.startswith(prefix):
                    out.extend(t.replace(" ", "") for t in targets)
        return list(dict.fromkeys(out))


def _pinyin_keys(entries: dict[str, tuple[str, ...]]) -> dict[str, str]:
    keys: dict[str, str] = {}
    for key in entries:
        if normalise.is_cjk(key):
            keys.setdefault(pinyin.fuzzy("".join(pinyin.syllables(key))), key)
    return keys

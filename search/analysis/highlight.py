"""Highlighted fragments: HTML-escaped text with matches wrapped in <em>…</em>.

Marks are matched on the folded text (NFKC, lowercase) so `ＢＤＣ` or `Abc` in a document still
lights up, while the fragment shows the original characters.
"""

import html
import unicodedata

SNIPPET_WIDTH = 60
SNIPPET_LEAD = 20  # characters shown before the first match


def _folded(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each folded character, the index of its original character."""
    if text.isascii():
        return text.lower(), list(range(len(text)))
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        folded = unicodedata.normalize("NFKC", ch).lower() if not ch.isascii() else ch.lower()
        chars.append(folded)
        origin.extend([i] * len(folded))
    return "".join(chars), origin


def spans(text: str, marks: tuple[str, ...]) -> list[tuple[int, int]]:
    """Merged (start, end) ranges of the original text covered by any mark."""
    if not text or not marks:
        return []
    folded, origin = _folded(text)
    found: list[tuple[int, int]] = []
    for mark in marks:
        if not mark:
            continue
        start = folded.find(mark)
        while start != -1:
            found.append((origin[start], origin[start + len(mark) - 1] + 1))
            start = folded.find(mark, start + 1)
    if not found:
        return []
    found.sort()
    merged = [found[0]]
    for start, end in found[1:]:
        last_start, last_end = merged[-1]
        if start <= last_end:  # overlapping or adjacent: one <em>
            merged[-1] = (last_start, max(last_end, end))
        else:
            merged.append((start, end))
    return merged


def render(text: str, ranges: list[tuple[int, int]]) -> str:
    out: list[str] = []
    pos = 0
    for start, end in ranges:
        out.append(html.escape(text[pos:start]))
        out.append(f"<em>{html.escape(text[start:end])}</em>")
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def highlight(text: str, marks: tuple[str, ...]) -> str | None:
    """The whole text highlighted, or None when no mark occurs in it."""
    ranges = spans(text, marks)
    return render(text, ranges) if ranges else None


def snippet(text: str, marks: tuple[str, ...], width: int = SNIPPET_WIDTH) -> str | None:
    """About `width` characters around the first match, "…" where cut; None without a match."""
    ranges = spans(text, marks)
    if not ranges:
        return None
    first = ranges[0][0]
    start = max(0, min(first - SNIPPET_LEAD, len(text) - width))
    end = min(len(text), start + width)
    window = [
        (max(s, start) - start, min(e, end) - start) for s, e in ranges if s < end and e > start
    ]
    fragment = render(text[start:end], window)
    return ("…" if start > 0 else "") + fragment + ("…" if end < len(text) else "")

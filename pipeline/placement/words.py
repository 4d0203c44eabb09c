"""Words, sentences and patterns of a unit's text, as code placement looks for them."""
from __future__ import annotations

import re
from functools import lru_cache

from ..text import fold


_WS = "\\s\u00a0\u202f"
WORD = re.compile(r"\w+")
TRAILING = re.compile(r"[\s\u00a0\u202f.!?…:;,]+$")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'»”’)\]]*(?=[\s\u00a0\u202f]+\S)")
CLAUSE_MARK = re.compile(r"[.!?…,;:()\[\]«»\"“”]")


def norm(s: str) -> str:
    return " ".join(WORD.findall(fold(s)))


def tokens(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in WORD.finditer(text)]


@lru_cache(maxsize=4096)
def _pattern(needle: str, ignore_case: bool) -> re.Pattern[str]:
    """A regex for ``needle`` tolerant of spacing around French punctuation and quote styles.

    Letters and digits at either end must sit on word boundaries, so "art"
    is not found inside "partie"; an underscore need not (an escaped ``\\_``
    stands for the one inside ``bas_de_page``).
    """
    parts: list[str] = []
    for ch in needle:
        if ch.isspace() or ch in "\u00a0\u202f":
            if not parts or parts[-1] != f"[{_WS}]+":
                parts.append(f"[{_WS}]+")
        elif ch in ":;!?»":
            parts.append(f"[{_WS}]?" + re.escape(ch))
        elif ch == "«":
            parts.append(f"«[{_WS}]?")
        elif ch in "'’":
            parts.append("['’]")
        else:
            parts.append(re.escape(ch))
    body = "".join(parts)
    if needle[:1].isalnum():
        body = r"(?<!\w)" + body
    if needle[-1:].isalnum():
        body += r"(?!\w)"
    return re.compile(body, re.IGNORECASE if ignore_case else 0)


def find(needle: str, hay: str) -> tuple[list[tuple[int, int]], bool]:
    """Occurrences of needle in hay, exact first, else ignoring case; and whether exact."""
    if not needle.strip():
        return [], True
    exact = [m.span() for m in _pattern(needle, False).finditer(hay)]
    if exact:
        return exact, True
    return [m.span() for m in _pattern(needle, True).finditer(hay)], False


def is_strong(word: str, dnt_folded: set[str]) -> bool:
    """A text that would not appear verbatim in a translation by chance."""
    w = word.strip()
    if fold(w) in dnt_folded:
        return True
    return len(w) >= 3 or any(ch.isdigit() or ch.isupper() for ch in w) or not WORD.fullmatch(w or "x")


def text_core(text: str) -> tuple[int, int, int]:
    """(start, end, end without trailing punctuation) of the text inside its whitespace."""
    start = len(text) - len(text.lstrip())
    end = len(text.rstrip())
    m = TRAILING.search(text[:end])
    bare = m.start() if m and m.start() > start else end
    return start, end, bare


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence extents (no surrounding whitespace); a rough splitter is enough to map offsets."""
    start, end, _ = text_core(text)
    spans, cur = [], start
    for m in _SENTENCE_END.finditer(text, start, end):
        spans.append((cur, m.end()))
        cur = m.end() + len(text[m.end():]) - len(text[m.end():].lstrip())
    if cur < end or not spans:
        spans.append((cur, end))
    return spans


def bare_end(text: str, start: int, end: int) -> int:
    """End of text[start:end] without its trailing punctuation."""
    m = TRAILING.search(text, start, end)
    return m.start() if m and m.start() > start else end

"""Characters a translation model cannot write: emoji, flags, and whatever its vocabulary lacks.

OPUS-MT's SentencePiece vocabulary has no piece for most emoji: the model
reads ``<unk>`` and writes ``⁇`` or nothing, so 🚨, 🇮🇹 or 👨‍👩‍👧 would vanish
from a translation without a word. Two defences, the way URLs are protected:

1. before the model: each such character (a whole grapheme: a flag pair, a
   ZWJ family, a thumb with its skin tone) goes through as a do-not-translate
   placeholder, which models copy;
2. after it: a character still missing from the translation (the model lost
   the placeholder) is put back by the code placement chain, as an inline code
   that stands for itself, next to the words it stood by, and the unit is
   flagged ``characters_restored`` so an editor checks the place.
"""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, Iterable, Sequence

import regex

from ..document import InlineCode

if TYPE_CHECKING:
    from .base import Translator

# A flag (two regional indicators), a keycap, or a pictograph with its modifiers, variation
# selectors and zero-width-joined companions: one grapheme a reader sees as one emoji.
EMOJI = regex.compile(
    r"\p{Regional_Indicator}{2}"
    r"|[0-9#*]\uFE0F?\u20E3"
    r"|\p{Extended_Pictographic}[\uFE0F\p{Emoji_Modifier}\U000E0020-\U000E007F]*"
    r"(?:\u200D\p{Extended_Pictographic}[\uFE0F\p{Emoji_Modifier}]*)*"
)
_GRAPHEME = regex.compile(r"\X")
RESTORED_KIND = "char"  # the temporary code kind of a restored character
_TEMP_ID = 1_000_000  # temporary codes' ids start here, clear of the unit's own


def unwritable_spans(text: str, translator: Translator | None = None) -> list[tuple[int, int]]:
    """Where ``text`` holds characters the model cannot write: emoji, and graphemes the
    translator's target vocabulary has no piece for (``translator.cannot_write``)."""
    spans = [m.span() for m in EMOJI.finditer(text)]
    check = getattr(translator, "cannot_write", None)
    if check is not None:
        taken = {k for a, b in spans for k in range(a, b)}
        for m in _GRAPHEME.finditer(text):
            if m.start() not in taken and not m.group().isspace() and check(m.group()):
                spans.append(m.span())
    return sorted(spans)


def unwritable_texts(texts: Iterable[str], translator: Translator | None = None) -> list[str]:
    """The distinct unwritable characters of these texts (for the placeholders)."""
    found: dict[str, None] = {}
    for text in texts:
        for a, b in unwritable_spans(text, translator):
            found[text[a:b]] = None
    return list(found)


def restore(source: str, source_codes: Sequence[InlineCode], target: str, placed: Sequence[InlineCode],
            spans: Sequence[tuple[int, int]], place) -> tuple[str, list[InlineCode], list[dict[str, str]]]:
    """Put back the characters of ``spans`` (offsets in ``source``) that ``target`` lacks.

    ``place(source, codes, target)`` is the code placement chain: each
    character becomes a code that stands for itself, placed with the unit's own
    codes (so it never lands inside a code span or a link address), and is
    written into the target where it lands. Returns the new target, the
    unit's placed codes moved accordingly, and one flag naming what was put back.
    """
    wanted = [source[a:b] for a, b in spans]
    if not wanted or _all_present(wanted, target):
        return target, list(placed), []
    temps = [InlineCode(_TEMP_ID + k, RESTORED_KIND, source[a:b], start=a, end=b, replaces_text=True)
             for k, (a, b) in enumerate(spans)]
    placement = place(source, list(source_codes) + temps, target)
    by_id = {c.id: c for c in placement.codes}
    codes = [replace(c) for c in placed]
    restored: list[str] = []
    # from the end, so earlier offsets stay valid while inserting
    for temp in sorted(temps, key=lambda t: -by_id[t.id].start):
        spot = by_id[temp.id]
        if spot.end > spot.start and target[spot.start:spot.end] == temp.open:
            continue  # the model wrote it: found in place
        at = _outside_substitutions(spot.start, codes)
        target, codes = _insert(target, codes, at, temp.open)
        restored.append(f"'{temp.open}' after '{target[max(0, at - 20):at].strip()}'")
    if not restored:
        return target, codes, []
    flag = {
        "code": "characters_restored",
        "reason": "the model cannot write these characters and left them out; put back where their "
                  "neighbouring words are, check the place: " + "; ".join(reversed(restored)),
    }
    return target, codes, [flag]


def _all_present(wanted: list[str], target: str) -> bool:
    counts: dict[str, int] = {}
    for w in wanted:
        counts[w] = counts.get(w, 0) + 1
    return all(target.count(w) >= n for w, n in counts.items())


def _outside_substitutions(at: int, codes: Sequence[InlineCode]) -> int:
    """A point never goes inside the text a substitution code (code span, URL) stands for."""
    for c in codes:
        if c.replaces_text and c.start < at < c.end:
            return c.end
    return at


def _insert(target: str, codes: list[InlineCode], at: int, text: str) -> tuple[str, list[InlineCode]]:
    """Insert ``text`` at ``at``: codes from there on move, codes around it grow, codes ending there stay."""
    n = len(text)
    for c in codes:
        if c.start >= at:
            c.start += n
            c.end += n
        elif c.end > at:
            c.end += n
    return target[:at] + text + target[at:], codes


def placeholders_for(units: Sequence[Any], translator: Translator | None) -> list[str]:
    """The unwritable characters of every unit, to go through the model as placeholders."""
    return unwritable_texts((u.text for u in units), translator)

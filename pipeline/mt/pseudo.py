"""The ``pseudo`` translator: pseudo-localization, as software localization uses it.

Every word is visibly transformed (accented look-alike letters) and the text
grows by about 30%, bracketed ``⟦ ⟧``, so editors and theme designers see what
will be translated, and whether layouts survive longer French text, before
any MT runs.

Whole text units are pseudo-localized with their inline codes kept exactly in
place. The text translators see plain strings; pseudo-localization can do better,
because it changes each word in place: the text between codes is transformed
piece by piece and every code keeps its position, so the check "every piece
of markup is still there, in order" is exact rather than heuristic.

Each word gets accented look-alike letters and, from three letters on, 40%
more letters (``ˉ``): with spaces and punctuation unchanged, a unit grows by
about 30%, as English grows into French. A word without a look-alike
(CJK) gets a ``ʹ``. Numbers stay as they are: they are not translated, and
QA's number check must find each one on the other side.

Why letters only (``ˉ`` and ``ʹ`` are Unicode modifier letters): Markdown reads emphasis by what stands on each side of a ``*``/``_``/``~``
run (CommonMark's flanking rules): padding with punctuation such as ``~``
or ``·`` turns ``**word**s`` or ``~~gone~~`` into literal stars and tildes.
Letters next to a delimiter never change how it is read.
"""
from __future__ import annotations

import copy
import re
from typing import Any

from ..align.qa import NUMBER
from ..document import InlineCode, TextUnit
from .base import Translator, UnitWork, word_counts

_LOOKALIKE = str.maketrans(
    "AaBCcDdEeGgHhIiJjKkLlNnOoRrSsTtUuWwYyZz",
    "ÅåßÇçÐðÉéĜĝĤĥÎîĴĵĶķĹĺÑñÖöŘřŠšŢţÛûŴŵÝýŽž",
)
# A number is kept as it is (``4 789``, ``1,5``, ``2024``): pseudo-localization shows what will be
# translated, and digits are not; QA's number check must find them all on the other side.
_WORD = re.compile(r"(?P<number>(?:" + NUMBER.pattern + r"))(?!\w)|\w+")
PAD = "ˉ"  # U+02C9 MODIFIER LETTER MACRON: a letter, so it never touches emphasis rules
MARK = "ʹ"  # U+02B9 MODIFIER LETTER PRIME: marks a word that has no look-alike letters


def _pseudo_word(m: re.Match[str]) -> str:
    word = m.group(0)
    if m.group("number"):
        return word
    out = word.translate(_LOOKALIKE)
    if out == word:
        out += MARK
    if len(word) >= 3:
        out += PAD * max(1, round(len(word) * 0.4))
    return out


def pseudo_words(text: str) -> str:
    """Every word transformed and lengthened; spaces, punctuation and symbols kept."""
    return _WORD.sub(_pseudo_word, text)


def pseudo_unit(unit: TextUnit) -> tuple[str, list[InlineCode]]:
    """The unit's pseudo-localized text and its codes moved to the new offsets."""
    text, codes = unit.text, unit.codes
    cuts = sorted({0, len(text)} | {c.start for c in codes} | {c.end for c in codes})
    protected = [(c.start, c.end) for c in codes if c.replaces_text]
    new_pos: dict[int, int] = {}
    out: list[str] = []
    length = 0
    for a, b in zip(cuts, cuts[1:] + [None]):
        new_pos[a] = length
        if b is None:
            break
        piece = text[a:b]
        if not any(s <= a and b <= e for s, e in protected):
            piece = pseudo_words(piece)
        out.append(piece)
        length += len(piece)
    new_codes = []
    for c in codes:
        nc = copy.copy(c)
        nc.start, nc.end = new_pos[c.start], new_pos[c.end]
        new_codes.append(nc)
    return _bracket("".join(out), new_codes)


def _bracket(body: str, codes: list[InlineCode]) -> tuple[str, list[InlineCode]]:
    """Mark the unit's start and end (⟦ ⟧) so cut-off text shows.

    The marks go inside any paired code that wraps the whole text (``**⟦Bold⟧**``)
    but outside a substitution code (a code span, an entity) at either end,
    whose text must not change.
    """
    lead = len(body) - len(body.lstrip())
    core_end = len(body.rstrip())
    if core_end <= lead:
        return body, codes
    new = body[:lead] + "⟦" + body[lead:core_end] + "⟧" + body[core_end:]

    def shift_start(c: InlineCode) -> int:
        pos = c.start
        if pos > core_end:
            return pos + 2
        if pos > lead or (pos == lead and c.replaces_text):
            return pos + 1
        return pos

    def shift_end(c: InlineCode) -> int:
        pos = c.end
        if pos > core_end or (pos == core_end and not c.replaces_text):
            return pos + 2
        if pos > lead or (pos == lead and c.replaces_text and c.end > c.start):
            return pos + 1
        return pos

    for c in codes:
        isolated = c.start == c.end and not c.replaces_text
        start = shift_start(c)
        c.end = start if isolated else shift_end(c)
        c.start = start
    return new, codes


def pseudo_localize(text: str) -> str:
    """Pseudo-localize a plain string: every word transformed and padded, then bracketed ``⟦ ⟧``.

    The word transformation is the one units get (``pseudo_words`` above),
    which pads with letters so markdown emphasis around a word stays valid.
    """
    if not text.strip():
        return text
    body = pseudo_words(text)
    lead = len(text) - len(text.lstrip())
    trail = len(text) - len(text.rstrip())
    core = body.strip()
    return text[:lead] + "⟦" + core + "⟧" + (text[len(text) - trail:] if trail else "")


class PseudoTranslator(Translator):
    """Pseudo-localization (see the module docstring): plain strings, or whole units with their codes in place."""

    name = "pseudo"
    changes_language = False

    def __init__(self) -> None:
        self.model_id = "pseudo"

    def translate(self, batch: list[str], **overrides: Any) -> list[str]:
        return [pseudo_localize(t) for t in batch]

    def translate_units(self, units: list[TextUnit], source_lang: str, config: dict[str, Any]) -> list[UnitWork]:
        """Every unit pseudo-localized in place, each code kept exactly where it was (``pseudo_unit``)."""
        for u in units:
            u.target, u.target_codes = pseudo_unit(u)
        return [word_counts(u) for u in units]

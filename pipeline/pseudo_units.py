"""Pseudo-localization of whole text units, inline codes kept exactly in place.

The text translators see plain strings; pseudo-localization can do better,
because it changes each word in place: the text between codes is transformed
piece by piece and every code keeps its position, so the check "every piece
of markup is still there, in order" is exact rather than heuristic.
"""
from __future__ import annotations

import copy

from .document import InlineCode, TextUnit
from .mt.simple import pseudo_localize_words


def pseudo_unit(unit: TextUnit) -> tuple[str, list[InlineCode]]:
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
            piece = pseudo_localize_words(piece)
        out.append(piece)
        length += len(piece)
    new_codes = []
    for c in codes:
        nc = copy.copy(c)
        nc.start, nc.end = new_pos[c.start], new_pos[c.end]
        new_codes.append(nc)
    body = "".join(out)
    return _bracket(body, new_codes)


def _bracket(body: str, codes: list[InlineCode]) -> tuple[str, list[InlineCode]]:
    """Mark the unit's start and end (⟦ ⟧), inside any code that wraps it, so cut-off text shows."""
    lead = len(body) - len(body.lstrip())
    core_end = len(body.rstrip())
    if core_end <= lead:
        return body, codes
    new = body[:lead] + "⟦" + body[lead:core_end] + "⟧" + body[core_end:]

    def shift(pos: int, is_end: bool) -> int:
        if pos > core_end or (pos == core_end and is_end):
            return pos + 2
        if pos > lead or (pos == lead and is_end and pos > 0):
            return pos + 1
        return pos

    for c in codes:
        zero = c.start == c.end
        c.start = shift(c.start, False)
        c.end = c.start if zero and not c.replaces_text else shift(c.end, True)
    return new, codes

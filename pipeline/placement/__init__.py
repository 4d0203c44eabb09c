"""Carry inline codes across machine translation.

MarianMT translates plain text and does not keep tags or placeholders
reliably, so the translate stage sends the unit's plain text alone and then
puts each inline code (bold, links, ``{{< hl >}}`` spans, inline HTML,
inline code spans...) back around the corresponding translated words.

``place_codes`` tries, for each code, a chain of cheap evidence first, the
way argos-translate's ``tags.py`` and Firefox Translations do; one module
per step:

1. ``whole``: the span covers the whole unit (or a whole sentence when both
   sides have as many sentences): wrap the same part of the translation;
2. ``verbatim``: the span's text appears as is in the translation (names,
   numbers, acronyms, URLs, do-not-translate terms);
3. ``fragment``: the span translated alone (``translate_fragment``) is found
   in the translation, exactly, ignoring case, or as the most similar window
   of words (difflib);
4. ``cognate``: the span's words share a stem with target words
   (information/information, sécurité/security); then ``attention``: the
   model's own word alignment, from its cross-attention (``align``, model
   backends only; flagged when weak);
5. ``fallback``: the code is kept at the word boundaries matching its
   relative position, and flagged ``markup_uncertain`` for the editor.

``candidates`` lists each code's candidates from those steps, by kind of
code (span, substitution, zero-length); ``geometry`` says whether a candidate
fits among the codes already placed. Every code of the source comes out,
whatever happens: a placement that would cross another code falls back, and
the last fallback (a zero-length code at a word boundary) always fits. The
placed codes are rendered by the one inline renderer
(``pipeline.markdown.inline.render_inline``), the inverse of the extractor.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable, Iterable, Sequence

from ..document import InlineCode
from ..markdown.inline import code_extent, render_pieces
from ..text import fold
from .candidates import candidates_for
from .context import Candidates, Context
from .fallback import fallback
from .geometry import as_code, fits, keeps_order, nesting_problems

__all__ = ["Placement", "nesting_problems", "place_codes", "renumber"]


def renumber(text: str, codes: Sequence[InlineCode]) -> list[InlineCode]:
    """Copies of ``codes`` whose ``order``/``close_order`` are their places in the rendered translation.

    Placed codes come with their source order numbers, which describe the
    source; numbered again from the rendering of the target (the one renderer,
    ``render_pieces``), they render the same markup and say where each code is.
    """
    new = {id(c): replace(c) for c in codes}
    for seq, (role, _, code) in enumerate(p for p in render_pieces(text, codes) if p[2] is not None):
        if role == "close":
            new[id(code)].close_order = seq
        else:
            new[id(code)].order = seq
    return [new[id(c)] for c in codes]


@dataclass
class Placement:
    """Codes over the translation, which ones were guessed, and the editor's flag."""

    codes: list[InlineCode]
    uncertain: list[int] = field(default_factory=list)
    flags: list[dict[str, str]] = field(default_factory=list)
    methods: dict[int, str] = field(default_factory=dict)


def place_codes(
    src_text: str,
    codes: Sequence[InlineCode],
    tgt_text: str,
    translate_fragment: Callable[[str], str] | None = None,
    dnt: Iterable[str] = (),
    align: Callable[[int, int], object] | None = None,
) -> Placement:
    """Place every source code over ``tgt_text`` (see the module docstring).

    Codes with the strongest evidence are placed first; each later code takes
    its best candidate that does not cross those already placed and keeps its
    nesting relations, else one that merely does not cross (flagged), else
    the relative-position fallback (flagged). The result keeps ids, kinds,
    opens and closes, and the input order.
    """
    ctx = Context(src_text, tgt_text, translate_fragment, {fold(t) for t in dnt if t.strip()}, align)
    work = [replace(c, id=k) for k, c in enumerate(codes)]  # ids by position: input ids may repeat
    cands = [candidates_for(ctx, c) for c in work]
    src_ext = [code_extent(c, src_text) for c in work]
    order = sorted(work, key=lambda c: (_rank(cands[c.id]), src_ext[c.id][0], -src_ext[c.id][1]))
    placed: dict[int, InlineCode] = {}
    notes: dict[int, str] = {}
    methods: dict[int, str] = {}
    # where each code would go by relative position: a guess keeps its order with those not placed yet too
    expected = {c.id: replace(c, start=round(ctx.map_offset(src_ext[c.id][0])), end=round(ctx.map_offset(src_ext[c.id][1])))
                for c in work}
    for code in order:
        new, method, note = _choose(ctx, code, cands[code.id], placed, src_ext, expected)
        placed[code.id] = new
        methods[codes[code.id].id] = method
        if note:
            notes[code.id] = note
    out = renumber(tgt_text, [replace(placed[k], id=c.id) for k, c in enumerate(codes)])
    uncertain = [c.id for k, c in enumerate(codes) if k in notes]
    return Placement(out, uncertain, _flags(codes, notes, src_text), methods)


_RANKS = {"whole": 1, "verbatim": 2, "fragment": 3, "cognate": 4, "attention": 4.2}


def _rank(cands: "Candidates") -> float:
    """Strength of a code's best cheap evidence; codes with stronger evidence are placed first."""
    known = [_RANKS.get(c.method, 5) + (0 if c.certain else 0.5) for c in cands.known]
    return min(known, default=_RANKS["fragment"] if cands.pending else 9)


def _flags(codes: Sequence[InlineCode], notes: dict[int, str], src: str) -> list[dict[str, str]]:
    """One ``markup_uncertain`` flag naming each guessed code and why."""
    if not notes:
        return []
    parts = []
    for k, c in enumerate(codes):
        if k in notes:
            s, e = code_extent(c, src)
            what = f"'{src[s:e]}'" if e > s else f"at '{src[max(0, s - 15):s]}|{src[s:s + 15]}'"
            markup = f"{c.open}…{c.close}" if c.close else c.open
            parts.append(f"#{c.id} {c.kind} {markup} {what}: {notes[k]}")
    return [{
        "code": "markup_uncertain",
        "reason": "inline codes placed by guess, check them: " + "; ".join(parts),
        "codes": ",".join(str(codes[k].id) for k in sorted(notes)),
    }]


def _choose(ctx, code, cands, placed, src_ext, expected=None):
    """The first candidate that fits what is placed, else a fallback; with a note when guessed."""
    for keep_nesting in (True, False):
        for c in cands:
            new = as_code(code, c)
            if fits(new, code, placed, src_ext, keep_nesting) and (c.certain or keeps_order(new, code, {**(expected or {}), **placed}, src_ext)):
                note = c.note if not c.certain else ""
                if not keep_nesting:
                    note = (note + "; " if note else "") + f"found by {c.method} but its nesting changed"
                return new, c.method, note
    return fallback(ctx, code, cands, placed, src_ext, expected)

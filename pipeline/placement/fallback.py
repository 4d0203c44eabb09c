"""Step 5 of the chain, ``fallback``: a code no step could place keeps its relative position at word boundaries,
and is flagged for the editor. It always succeeds: a zero-length code at a word boundary always fits."""
from __future__ import annotations

from dataclasses import replace

from .candidates import point_candidates
from .geometry import as_point, code_kind, fits, keeps_order


def fallback(ctx, code, cands, placed, src_ext, expected=None):
    """Keep the code at word boundaries matching its relative position; always succeeds.

    A span gets the closest word-boundary span that fits, else becomes empty
    at a point; a substitution not found is inserted as an isolated code (its
    ``open`` as is) next to its neighbouring words; a point goes to its best
    candidate that fits, else to the nearest word boundary.
    """
    kind = code_kind(code)
    s, e = src_ext[code.id]
    if kind == "span":
        span = _fallback_span(ctx, code, placed, src_ext, expected)
        if span is not None:
            why = "no match in the translation; kept at its relative position"
            return replace(code, start=span[0], end=span[1]), "fallback", why
        p = _fallback_point(ctx, code, cands, placed, src_ext, expected)
        return replace(code, start=p, end=p), "fallback", "no room for it among the other codes; left empty"
    if kind == "sub":
        p = _fallback_point(ctx, code, point_candidates(ctx, s, e), placed, src_ext, expected)
        why = f"its text '{ctx.src[s:e]}' is not in the translation; inserted as is"
        return as_point(code, p), "fallback", why
    p = _fallback_point(ctx, code, cands, placed, src_ext, expected)
    return as_point(code, p), "fallback", "no neighbouring word found in the translation"


def _fallback_span(ctx, code, placed, src_ext, expected=None) -> tuple[int, int] | None:
    """The word-boundary span closest to the relative position that fits; None if none fits."""
    s, e = src_ext[code.id]
    want_s, want_e = ctx.map_offset(s), ctx.map_offset(e)
    toks = ctx.tgt_tokens
    starts = sorted({a for a, _ in toks}, key=lambda a: abs(a - want_s))[:30]
    ends = sorted({b for _, b in toks}, key=lambda b: abs(b - want_e))[:30]
    pairs = sorted(((a, b) for a in starts for b in ends if b > a),
                   key=lambda ab: abs(ab[0] - want_s) + abs(ab[1] - want_e))
    for keep_nesting in (True, False):
        for a, b in pairs:
            new = replace(code, start=a, end=b)
            if fits(new, code, placed, src_ext, keep_nesting) and (not keep_nesting or keeps_order(new, code, {**(expected or {}), **placed}, src_ext)):
                return a, b
    return None


def _fallback_point(ctx, code, cands, placed, src_ext, expected=None) -> int:
    """The first point candidate that fits, else the nearest word boundary that does (0 always can)."""
    want = ctx.map_offset(src_ext[code.id][0])
    bounds = {0, len(ctx.tgt)} | {a for a, _ in ctx.tgt_tokens} | {b for _, b in ctx.tgt_tokens}
    for keep_nesting in (True, False):
        for c in cands:
            new = as_point(code, c.start)
            if c.start == c.end and fits(new, code, placed, src_ext, keep_nesting) \
                    and (not keep_nesting or c.certain or keeps_order(new, code, {**(expected or {}), **placed}, src_ext)):
                return c.start
        for p in sorted(bounds, key=lambda x: (abs(x - want), x)):
            new = as_point(code, p)
            if fits(new, code, placed, src_ext, keep_nesting) and (not keep_nesting or keeps_order(new, code, {**(expected or {}), **placed}, src_ext)):
                return p
    return 0

"""Step 1 of the chain, ``whole``: a span over the whole unit (or whole sentences) wraps the same part of the translation;
a zero-length code at a unit or sentence edge goes to the same edge."""
from __future__ import annotations


from .context import Candidate, Context, point_at
from .words import bare_end, text_core


def whole_candidates(ctx: Context, s: int, e: int) -> list[Candidate]:
    """A span over the whole unit, or over whole sentences when sentences correspond."""
    src_units = [text_core(ctx.src)[:2]]
    tgt_units = [text_core(ctx.tgt)[:2]]
    if len(ctx.src_sents) == len(ctx.tgt_sents) > 1:
        src_units, tgt_units = ctx.src_sents, ctx.tgt_sents
    first = next((k for k, (us, _) in enumerate(src_units) if us == s), None)
    if first is None:
        return []
    for last in range(first, len(src_units)):
        us, ue = src_units[last]
        ts, te = tgt_units[first][0], tgt_units[last][1]
        if e == ue:
            return [Candidate(ts, te, "whole")] if te > ts else []
        if e == bare_end(ctx.src, us, ue):
            end = bare_end(ctx.tgt, tgt_units[last][0], te)
            return [Candidate(ts, end, "whole")] if end > ts else []
    return []


def edge_points(ctx: Context, p: int) -> list[Candidate]:
    by_sentence = len(ctx.src_sents) == len(ctx.tgt_sents)
    src_marks = _edge_marks(ctx.src, ctx.src_sents, by_sentence)
    tgt_marks = _edge_marks(ctx.tgt, ctx.tgt_sents, by_sentence)
    return [point_at(tgt_marks[src_marks.index(p)], "whole")] if p in src_marks else []


def _edge_marks(text: str, sents: list[tuple[int, int]], by_sentence: bool) -> list[int]:
    """Offsets that correspond between a text and its translation whatever the words."""
    start, end, bare = text_core(text)
    marks = [0, start, bare, end, len(text)]
    if by_sentence:
        for s, e in sents:
            marks += [s, bare_end(text, s, e), e]
    return marks

"""Step 4 of the chain, ``attention``: the model's own word alignment.

For a code the cheaper steps could not place, the translation model says
which target words it wrote from the span's source words: its cross-attention,
forced over the translation (``pipeline.mt.alignment``, the alignment head of
OPUS-MT and Firefox Translations). The context's ``align(start, end)`` gives
the aligned target span (whole words: a word's pieces stay together) and how
much of its attention lies inside the source span; a weak alignment is still a
candidate, flagged for the editor. Without a model (two human versions, an
editor's text) there is no ``align`` and the step gives nothing.
"""
from __future__ import annotations

from .context import Candidate, Context, point_at
from .words import WORD


def attention_candidates(ctx: Context, core: str, src_span: tuple[int, int]) -> list[Candidate]:
    """The target words the model aligned to the span's source words."""
    if ctx.align is None:
        return []
    span = ctx.align(*src_span)
    if span is None or span.end <= span.start:
        return []
    words = len(WORD.findall(ctx.tgt[span.start:span.end]))
    if words > 2 * len(WORD.findall(core)) + 2:
        return []  # the model looked all over the sentence: that is no alignment
    return [Candidate(span.start, span.end, "attention", not span.weak, span.note)]


def attention_points(ctx: Context, p: int) -> list[Candidate]:
    """A zero-length code after the target words aligned to the source word before it, or before
    those aligned to the word after it."""
    if ctx.align is None:
        return []
    out: list[Candidate] = []
    before = None
    for m in WORD.finditer(ctx.src, 0, p):
        before = m
    after = WORD.search(ctx.src, p)
    if before is not None:
        span = ctx.align(*before.span())
        if span is not None:
            out.append(point_at(span.end, "attention", not span.weak, span.note))
    if after is not None:
        span = ctx.align(*after.span())
        if span is not None:
            out.append(point_at(span.start, "attention", not span.weak, span.note))
    return out

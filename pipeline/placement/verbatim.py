"""Step 2 of the chain, ``verbatim``: the span's text, or the word next to a zero-length code, found as is in the translation."""
from __future__ import annotations


from .context import Candidate, Context, point_at
from .words import WORD, find, is_strong


def verbatim_candidates(ctx: Context, core: str, src_span: tuple[int, int]) -> list[Candidate]:
    spans, exact = find(core, ctx.tgt)
    note = "" if exact else "found ignoring case"
    return [Candidate(a, b, "verbatim", True, note) for a, b in ctx.by_closeness(spans, src_span)]


def anchor_points(ctx: Context, p: int, q: int) -> list[Candidate]:
    """After the word before p, or before the word after q, when that word is in the target."""
    out: list[Candidate] = []
    before = None
    for m in WORD.finditer(ctx.src, 0, p):
        before = m
    if before and is_strong(before.group(), ctx.dnt):
        gap = ctx.src[before.end():p]
        if not WORD.search(gap):
            for _, b in ctx.by_closeness(find(before.group(), ctx.tgt)[0], before.span()):
                out.append(point_at(skip_gap(ctx.tgt, b, gap), "verbatim"))
    after = WORD.search(ctx.src, q)
    if after and is_strong(after.group(), ctx.dnt):
        gap = ctx.src[q:after.start()]
        if not WORD.search(gap):
            for a, _ in ctx.by_closeness(find(after.group(), ctx.tgt)[0], after.span()):
                out.append(point_at(_back_gap(ctx.tgt, a, gap), "verbatim"))
    return out


def skip_gap(tgt: str, at: int, gap: str) -> int:
    """Move past the target's version of the punctuation/space found between word and code."""
    if tgt.startswith(gap, at):
        return at + len(gap)
    core = gap.strip()
    rest = tgt[at:]
    stripped = rest.lstrip(" \u00a0\u202f")
    if core and stripped.startswith(core):
        at += len(rest) - len(stripped) + len(core)
        trail = len(gap) - len(gap.rstrip())
        while trail and at < len(tgt) and tgt[at].isspace():
            at, trail = at + 1, trail - 1
    return at


def _back_gap(tgt: str, at: int, gap: str) -> int:
    """Move before the target's version of the punctuation/space between code and word."""
    if gap and tgt[:at].endswith(gap):
        return at - len(gap)
    core = gap.strip()
    head = tgt[:at].rstrip(" \u00a0\u202f")
    if core and head.endswith(core):
        return len(head) - len(core)
    return at

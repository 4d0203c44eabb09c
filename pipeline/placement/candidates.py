"""The candidates of each code, by kind of code, in the order of the chain (cheap evidence first).

A paired code (a span) tries whole, verbatim, fragment, cognate; a substitution (a code span, an entity) keeps
replacing its text where that text survived MT; a zero-length code goes to an edge, next to a neighbouring word, or
after the clause before it."""
from __future__ import annotations

from dataclasses import replace

from ..document import InlineCode
from ..markdown.inline import code_extent
from .attention import attention_candidates, attention_points
from .cognate import cognate_candidates
from .context import Candidate, Candidates, Context
from .fragment import clause_points, fragment_candidates, similar
from .geometry import code_kind
from .verbatim import anchor_points, verbatim_candidates
from .whole import edge_points, whole_candidates
from .words import find, is_strong


def candidates_for(ctx: Context, code: InlineCode) -> Candidates:
    kind = code_kind(code)
    if kind == "point":
        return point_candidates(ctx, code.start)
    if kind == "sub":
        return _sub_candidates(ctx, code)
    return _span_candidates(ctx, code)


def _span_candidates(ctx: Context, code: InlineCode) -> Candidates:
    """Candidates for a paired code: whole unit, verbatim, fragment, cognates.

    A short lowercase span ("on", "de") is found verbatim by chance too
    often, so for it the fragment translation comes before the verbatim find.
    """
    s, e = code_extent(code, ctx.src)
    text = ctx.src[s:e]
    core = text.strip()
    lead = len(text) - len(text.lstrip())
    src_span = (s + lead, s + lead + len(core))

    def padded(stage):
        return lambda: [_pad_like(ctx, c, text) for c in stage(ctx, core, src_span)]

    whole = lambda: whole_candidates(ctx, *src_span)  # noqa: E731
    verbatim = padded(verbatim_candidates)
    fragment = padded(fragment_candidates)
    cognate = padded(cognate_candidates)
    attention = padded(attention_candidates)
    if is_strong(core, ctx.dnt):
        return Candidates([whole, verbatim, fragment, cognate, attention], cheap=2)
    return Candidates([whole, fragment, verbatim, cognate, attention], cheap=1)


def _pad_like(ctx: Context, cand: Candidate, src_span_text: str) -> Candidate:
    """Let the target span take the same surrounding whitespace as the source span, if present."""
    lead = len(src_span_text) - len(src_span_text.lstrip())
    trail = len(src_span_text) - len(src_span_text.rstrip())
    s, e = cand.start, cand.end
    while lead and s > 0 and ctx.tgt[s - 1].isspace():
        s, lead = s - 1, lead - 1
    while trail and e < len(ctx.tgt) and ctx.tgt[e].isspace():
        e, trail = e + 1, trail - 1
    return replace(cand, start=s, end=e)


def _sub_candidates(ctx: Context, code: InlineCode) -> Candidates:
    """A substitution keeps replacing its text where that text survived MT.

    Inline code and entities are not words a translation should change, so
    only a verbatim find (case aside) is trusted. A near copy from the
    fragment step (MT mangled ``pip install``) is replaced but flagged;
    otherwise the code is inserted as a point (see ``_choose``).
    """
    s, e = code_extent(code, ctx.src)
    core = ctx.src[s:e].strip() or ctx.src[s:e]

    def verbatim() -> list[Candidate]:
        found, exact = find(core, ctx.tgt)
        note = "" if exact else "found ignoring case"
        return [Candidate(a, b, "verbatim", True, note) for a, b in ctx.by_closeness(found, (s, e))]

    def near_copy() -> list[Candidate]:
        return [
            replace(c, certain=False, note=f"text changed by MT, replaced '{ctx.tgt[c.start:c.end]}'")
            for c in fragment_candidates(ctx, core, (s, e))
            if c.certain and similar(core, ctx.tgt[c.start:c.end])
        ]

    return Candidates([verbatim, near_copy], cheap=1)


def point_candidates(ctx: Context, p: int, q: int | None = None) -> Candidates:
    """Offsets for a zero-length code at p (or for text p..q that must become one).

    Unit and sentence edges first, then the neighbouring words found in the
    target, then the clause before it translated alone.
    """
    q = p if q is None else q
    return Candidates([
        lambda: edge_points(ctx, p),
        lambda: anchor_points(ctx, p, q),
        lambda: clause_points(ctx, p),
        lambda: attention_points(ctx, p),
    ], cheap=2)

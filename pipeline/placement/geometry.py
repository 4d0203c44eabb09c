"""How placed codes sit together: crossing, nesting, and whether a candidate fits among the codes already placed."""
from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from ..document import InlineCode
from ..markdown.inline import code_extent
from .context import Candidate


def nesting_problems(text: str, codes: Sequence[InlineCode]) -> list[str]:
    """Why these codes would not render to well-formed markup (empty: fine).

    Two spans must be disjoint or nested; nothing may sit strictly inside a
    substitution (its text is not rendered), and two substitutions may not
    share text.
    """
    spans = [(c, *code_extent(c, text)) for c in codes]
    problems = []
    for k, (a, as_, ae) in enumerate(spans):
        for b, bs, be in spans[k + 1:]:
            if crosses((as_, ae), (bs, be)):
                problems.append(f"#{a.id} {a.kind} and #{b.id} {b.kind} cross")
            elif inside_substitution(a, (as_, ae), b, (bs, be)):
                problems.append(f"#{a.id} {a.kind} and #{b.id} {b.kind}: one is inside a substitution")
    return problems


def crosses(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[0] < a[1] < b[1] or b[0] < a[0] < b[1] < a[1]


def inside_substitution(a: InlineCode, ax: tuple[int, int], b: InlineCode, bx: tuple[int, int]) -> bool:
    """True when one code sits in a substitution's replaced text (it would vanish)."""
    for sub, sx, other, ox in ((a, ax, b, bx), (b, bx, a, ax)):
        if not sub.replaces_text or sx[0] == sx[1]:
            continue
        if other.replaces_text and ox[0] < ox[1] and ox[0] < sx[1] and sx[0] < ox[1]:
            return True  # two substitutions sharing text
        if ox[0] == ox[1]:
            if sx[0] < ox[0] < sx[1]:
                return True
        elif sx[0] <= ox[0] and ox[1] <= sx[1] and ox != sx:
            return True
    return False


def relation(a: tuple[int, int], b: tuple[int, int]) -> str:
    """How span b sits relative to span a (points: inside/outside/edge)."""
    if b[0] == b[1]:
        p = b[0]
        return "inside" if a[0] < p < a[1] else ("edge" if p in a else "outside")
    if a[0] == a[1]:
        return "any"
    if a == b:
        return "equal"
    if a[0] <= b[0] and b[1] <= a[1]:
        return "inside"
    if b[0] <= a[0] and a[1] <= b[1]:
        return "contains"
    if a[1] <= b[0] or b[1] <= a[0]:
        return "disjoint"
    return "cross"


_KEEPS = {
    "equal": {"equal", "inside", "contains"},
    "inside": {"inside", "equal"},
    "contains": {"contains", "equal"},
    "disjoint": {"disjoint"},
    "outside": {"outside", "edge"},
    "edge": {"inside", "outside", "edge"},
}


def keeps_relation(src_rel: str, tgt_rel: str) -> bool:
    allowed = _KEEPS.get(src_rel)
    return allowed is None or tgt_rel in allowed


def code_kind(code: InlineCode) -> str:
    """How a code is placed: a point (isolated, empty pair), a substitution, or a span."""
    if code.start >= code.end:
        return "point"
    return "sub" if code.replaces_text else "span"


def as_code(code: InlineCode, c: Candidate) -> InlineCode:
    return replace(code, start=c.start, end=c.end)


def fits(new, code, placed, src_ext, keep_nesting: bool) -> bool:
    """True when ``new`` crosses no placed code (and, if asked, keeps nesting relations).

    Never: a span inside another that stood apart from it in the source
    (a link in a link loses the outer address; emphasis aside, which would
    otherwise be lost). With ``keep_nesting``, a zero-length code also stays on
    its side of every span: inside or outside, also at the span's very edge,
    where the order of the codes decides (``{{< hl >}}x{{< /hl >}}{{< icon >}}``
    must not become ``{{< hl >}}{{< icon >}}x{{< /hl >}}``).
    """
    nx = (new.start, new.end)
    for other in placed.values():
        ox = (other.start, other.end)
        if crosses(nx, ox) or inside_substitution(new, nx, other, ox):
            return False
        if _newly_nested(new, nx, other, ox, relation(src_ext[other.id], src_ext[code.id])):
            return False
        if relation(src_ext[other.id], src_ext[code.id]) == "disjoint" and _side(new, nx, other, ox) == "inside" \
                and _span_of(new, nx, other, ox).kind not in _MAY_NEST:
            return False  # a span left empty stays out of the span it stood apart from
        side = _side(code, src_ext[code.id], other, src_ext[other.id])
        if side:  # a zero-length code and a span: the side, edges included, is what counts
            now = _side(new, nx, other, ox)
            if keep_nesting and side != now:
                return False
            if side == "outside" and now == "inside" and _span_of(new, nx, other, ox).kind not in _MAY_NEST:
                return False  # a shortcode or tag never moves into a link, a shortcode or a tag pair
        elif keep_nesting and not keeps_relation(relation(src_ext[other.id], src_ext[code.id]), relation(ox, nx)):
            return False
    return True


_MAY_NEST = {"bold", "italic", "emphasis", "strike"}  # an empty one would vanish: better nested than lost


def _newly_nested(a: InlineCode, ax: tuple[int, int], b: InlineCode, bx: tuple[int, int], src_rel: str) -> bool:
    """Two spans side by side in the source never end up one inside the other: a link in a link
    loses the outer address, a shortcode in its twin changes what Hugo pairs."""
    if ax[0] == ax[1] or bx[0] == bx[1] or src_rel != "disjoint" or {a.kind, b.kind} <= _MAY_NEST:
        return False
    if a.replaces_text or b.replaces_text:
        return False
    return ax[0] <= bx[0] and bx[1] <= ax[1] or bx[0] <= ax[0] and ax[1] <= bx[1]


def _span_of(a: InlineCode, ax: tuple[int, int], b: InlineCode, bx: tuple[int, int]) -> InlineCode:
    return b if ax[0] == ax[1] else a


def _side(a: InlineCode, ax: tuple[int, int], b: InlineCode, bx: tuple[int, int]) -> str:
    """Whether the zero-length one of two codes renders inside the other (a span): '' if neither is."""
    for point, p, span, sx in ((a, ax, b, bx), (b, bx, a, ax)):
        if p[0] == p[1] and sx[0] < sx[1] and not span.replaces_text and not point.replaces_text:
            at = p[0]
            if sx[0] < at < sx[1]:
                return "inside"
            if at == sx[0]:
                return "inside" if point.order > span.order else "outside"
            if at == sx[1]:
                return "inside" if point.order < span.close_order else "outside"
            return "outside"
    return ""


def keeps_order(new, code, placed, src_ext) -> bool:
    """A guess never swaps two codes that stood apart: one before the other stays before it.

    A translation may reorder words, so a code found by its words may move past
    another; a code placed by guess (weak alignment, relative position) has no
    such reason to.
    """
    s = src_ext[code.id]
    for other in placed.values():
        if other.id == code.id:
            continue
        o = src_ext[other.id]
        if relation(o, s) != "disjoint" and not (o[0] == o[1] or s[0] == s[1]):
            continue
        if o[1] <= s[0] and not (other.end <= new.start):
            return False
        if s[1] <= o[0] and not (new.end <= other.start):
            return False
    return True


def as_point(code: InlineCode, p: int) -> InlineCode:
    """The code as a zero-length one at p; a substitution becomes isolated (``open`` rendered as is)."""
    return replace(code, start=p, end=p, replaces_text=False if code_kind(code) == "sub" else code.replaces_text)

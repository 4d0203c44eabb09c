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
    """True when ``new`` crosses no placed code (and, if asked, keeps nesting relations)."""
    nx = (new.start, new.end)
    for other in placed.values():
        ox = (other.start, other.end)
        if crosses(nx, ox) or inside_substitution(new, nx, other, ox):
            return False
        if keep_nesting and not keeps_relation(
            relation(src_ext[other.id], src_ext[code.id]), relation(ox, nx)
        ):
            return False
    return True


def as_point(code: InlineCode, p: int) -> InlineCode:
    """The code as a zero-length one at p; a substitution becomes isolated (``open`` rendered as is)."""
    return replace(code, start=p, end=p, replaces_text=False if code_kind(code) == "sub" else code.replaces_text)

"""Tagged segments: a text unit as a translation memory sees it.

A CAT tool stores a sentence with formatting as text with *tags* in it (TMX's
``<bpt>``/``<ept>``/``<ph>``, OmegaT's ``<b0>``...``</b0>``), and matches on the
text and the places of the tags, whatever markup a tag stands for. bitext's
memory does the same: a ``Segment`` is a sequence of text and ``Tag`` pieces,
where a tag keeps the raw markup it stood for in the file it came from (``**``,
``{{< hl >}}``, ``<b0>``, an Okapi code) and a ``ref`` that pairs an opening tag
with its closing one and a source tag with its target tag.

Two keys come from a segment:

- ``key``: the normalised text (Unicode NFC, whitespace runs as one space) with
  each tag as a marker character: an exact match of this key means same words,
  same tags in the same places (a "100 %" match), so an entry can be put into a
  unit with no model call. What the tags stand for does not count: a link to
  another URL or a code span with other code is the same segment, and the
  unit's own markup is put back (``apply``).
- ``plain_key``: the same text without the paired tags: what fuzzy matching
  compares (a tag moved or lost costs a little, as in a CAT tool).

Putting an entry into a unit (``apply``) maps each tag of the entry's source to
the unit's code at the same place, writes the entry's target with the unit's
markup for each linked tag, and checks the result exactly as an editor's edit
is checked (``review.markup.check_edit``): a memory hit can never break the
article's markup.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable, Union

OPEN, CLOSE, POINT = "open", "close", "point"
_MARK = {OPEN: "\ue001", CLOSE: "\ue002", POINT: "\ufffc"}
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Tag:
    """One tag of a segment: the markup it stands for, and how it pairs."""

    role: str  # open | close | point
    ref: str  # same ref: an open and its close; a source tag and its target tag
    raw: str  # the markup as the file that gave the segment had it
    kind: str = ""  # bitext's code kind (bold, link, shortcode...) or the TMX type


Piece = Union[str, Tag]


def normalise(text: str) -> str:
    """Text as the memory compares it: NFC, whitespace runs as one space, no edge spaces."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


@dataclass(frozen=True)
class Segment:
    """Text and tags, in order (see the module docstring)."""

    pieces: tuple[Piece, ...]

    @property
    def tags(self) -> list[Tag]:
        return [p for p in self.pieces if isinstance(p, Tag)]

    @property
    def markup(self) -> str:
        """The segment as text: the raw markup of each tag in its place."""
        return "".join(p.raw if isinstance(p, Tag) else p for p in self.pieces)

    @property
    def text(self) -> str:
        """The words only, without any tag."""
        return "".join(p for p in self.pieces if isinstance(p, str))

    @property
    def key(self) -> str:
        """Exact-match key: normalised text, each tag as a marker of its role."""
        return normalise("".join(_MARK[p.role] if isinstance(p, Tag) else p for p in self.pieces))

    @property
    def plain_key(self) -> str:
        """Fuzzy-match key: normalised text, placeholders kept, paired tags left out."""
        return normalise("".join(_MARK[POINT] if isinstance(p, Tag) and p.role == POINT else p
                                 for p in self.pieces if not isinstance(p, Tag) or p.role == POINT))

    def to_json(self) -> str:
        return json.dumps([p if isinstance(p, str) else [p.role, p.ref, p.raw, p.kind] for p in self.pieces],
                          ensure_ascii=False)

    @classmethod
    def from_json(cls, data: str) -> "Segment":
        return cls(tuple(p if isinstance(p, str) else Tag(*p) for p in json.loads(data)))

    @classmethod
    def build(cls, pieces: Iterable[Piece]) -> "Segment":
        """A segment from pieces, adjacent texts joined and empty texts dropped."""
        out: list[Piece] = []
        for p in pieces:
            if isinstance(p, str):
                if not p:
                    continue
                if out and isinstance(out[-1], str):
                    out[-1] += p
                    continue
            out.append(p)
        return cls(tuple(out))


# ---------------------------------------------------------------- from bitext's text units


def unit_segment(text: str, codes: list[Any]) -> Segment:
    """The segment of a unit's text and inline codes (source or target side).

    Tags are the renderer's own pieces (``inline.render_pieces``), so the
    segment's markup is exactly the markup the article has. A code's tags get
    the ref ``c<id>``: a machine target keeps its source codes' ids, so the two
    sides link by ref.
    """
    from ..markdown.inline import render_pieces

    pieces: list[Piece] = []
    for role, raw, code in render_pieces(text, codes):
        if role == "text":
            pieces.append(raw)
        else:
            pieces.append(Tag(role, f"c{code.id}", raw, code.kind))
    return Segment.build(pieces)


def markup_segment(markup: str, *, markdown: bool = True, refs: set[str] | None = None) -> Segment:
    """The segment of a text with markup in it (an edit, a TMX segment holding markdown as text)."""
    from ..markdown.inline import scan_inline

    text, codes = scan_inline(markup, markdown=markdown, refs=refs or set())
    return unit_segment(text, codes)


def link(source: Segment, target: Segment) -> Segment:
    """The target with each tag's ref set to the ref of the source tag it stands for.

    Tags are linked by what they hold first (role and raw markup: the n-th
    ``**`` of the target to the n-th ``**`` of the source), which works for
    markdown, for OmegaT's ``<b0>`` and for Okapi's codes alike; then by the
    ref the file gave them (TMX's ``x`` or ``i``). A closing tag follows its
    opening one. A target tag left over (markup only the translation has) gets
    a ref of its own, which no source tag has.
    """
    unused = [(t.role, t.ref, t.raw) for t in source.tags]
    chosen: dict[int, str] = {}
    tags = target.tags
    opened: dict[str, str] = {}  # the target's own ref of an open -> the ref it was linked to

    def take(match) -> str | None:
        for n, item in enumerate(unused):
            if match(item):
                del unused[n]
                return item[1]
        return None

    for by in ("raw", "ref"):
        for n, t in enumerate(tags):
            if n in chosen or t.role == CLOSE:
                continue
            found = take(lambda item: item[0] == t.role and (item[2] == t.raw if by == "raw" else item[1] == t.ref))
            if found is not None:
                chosen[n] = found
                if t.role == OPEN:
                    opened[t.ref] = found
    fresh = 0
    out: list[Piece] = []
    closed: dict[str, str] = {}
    tag_no = 0
    for p in target.pieces:
        if not isinstance(p, Tag):
            out.append(p)
            continue
        n, tag_no = tag_no, tag_no + 1
        if p.role == CLOSE:
            ref = opened.get(p.ref) or closed.get(p.ref)
            if ref is not None:
                take(lambda item: item[0] == CLOSE and item[1] == ref)
            else:
                ref = take(lambda item: item[0] == CLOSE and item[2] == p.raw)
        else:
            ref = chosen.get(n)
        if ref is None:
            fresh += 1
            ref = f"+{fresh}"
            if p.role == OPEN:
                closed[p.ref] = ref
        out.append(Tag(p.role, ref, p.raw, p.kind))
    return Segment(tuple(out))


def fits(source: Segment, target: Segment, *, extra_tags: bool) -> bool:
    """Whether the target carries every tag of the source, once, with the same role.

    ``extra_tags``: whether tags the source does not have may stay (an editor's
    added markup, which is markdown); a tag from another tool's file that the
    source does not have could not be written into the article.
    """
    want = Counter((t.role, t.ref) for t in source.tags)
    have = Counter((t.role, t.ref) for t in target.tags if (t.role, t.ref) in want)
    if want != have:
        return False
    return extra_tags or all((t.role, t.ref) in want for t in target.tags)


def apply(source: Segment, target: Segment, unit: Any, refs: set[str], *, extra_tags: bool) -> Any | None:
    """The entry's target written into ``unit``: an ``EditCheck`` (text and codes), or None.

    None when the entry does not fit: its source is not the unit's (other
    words or tags elsewhere), a tag of the source is missing from its target,
    or the result would break the unit's markup.
    """
    from ..review.markup import check_edit

    mine = unit_segment(unit.text, unit.codes)
    if mine.key != source.key or not fits(source, target, extra_tags=extra_tags):
        return None
    raw_of: dict[tuple[str, str], str] = {}
    for theirs, own in zip(source.tags, mine.tags):
        raw_of[(theirs.role, theirs.ref)] = own.raw
    markup = "".join(
        p if isinstance(p, str) else raw_of.get((p.role, p.ref), p.raw)
        for p in target.pieces
    )
    check = check_edit(markup, unit, refs)
    return check if check.ok else None


def similarity(a: str, b: str) -> float:
    """How alike two keys are, 0-100 (RapidFuzz's normalised Indel similarity, as CAT tools' fuzzy %)."""
    from rapidfuzz import fuzz

    return float(fuzz.ratio(a, b))

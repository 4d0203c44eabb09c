"""Carry inline codes across machine translation.

MarianMT translates plain text and does not keep tags or placeholders
reliably, so the translate stage sends the unit's plain text alone and then
puts each inline code (bold, links, ``{{< hl >}}`` spans, inline HTML,
inline code spans...) back around the corresponding translated words.

``place_codes`` tries, for each code, a chain of cheap evidence first, the
way argos-translate's ``tags.py`` and Firefox Translations do:

1. ``whole``: the span covers the whole unit (or a whole sentence when both
   sides have as many sentences): wrap the same part of the translation;
2. ``verbatim``: the span's text appears as is in the translation (names,
   numbers, acronyms, URLs, do-not-translate terms);
3. ``fragment``: the span translated alone (``translate_fragment``) is found
   in the translation, exactly, ignoring case, or as the most similar window
   of words (difflib);
4. ``cognate``: the span's words share a stem with target words
   (information/information, sécurité/security);
5. ``fallback``: the code is kept at the word boundaries matching its
   relative position, and flagged ``markup_uncertain`` for the editor.

Every code of the source comes out, whatever happens: a placement that would
cross another code falls back, and the last fallback (a zero-length code at
a word boundary) always fits. ``render`` turns plain text + codes back into
markup; it is the inverse of the extractor (``pipeline.markdown.inline.scan_inline``)
and is used on the placed codes to build the translated markup.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Callable, Iterable, Sequence

from pipeline.document import InlineCode

FUZZY_MIN = 0.6  # below this, a window of words is not the fragment at all
FUZZY_SURE = 0.8  # from this on, a fuzzy match is trusted without a flag

_WS = "\\s\u00a0\u202f"
_WORD = re.compile(r"\w+")
_TRAILING = re.compile(r"[\s\u00a0\u202f.!?…:;,]+$")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'»”’)\]]*(?=[\s\u00a0\u202f]+\S)")
_CLAUSE_MARK = re.compile(r"[.!?…,;:()\[\]«»\"“”]")


# --------------------------------------------------------------------------
# Rendering


def render(text: str, codes: Sequence[InlineCode]) -> str:
    """Markup from plain text + codes: the inverse of the extractor.

    At one offset, spans that end close first (innermost first), spans that
    start open outermost first, a substitution innermost of equal spans;
    zero-length codes (isolated, empty pairs) slot in among those by their
    source ``order``, then list position, which is what tells ``<b>x<br></b>``
    from ``<b>x</b><br>``. A substitution's ``open`` replaces its text.
    """
    out: list[str] = []
    cursor = 0
    skip_until = 0
    for at, raws, skip_to in _event_groups(text, codes):
        if at > cursor:
            out.append(text[max(cursor, skip_until):at] if at > skip_until else "")
            cursor = at
        out.extend(raws)
        skip_until = max(skip_until, skip_to)
    if cursor < len(text):
        out.append(text[max(cursor, skip_until):])
    return "".join(out)


def renumber(text: str, codes: Sequence[InlineCode]) -> list[InlineCode]:
    """Copies of ``codes`` whose ``order``/``close_order`` follow ``render``.

    Placed codes keep their source order numbers, which no longer describe
    the target; renumbering makes any renderer that trusts them (such as
    ``pipeline.markdown.inline.render_inline``) agree with ``render``.
    """
    new = [replace(c) for c in codes]
    seq = 0
    for _, events in _ordered_events(text, codes):
        for role, i in events:
            if role == "close":
                new[i].close_order = seq
            else:
                new[i].order = seq
            seq += 1
    return new


def _event_groups(text: str, codes: Sequence[InlineCode]):
    """Yield (offset, raw strings, skip-to offset) for each offset with events."""
    for at, events in _ordered_events(text, codes):
        raws: list[str] = []
        skip_to = 0
        for role, i in events:
            c = codes[i]
            if role == "close":
                raws.append(c.close)
            elif role == "point":
                raws.append(c.open + c.close)
            else:
                raws.append(c.open)
                if c.replaces_text:
                    skip_to = max(skip_to, _clamp(c.end, text))
        yield at, raws, skip_to


def _clamp(offset: int, text: str) -> int:
    return max(0, min(offset, len(text)))


def _extent(c: InlineCode, text: str) -> tuple[int, int]:
    s = _clamp(c.start, text)
    return s, max(s, _clamp(c.end, text))


def _ordered_events(text: str, codes: Sequence[InlineCode]):
    """(offset, [(role, index)]) in output order; role is open/close/point."""
    starts: dict[int, list[int]] = {}
    points: dict[int, list[int]] = {}
    ends: dict[int, list[int]] = {}
    for i, c in enumerate(codes):
        s, e = _extent(c, text)
        if e > s:
            starts.setdefault(s, []).append(i)
            if not c.replaces_text:
                ends.setdefault(e, []).append(i)
        else:
            points.setdefault(s, []).append(i)
    opened: dict[int, int] = {}  # index -> opening rank, to close innermost first
    for at in sorted(set(starts) | set(points) | set(ends)):
        closes = sorted(ends.get(at, []), key=lambda i: -opened.get(i, -1))
        opens = sorted(
            starts.get(at, []),
            key=lambda i: (-_extent(codes[i], text)[1], codes[i].replaces_text, _order(codes[i]), i),
        )
        for i in opens:
            opened[i] = len(opened)
        structural = [("close", i, (getattr(codes[i], "close_order", 0), i)) for i in closes]
        structural += [("open", i, (_order(codes[i]), i)) for i in opens]
        yield at, _slot_points(structural, points.get(at, []), codes)


def _order(code: InlineCode) -> int:
    return getattr(code, "order", 0)


def _slot_points(structural, point_ids, codes):
    """Insert zero-length codes before the first structural event that comes later in the source."""
    result = [(role, i) for role, i, _ in structural]
    keys = [key for _, _, key in structural]
    for i in sorted(point_ids, key=lambda i: (_order(codes[i]), i)):
        key = (_order(codes[i]), i)
        at = next((k for k, other in enumerate(keys) if other > key), len(keys))
        result.insert(at, ("point", i))
        keys.insert(at, key)
    return result


def nesting_problems(text: str, codes: Sequence[InlineCode]) -> list[str]:
    """Why these codes would not render to well-formed markup (empty: fine).

    Two spans must be disjoint or nested; nothing may sit strictly inside a
    substitution (its text is not rendered), and two substitutions may not
    share text.
    """
    spans = [(c, *_extent(c, text)) for c in codes]
    problems = []
    for k, (a, as_, ae) in enumerate(spans):
        for b, bs, be in spans[k + 1:]:
            if _crosses((as_, ae), (bs, be)):
                problems.append(f"#{a.id} {a.kind} and #{b.id} {b.kind} cross")
            elif _inside_substitution(a, (as_, ae), b, (bs, be)):
                problems.append(f"#{a.id} {a.kind} and #{b.id} {b.kind}: one is inside a substitution")
    return problems


# --------------------------------------------------------------------------
# Geometry of placed codes


def _crosses(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[0] < a[1] < b[1] or b[0] < a[0] < b[1] < a[1]


def _inside_substitution(a: InlineCode, ax: tuple[int, int], b: InlineCode, bx: tuple[int, int]) -> bool:
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


def _relation(a: tuple[int, int], b: tuple[int, int]) -> str:
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


def _keeps_relation(src_rel: str, tgt_rel: str) -> bool:
    allowed = _KEEPS.get(src_rel)
    return allowed is None or tgt_rel in allowed


# --------------------------------------------------------------------------
# Text helpers


def _fold(s: str) -> str:
    """Lowercase without accents, for comparisons that MT spelling should not break."""
    decomposed = unicodedata.normalize("NFKD", s.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _norm(s: str) -> str:
    return " ".join(_WORD.findall(_fold(s)))


def _tokens(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _WORD.finditer(text)]


@lru_cache(maxsize=4096)
def _pattern(needle: str, ignore_case: bool) -> re.Pattern[str]:
    """A regex for ``needle`` tolerant of spacing around French punctuation and quote styles.

    Word characters at either end must sit on word boundaries, so "art"
    is not found inside "partie".
    """
    parts: list[str] = []
    for ch in needle:
        if ch.isspace() or ch in "\u00a0\u202f":
            if not parts or parts[-1] != f"[{_WS}]+":
                parts.append(f"[{_WS}]+")
        elif ch in ":;!?»":
            parts.append(f"[{_WS}]?" + re.escape(ch))
        elif ch == "«":
            parts.append(f"«[{_WS}]?")
        elif ch in "'’":
            parts.append("['’]")
        else:
            parts.append(re.escape(ch))
    body = "".join(parts)
    if _WORD.match(needle[:1]):
        body = r"(?<!\w)" + body
    if _WORD.match(needle[-1:]):
        body += r"(?!\w)"
    return re.compile(body, re.IGNORECASE if ignore_case else 0)


def _find(needle: str, hay: str) -> tuple[list[tuple[int, int]], bool]:
    """Occurrences of needle in hay, exact first, else ignoring case; and whether exact."""
    if not needle.strip():
        return [], True
    exact = [m.span() for m in _pattern(needle, False).finditer(hay)]
    if exact:
        return exact, True
    return [m.span() for m in _pattern(needle, True).finditer(hay)], False


def _is_strong(word: str, dnt_folded: set[str]) -> bool:
    """A text that would not appear verbatim in a translation by chance."""
    w = word.strip()
    if _fold(w) in dnt_folded:
        return True
    return len(w) >= 3 or any(ch.isdigit() or ch.isupper() for ch in w) or not _WORD.fullmatch(w or "x")


def _core(text: str) -> tuple[int, int, int]:
    """(start, end, end without trailing punctuation) of the text inside its whitespace."""
    start = len(text) - len(text.lstrip())
    end = len(text.rstrip())
    m = _TRAILING.search(text[:end])
    bare = m.start() if m and m.start() > start else end
    return start, end, bare


def _sentences(text: str) -> list[tuple[int, int]]:
    """Sentence extents (no surrounding whitespace); a rough splitter is enough to map offsets."""
    start, end, _ = _core(text)
    spans, cur = [], start
    for m in _SENTENCE_END.finditer(text, start, end):
        spans.append((cur, m.end()))
        cur = m.end() + len(text[m.end():]) - len(text[m.end():].lstrip())
    if cur < end or not spans:
        spans.append((cur, end))
    return spans


# --------------------------------------------------------------------------
# Placement


@dataclass
class Candidate:
    """A possible target extent for one code, with the evidence behind it."""

    start: int
    end: int
    method: str
    certain: bool = True
    note: str = ""


@dataclass
class Placement:
    """Codes over the translation, which ones were guessed, and the editor's flag."""

    codes: list[InlineCode]
    uncertain: list[int] = field(default_factory=list)
    flags: list[dict[str, str]] = field(default_factory=list)
    methods: dict[int, str] = field(default_factory=dict)


@dataclass
class _Ctx:
    src: str
    tgt: str
    translate_fragment: Callable[[str], str] | None
    dnt: set[str]
    tgt_tokens: list[tuple[int, int]] = field(default_factory=list)
    tgt_words: list[str] = field(default_factory=list)
    src_sents: list[tuple[int, int]] = field(default_factory=list)
    tgt_sents: list[tuple[int, int]] = field(default_factory=list)
    _fragments: dict[str, str | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.tgt_tokens = _tokens(self.tgt)
        self.tgt_words = [_fold(self.tgt[a:b]) for a, b in self.tgt_tokens]
        self.src_sents = _sentences(self.src)
        self.tgt_sents = _sentences(self.tgt)

    def fragment(self, text: str) -> str | None:
        """The fragment translated alone, once per text; a failing callable is no evidence."""
        if self.translate_fragment is None or not text.strip():
            return None
        if text not in self._fragments:
            try:
                self._fragments[text] = self.translate_fragment(text)
            except Exception:  # the MT model may reject a fragment; placement must go on
                self._fragments[text] = None
        return self._fragments[text]

    def map_offset(self, p: int) -> float:
        """Where source offset p would fall in the target, by relative position.

        Within the matching sentence when both sides have as many sentences,
        else over the whole unit.
        """
        if len(self.src_sents) == len(self.tgt_sents) > 1:
            for (ss, se), (ts, te) in zip(self.src_sents, self.tgt_sents):
                if p <= se:
                    return ts + (max(p, ss) - ss) / max(1, se - ss) * (te - ts)
            return float(self.tgt_sents[-1][1])
        s0, s1, _ = _core(self.src)
        t0, t1, _ = _core(self.tgt)
        return t0 + (min(max(p, s0), s1) - s0) / max(1, s1 - s0) * (t1 - t0)

    def token_range(self, src_span: tuple[int, int]) -> tuple[int, int]:
        """Target token indices to search for a source span: its sentence's, when sentences correspond."""
        if len(self.src_sents) == len(self.tgt_sents) > 1:
            for (ss, se), (ts, te) in zip(self.src_sents, self.tgt_sents):
                if ss <= src_span[0] and src_span[1] <= se:
                    inside = [k for k, (a, b) in enumerate(self.tgt_tokens) if ts <= a and b <= te]
                    return (inside[0], inside[-1] + 1) if inside else (0, 0)
        return 0, len(self.tgt_tokens)

    def by_closeness(
        self, spans: Iterable[tuple[int, int]], src_span: tuple[int, int]
    ) -> list[tuple[int, int]]:
        want = self.map_offset((src_span[0] + src_span[1]) / 2)
        return sorted(spans, key=lambda sp: abs((sp[0] + sp[1]) / 2 - want))


def place_codes(
    src_text: str,
    codes: Sequence[InlineCode],
    tgt_text: str,
    translate_fragment: Callable[[str], str] | None = None,
    dnt: Iterable[str] = (),
) -> Placement:
    """Place every source code over ``tgt_text`` (see the module docstring).

    Codes with the strongest evidence are placed first; each later code takes
    its best candidate that does not cross those already placed and keeps its
    nesting relations, else one that merely does not cross (flagged), else
    the relative-position fallback (flagged). The result keeps ids, kinds,
    opens and closes, and the input order.
    """
    ctx = _Ctx(src_text, tgt_text, translate_fragment, {_fold(t) for t in dnt if t.strip()})
    work = [replace(c, id=k) for k, c in enumerate(codes)]  # ids by position: input ids may repeat
    cands = [_candidates(ctx, c) for c in work]
    src_ext = [_extent(c, src_text) for c in work]
    order = sorted(work, key=lambda c: (_rank(cands[c.id]), src_ext[c.id][0], -src_ext[c.id][1]))
    placed: dict[int, InlineCode] = {}
    notes: dict[int, str] = {}
    methods: dict[int, str] = {}
    for code in order:
        new, method, note = _choose(ctx, code, cands[code.id], placed, src_ext)
        placed[code.id] = new
        methods[codes[code.id].id] = method
        if note:
            notes[code.id] = note
    out = renumber(tgt_text, [replace(placed[k], id=c.id) for k, c in enumerate(codes)])
    uncertain = [c.id for k, c in enumerate(codes) if k in notes]
    return Placement(out, uncertain, _flags(codes, notes, src_text), methods)


_RANKS = {"whole": 1, "verbatim": 2, "fragment": 3, "cognate": 4}


def _rank(cands: "_Candidates") -> float:
    """Strength of a code's best cheap evidence; codes with stronger evidence are placed first."""
    known = [_RANKS.get(c.method, 5) + (0 if c.certain else 0.5) for c in cands.known]
    return min(known, default=_RANKS["fragment"] if cands.pending else 9)


class _Candidates:
    """A code's candidates, produced stage by stage in order of preference.

    The leading cheap stages run at once (they rank the codes); the others,
    which may call the MT model on a fragment, run only when iteration gets
    to them, so a code found verbatim costs no model call.
    """

    def __init__(self, stages: list[Callable[[], list[Candidate]]], cheap: int) -> None:
        self.pending = list(stages)
        self.known: list[Candidate] = []
        for _ in range(min(cheap, len(self.pending))):
            self._run_next()

    def _run_next(self) -> None:
        self.known.extend(self.pending.pop(0)())

    def __iter__(self):
        k = 0
        while k < len(self.known) or self.pending:
            if k == len(self.known):
                self._run_next()
                continue
            yield self.known[k]
            k += 1


def _flags(codes: Sequence[InlineCode], notes: dict[int, str], src: str) -> list[dict[str, str]]:
    """One ``markup_uncertain`` flag naming each guessed code and why."""
    if not notes:
        return []
    parts = []
    for k, c in enumerate(codes):
        if k in notes:
            s, e = _extent(c, src)
            what = f"'{src[s:e]}'" if e > s else f"at '{src[max(0, s - 15):s]}|{src[s:s + 15]}'"
            markup = f"{c.open}…{c.close}" if c.close else c.open
            parts.append(f"#{c.id} {c.kind} {markup} {what}: {notes[k]}")
    return [{
        "code": "markup_uncertain",
        "reason": "inline codes placed by guess, check them: " + "; ".join(parts),
        "codes": ",".join(str(codes[k].id) for k in sorted(notes)),
    }]


def _kind(code: InlineCode) -> str:
    """How a code is placed: a point (isolated, empty pair), a substitution, or a span."""
    if code.start >= code.end:
        return "point"
    return "sub" if code.replaces_text else "span"


def _candidates(ctx: _Ctx, code: InlineCode) -> _Candidates:
    kind = _kind(code)
    if kind == "point":
        return _point_candidates(ctx, code.start)
    if kind == "sub":
        return _sub_candidates(ctx, code)
    return _span_candidates(ctx, code)


# -- spans -----------------------------------------------------------------


def _span_candidates(ctx: _Ctx, code: InlineCode) -> _Candidates:
    """Candidates for a paired code: whole unit, verbatim, fragment, cognates.

    A short lowercase span ("on", "de") is found verbatim by chance too
    often, so for it the fragment translation comes before the verbatim find.
    """
    s, e = _extent(code, ctx.src)
    text = ctx.src[s:e]
    core = text.strip()
    lead = len(text) - len(text.lstrip())
    src_span = (s + lead, s + lead + len(core))

    def padded(stage):
        return lambda: [_pad_like(ctx, c, text) for c in stage(ctx, core, src_span)]

    whole = lambda: _whole_candidates(ctx, *src_span)  # noqa: E731
    verbatim = padded(_verbatim_candidates)
    fragment = padded(_fragment_candidates)
    cognate = padded(_cognate_candidates)
    if _is_strong(core, ctx.dnt):
        return _Candidates([whole, verbatim, fragment, cognate], cheap=2)
    return _Candidates([whole, fragment, verbatim, cognate], cheap=1)


def _pad_like(ctx: _Ctx, cand: Candidate, src_span_text: str) -> Candidate:
    """Let the target span take the same surrounding whitespace as the source span, if present."""
    lead = len(src_span_text) - len(src_span_text.lstrip())
    trail = len(src_span_text) - len(src_span_text.rstrip())
    s, e = cand.start, cand.end
    while lead and s > 0 and ctx.tgt[s - 1].isspace():
        s, lead = s - 1, lead - 1
    while trail and e < len(ctx.tgt) and ctx.tgt[e].isspace():
        e, trail = e + 1, trail - 1
    return replace(cand, start=s, end=e)


def _whole_candidates(ctx: _Ctx, s: int, e: int) -> list[Candidate]:
    """A span over the whole unit, or over whole sentences when sentences correspond."""
    src_units = [_core(ctx.src)[:2]]
    tgt_units = [_core(ctx.tgt)[:2]]
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
        if e == _bare_end(ctx.src, us, ue):
            end = _bare_end(ctx.tgt, tgt_units[last][0], te)
            return [Candidate(ts, end, "whole")] if end > ts else []
    return []


def _bare_end(text: str, start: int, end: int) -> int:
    """End of text[start:end] without its trailing punctuation."""
    m = _TRAILING.search(text, start, end)
    return m.start() if m and m.start() > start else end


def _verbatim_candidates(ctx: _Ctx, core: str, src_span: tuple[int, int]) -> list[Candidate]:
    spans, exact = _find(core, ctx.tgt)
    note = "" if exact else "found ignoring case"
    return [Candidate(a, b, "verbatim", True, note) for a, b in ctx.by_closeness(spans, src_span)]


def _fragment_candidates(ctx: _Ctx, core: str, src_span: tuple[int, int]) -> list[Candidate]:
    """The span translated alone, found in the target exactly, ignoring case, or fuzzily."""
    frag = ctx.fragment(core)
    if not frag or not frag.strip():
        return []
    frag = frag.strip()
    spans, _ = _find(frag, ctx.tgt)
    if not spans:
        bare = _TRAILING.sub("", frag)
        spans = _find(bare, ctx.tgt)[0] if bare and bare != frag else []
    if spans:
        return [Candidate(a, b, "fragment") for a, b in ctx.by_closeness(spans, src_span)]
    return [
        Candidate(a, b, "fragment", score >= FUZZY_SURE, f"fuzzy match {score:.2f} of '{frag}'")
        for score, a, b in _fuzzy_windows(ctx, frag, src_span)
    ]


def _fuzzy_windows(ctx: _Ctx, frag: str, src_span: tuple[int, int]) -> list[tuple[float, int, int]]:
    """Windows of target words most similar to frag: mean of character and word similarity.

    Only the corresponding sentence is searched when sentences correspond;
    cheap bounds skip most windows before difflib's full ratio.
    """
    want = _norm(frag)
    want_words = want.split()
    n = len(want_words)
    lo, hi = ctx.token_range(src_span)
    if not n or lo >= hi:
        return []
    centre = ctx.map_offset((src_span[0] + src_span[1]) / 2)
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(want)  # difflib caches the second sequence
    found = []
    for size in range(max(1, n - 2), n + 3):
        for i in range(lo, hi - size + 1):
            words = ctx.tgt_words[i:i + size]
            f1 = _word_f1(want_words, words)
            if (1 + f1) / 2 < FUZZY_MIN:
                continue
            matcher.set_seq1(" ".join(words))
            if (matcher.quick_ratio() + f1) / 2 < FUZZY_MIN:
                continue
            score = (matcher.ratio() + f1) / 2
            if score >= FUZZY_MIN:
                a, b = ctx.tgt_tokens[i][0], ctx.tgt_tokens[i + size - 1][1]
                found.append((round(score, 3), -abs((a + b) / 2 - centre), a, b))
    found.sort(reverse=True)
    return [(score, a, b) for score, _, a, b in found[:8]]


def _word_f1(want: list[str], got: list[str]) -> float:
    """Word overlap of two folded word lists (near spellings count), so extra words cost.

    Character similarity alone lets a window grow by a short word that
    happens to match a letter of the fragment ("a vivement critiqué" for
    "largement critiqué").
    """
    if not want or not got:
        return 0.0
    matched = 0.0
    for w in want:
        best = max(_word_similarity(w, g) for g in got)
        matched += best if best >= 0.75 else 0.0
    return 2 * matched / (len(want) + len(got))


@lru_cache(maxsize=65536)
def _word_similarity(a: str, b: str) -> float:
    """difflib ratio of two words, cached: the same pairs recur in every window."""
    return 1.0 if a == b else difflib.SequenceMatcher(None, a, b).ratio()


def _cognate_score(a: str, b: str) -> float:
    """How likely two folded words are the same word across EN/FR (shared stem)."""
    if a == b:
        return 1.0
    common = len(_common_prefix(a, b))
    if common >= 5 or (common >= 4 and common >= 0.7 * min(len(a), len(b))):
        return 0.9
    ratio = difflib.SequenceMatcher(None, a, b).ratio()
    return ratio if ratio >= 0.8 else 0.0


def _common_prefix(a: str, b: str) -> str:
    k = 0
    while k < min(len(a), len(b)) and a[k] == b[k]:
        k += 1
    return a[:k]


def _cognate_candidates(ctx: _Ctx, core: str, src_span: tuple[int, int]) -> list[Candidate]:
    """The tightest target window holding words that share a stem with the span's content words."""
    words = [w for w in _WORD.findall(_fold(core)) if len(w) >= 4 or w.isdigit() or w in ctx.dnt]
    if not words:
        return []
    hits: dict[int, set[int]] = {}  # target token index -> span words it matches
    for k, (a, b) in enumerate(ctx.tgt_tokens):
        tw = _fold(ctx.tgt[a:b])
        for j, w in enumerate(words):
            if _cognate_score(w, tw) > 0:
                hits.setdefault(k, set()).add(j)
    if not hits:
        return []
    n_src = len(_WORD.findall(core))
    best = _best_cluster(sorted(hits), hits, n_src)
    matched = set().union(*(hits[k] for k in best))
    if len(matched) * 2 < len(words):
        return []
    a, b = ctx.tgt_tokens[best[0]][0], ctx.tgt_tokens[best[-1]][1]
    complete = len(matched) == len(words) and n_src <= best[-1] - best[0] + 1 <= n_src + 1
    note = "" if complete else f"only {len(matched)} of {len(words)} words matched by spelling"
    return [Candidate(a, b, "cognate", complete, note)]


def _best_cluster(indices: list[int], hits: dict[int, set[int]], n_src: int) -> list[int]:
    """Group matched token indices lying close together; keep the group matching most words."""
    groups: list[list[int]] = []
    for k in indices:
        if groups and k - groups[-1][-1] <= max(2, n_src):
            groups[-1].append(k)
        else:
            groups.append([k])
    return max(groups, key=lambda g: (len(set().union(*(hits[k] for k in g))), -(g[-1] - g[0])))


# -- substitutions ---------------------------------------------------------


def _sub_candidates(ctx: _Ctx, code: InlineCode) -> _Candidates:
    """A substitution keeps replacing its text where that text survived MT.

    Inline code and entities are not words a translation should change, so
    only a verbatim find (case aside) is trusted. A near copy from the
    fragment step (MT mangled ``pip install``) is replaced but flagged;
    otherwise the code is inserted as a point (see ``_choose``).
    """
    s, e = _extent(code, ctx.src)
    core = ctx.src[s:e].strip() or ctx.src[s:e]

    def verbatim() -> list[Candidate]:
        found, exact = _find(core, ctx.tgt)
        note = "" if exact else "found ignoring case"
        return [Candidate(a, b, "verbatim", True, note) for a, b in ctx.by_closeness(found, (s, e))]

    def near_copy() -> list[Candidate]:
        return [
            replace(c, certain=False, note=f"text changed by MT, replaced '{ctx.tgt[c.start:c.end]}'")
            for c in _fragment_candidates(ctx, core, (s, e))
            if c.certain and _similar(core, ctx.tgt[c.start:c.end])
        ]

    return _Candidates([verbatim, near_copy], cheap=1)


def _similar(a: str, b: str) -> bool:
    return difflib.SequenceMatcher(None, _fold(a), _fold(b)).ratio() >= FUZZY_SURE


# -- points ----------------------------------------------------------------


def _point(at: int, method: str, certain: bool = True, note: str = "") -> Candidate:
    return Candidate(at, at, method, certain, note)


def _point_candidates(ctx: _Ctx, p: int, q: int | None = None) -> _Candidates:
    """Offsets for a zero-length code at p (or for text p..q that must become one).

    Unit and sentence edges first, then the neighbouring words found in the
    target, then the clause before it translated alone.
    """
    q = p if q is None else q
    return _Candidates([
        lambda: _edge_points(ctx, p),
        lambda: _anchor_points(ctx, p, q),
        lambda: _clause_points(ctx, p),
    ], cheap=2)


def _edge_points(ctx: _Ctx, p: int) -> list[Candidate]:
    by_sentence = len(ctx.src_sents) == len(ctx.tgt_sents)
    src_marks = _edge_marks(ctx.src, ctx.src_sents, by_sentence)
    tgt_marks = _edge_marks(ctx.tgt, ctx.tgt_sents, by_sentence)
    return [_point(tgt_marks[src_marks.index(p)], "whole")] if p in src_marks else []


def _edge_marks(text: str, sents: list[tuple[int, int]], by_sentence: bool) -> list[int]:
    """Offsets that correspond between a text and its translation whatever the words."""
    start, end, bare = _core(text)
    marks = [0, start, bare, end, len(text)]
    if by_sentence:
        for s, e in sents:
            marks += [s, _bare_end(text, s, e), e]
    return marks


def _anchor_points(ctx: _Ctx, p: int, q: int) -> list[Candidate]:
    """After the word before p, or before the word after q, when that word is in the target."""
    out: list[Candidate] = []
    before = None
    for m in _WORD.finditer(ctx.src, 0, p):
        before = m
    if before and _is_strong(before.group(), ctx.dnt):
        gap = ctx.src[before.end():p]
        if not _WORD.search(gap):
            for _, b in ctx.by_closeness(_find(before.group(), ctx.tgt)[0], before.span()):
                out.append(_point(_skip_gap(ctx.tgt, b, gap), "verbatim"))
    after = _WORD.search(ctx.src, q)
    if after and _is_strong(after.group(), ctx.dnt):
        gap = ctx.src[q:after.start()]
        if not _WORD.search(gap):
            for a, _ in ctx.by_closeness(_find(after.group(), ctx.tgt)[0], after.span()):
                out.append(_point(_back_gap(ctx.tgt, a, gap), "verbatim"))
    return out


def _skip_gap(tgt: str, at: int, gap: str) -> int:
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


def _clause_points(ctx: _Ctx, p: int) -> list[Candidate]:
    """The clause before p translated alone and found in the target: the code goes after it."""
    marks = [m.end() for m in _CLAUSE_MARK.finditer(ctx.src, 0, p)]
    clause = ctx.src[max(marks, default=0):p]
    gap = clause[len(clause.rstrip()):]
    if not _WORD.search(clause):
        return []
    span = (p - len(clause), p)
    return [
        _point(_skip_gap(ctx.tgt, c.end, gap), c.method, c.certain, c.note)
        for c in _fragment_candidates(ctx, clause.strip(), span)
    ]


# -- choosing --------------------------------------------------------------


def _choose(ctx, code, cands, placed, src_ext):
    """The first candidate that fits what is placed, else a fallback; with a note when guessed."""
    for keep_nesting in (True, False):
        for c in cands:
            new = _as_code(code, c)
            if _fits(new, code, placed, src_ext, keep_nesting):
                note = c.note if not c.certain else ""
                if not keep_nesting:
                    note = (note + "; " if note else "") + f"found by {c.method} but its nesting changed"
                return new, c.method, note
    return _fallback(ctx, code, cands, placed, src_ext)


def _as_code(code: InlineCode, c: Candidate) -> InlineCode:
    return replace(code, start=c.start, end=c.end)


def _fits(new, code, placed, src_ext, keep_nesting: bool) -> bool:
    """True when ``new`` crosses no placed code (and, if asked, keeps nesting relations)."""
    nx = (new.start, new.end)
    for other in placed.values():
        ox = (other.start, other.end)
        if _crosses(nx, ox) or _inside_substitution(new, nx, other, ox):
            return False
        if keep_nesting and not _keeps_relation(
            _relation(src_ext[other.id], src_ext[code.id]), _relation(ox, nx)
        ):
            return False
    return True


def _fallback(ctx, code, cands, placed, src_ext):
    """Keep the code at word boundaries matching its relative position; always succeeds.

    A span gets the closest word-boundary span that fits, else becomes empty
    at a point; a substitution not found is inserted as an isolated code (its
    ``open`` as is) next to its neighbouring words; a point goes to its best
    candidate that fits, else to the nearest word boundary.
    """
    kind = _kind(code)
    s, e = src_ext[code.id]
    if kind == "span":
        span = _fallback_span(ctx, code, placed, src_ext)
        if span is not None:
            why = "no match in the translation; kept at its relative position"
            return replace(code, start=span[0], end=span[1]), "fallback", why
        p = _fallback_point(ctx, code, cands, placed, src_ext)
        return replace(code, start=p, end=p), "fallback", "no room for it among the other codes; left empty"
    if kind == "sub":
        p = _fallback_point(ctx, code, _point_candidates(ctx, s, e), placed, src_ext)
        why = f"its text '{ctx.src[s:e]}' is not in the translation; inserted as is"
        return _as_point(code, p), "fallback", why
    p = _fallback_point(ctx, code, cands, placed, src_ext)
    return _as_point(code, p), "fallback", "no neighbouring word found in the translation"


def _as_point(code: InlineCode, p: int) -> InlineCode:
    """The code as a zero-length one at p; a substitution becomes isolated (``open`` rendered as is)."""
    return replace(code, start=p, end=p, replaces_text=False if _kind(code) == "sub" else code.replaces_text)


def _fallback_span(ctx, code, placed, src_ext) -> tuple[int, int] | None:
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
            if _fits(replace(code, start=a, end=b), code, placed, src_ext, keep_nesting):
                return a, b
    return None


def _fallback_point(ctx, code, cands, placed, src_ext) -> int:
    """The first point candidate that fits, else the nearest word boundary that does (0 always can)."""
    for c in cands:
        if c.start == c.end and _fits(_as_point(code, c.start), code, placed, src_ext, False):
            return c.start
    want = ctx.map_offset(src_ext[code.id][0])
    bounds = {0, len(ctx.tgt)} | {a for a, _ in ctx.tgt_tokens} | {b for _, b in ctx.tgt_tokens}
    for p in sorted(bounds, key=lambda x: (abs(x - want), x)):
        if _fits(_as_point(code, p), code, placed, src_ext, False):
            return p
    return 0

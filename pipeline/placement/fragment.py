"""Step 3 of the chain, ``fragment``: the span (or the clause before a zero-length code) translated alone and found in
the translation: exactly, ignoring case, or as the most similar window of words."""
from __future__ import annotations

import bisect
import difflib
from functools import lru_cache

from ..text import fold
from .context import Candidate, Context, point_at
from .verbatim import skip_gap
from .words import CLAUSE_MARK, TRAILING, WORD, find, norm


FUZZY_MIN = 0.6  # below this, a window of words is not the fragment at all
FUZZY_SURE = 0.8  # from this on, a fuzzy match is trusted without a flag


def fragment_candidates(ctx: Context, core: str, src_span: tuple[int, int]) -> list[Candidate]:
    """The span translated alone, found in the target exactly, ignoring case, or fuzzily."""
    frag = ctx.fragment(core)
    if not frag or not frag.strip():
        return []
    frag = frag.strip()
    spans, _ = find(frag, ctx.tgt)
    if not spans:
        bare = TRAILING.sub("", frag)
        spans = find(bare, ctx.tgt)[0] if bare and bare != frag else []
    if spans:
        return [Candidate(a, b, "fragment") for a, b in ctx.by_closeness(spans, src_span)]
    return [
        Candidate(a, b, "fragment", score >= FUZZY_SURE, f"fuzzy match {score:.2f} of '{frag}'")
        for score, a, b in _fuzzy_windows(ctx, frag, src_span)
    ]


def _fuzzy_windows(ctx: Context, frag: str, src_span: tuple[int, int]) -> list[tuple[float, int, int]]:
    """Windows of target words most similar to frag: mean of character and word similarity.

    Only the corresponding sentence is searched when sentences correspond.
    difflib's ratio is slow (pure Python, quadratic) and a translation that
    shares no words with the fragment's (a poor or very free one) lets most
    windows through the cheap bounds, so windows are ranked by an upper
    bound first: RapidFuzz's LCS similarity (difflib's matching blocks are a
    common subsequence, never longer than the longest one); difflib runs
    only while a window can still reach the best eight. Same result as
    scoring every window (tests/placement/test_fuzzy_windows.py), a fraction
    of the time.
    """
    from rapidfuzz.distance import Indel

    want = norm(frag)
    want_words = want.split()
    n = len(want_words)
    lo, hi = ctx.token_range(src_span)
    if not n or lo >= hi:
        return []
    centre = ctx.map_offset((src_span[0] + src_span[1]) / 2)
    candidates = []
    for size in range(max(1, n - 2), n + 3):
        for i in range(lo, hi - size + 1):
            words = ctx.tgt_words[i:i + size]
            f1 = _word_f1(want_words, words)
            if (1 + f1) / 2 < FUZZY_MIN:
                continue
            text = " ".join(words)
            bound = (Indel.normalized_similarity(text, want) + f1) / 2
            if bound >= FUZZY_MIN:
                candidates.append((bound, f1, text, ctx.tgt_tokens[i][0], ctx.tgt_tokens[i + size - 1][1]))
    candidates.sort(key=lambda c: c[0], reverse=True)
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(want)  # difflib caches the second sequence
    best: list[tuple[float, float, int, int]] = []  # the best eight, ascending
    for bound, f1, text, a, b in candidates:
        if len(best) == 8 and round(bound, 3) < best[0][0]:
            break  # no window left can reach (or tie) the eighth best
        matcher.set_seq1(text)
        if (matcher.quick_ratio() + f1) / 2 < FUZZY_MIN:
            continue
        score = (matcher.ratio() + f1) / 2
        if score >= FUZZY_MIN:
            bisect.insort(best, (round(score, 3), -abs((a + b) / 2 - centre), a, b))
            del best[:-8]
    return [(score, a, b) for score, _, a, b in reversed(best)]


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


def similar(a: str, b: str) -> bool:
    return difflib.SequenceMatcher(None, fold(a), fold(b)).ratio() >= FUZZY_SURE


def clause_points(ctx: Context, p: int) -> list[Candidate]:
    """The clause before p translated alone and found in the target: the code goes after it."""
    marks = [m.end() for m in CLAUSE_MARK.finditer(ctx.src, 0, p)]
    clause = ctx.src[max(marks, default=0):p]
    gap = clause[len(clause.rstrip()):]
    if not WORD.search(clause):
        return []
    span = (p - len(clause), p)
    return [
        point_at(skip_gap(ctx.tgt, c.end, gap), c.method, c.certain, c.note)
        for c in fragment_candidates(ctx, clause.strip(), span)
    ]

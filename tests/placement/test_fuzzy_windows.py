"""The fuzzy window search of the fragment step ranks windows by a cheap upper bound and runs
difflib only while a window can still reach the best eight: its result must be exactly what
scoring every window gives (the exhaustive search is kept here as the reference)."""
from __future__ import annotations

import difflib
import random

from pipeline.placement.context import Context
from pipeline.placement.fragment import FUZZY_MIN, _fuzzy_windows, _word_f1
from pipeline.placement.words import norm

WORDS = ("le la les de des un une chat chien maison voiture verte bleue rouge petit grand très vite "
         "information sécurité données serveur site Hugo article lien image the of data security").split()


def exhaustive(ctx, frag, src_span):
    """Every window scored with difflib (what _fuzzy_windows did before its bound)."""
    want = norm(frag)
    want_words = want.split()
    n = len(want_words)
    lo, hi = ctx.token_range(src_span)
    if not n or lo >= hi:
        return []
    centre = ctx.map_offset((src_span[0] + src_span[1]) / 2)
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(want)
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


def _case(seed):
    rng = random.Random(seed)
    sentence = lambda k: " ".join(rng.choice(WORDS) for _ in range(k)) + "."  # noqa: E731
    src = " ".join(sentence(rng.randint(4, 30)) for _ in range(rng.randint(1, 3)))
    tgt = " ".join(sentence(rng.randint(4, 30)) for _ in range(rng.randint(1, 3)))
    ctx = Context(src, tgt, None, set())
    start = rng.randrange(0, max(1, len(src) - 20))
    end = min(len(src), start + rng.randint(3, 60))
    frag = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 6)))
    return ctx, frag, (start, end)


def test_bounded_search_finds_what_the_exhaustive_one_finds():
    full = 0
    for seed in range(300):
        ctx, frag, span = _case(seed)
        expected = exhaustive(ctx, frag, span)
        assert _fuzzy_windows(ctx, frag, span) == expected, seed
        full += len(expected) == 8
    assert full >= 15  # the cut to the best eight is exercised, not only short lists

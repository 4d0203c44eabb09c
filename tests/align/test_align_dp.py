"""The alignment engine: costs, the band, and every block in exactly one bead."""
from __future__ import annotations

import random

import numpy as np
import pytest

from pipeline.align.dp import (
    Aligner,
    Params,
    Side,
    gale_church,
    length_cost,
    path_centre,
    weigh_features,
)
from pipeline.align.features import PARAGRAPH, Block, text_anchors


def _blocks(texts, kind="paragraph"):
    return [Block(index=k, text=t, kind=kind, cls=PARAGRAPH, length=float(len(t)), features=text_anchors(t)) for k, t in enumerate(texts)]


def _aligner(a_texts, b_texts, **kw):
    a, b = Side(_blocks(a_texts)), Side(_blocks(b_texts))
    weigh_features(a, b)
    return Aligner(a, b, Params(**kw))


def _covers(beads, n, m):
    """Beads tile both sequences: contiguous, in order, from (0, 0) to (n, m)."""
    i = j = 0
    for bd in beads:
        assert (bd.i0, bd.j0) == (i, j)
        assert bd.i1 >= bd.i0 and bd.j1 >= bd.j0 and (bd.i1 > bd.i0 or bd.j1 > bd.j0)
        i, j = bd.i1, bd.j1
    assert (i, j) == (n, m)


def test_gale_church_is_zero_at_the_expected_ratio_and_grows_with_the_gap():
    assert gale_church(100, 100, 1.0, 6.8) == pytest.approx(0.0, abs=1e-6)
    costs = gale_church(np.full(5, 100.0), np.array([100.0, 110, 130, 170, 300]), 1.0, 6.8)
    assert list(costs) == sorted(costs)
    # huge gaps stay finite (no erfc underflow)
    assert np.isfinite(gale_church(10.0, 100000.0, 1.0, 6.8))


def test_length_cost_has_a_heavy_tail():
    """A paragraph with an added sentence must not cost so much that anchors cannot save it."""
    p = Params(ratio=1.0)
    plain = Params(ratio=1.0, outlier_weight=0.0)
    assert length_cost(200.0, 420.0, p) < 0.5 * length_cost(200.0, 420.0, plain)
    assert length_cost(200.0, 200.0, p) == pytest.approx(length_cost(200.0, 200.0, plain), abs=0.1)


def test_identical_sequences_align_one_to_one():
    texts = [f"Paragraph {k} about Hugo {k * 7} and GitHub." for k in range(30)]
    beads = _aligner(texts, texts).align()
    assert [(b.i0, b.j0, b.type) for b in beads] == [(k, k, "1-1") for k in range(30)]


def test_split_merge_and_missing_paragraphs():
    a = [
        "Intro to Mastodon 4.2 with many words in it.",
        "First half of a long paragraph about Kobo readers. Second half about Netlify builds and deploys.",
        "A paragraph the other side lost about Signal 2019.",
        "Two short lines about GitHub.",
        "And Grav 1.7 follows.",
        "The end, with Europe and 42.",
    ]
    b = [
        "Intro to Mastodon 4.2 with many words in it.",
        "First half of a long paragraph about Kobo readers.",
        "Second half about Netlify builds and deploys.",
        "Two short lines about GitHub. And Grav 1.7 follows.",
        "The end, with Europe and 42.",
    ]
    beads = _aligner(a, b).align()
    _covers(beads, len(a), len(b))
    got = [(b.i0, b.i1, b.j0, b.j1) for b in beads]
    assert got == [(0, 1, 0, 1), (1, 2, 1, 3), (2, 3, 3, 3), (3, 5, 3, 4), (5, 6, 4, 5)]


def test_bead_costs_of_the_vectorised_rows_match_the_plain_computation():
    rng = random.Random(3)
    words = ["Hugo", "GitHub", "2024", "alpha", "beta", "gamma", "delta", "Kobo", "17", "epsilon"]
    a = [" ".join(rng.choice(words) for _ in range(rng.randint(3, 20))) for _ in range(40)]
    b = [t for t in a if rng.random() > 0.15]
    al = _aligner(a, b)
    for bd in al.align():
        assert bd.cost == pytest.approx(al.bead_cost(bd.i0, bd.i1, bd.j0, bd.j1), rel=1e-6, abs=1e-6)


def test_empty_sides():
    al = _aligner(["only A"], [])
    assert [b.type for b in al.align()] == ["1-0"]
    al = _aligner([], ["only B", "and more"])
    assert [b.type for b in al.align()] == ["0-1", "0-1"]


def _long_pair(n=600, gap=(200, 320), seed=5):
    rng = random.Random(seed)
    a = [f"Block {k} mentions Name{rng.randint(0, 10**6)} and {rng.randint(0, 10**6)} here." for k in range(n)]
    b = a[: gap[0]] + a[gap[1] :]
    gold = [(k, k if k < gap[0] else k - (gap[1] - gap[0])) for k in range(n) if not gap[0] <= k < gap[1]]
    return a, b, gold


def test_band_widens_when_the_path_hits_its_edge_and_then_matches_the_full_dp():
    a, b, gold = _long_pair()
    al = _aligner(a, b)
    banded = al.align(half=8)
    assert al.widenings >= 1  # 120 missing blocks in a row push the path far off the diagonal
    full = _aligner(a, b).align(half=None)
    assert [(x.i0, x.i1, x.j0, x.j1) for x in banded] == [(x.i0, x.i1, x.j0, x.j1) for x in full]
    found = {(x.i0, x.j0) for x in banded if x.type == "1-1"}
    assert found == set(gold)


def test_band_around_a_previous_path_needs_no_widening():
    a, b, _ = _long_pair(n=300, gap=(100, 140))
    first = _aligner(a, b).align(half=None)
    al = _aligner(a, b)
    again = al.align(centre=path_centre(first, len(a)), half=3)
    assert al.widenings == 0
    assert [(x.i0, x.j0) for x in again] == [(x.i0, x.j0) for x in first]

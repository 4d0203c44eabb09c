"""How sure a two-version pair is: a score in [0, 1] a reviewer can sort by.

A pair's own cost says how well its two sides fit; what a reviewer needs is
whether *another* pairing of the same blocks fitted almost as well. So the
score is a logistic of three local figures, fitted on the dev gold (the
hand-drifted copies of the shared pairs, both directions;
``bench/align_quality.py --calibration`` prints the fit's reliability):

- the *margin*: for a pair, how much dearer its best rival is (the same
  block of A with the B block just before or after, the same B block with
  the neighbours of A, or both left alone); for a block left alone, how much
  dearer its best pairing with a nearby block would be;
- the pair's own cost (negative: the anchors confirm it);
- whether the pair is 1-1 (merges, folds and blocks left alone are less sure).

Markup pairs (identical code, shortcodes) get the same treatment: two
identical twins one block apart have a small margin, and the score says so.
"""
from __future__ import annotations

import math

from .dp import Aligner
from .moves import Item

# sigmoid(b0 + b1 x margin + b2 x (-cost) + b3 x one_to_one), fitted on the dev gold
CONFIDENCE = (3.44, 0.199, 0.214, -0.06)
NEAR = 1  # rivals: the blocks just before and after
MARGIN_CAP = 12.0


def pair_confidence(aligner: Aligner, item: Item, weights: tuple[float, ...] = CONFIDENCE) -> float:
    """The score of one pair (or one block alone) of the final alignment."""
    margin, cost, one_to_one = confidence_features(aligner, item)
    b0, b1, b2, b3 = weights
    x = b0 + b1 * margin + b2 * (-cost) + b3 * one_to_one
    return 1.0 / (1.0 + math.exp(-max(min(x, 30.0), -30.0)))


def confidence_features(aligner: Aligner, item: Item) -> tuple[float, float, float]:
    """(margin, cost, 1 if 1-1 else 0), the margin capped at ``MARGIN_CAP`` either way."""
    a, b = aligner.a, aligner.b
    if item.a and item.b:
        i0, i1, j0, j1 = item.a[0], item.a[-1] + 1, item.b[0], item.b[-1] + 1
        own = item.cost if max(len(item.a), len(item.b)) > 3 else aligner.bead_cost(i0, i1, j0, j1)
        rivals = [aligner.bead_cost(i0, i1, 0, 0) + aligner.bead_cost(0, 0, j0, j1)]
        for d in range(-NEAR, NEAR + 1):
            if d and 0 <= j0 + d and j0 + d + 1 <= b.n:
                rivals.append(aligner.bead_cost(i0, i0 + 1, j0 + d, j0 + d + 1) + aligner.p.skip * (len(item.b) - 1 + len(item.a) - 1))
            if d and 0 <= i0 + d and i0 + d + 1 <= a.n:
                rivals.append(aligner.bead_cost(i0 + d, i0 + d + 1, j0, j0 + 1) + aligner.p.skip * (len(item.a) - 1 + len(item.b) - 1))
        one_to_one = 1.0 if len(item.a) == 1 and len(item.b) == 1 else 0.0
    else:
        own = aligner.bead_cost(item.a[0], item.a[-1] + 1, 0, 0) if item.a else aligner.bead_cost(0, 0, item.b[0], item.b[-1] + 1)
        rivals = []
        if item.a:
            for j in range(max(0, item.at - NEAR), min(b.n, item.at + NEAR)):
                rivals.append(aligner.bead_cost(item.a[0], item.a[0] + 1, j, j + 1) - aligner.p.skip)
        else:
            for i in range(max(0, item.at - NEAR), min(a.n, item.at + NEAR)):
                rivals.append(aligner.bead_cost(i, i + 1, item.b[0], item.b[0] + 1) - aligner.p.skip)
        one_to_one = 0.0
    margin = (min(rivals) - own) if rivals else MARGIN_CAP
    return max(min(margin, MARGIN_CAP), -MARGIN_CAP), own, one_to_one


def fit(rows: list[tuple[tuple[float, float, float], bool]], steps: int = 50, ridge: float = 1e-3) -> tuple[float, ...]:
    """Logistic regression of rightness on (margin, cost, 1-1) by Newton's method (no extra
    dependency; a small ridge keeps it finite when a feature separates the data);
    ``bench/align_quality.py --fit-confidence`` calls it."""
    import numpy as np

    x = np.array([[1.0, f[0], -f[1], f[2]] for f, _ in rows])
    y = np.array([1.0 if ok else 0.0 for _, ok in rows])
    w = np.zeros(x.shape[1])
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -30, 30)))
        grad = x.T @ (p - y) + ridge * w
        hess = (x * (p * (1 - p))[:, None]).T @ x + ridge * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return tuple(round(float(v), 3) for v in w)


__all__ = ["pair_confidence", "confidence_features", "fit", "CONFIDENCE"]

"""The alignment engine: a banded dynamic programme over two sequences of blocks.

Gale & Church (1993) align two texts by a DP over *beads* (1-1, 1-0, 0-1,
2-1, 1-2, 2-2), each bead costed by how likely its two sides' character
lengths are translations of each other. Here a bead's cost adds, to that
length term and the bead's prior:

- a *structure* term: a heading does not align with a list item, a table
  cell does not merge with its neighbour, two paragraphs with a code block
  between them cannot be one paragraph in the other version;
- an *anchor* term: the weighted Dice overlap of the anchors of both sides
  (numbers, URLs, names, cognates, the skeleton around the block; see
  ``features``), which rewards the bead that keeps shared anchors together;
- a *contradiction* term: when both sides of a bead carry strong anchors
  (numbers, technical names, inline code) and share few of them, it costs more, in
  proportion to the smaller side's strong weight: ``Raindrop.io | 26 €`` is
  not the translation of ``Instapaper | €55`` however well their lengths fit;
- optionally an *extra* term from a caller (the chrF of a machine
  translation against the other side, Bleualign's idea).

Memory stays linear: only a band of columns around a centre line is kept
for each row (``D`` and back-pointers are ``(n+1) x W``). The centre is the
diagonal, or the path of an earlier pass; when the best path touches the
band's edge the band is doubled and the DP rerun, so a narrow band never
silently forces a wrong path. Each row is computed with numpy over its band;
the 0-1 bead, the one dependency inside a row, is a running minimum
(``np.minimum.accumulate``) over the row's cumulative skip costs.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from .features import (
    FRONT_MATTER, HEADING, HTML, LIST_ITEM, M_CODE, M_COMMENT, M_HTML, M_SHORTCODE, M_TABLE, MARKUP_CLASSES, OTHER, PARAGRAPH, SENTENCE,
    SHORTCODE_PARAM, TABLE_CELL, Block,
)

INF = float("inf")
_N_CLASSES = 17


def _compat_table() -> np.ndarray:
    """Cost of a 1-1 bead between two block classes (0 when they match)."""
    t = np.full((_N_CLASSES, _N_CLASSES), 1.5)
    for c in range(_N_CLASSES):
        t[c, c] = 0.0
    for c in range(_N_CLASSES):
        # dearer than leaving both blocks unaligned: a heading is never a paragraph's counterpart
        if c != HEADING:
            t[HEADING, c] = t[c, HEADING] = 12.0
        if c != TABLE_CELL:
            t[TABLE_CELL, c] = t[c, TABLE_CELL] = 12.0
        if c != FRONT_MATTER:
            t[FRONT_MATTER, c] = t[c, FRONT_MATTER] = 12.0
    t[PARAGRAPH, LIST_ITEM] = t[LIST_ITEM, PARAGRAPH] = 2.5
    t[PARAGRAPH, HTML] = t[HTML, PARAGRAPH] = 1.0
    t[SHORTCODE_PARAM, PARAGRAPH] = t[PARAGRAPH, SHORTCODE_PARAM] = 3.0
    # a block without prose never pairs with prose; two of different kinds rarely pair
    for m in MARKUP_CLASSES:
        for c in range(_N_CLASSES):
            if c not in MARKUP_CLASSES:
                t[m, c] = t[c, m] = 12.0
            elif c != m:
                t[m, c] = t[c, m] = 4.0
    t[M_SHORTCODE, M_HTML] = t[M_HTML, M_SHORTCODE] = 2.0
    # a paragraph one version commented out (its anchors decide: see features.markup_block)
    for c in (PARAGRAPH, LIST_ITEM):
        t[M_COMMENT, c] = t[c, M_COMMENT] = 4.0
    # a table row without prose and one with prose (a cell translated in one version only)
    t[M_TABLE, TABLE_CELL] = t[TABLE_CELL, M_TABLE] = 3.0
    return t


COMPAT = _compat_table()
# Gale & Church's beads, plus 3-1 / 1-3: a paragraph split in one version while its neighbour
# was merged into it in the other needs three blocks on one side. 0-1 is always allowed.
DEFAULT_BEADS = ((1, 1), (1, 0), (2, 1), (1, 2), (2, 2), (3, 1), (1, 3))
# Classes whose neighbours may be one block in the other version (a split or merged paragraph).
MERGEABLE = {PARAGRAPH, LIST_ITEM, HTML, OTHER, SENTENCE, SHORTCODE_PARAM}


@dataclass
class Params:
    """The cost model's settings; the defaults are tuned on EN/FR articles (see tests/test_align_quality.py).

    ``ratio`` is the expected length of B over A (French runs about 20 %
    longer than English); ``variance`` is Gale & Church's s² per character,
    larger than their parliamentary 6.8 because people who rewrite an
    article paraphrase more than Hansard translators.
    """

    ratio: float = 1.0
    variance: float = 4.0
    skip: float = 2.5  # cost of leaving one block unaligned (1-0 or 0-1)
    alpha: float = 12.0  # weight of the anchor similarity
    smooth: float = 2.0  # added to the Dice denominator: few anchors, little evidence
    sim_mid: float = 0.15  # Dice below this counts against a bead (true pairs: median 0.27; neighbours: 0.02)
    evidence: float = 3.0  # anchor weight at which the anchor term is half-trusted
    priors: dict[tuple[int, int], float] = field(
        default_factory=lambda: {(1, 1): 0.0, (2, 1): 2.3, (1, 2): 2.3, (2, 2): 4.5, (3, 1): 4.5, (1, 3): 4.5}
    )
    outlier_weight: float = 0.05  # share of block pairs whose lengths do not follow Gale & Church
    outlier_spread: float = 5.0
    level_mismatch: float = 1.5  # two headings of different levels
    gap_list: float = 1.0  # merging two blocks separated by a list marker
    gap_structure: float = 5.0  # merging two blocks separated by a code block, shortcode, heading...
    merge_other_class: float = 6.0  # merging a heading or a table cell, or blocks of two classes
    merge_markup: float = 40.0  # a block without prose is never part of a merged bead...
    merge_code: float = 1.0  # ...but code blocks, one of which the other version split in two
    contradiction: float = 1.5  # weight of the strong anchors two sides do not share (0: off)


def gale_church(la, lb, ratio: float, variance: float):
    """-log P(|delta|) for Gale & Church's delta, vectorised; no scipy needed.

    ``delta = (lb - ratio * la) / sqrt(variance * l)`` with ``l`` the mean of
    the two lengths in A units; the two-sided tail ``2 (1 - Phi(|delta|)) =
    erfc(|delta| / sqrt 2)`` uses the Abramowitz & Stegun 7.1.26 rational
    approximation in log form, which never underflows for large deltas.
    """
    la = np.asarray(la, dtype=float)
    lb = np.asarray(lb, dtype=float)
    mean = np.maximum((la + lb / ratio) / 2.0, 1.0)
    return _neg_log_erfc(np.abs(lb - ratio * la) / np.sqrt(variance * mean) / math.sqrt(2.0))


def length_cost(la, lb, p: "Params"):
    """Gale & Church's cost with a heavy tail: a mixture of their normal and one ``outlier_spread``
    times wider, of weight ``outlier_weight``.

    People who write the other version add or drop a sentence here and
    there; with the plain normal such a paragraph costs so much that any
    neighbour of the right length wins over its true counterpart, whatever
    the anchors say. The wide component caps that cost near
    ``-log(outlier_weight)``, so strong anchors can still decide.
    (Both components share one delta: the DP calls this for every cell.)
    """
    lb = np.asarray(lb, dtype=float)
    mean = np.maximum((la + lb / p.ratio) * 0.5, 1.0)
    x = np.abs(lb - p.ratio * la) / np.sqrt(mean * (2.0 * p.variance))
    narrow = _neg_log_erfc(x)
    if p.outlier_weight <= 0:
        return narrow
    wide = _neg_log_erfc(x * (1.0 / p.outlier_spread)) + math.log(p.outlier_spread)
    w = p.outlier_weight
    return -np.logaddexp(math.log(1 - w) - narrow, math.log(w) - wide)


def _length_cost_scalar(la: float, lb: float, p: "Params") -> float:
    """``length_cost`` for one pair of lengths, with ``math`` (the same formula)."""
    mean = max((la + lb / p.ratio) * 0.5, 1.0)
    x = abs(lb - p.ratio * la) / math.sqrt(mean * (2.0 * p.variance))
    narrow = _neg_log_erfc_scalar(x)
    if p.outlier_weight <= 0:
        return narrow
    wide = _neg_log_erfc_scalar(x / p.outlier_spread) + math.log(p.outlier_spread)
    w = p.outlier_weight
    u, v = math.log(1 - w) - narrow, math.log(w) - wide
    return -(max(u, v) + math.log1p(math.exp(-abs(u - v))))


def _neg_log_erfc_scalar(x: float) -> float:
    t = 1.0 / (1.0 + 0.3275911 * x)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return x * x - math.log(poly)


def _neg_log_erfc(x):
    """-log erfc(x) for x >= 0 (Abramowitz & Stegun 7.1.26: erfc(x) = poly(t) exp(-x^2))."""
    t = 1.0 / (1.0 + 0.3275911 * x)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return x * x - np.log(poly)


class Side:
    """One sequence of blocks as arrays the DP can index."""

    def __init__(self, blocks: Sequence[Block], gaps: Sequence[float] | None = None):
        self.blocks = list(blocks)
        n = len(self.blocks)
        self.n = n
        self.length = np.array([b.length for b in self.blocks], dtype=float)
        self.cum_length = np.concatenate([[0.0], np.cumsum(self.length)])
        self.cls = np.array([b.cls for b in self.blocks], dtype=np.int64)
        self.level = np.array([b.level for b in self.blocks], dtype=np.int64)
        # gap[k]: cost of joining block k-1 and block k into one bead side
        self.gap = np.zeros(n, dtype=float) if gaps is None else np.asarray(gaps, dtype=float)
        self.features: list[dict[str, float]] = []
        self.weight = np.zeros(n)
        self.cum_weight = np.zeros(n + 1)
        self.strong = np.zeros(n)
        self.cum_strong = np.zeros(n + 1)

    def set_features(self, feats: list[dict[str, float]]) -> None:
        self.features = feats
        self.weight = np.array([sum(f.values()) for f in feats], dtype=float) if feats else np.zeros(0)
        self.cum_weight = np.concatenate([[0.0], np.cumsum(self.weight)])
        self.strong = np.array([sum(w for f, w in fs.items() if is_strong(f)) for fs in feats], dtype=float) if feats else np.zeros(0)
        self.cum_strong = np.concatenate([[0.0], np.cumsum(self.strong)])

    def merge_penalty(self, params: Params, size: int) -> np.ndarray:
        """Cost of making blocks k..k+size-1 one side of a bead, for every k (array of n - size + 1)."""
        n = self.n
        if size == 1:
            return np.zeros(n)
        if n < size:
            return np.zeros(0)
        pen = np.zeros(n - size + 1)
        mergeable = np.array([c in MERGEABLE for c in self.cls], dtype=bool)
        for off in range(1, size):
            same = self.cls[off : n - size + 1 + off] == self.cls[: n - size + 1]
            ok = same & mergeable[: n - size + 1] & mergeable[off : n - size + 1 + off]
            pen += np.where(ok, 0.0, params.merge_other_class)
            pen += self.gap[off : n - size + 1 + off]
        markup = np.array([c in MARKUP_CLASSES for c in self.cls], dtype=bool)
        if markup.any():
            for off in range(size):
                pen += np.where(markup[off : n - size + 1 + off], params.merge_markup, 0.0)
            code = self.cls == M_CODE
            all_code = np.ones(n - size + 1, dtype=bool)
            for off in range(size):
                all_code &= code[off : n - size + 1 + off]
            pen = np.where(all_code, params.merge_code * (size - 1), pen)
        return pen


STRONG_PREFIXES = ("N:", "K:", "E:")


def is_strong(feature: str) -> bool:
    """Anchors a translator rarely changes: numbers, inline code and technical names (``E:``;
    plain capitalised words lose their capital in French, and sites localise their link targets)."""
    return feature[:2] in STRONG_PREFIXES


def contradiction_cost(strong_a, strong_b, shared, weight: float):
    """``weight x min(strong A, strong B) x (1 - Dice of the strong anchors)``: nothing when either
    side has no strong anchor (a translator may drop a name), the most when both have many and
    share none (vectorised over numpy arrays too)."""
    total = strong_a + strong_b
    dice = np.where(total > 0, 2.0 * shared / np.maximum(total, 1e-9), 1.0)
    return weight * np.minimum(strong_a, strong_b) * np.clip(1.0 - dice, 0.0, 1.0)


def weigh_features(a: Side, b: Side, min_weight: float = 0.05, both_sides: bool = False) -> None:
    """Turn type weights into type weight x IDF over both sides; drop anchors too common to tell
    anything, and with ``both_sides`` the weak ones one side never has (a word capitalised at a
    sentence start is a name only if the other version has it too; an anchor no block of the
    other side can share only dilutes the overlap of true pairs). Strong anchors stay: a number
    the other version never mentions says the block has no counterpart there."""
    total = a.n + b.n
    df: dict[str, int] = {}
    for side in (a, b):
        for blk in side.blocks:
            for f in blk.features:
                df[f] = df.get(f, 0) + 1
    if both_sides:
        in_b = {f for blk in b.blocks for f in blk.features}
        in_a = {f for blk in a.blocks for f in blk.features}
        df = {f: d for f, d in df.items() if (f in in_a and f in in_b) or is_strong(f)}
    idf = {f: math.log(1.0 + total / d) for f, d in df.items()}
    for side in (a, b):
        feats = []
        for blk in side.blocks:
            w = {f: tw * idf[f] / math.log(1.0 + total) for f, tw in blk.features.items() if f in idf}
            feats.append({f: v for f, v in w.items() if v >= min_weight})
        side.set_features(feats)


@dataclass
class Bead:
    i0: int
    i1: int
    j0: int
    j1: int
    cost: float

    @property
    def type(self) -> str:
        return f"{self.i1 - self.i0}-{self.j1 - self.j0}"


ExtraCost = Callable[[int, int, int, int], float]


class Aligner:
    """Banded DP between two sides; ``align()`` returns the beads of the best path.

    Every array the rows read (``D``, the overlaps, the cumulative lengths
    and weights, classes and merge costs of side B) is padded, so that
    "column j - dj of row i - di" is a plain slice: a row costs a few dozen
    numpy operations whatever the band's width.
    """

    def __init__(self, a: Side, b: Side, params: Params, beads: Sequence[tuple[int, int]] | None = None,
                 extra: ExtraCost | None = None):
        self.a, self.b, self.p = a, b, params
        self.beads = [bd for bd in (beads or DEFAULT_BEADS) if bd != (0, 1)]
        self.extra = extra
        self.merge_a = {k: a.merge_penalty(params, k) for k in (1, 2, 3)}
        self.merge_b = {k: b.merge_penalty(params, k) for k in (1, 2, 3)}
        self.skip_a = np.full(a.n, params.skip)
        self.skip_b = np.full(b.n, params.skip)
        self.widenings = 0
        self.band_width = 0

    # ------------------------------------------------------------ overlaps
    def _overlaps(self, lo_o: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
        """O[a, b - lo_o[a]]: summed weights of the anchors blocks a and b share, inside the band
        (and the same sum over strong anchors only).

        An anchor's weight depends on the anchor alone (type x IDF), so the
        shared weight is a sum over shared anchors. Computed per anchor with
        numpy: its blocks on side A times its blocks on side B that fall in
        each A block's band.
        """
        a, b = self.a, self.b
        overlap = np.zeros((a.n, width))
        strong = np.zeros((a.n, width))
        post_a: dict[str, list[int]] = {}
        post_b: dict[str, list[int]] = {}
        weight: dict[str, float] = {}
        for side, post in ((a, post_a), (b, post_b)):
            for k, feats in enumerate(side.features):
                for f, w in feats.items():
                    post.setdefault(f, []).append(k)
                    weight[f] = w
        rows, cols, vals, strong_rows = [], [], [], []
        for f, pa in post_a.items():
            pb = post_b.get(f)
            if not pb:
                continue
            pa_arr = np.asarray(pa)
            pb_arr = np.asarray(pb)
            lo = lo_o[pa_arr]
            start = np.searchsorted(pb_arr, lo)
            stop = np.searchsorted(pb_arr, lo + width)
            count = stop - start
            total = int(count.sum())
            if not total:
                continue
            rep = np.repeat(np.arange(len(pa_arr)), count)
            # positions start[k], start[k]+1, ... for each repeated A block
            offsets = np.arange(total) - np.repeat(np.cumsum(count) - count, count)
            bj = pb_arr[np.repeat(start, count) + offsets]
            rows.append(pa_arr[rep])
            cols.append(bj - lo[rep])
            vals.append(np.full(total, weight[f]))
            strong_rows.append(np.full(total, is_strong(f)))
        if rows:
            r, c, v = np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)
            np.add.at(overlap, (r, c), v)
            keep = np.concatenate(strong_rows)
            if keep.any():
                np.add.at(strong, (r[keep], c[keep]), v[keep])
        return overlap, strong

    # ------------------------------------------------------------ the DP
    def align(self, centre: np.ndarray | None = None, half: int | None = None) -> list[Bead]:
        """Best path inside a band of ``half`` columns either side of ``centre`` (the diagonal by
        default); ``half=None`` computes the whole matrix. The band doubles while the path touches it."""
        n, m = self.a.n, self.b.n
        if centre is None:
            centre = np.round(np.arange(n + 1) * (m / n if n else 0)).astype(np.int64)
        centre = np.maximum.accumulate(np.clip(np.asarray(centre, dtype=np.int64), 0, m))
        full = half is None or 2 * half + 1 >= m + 1
        while True:
            if full:
                lo = np.zeros(n + 1, dtype=np.int64)
                width = m + 1
            else:
                lo = centre - half
                width = 2 * half + 1
            self.band_width = width
            beads, touched = self._run(lo, width)
            if full or not touched:
                return beads
            half *= 2
            self.widenings += 1
            full = 2 * half + 1 >= m + 1

    def _run(self, lo: np.ndarray, width: int) -> tuple[list[Bead], bool]:
        a, b, p = self.a, self.b, self.p
        n, m = a.n, b.n
        max_di = max(di for di, _ in self.beads)
        max_dj = max(dj for _, dj in self.beads)
        jump = int(np.max(np.diff(lo))) if n > 0 else 0
        # padding so that every shifted read is a slice: rows read rows up to max_di above,
        # each up to ``jump`` columns to the left, and columns up to max_dj to the left
        pd = max_dj + max_di * max(jump, 1) + 1
        lo_o = (lo[1:] - pd) if n else np.zeros(0, dtype=np.int64)
        width_o = width + 2 * pd
        overlap, overlap_strong = self._overlaps(lo_o, width_o)
        D = np.full((n + 1, width + 2 * pd), INF)  # D[i, pd + c] is column lo[i] + c
        BP = np.full((n + 1, width), -1, dtype=np.int8)
        zero_one = len(self.beads)

        # side B arrays padded by ``pad`` on the left and right, indexed by pad + j
        pad = pd + width + 1
        def padded(arr, left, right):
            return np.concatenate([np.full(pad, left, dtype=arr.dtype), arr, np.full(pad, right, dtype=arr.dtype)])

        cum_len = padded(b.cum_length, 0.0, b.cum_length[-1])
        cum_w = padded(b.cum_weight, 0.0, b.cum_weight[-1])
        cum_s = padded(b.cum_strong, 0.0, b.cum_strong[-1])
        cls_b = padded(b.cls, OTHER, OTHER)
        lvl_b = padded(b.level, 0, 0)
        skip_cum = padded(np.concatenate([[0.0], np.cumsum(self.skip_b)]), 0.0, float(np.sum(self.skip_b)))
        valid_j = padded(np.ones(m + 1, dtype=bool), False, False)
        # Everything of side B a bead ending at column j needs, as arrays indexed by pad + j: its
        # length and anchor weight, the class of its first block (for each class of side A: the
        # compatibility cost), the cost of merging its blocks. One slice per row and bead.
        djs = sorted({dj for _, dj in self.beads if dj})
        def shifted(arr, dj, fill):
            out = np.full_like(arr, fill)
            out[dj:] = arr[:-dj]
            return out
        len_b = {dj: cum_len - shifted(cum_len, dj, 0.0) for dj in djs}
        w_b = {dj: cum_w - shifted(cum_w, dj, 0.0) for dj in djs}
        s_b = {dj: cum_s - shifted(cum_s, dj, 0.0) for dj in djs}
        first_cls = {dj: shifted(cls_b, dj, OTHER) for dj in djs}
        compat = {(c, dj): COMPAT[c][first_cls[dj]] for c in set(a.cls.tolist()) for dj in djs}
        merge_b = {}
        for dj in djs:
            if dj == 1:
                merge_b[dj] = np.zeros_like(cum_len)
            elif len(self.merge_b[dj]):
                merge_b[dj] = shifted(padded(self.merge_b[dj], INF, INF), dj, INF)
            else:
                merge_b[dj] = np.full_like(cum_len, INF)
        head_b = shifted((cls_b == HEADING), 1, False)
        lvl_first = shifted(lvl_b, 1, 0)
        priors = [p.priors.get(bd, 6.0) for bd in self.beads]

        for i in range(n + 1):
            li = int(lo[i])
            js = slice(pad + li, pad + li + width)  # columns j of this row, in padded B arrays
            valid = valid_j[js]
            cand = np.full(width, INF)
            bp = np.full(width, -1, dtype=np.int8)
            if i == 0 and 0 <= -li < width:
                cand[-li] = 0.0
            for code, (di, dj) in enumerate(self.beads):
                r = i - di
                if r < 0:
                    continue
                off = pd + li - int(lo[r]) - dj
                prev = D[r, off : off + width]
                live = prev < INF
                if not live.any():
                    continue
                if dj == 0:
                    cost = float(self.skip_a[r:i].sum())
                else:
                    la = a.cum_length[i] - a.cum_length[r]
                    cost = length_cost(la, len_b[dj][js], p)
                    strong_a = a.cum_strong[i] - a.cum_strong[r]
                    with_strong = bool(p.contradiction) and strong_a > 0
                    ov = ov_s = None
                    for x in range(1, di + 1):
                        row_o = overlap[i - x]
                        base = li - int(lo_o[i - x])
                        for y in range(1, dj + 1):
                            piece = row_o[base - y : base - y + width]
                            ov = piece if ov is None else ov + piece
                            if with_strong:
                                piece_s = overlap_strong[i - x][base - y : base - y + width]
                                ov_s = piece_s if ov_s is None else ov_s + piece_s
                    wsum = w_b[dj][js] + (a.cum_weight[i] - a.cum_weight[r])
                    sim = np.minimum(2.0 * ov / (wsum + p.smooth), 1.0)  # Dice
                    cost += (p.alpha * (p.sim_mid - sim)) * (wsum / (wsum + p.evidence))
                    if with_strong:
                        cost += contradiction_cost(strong_a, s_b[dj][js], ov_s, p.contradiction)
                    cost += compat[(int(a.cls[r]), dj)][js]
                    fixed = priors[code] + (float(self.merge_a[di][r]) if di > 1 else 0.0)
                    if dj > 1:
                        cost += merge_b[dj][js]
                    if di == 1 and dj == 1 and a.cls[r] == HEADING:
                        cost += np.where(head_b[js] & (lvl_first[js] != a.level[r]), p.level_mismatch, 0.0)
                    cost += fixed
                    if self.extra is not None:
                        cols_live = np.nonzero(live)[0]
                        add = np.zeros(width)
                        for c in cols_live:
                            j = li + int(c)
                            add[c] = self.extra(r, i, j - dj, j)
                        cost = cost + add
                total = prev + cost
                better = total < cand
                np.copyto(cand, total, where=better)
                np.copyto(bp, code, where=better)
            cand = np.where(valid, cand, INF)
            # 0-1 beads inside the row: D[j] = min over k <= j of cand[k] + skips(k..j)
            s = skip_cum[js]
            tmp = cand - s
            run = np.minimum.accumulate(tmp)
            D[i, pd : pd + width] = np.where(valid, run + s, INF)
            BP[i] = np.where(valid & (tmp > run), zero_one, bp)
        return self._backtrack(D[:, pd : pd + width], BP, lo, width, zero_one)

    def _backtrack(self, D, BP, lo, width, zero_one) -> tuple[list[Bead], bool]:
        n, m = self.a.n, self.b.n
        i, j = n, m
        beads: list[Bead] = []
        touched = False
        while i > 0 or j > 0:
            c = j - lo[i]
            if not (0 <= c < width) or not np.isfinite(D[i, c]):
                raise RuntimeError("alignment band lost the path")  # cannot happen: the band always holds (n, m)
            if (c == 0 and lo[i] > 0) or (c == width - 1 and lo[i] + width - 1 < m):
                touched = True
            code = int(BP[i, c])
            di, dj = (0, 1) if code == zero_one else self.beads[code]
            here = float(D[i, c])
            pi, pj = i - di, j - dj
            pc = pj - lo[pi]
            before = float(D[pi, pc]) if 0 <= pc < width else 0.0
            beads.append(Bead(pi, i, pj, j, here - before))
            i, j = pi, pj
        beads.reverse()
        return beads, touched

    # ------------------------------------------------------------ one bead, for scores and tests
    def bead_cost(self, i0: int, i1: int, j0: int, j1: int) -> float:
        """The cost of one bead, computed alone in plain Python (a test checks it against the rows;
        the second passes and the confidence call it tens of thousands of times, hence floats and
        ``math`` rather than numpy scalars)."""
        a, b, p = self.a, self.b, self.p
        di, dj = i1 - i0, j1 - j0
        if di == 0:
            return float(sum(self.skip_b[j0:j1].tolist()))
        if dj == 0:
            return float(sum(self.skip_a[i0:i1].tolist()))
        la = float(a.cum_length[i1] - a.cum_length[i0])
        lb = float(b.cum_length[j1] - b.cum_length[j0])
        cost = _length_cost_scalar(la, lb, p) + p.priors.get((di, dj), 6.0)
        ov = ov_s = 0.0
        for x in range(i0, i1):
            fa = a.features[x]
            for y in range(j0, j1):
                fb = b.features[y]
                for f, w in (fa.items() if len(fa) <= len(fb) else fb.items()):
                    other = fb.get(f) if len(fa) <= len(fb) else fa.get(f)
                    if other is not None:
                        shared = w if w < other else other
                        ov += shared
                        if f[:2] in STRONG_PREFIXES:
                            ov_s += shared
        wsum = float(a.cum_weight[i1] - a.cum_weight[i0] + b.cum_weight[j1] - b.cum_weight[j0])
        sim = min(2.0 * ov / (wsum + p.smooth), 1.0)
        cost -= p.alpha * (wsum / (wsum + p.evidence)) * (sim - p.sim_mid)
        if p.contradiction:
            sa = float(a.cum_strong[i1] - a.cum_strong[i0])
            sb = float(b.cum_strong[j1] - b.cum_strong[j0])
            if sa > 0 and sb > 0:
                dice = 2.0 * ov_s / (sa + sb)
                cost += p.contradiction * min(sa, sb) * min(max(1.0 - dice, 0.0), 1.0)
        cost += float(COMPAT[a.cls[i0], b.cls[j0]])
        if di == 1 and dj == 1 and a.cls[i0] == HEADING and b.cls[j0] == HEADING and a.level[i0] != b.level[j0]:
            cost += p.level_mismatch
        if di > 1:
            cost += float(self.merge_a[di][i0])
        if dj > 1:
            cost += float(self.merge_b[dj][j0])
        if self.extra is not None:
            cost += self.extra(i0, i1, j0, j1)
        return cost


def path_centre(beads: list[Bead], n: int) -> np.ndarray:
    """For each row i, the column where a path crosses it: the centre of a narrow band for a second pass."""
    centre = np.zeros(n + 1, dtype=np.int64)
    for bd in beads:
        for i in range(bd.i0, bd.i1 + 1):
            centre[i] = bd.j0 if i == bd.i0 else bd.j1 if i == bd.i1 else (bd.j0 + bd.j1) // 2
    if beads:
        centre[n] = beads[-1].j1
    return centre

"""Sentence pairs inside a paragraph pair: translation memories in CAT tools are sentence-level.

Both sides are split with the project's sentence splitter (spaCy's trained
``senter`` of ``fr_core_news_sm`` for French when installed, spaCy's
rule-based ``sentencizer`` otherwise; see ``pipeline.mt.segment``), or with
a small regular-expression splitter when spaCy itself is missing. The
sentences are then aligned with the same DP as paragraphs (length + anchors),
which here always runs on the full matrix: a paragraph has a handful of
sentences.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any, Sequence

from .dp import Aligner, Params, Side, weigh_features
from .features import sentence_block

log = logging.getLogger("bitext")

_RULE_BREAK = re.compile(r"(?<=[.!?…])[\"'»”’)\]]*\s+(?=[«\"“‘(\[]*[A-ZÀ-ÖØ-Þ0-9])")
_ABBREV = re.compile(r"(?:\b(?:M|Mme|Mlle|Dr|Pr|Mr|Mrs|Ms|St|p|pp|cf|vs|etc|fig|vol|no|n°|e\.g|i\.e|env)|\b[A-Z])\.$")


def rule_split(text: str) -> list[tuple[int, int]]:
    """Sentence spans by punctuation + capital, not after a known abbreviation or an initial."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _RULE_BREAK.finditer(text):
        if _ABBREV.search(text[start : m.start()].rstrip("\"'»”’)]")):
            continue
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            out.append((a, b))
    return out


def _splitter(lang: str | None, method: str):
    """The project's sentence splitter (its spaCy pipeline is loaded once, in ``mt.segment``), or None for rules."""
    if method == "rules":
        return None
    from ..mt.segment import SentenceSplitter

    try:
        return SentenceSplitter(lang or "xx")
    except ImportError as exc:  # spaCy missing: the rule splitter is the documented fallback
        log.warning("sentence splitting with rules: the spaCy splitter is unavailable (%s)", exc)
        return None


def split_sentences(text: str, lang: str | None, method: str = "auto") -> list[tuple[int, int]]:
    """Sentence spans over ``text`` (whitespace outside); ``method`` is ``auto`` (spaCy) or ``rules``."""
    return split_many([text], lang, method)[0]


def split_many(texts: Sequence[str], lang: str | None, method: str = "auto") -> list[list[tuple[int, int]]]:
    """Sentence spans of many texts at once.

    spaCy costs a few milliseconds per call but a fraction of that per text
    inside ``nlp.pipe``; so the texts go through ``nlp.pipe`` in batches and
    the project splitter's own repairs (``SentenceSplitter.split``: closing
    quotes, abbreviations...) run on the parsed documents.
    """
    if not any(t.strip() for t in texts):
        return [[] for _ in texts]
    splitter = _splitter(lang, method)
    if splitter is None:
        spans = [rule_split(t) if t.strip() else [] for t in texts]
    else:
        spans = _split_batched(splitter, texts)
    return [s or ([(0, len(t))] if t.strip() else []) for s, t in zip(spans, texts)]


def _split_batched(splitter, texts: Sequence[str]) -> list[list[tuple[int, int]]]:
    import copy

    nlp = splitter.nlp
    unique = [t for t in dict.fromkeys(texts) if t.strip()]
    if len(unique) < 2:
        return [splitter.split(t) for t in texts]
    proxy = copy.copy(splitter)
    spans: dict[str, list[tuple[int, int]]] = {}
    for start in range(0, len(unique), 512):  # parsed docs are large: a chunk at a time
        chunk = unique[start : start + 512]
        docs = dict(zip(chunk, nlp.pipe(chunk, batch_size=128)))
        proxy.nlp = lambda text, docs=docs: docs[text] if text in docs else nlp(text)
        spans.update((t, proxy.split(t)) for t in chunk)
    return [spans[t] if t.strip() else [] for t in texts]


@dataclass
class Piece:
    """One sentence of one side, with where it came from."""

    text: str
    unit: int  # index of the unit within the side
    lines: list[int] | None


def side_pieces(
    markups: Sequence[str],
    first_lines: Sequence[int | None],
    lang: str | None,
    method: str = "auto",
    known: dict[str, list[tuple[int, int]]] | None = None,
) -> list[Piece]:
    """Split each unit's markup into sentences; a sentence's lines count the newlines before it in its unit.

    ``known`` holds spans already computed (``split_many`` over a whole document)."""
    out: list[Piece] = []
    for k, (mk, line) in enumerate(zip(markups, first_lines)):
        spans = known[mk] if known is not None and mk in known else split_sentences(mk, lang, method)
        for a, b in spans:
            if line is None:
                lines = None
            else:
                first = line + mk.count("\n", 0, a)
                lines = [first, first + mk.count("\n", a, b)]
            out.append(Piece(mk[a:b], k, lines))
    return out


def _span(pieces: Sequence[Piece]) -> list[int] | None:
    lines = [p.lines for p in pieces if p.lines]
    if not lines:
        return None
    return [min(x[0] for x in lines), max(x[1] for x in lines)]


def align_pieces(src: Sequence[Piece], tgt: Sequence[Piece], ratio: float = 1.0) -> list[dict[str, Any]]:
    """Sentence pairs: ``{src, tgt, type, score, src_lines, tgt_lines}``, in order, covering every sentence."""
    if not src and not tgt:
        return []
    if not src or not tgt:  # an unaligned paragraph: each of its sentences is unaligned
        groups = [([p], []) for p in src] + [([], [p]) for p in tgt]
        scores = [0.0] * len(groups)
    elif len(src) == 1 or len(tgt) == 1:  # one sentence on a side: it pairs with all of the other
        groups = [(list(src), list(tgt))]
        scores = [_length_score(src, tgt, ratio)]
    elif (parallel := _parallel(src, tgt, ratio)) is not None:
        groups = [([s], [t]) for s, t in zip(src, tgt)]
        scores = parallel
    else:
        params = Params(ratio=ratio, variance=6.8, skip=3.5, alpha=5.0, contradiction=0.0)
        gaps_a = [0.0] + [0.0 if src[k].unit == src[k - 1].unit else 1.0 for k in range(1, len(src))]
        gaps_b = [0.0] + [0.0 if tgt[k].unit == tgt[k - 1].unit else 1.0 for k in range(1, len(tgt))]
        a = Side([sentence_block(k, p.text) for k, p in enumerate(src)], gaps_a)
        b = Side([sentence_block(k, p.text) for k, p in enumerate(tgt)], gaps_b)
        weigh_features(a, b)
        beads = Aligner(a, b, params, beads=[(1, 1), (1, 0), (2, 1), (1, 2), (2, 2), (3, 1), (1, 3)]).align()
        groups = [(list(src[bd.i0 : bd.i1]), list(tgt[bd.j0 : bd.j1])) for bd in beads]
        scores = [bead_score(bd.cost, bd.i1 - bd.i0, bd.j1 - bd.j0) for bd in beads]
    out = []
    for (s, t), score in zip(groups, scores):
        out.append(
            {
                "src": " ".join(p.text for p in s),
                "tgt": " ".join(p.text for p in t),
                "type": f"{len(s)}-{len(t)}",
                "score": round(score, 3),
                "src_lines": _span(s),
                "tgt_lines": _span(t),
            }
        )
    return out


def _parallel(src: Sequence[Piece], tgt: Sequence[Piece], ratio: float) -> list[float] | None:
    """Scores of the 1-1 pairs when both sides have as many sentences and every pair's lengths agree
    (within Gale & Church's cost of 2, about 1.4 standard deviations); else None and the DP decides.

    Most paragraph pairs are like this, and the DP would pick the same 1-1
    path: this saves its setup, which dominates for a handful of sentences.
    """
    if len(src) != len(tgt):
        return None
    from .dp import gale_church
    from .features import text_length

    import numpy as np

    la = np.array([text_length(p.text) for p in src], dtype=float)
    lb = np.array([text_length(p.text) for p in tgt], dtype=float)
    costs = gale_church(la, lb, ratio, 6.8)
    if (costs > 2.0).any():
        return None
    return [round(bead_score(float(c), 1, 1), 3) for c in costs]


def _length_score(src: Sequence[Piece], tgt: Sequence[Piece], ratio: float) -> float:
    from .dp import gale_church
    from .features import text_length

    la = sum(text_length(p.text) for p in src)
    lb = sum(text_length(p.text) for p in tgt)
    return round(bead_score(float(gale_church(la, lb, ratio, 6.8)), 1, 1), 3)


def bead_score(cost: float, di: int, dj: int) -> float:
    """A confidence in [0, 1] from a bead's cost: a logistic of minus the cost.

    Costs are negative log-likelihoods less the anchor reward, so a bead
    that the anchors confirm has a negative cost (score near 1); one that
    only the lengths support sits near 0 (score near 0.5 and below).
    Unaligned beads get their score elsewhere (how much worse the best
    pairing would have been).
    """
    import math

    if di == 0 or dj == 0:
        return 0.0
    x = max(min(-cost + 1.0, 30.0), -30.0)
    return 1.0 / (1.0 + math.exp(-x))

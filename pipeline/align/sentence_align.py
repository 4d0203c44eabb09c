"""Sentence alignment of two human versions: the links a translation memory is seeded from.

Two inputs reach it:

- **pre-segmented prose** (one sentence per block, the form sentence-aligned
  corpora and the Bertalign / vecalign evaluations use): every block is one
  sentence, its id is its place in the document (block order), and the whole
  document is aligned as one sequence of sentences;
- **articles** (headings, lists, code...): the paragraph aligner pairs the
  blocks first (markdown anchors make it strong there), then the sentences
  inside each prose pair are aligned with the same sentence costs
  (``sentence_pairs``). Sentence ids still count sentences in document order.

The dynamic programme is the project's one engine (``dp.Aligner``): banded,
memory linear in the length (``(n + 1) x band`` cells; the band doubles when
the path touches it), with 1-1, 1-0, 0-1, 2-1, 1-2, 2-2, 3-1 and 1-3 beads.
Sentence costs are Gale & Church's length term plus the anchors of
``sentence_costs`` (names, numbers, cognates, a function-word lexicon,
punctuation and dialogue), with settings tuned on dev gold.

With a model (``model_translate``), Bleualign's idea (Sennrich & Volk 2010):
side A is machine-translated in one batch, and a second pass in a narrow band
around the first path adds ``-w (chrF(MT(a), b) - c)`` to every bead.

Every link gets a **confidence** in [0, 1]: a logistic of how much better the
chosen bead is than the best other bead over any of its sentences (its local
margin) and of its gain over leaving them unaligned, fitted on dev gold
(``CONFIDENCE``).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Sequence

from .dp import Aligner, Bead, Params, Side, path_centre, weigh_features
from .features import SENTENCE, Block, text_length
from .sentence_costs import DEFAULT_WEIGHTS, SentenceWeights, sentence_anchors

SENTENCE_BEADS = ((1, 1), (1, 0), (2, 1), (1, 2), (2, 2), (3, 1), (1, 3))
FULL_DP_CELLS = 250_000  # below this many cells the whole matrix is computed


def sentence_params(ratio: float) -> Params:
    """The DP's settings for sentences (tuned on the dev gold by ``bench/sentence_align.py --tune``)."""
    return Params(
        ratio=ratio,
        variance=10.0,
        skip=2.0,
        alpha=15.0,
        smooth=2.0,
        sim_mid=0.05,
        evidence=2.0,
        priors={(1, 1): 0.0, (2, 1): 1.4, (1, 2): 1.4, (2, 2): 2.8, (3, 1): 2.8, (1, 3): 2.8},
        outlier_weight=0.05,
        outlier_spread=5.0,
        contradiction=0.0,
    )


# Confidence = sigmoid(CONFIDENCE . confidence_features), fitted on the dev gold
# (bench/sentence_align.py --tune prints the fit).
CONFIDENCE = (0.098, 2.654, -0.281, 4.206)
CHRF_WEIGHT = 8.0  # chrF term of the model pass (Bleualign)
CHRF_MID = 0.25  # chrF at which a bead neither gains nor loses


@dataclass
class Link:
    """One bead: sentence ids on each side (either may be empty), its cost and confidence."""

    src: list[int]
    tgt: list[int]
    cost: float = 0.0
    confidence: float = 0.0

    @property
    def type(self) -> str:
        return f"{len(self.src)}-{len(self.tgt)}"


@dataclass
class SentenceSide:
    """The sentences of one side, and where a paragraph starts (a merge across it costs a little)."""

    texts: list[str]
    lang: str | None = None
    paragraph_start: list[bool] = field(default_factory=list)


def _side(sentences: SentenceSide, weights: SentenceWeights, gap: float) -> Side:
    blocks = [
        Block(index=k, text=t, kind="sentence", cls=SENTENCE, length=float(text_length(t)),
              features=sentence_anchors(t, sentences.lang, weights))
        for k, t in enumerate(sentences.texts)
    ]
    starts = sentences.paragraph_start or [False] * len(blocks)
    gaps = [0.0] + [gap if starts[k] else 0.0 for k in range(1, len(blocks))]
    return Side(blocks, gaps)


def length_ratio(a: Sequence[str], b: Sequence[str]) -> float:
    """Expected length of B over A, measured on the two texts (clipped): the languages' ratio
    varies by translator, and a whole book gives it to within a percent."""
    la = sum(text_length(t) for t in a)
    lb = sum(text_length(t) for t in b)
    return min(max(lb / max(la, 1), 0.6), 1.6)


def align_sentences(
    src: SentenceSide,
    tgt: SentenceSide,
    *,
    model_translate: Callable[[list[str]], list[str]] | None = None,
    params: Params | None = None,
    weights: SentenceWeights = DEFAULT_WEIGHTS,
    paragraph_gap: float = 1.0,
    band: int | None = None,
    mt: Sequence[str] | None = None,
) -> list[Link]:
    """Links covering every sentence of both sides exactly once, in order.

    ``mt`` is the machine translation of ``src``'s sentences when the caller
    has it already (one batch for a whole document); else ``model_translate``
    translates them here."""
    n, m = len(src.texts), len(tgt.texts)
    if n == 0 or m == 0:
        return [Link([i], [], 0.0, 1.0) for i in range(n)] + [Link([], [j], 0.0, 1.0) for j in range(m)]
    p = params or sentence_params(length_ratio(src.texts, tgt.texts))
    a, b = _side(src, weights, paragraph_gap), _side(tgt, weights, paragraph_gap)
    weigh_features(a, b)
    aligner = Aligner(a, b, p, beads=SENTENCE_BEADS)
    if band is None:
        band = None if (n + 1) * (m + 1) <= FULL_DP_CELLS else 24 + max(8, int(3 * math.sqrt(abs(n - m))))
    beads = aligner.align(half=band)
    if mt is None and model_translate is not None:
        mt = translate_sentences(model_translate, src)
    if mt is not None:
        aligner.extra = chrf_cost(list(mt), list(tgt.texts))
        beads = aligner.align(centre=path_centre(beads, n), half=6)
    return [_link(aligner, bd) for bd in beads]


def translate_sentences(model_translate: Callable[[list[str]], list[str]], side: SentenceSide) -> list[str]:
    """Machine translation of every sentence of a side, in one batch (the translator batches inside)."""
    from .twoversions import machine_translate

    return machine_translate(model_translate, list(side.texts), side.lang)


def chrf_cost(mt_a: list[str], texts_b: list[str], weight: float = CHRF_WEIGHT,
              mid: float = CHRF_MID) -> Callable[[int, int, int, int], float]:
    """Bead cost from chrF (sacrebleu) between the MT of A's sentences and B's: higher chrF, lower cost."""
    from sacrebleu.metrics import CHRF

    chrf = CHRF()
    cache: dict[tuple[int, int, int, int], float] = {}

    def extra(i0: int, i1: int, j0: int, j1: int) -> float:
        key = (i0, i1, j0, j1)
        if key not in cache:
            hyp = " ".join(mt_a[i0:i1])
            ref = " ".join(texts_b[j0:j1])
            score = chrf.sentence_score(hyp, [ref]).score / 100.0 if hyp.strip() and ref.strip() else 0.0
            cache[key] = -weight * (score - mid)
        return cache[key]

    return extra


def _link(aligner: Aligner, bd: Bead) -> Link:
    x = sum(w * f for w, f in zip(CONFIDENCE, confidence_features(aligner, bd)))
    x = max(min(x, 30.0), -30.0)
    return Link(list(range(bd.i0, bd.i1)), list(range(bd.j0, bd.j1)), round(bd.cost, 4), round(1.0 / (1.0 + math.exp(-x)), 4))


def confidence_features(aligner: Aligner, bd: Bead) -> tuple[float, float, float, float]:
    """What the confidence is a logistic of: two margins, the bead's gain, and 1."""
    return (_margin(aligner, bd), _cost_margin(aligner, bd),
            _gain(aligner, bd.i0, bd.i1, bd.j0, bd.j1, bd.cost), 1.0)


def _margin(aligner: Aligner, bd: Bead) -> float:
    """How much better this bead is than the best other bead over any of its sentences.

    Beads are compared by their *gain*: the cost of leaving their sentences
    unaligned less their own cost, which adds up along a path whatever the
    bead's shape. A link whose sentences would pair almost as well another
    way (with a neighbour, or merged) has a small margin: that is the one an
    editor should see before it enters a memory (hunalign and Bertalign
    report a link's quality the same way, locally).
    """
    n, m = aligner.a.n, aligner.b.n
    own = _gain(aligner, bd.i0, bd.i1, bd.j0, bd.j1, bd.cost)
    best = -math.inf
    for di, dj in SENTENCE_BEADS:
        if di == 0 or dj == 0:
            continue
        if bd.i1 > bd.i0:  # beads holding one of its A sentences, with B sentences near its own
            for i0 in range(bd.i0 - di + 1, bd.i1):
                for j0 in range(bd.j0 - dj - 1, bd.j1 + 2):
                    best = max(best, _other(aligner, bd, i0, i0 + di, j0, j0 + dj, n, m))
        if bd.j1 > bd.j0:  # and one of its B sentences
            for j0 in range(bd.j0 - dj + 1, bd.j1):
                for i0 in range(bd.i0 - di - 1, bd.i1 + 2):
                    best = max(best, _other(aligner, bd, i0, i0 + di, j0, j0 + dj, n, m))
    if bd.i1 == bd.i0 or bd.j1 == bd.j0:  # unaligned: its gain is 0, the best pairing's gain is the doubt
        return max(min(-best, 10.0), -10.0) if math.isfinite(best) else 10.0
    best = max(best, 0.0)  # leaving the sentences unaligned is always a choice
    return max(min(own - best, 10.0), -10.0)


def _cost_margin(aligner: Aligner, bd: Bead) -> float:
    """How much dearer, per sentence, the cheapest other bead over its first sentences is."""
    n, m = aligner.a.n, aligner.b.n
    own = bd.cost / max(1, (bd.i1 - bd.i0) + (bd.j1 - bd.j0))
    best = min((_other_cost(aligner, bd, *box, n, m) for box in _rival_boxes(bd, n, m)), default=math.inf)
    if not math.isfinite(best):
        return 5.0
    return max(min(best - own, 10.0), -10.0)


def _rival_boxes(bd: Bead, n: int, m: int):
    """Other beads holding the bead's first sentence of A (then of B), starting near its start on the other side.

    One loop serves both sides: for B, the roles of the two versions are swapped.
    """
    shapes = list(SENTENCE_BEADS) + [(0, 1)]
    for swapped in (False, True):
        pivot, other, other_n = (bd.j0, bd.i0, n) if swapped else (bd.i0, bd.j0, m)
        if (bd.j1 == bd.j0) if swapped else (bd.i1 == bd.i0):
            continue
        for di, dj in shapes:
            d_pivot, d_other = (dj, di) if swapped else (di, dj)
            if d_pivot == 0:
                continue
            for p0 in range(pivot - d_pivot + 1, pivot + 1):
                for o0 in range(max(0, other - 2), min(other_n, other + 2) + 1):
                    if swapped:
                        yield o0, o0 + d_other, p0, p0 + d_pivot
                    else:
                        yield p0, p0 + d_pivot, o0, o0 + d_other


def _other_cost(aligner: Aligner, bd: Bead, i0: int, i1: int, j0: int, j1: int, n: int, m: int) -> float:
    if (i0, i1, j0, j1) == (bd.i0, bd.i1, bd.j0, bd.j1) or i0 < 0 or j0 < 0 or i1 > n or j1 > m:
        return math.inf
    return aligner.bead_cost(i0, i1, j0, j1) / max(1, (i1 - i0) + (j1 - j0))


def _gain(aligner: Aligner, i0: int, i1: int, j0: int, j1: int, cost: float) -> float:
    return float(aligner.skip_a[i0:i1].sum() + aligner.skip_b[j0:j1].sum()) - cost


def _other(aligner: Aligner, bd: Bead, i0: int, i1: int, j0: int, j1: int, n: int, m: int) -> float:
    if (i0, i1, j0, j1) == (bd.i0, bd.i1, bd.j0, bd.j1) or i0 < 0 or j0 < 0 or i1 > n or j1 > m:
        return -math.inf
    return _gain(aligner, i0, i1, j0, j1, aligner.bead_cost(i0, i1, j0, j1))


# --------------------------------------------------------------------------- documents
PRESEGMENTED_SHARE = 0.75  # plain paragraphs that are one sentence this often: pre-segmented text
# (a novel's paragraphs are single sentences far less often: dialogue lines, a few short ones)


@dataclass
class DocSentence:
    """One sentence of a document: its id is its place among the document's body sentences."""

    id: int
    text: str
    unit_index: int  # index of its block among the body blocks
    lines: list[int] | None


def document_sentences(units: Sequence, markups: Sequence[str], lang: str | None, splitter: str = "auto",
                       presegmented: bool | None = None) -> tuple[list[DocSentence], bool]:
    """The body sentences of a document, in order, and whether it is pre-segmented.

    A document of plain paragraphs that are one sentence each (three in four
    or more, no headings, lists or tables: sentence-aligned corpora, a book
    exported one sentence a block, some of them merged) is taken
    as it is: each block is one sentence and its id is its block's place,
    whatever the splitter would say about a line like ``« Oui ! » dit-il.``
    Otherwise every block is split into sentences.
    """
    from .sentences import split_many

    spans = split_many(list(markups), lang, splitter)
    if presegmented is None:
        counts = [len(s) for s in spans if s]
        presegmented = plain_prose(units) and bool(counts) and sum(1 for k in counts if k == 1) >= PRESEGMENTED_SHARE * len(counts)
    out: list[DocSentence] = []
    for k, (unit, mk, sp) in enumerate(zip(units, markups, spans)):
        if presegmented or len(sp) <= 1:
            sp = [(0, len(mk))] if mk.strip() else []
        for a, b in sp:
            text = mk[a:b].strip()
            if not text:
                continue
            line = getattr(unit, "line", None)
            lines = None if line is None else [line + mk.count("\n", 0, a), line + mk.count("\n", 0, b)]
            out.append(DocSentence(len(out), text, k, lines))
    return out, presegmented


def align_document_sentences(
    units_a: Sequence, markups_a: Sequence[str], lang_a: str | None,
    units_b: Sequence, markups_b: Sequence[str], lang_b: str | None,
    *, model_translate: Callable[[list[str]], list[str]] | None = None, splitter: str = "auto",
) -> tuple[list[DocSentence], list[DocSentence], list[Link]]:
    """Sentence links between two documents' body blocks: one DP over all their sentences.

    In pre-segmented text a block boundary is only a sentence boundary; in
    other prose a merge across a paragraph boundary costs a little."""
    sa, pre_a = document_sentences(units_a, markups_a, lang_a, splitter)
    sb, pre_b = document_sentences(units_b, markups_b, lang_b, splitter)
    side_a = SentenceSide([s.text for s in sa], lang_a, [] if pre_a else _starts(sa))
    side_b = SentenceSide([s.text for s in sb], lang_b, [] if pre_b else _starts(sb))
    return sa, sb, align_sentences(side_a, side_b, model_translate=model_translate)


def plain_prose(items: Sequence) -> bool:
    """Paragraphs only (no headings, lists, tables, HTML, code or shortcodes): units or blocks."""
    return all(getattr(x, "kind", None) == "paragraph" and getattr(x, "markup", None) is None for x in items)


def _starts(sentences: Sequence[DocSentence]) -> list[bool]:
    return [k > 0 and s.unit_index != sentences[k - 1].unit_index for k, s in enumerate(sentences)]

"""Word alignment from a translation model's cross-attention (step 4 of code placement).

When the cheap evidence (whole unit, verbatim text, the span translated
alone, shared stems) cannot place an inline code, the model itself says which
target words it looked at the source span to write. The way Firefox
Translations does it (its models have an *alignment head*, trained with
guided alignment): the translation is forced through the decoder once, the
cross-attention of one head gives, for each target piece, a distribution over
the source pieces, and pieces are grouped into words. OPUS-MT's
``transformer-align`` models are trained the same way, on the first head of
the last decoder layer; CTranslate2 returns that head too
(``return_attention``), so both backends use it.

``PieceAttention`` is what a backend returns: the attention rows of the target
pieces over the source pieces, and where each piece sits in its text (character
offsets). ``WordAlignment`` turns it into words (``\\w+`` runs: a word's pieces
stay together) and answers ``span_for(start, end)``: the target words aligned to
a source span, with how sure the alignment is.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

_WORD = re.compile(r"\w+")
VOTE = 0.2  # least attention on source words for a target word to count
WEAK = 0.5  # below this share of the target span's attention inside the source span: flagged


@dataclass
class PieceAttention:
    """Cross-attention of one forced translation: ``rows[t][s]`` for target piece t, source piece s."""

    source_pieces: list[tuple[int, int]]  # character offsets in the source text, one per source piece
    target_pieces: list[tuple[int, int]]
    rows: list[list[float]]


@dataclass
class AlignedSpan:
    start: int
    end: int
    strength: float  # 0..1: how much of the aligned target words' attention lies inside the source span
    note: str = ""

    @property
    def weak(self) -> bool:
        return self.strength < WEAK


@dataclass
class WordAlignment:
    """Source words x target words attention, from ``PieceAttention``."""

    source: str
    target: str
    src_words: list[tuple[int, int]] = field(default_factory=list)
    tgt_words: list[tuple[int, int]] = field(default_factory=list)
    matrix: list[list[float]] = field(default_factory=list)  # [target word][source word]: mean over its pieces
    peak: list[list[float]] = field(default_factory=list)  # the same, max over its pieces

    @classmethod
    def from_pieces(cls, source: str, target: str, attention: PieceAttention) -> "WordAlignment":
        src_words = [m.span() for m in _WORD.finditer(source)]
        tgt_words = [m.span() for m in _WORD.finditer(target)]
        src_of = _word_of_pieces(attention.source_pieces, src_words)
        tgt_of = _word_of_pieces(attention.target_pieces, tgt_words)
        matrix = [[0.0] * len(src_words) for _ in tgt_words]
        peak = [[0.0] * len(src_words) for _ in tgt_words]
        counts = [0] * len(tgt_words)
        for t, row in enumerate(attention.rows[: len(tgt_of)]):
            tw = tgt_of[t]
            if tw is None:
                continue
            counts[tw] += 1
            by_word = [0.0] * len(src_words)
            for s, weight in enumerate(row[: len(src_of)]):
                sw = src_of[s]
                if sw is not None:
                    by_word[sw] += weight
            for sw, weight in enumerate(by_word):
                matrix[tw][sw] += weight
                peak[tw][sw] = max(peak[tw][sw], weight)
        for tw, n in enumerate(counts):
            if n:
                matrix[tw] = [w / n for w in matrix[tw]]  # the mean over the word's pieces
        return cls(source, target, src_words, tgt_words, matrix, peak)

    def span_for(self, start: int, end: int) -> AlignedSpan | None:
        """The target words aligned to the source words of ``[start, end)``, as one span.

        A target word is aligned to the span when the source word it attends to
        most lies in it, or when it is what a word of the span is attended by
        most; the result is the hull of those words. ``strength``: the share of
        the hull's attention (over all source words) that falls inside the span;
        words in the hull aligned elsewhere lower it.
        """
        inside = {k for k, (a, b) in enumerate(self.src_words) if a < end and start < b}
        if not inside or not self.tgt_words:
            return None
        aligned = set()
        for tw, row in enumerate(self.peak):
            # a word whose pieces look at no source word (EOS, punctuation) casts no vote
            if sum(row) >= VOTE and max(range(len(row)), key=row.__getitem__) in inside:
                aligned.add(tw)
        for sw in inside:
            column = [row[sw] for row in self.peak]
            if max(column, default=0.0) >= VOTE:
                aligned.add(max(range(len(column)), key=column.__getitem__))
        if not aligned:
            return None
        first, last = min(aligned), max(aligned)
        total = sum(sum(self.matrix[tw]) for tw in range(first, last + 1))
        mass = sum(self.matrix[tw][sw] for tw in range(first, last + 1) for sw in inside)
        strength = mass / total if total else 0.0
        a, b = self.tgt_words[first][0], self.tgt_words[last][1]
        note = "" if strength >= WEAK else f"weak model alignment ({strength:.2f} of the attention inside the span)"
        return AlignedSpan(a, b, round(strength, 3), note)


def _word_of_pieces(pieces: Sequence[tuple[int, int]], words: Sequence[tuple[int, int]]) -> list[int | None]:
    """For each piece, the word it overlaps most (None: whitespace or punctuation only)."""
    out: list[int | None] = []
    k = 0
    for a, b in pieces:
        while k < len(words) and words[k][1] <= a:
            k += 1
        best, overlap = None, 0
        for j in range(k, len(words)):
            wa, wb = words[j]
            if wa >= b:
                break
            common = min(b, wb) - max(a, wa)
            if common > overlap:
                best, overlap = j, common
        out.append(best)
    return out


def char_offsets(text: str, byte_spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """SentencePiece gives UTF-8 byte offsets; placement works on characters."""
    encoded = text.encode("utf-8")
    starts = [0] * (len(encoded) + 1)
    position = 0
    for k, ch in enumerate(text):
        width = len(ch.encode("utf-8"))
        for j in range(width):
            starts[position + j] = k
        position += width
    starts[len(encoded)] = len(text)
    return [(starts[min(a, len(encoded))], starts[min(b, len(encoded))]) for a, b in byte_spans]


class ModelAligner:
    """``align(start, end)`` over one unit's translation, for placement step 4.

    The model's attention is computed on the first question only, so units
    whose codes the cheaper steps placed cost no model call.
    """

    def __init__(self, translator, source: str, target: str) -> None:
        self.translator, self.source, self.target = translator, source, target
        self._alignment: WordAlignment | None = None
        self._asked = False

    def __call__(self, start: int, end: int) -> AlignedSpan | None:
        if not self._asked:
            self._asked = True
            [attention] = self.translator.cross_attention([self.source], [self.target])
            if attention is not None:
                self._alignment = WordAlignment.from_pieces(self.source, self.target, attention)
        return self._alignment.span_for(start, end) if self._alignment else None

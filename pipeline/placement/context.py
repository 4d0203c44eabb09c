"""What placing the codes of one unit knows: both texts, their words and sentences, the candidates of a code."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from ..text import fold
from .words import sentence_spans, text_core, tokens


@dataclass
class Candidate:
    """A possible target extent for one code, with the evidence behind it."""

    start: int
    end: int
    method: str
    certain: bool = True
    note: str = ""


@dataclass
class Context:
    src: str
    tgt: str
    translate_fragment: Callable[[str], str] | None
    dnt: set[str]
    align: Callable[[int, int], Any] | None = None  # step 4: the model's word alignment (AlignedSpan)
    tgt_tokens: list[tuple[int, int]] = field(default_factory=list)
    tgt_words: list[str] = field(default_factory=list)
    src_sents: list[tuple[int, int]] = field(default_factory=list)
    tgt_sents: list[tuple[int, int]] = field(default_factory=list)
    _fragments: dict[str, str | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.tgt_tokens = tokens(self.tgt)
        self.tgt_words = [fold(self.tgt[a:b]) for a, b in self.tgt_tokens]
        self.src_sents = sentence_spans(self.src)
        self.tgt_sents = sentence_spans(self.tgt)

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
        s0, s1, _ = text_core(self.src)
        t0, t1, _ = text_core(self.tgt)
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


class Candidates:
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


def point_at(at: int, method: str, certain: bool = True, note: str = "") -> Candidate:
    return Candidate(at, at, method, certain, note)

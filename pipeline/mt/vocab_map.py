"""Vocabulary shortlists for CTranslate2 (``use_vmap``): which target tokens a source can need.

opus-mt's output projection scores all 59,514 target tokens at every
decoding step and beam: more than half of the decoder's arithmetic. A
sentence needs a few hundred of them. CTranslate2 can restrict that
projection to the union of candidates of the batch's source tokens, read
from a *vocabulary map* (``vmap.txt`` beside the model: one line per source
token, ``source<TAB>target target ...``; the line with an empty source holds
the tokens always allowed). This module builds that map from the model's
own translations (the translation memory, and a corpus it translates), the
way Marian's lexical shortlists are built from a word-aligned corpus.

How candidates are chosen, for a source piece ``s`` and a target piece ``t``
seen in the same translated sentence:

- *always*: the most frequent target pieces (punctuation, articles, ``▁the``);
- per source piece: the target pieces most associated with it (Dice
  coefficient over sentences), at most ``per_source``;
- coverage: every target piece of every translation the map was built
  from is reachable from that sentence's source pieces (added to the source
  piece most associated with it when the top lists missed it), so greedy
  search on those sentences gives the same output with the map as without;
- copies: the pieces that can cut a source piece's own text, so names,
  numbers and code the model copies stay possible.

Translations are text: on the target side every piece that can cut a word
of the translation counts (``word_pieces``), so a cut other than
SentencePiece's usual one, which a model sometimes produces, stays allowed.

Restricting the vocabulary changes beam search a little even when every
produced token is allowed: scores are normalised over the allowed tokens,
so hypotheses can rank differently. On a trained model, the left-out
tokens carry almost no probability; the tests check identical outputs on
the tiny test model, and ``bench/ct2_options.py --sweep vmap`` prints the
share of identical outputs by map size on the random opus-mt-shaped model.
"""
from __future__ import annotations

import hashlib
import math
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

ALWAYS = 300  # most frequent target pieces, always allowed
PER_SOURCE = 20  # most associated target pieces per source piece


@dataclass
class VocabMap:
    """Source piece -> candidate target pieces, and the pieces always allowed."""

    always: list[str] = field(default_factory=list)
    rules: dict[str, list[str]] = field(default_factory=dict)
    sentences: int = 0  # translations it was built from

    def candidates(self, sources: Iterable[list[str]]) -> set[str]:
        """The target pieces CTranslate2 allows for a batch of source pieces (unigram rules, as
        ``VocabularyMap::get_candidates``; it also always allows ``<unk>``, ``</s>`` and BOS)."""
        allowed = set(self.always)
        for pieces in sources:
            for piece in pieces:
                allowed.update(self.rules.get(piece, ()))
        return allowed

    def write(self, path: Path) -> Path:
        """Write ``vmap.txt`` format atomically; return ``path``."""
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = [f"\t{' '.join(self.always)}"]
        lines += [f"{source}\t{' '.join(targets)}" for source, targets in sorted(self.rules.items())]
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
        tmp.replace(path)
        return path

    @classmethod
    def read(cls, path: Path) -> "VocabMap":
        """Read a ``vmap.txt`` file (unigram lines; longer n-grams are kept as they are)."""
        out = cls()
        for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            if "\t" not in line:
                raise ValueError(f"{path}: line {number}: no tab between the source and its candidates")
            source, targets = line.split("\t", 1)
            if source:
                out.rules[source] = targets.split()
            else:
                out.always = targets.split()
        return out


def build_vocab_map(
    pairs: Iterable[tuple[list[str], list[str]]],
    copy_pieces: Callable[[str], list[str]] | None = None,
    *,
    always: int = ALWAYS,
    per_source: int = PER_SOURCE,
) -> VocabMap:
    """A map from ``(source pieces, target pieces)`` of translated sentences.

    ``copy_pieces(text)`` cuts a source piece's text into target pieces (the
    target SentencePiece model); without it, no copy candidates are added.
    """
    sentences: list[tuple[set[str], set[str]]] = [(set(s), set(t)) for s, t in pairs]
    source_count: Counter[str] = Counter()
    target_count: Counter[str] = Counter()
    together: Counter[tuple[str, str]] = Counter()
    for source, target in sentences:
        source_count.update(source)
        target_count.update(target)
        together.update((s, t) for s in source for t in target)

    def dice(s: str, t: str) -> float:
        return 2 * together[s, t] / (source_count[s] + target_count[t])

    frequent = [t for t, _ in target_count.most_common(always)]
    allowed = set(frequent)
    ranked: dict[str, list[tuple[float, str]]] = {}
    for (s, t), _ in together.items():
        if t not in allowed:
            ranked.setdefault(s, []).append((dice(s, t), t))
    rules: dict[str, set[str]] = {s: {t for _, t in sorted(c, reverse=True)[:per_source]} for s, c in ranked.items()}
    for source, target in sentences:  # coverage: every produced piece reachable from its sentence
        reachable = set(allowed).union(*(rules.get(s, ()) for s in source))
        for t in target - reachable:
            best = max(source, key=lambda s: (dice(s, t), s), default=None)
            if best is not None:
                rules.setdefault(best, set()).add(t)
    if copy_pieces is not None:
        for s in source_count:
            text = s.replace("\u2581", " ").strip()
            if text:
                rules.setdefault(s, set()).update(p for p in copy_pieces(text) if p not in allowed)
    return VocabMap(always=frequent, rules={s: sorted(t) for s, t in rules.items() if t}, sentences=len(sentences))


def word_pieces(text: str, vocab: dict[str, int] | set[str], longest: int = 24) -> list[str]:
    """Every vocabulary piece that can be part of a SentencePiece cut of ``text``'s words:
    the substrings of ``▁word`` that are pieces (a piece never spans two words)."""
    found: dict[str, None] = {}
    for word in text.split():
        marked = "\u2581" + word
        for start in range(len(marked)):
            for end in range(start + 1, min(len(marked), start + longest) + 1):
                if marked[start:end] in vocab:
                    found[marked[start:end]] = None
    return list(found)


def map_digest(path: Path) -> str:
    """A short content hash of a map file (names the model folder that uses it, keys the memory)."""
    return "sha256:" + hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


def mean_candidates(vmap: VocabMap, batches: Iterable[list[list[str]]]) -> float:
    """Mean number of allowed target pieces per batch (plus CTranslate2's 3 fixed tokens)."""
    sizes = [len(vmap.candidates(batch)) + 3 for batch in batches]
    return sum(sizes) / len(sizes) if sizes else math.nan

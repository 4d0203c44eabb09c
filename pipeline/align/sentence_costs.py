"""Model-free evidence that two sentences (or runs of sentences) translate each other.

Gale & Church compare lengths only. On plain prose (a novel, one sentence
per block) that is all the paragraph aligner has left once the markdown
anchors are gone, and it gets lost wherever a translator merged, split or
dropped sentences. Here every sentence gets *anchors* that survive
translation between English and French, in the form the shared DP engine
(``dp.Aligner``) already scores: a bead is rewarded by the weighted Dice
overlap of the anchors of its two sides.

- ``N:`` numbers (``1,5`` = ``1.5``), and number words through the lexicon
  (``three`` / ``trois``);
- ``C:`` proper nouns and capitalised names not at the sentence start
  (``Joseph``, ``Sully``), folded (``Cléopâtre`` = ``Cleopatre``);
- ``P:`` cognates and shared stems: the first four letters, accents
  removed (Simard, Foster & Isabelle 1992: ``portrait``, ``candélabre`` /
  ``candelabrum``, ``tapisserie`` / ``tapestry``);
- ``L:`` a small bilingual lexicon of EN/FR function words, discourse
  markers and very common words (``but``/``mais``, ``why``/``pourquoi``,
  ``night``/``nuit``): both sides map a word to one concept id;
- ``Q:`` the punctuation profile: question and exclamation marks, a line
  that opens with dialogue (``“``, ``"``, ``«``, ``—``, ``--``), one that
  ends with a colon (speech follows), parentheses, ellipses.

The weight of each type (``SentenceWeights``) and the DP's settings for
sentences (``SENTENCE_PARAMS``) were tuned on the dev gold only (see
``bench/sentence_align.py --tune``); the held-out books were scored once.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..text import fold
from .features import normalize_number
from .lexicon import LEXICON_EN, LEXICON_FR
from .lexicon import stem as _stem


@dataclass(frozen=True)
class SentenceWeights:
    """Anchor weights by type (before the IDF the DP engine applies). Tuned on dev gold."""

    number: float = 2.0
    name: float = 1.5
    cognate: float = 0.8
    lexicon: float = 0.6
    punct: float = 0.8
    dialogue: float = 1.0


DEFAULT_WEIGHTS = SentenceWeights()

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*|\d+(?:[.,]\d+)?", re.UNICODE)
_DIALOGUE_OPEN = re.compile(r"^\s*(?:[“\"«‘']|—|–|--)")
_NAME_STOP = {"i", "o"}


@lru_cache(maxsize=200_000)
def _word_anchors(word: str, lang: str, at_start: bool, w: SentenceWeights) -> tuple[tuple[str, float], ...]:
    out: list[tuple[str, float]] = []
    if word[0].isdigit():
        return (("N:" + normalize_number(word), w.number),)
    folded = fold(word)
    if word[0].isupper() and not at_start and len(word) > 1 and folded not in _NAME_STOP:
        out.append(("C:" + folded, w.name))
    lexicon = LEXICON_EN if lang == "en" else LEXICON_FR
    lex = lexicon.get(_stem(word))
    if lex is None and ("'" in word or "’" in word):  # l'homme, d'or, qu'il
        lex = lexicon.get(_stem(re.split(r"['’]", word)[-1]))
    if lex is not None:
        out.append(("L:" + lex, w.lexicon))
    letters = re.split(r"['’]", folded)[-1]
    if len(letters) >= 5 and lex is None:
        out.append(("P:" + letters[:4], w.cognate))
    return tuple(out)


def sentence_anchors(text: str, lang: str | None, weights: SentenceWeights = DEFAULT_WEIGHTS) -> dict[str, float]:
    """The anchors of one sentence (type-weighted; the DP engine adds the IDF)."""
    lang = "fr" if lang == "fr" else "en"
    feats: dict[str, float] = {}
    first = True
    for m in _WORD.finditer(text):
        for f, wt in _word_anchors(m.group(0), lang, first, weights):
            feats[f] = max(feats.get(f, 0.0), wt)
        first = False
    _punct_anchors(text, feats, weights)
    return feats


def _punct_anchors(text: str, feats: dict[str, float], w: SentenceWeights) -> None:
    if "?" in text:
        feats["Q:?"] = w.punct
    if "!" in text:
        feats["Q:!"] = w.punct
    if "(" in text:
        feats["Q:("] = w.punct
    if "…" in text or "..." in text:
        feats["Q:…"] = w.punct / 2
    stripped = text.rstrip()
    if stripped.endswith(":"):
        feats["Q::"] = w.punct
    if _DIALOGUE_OPEN.match(text):
        feats["Q:dialogue"] = w.dialogue

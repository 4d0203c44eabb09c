"""Sentence splitting before MT, and chunking of sentences too long for the model.

opus-mt was trained on sentence pairs: a paragraph sent whole translates
worse, and one longer than the model's 512 positions is cut off. So units
are split into sentences (spaCy's trained ``senter`` when the language's
``*_core_*_sm`` package is installed, else spaCy's rule-based
``sentencizer``), and a sentence that is still too long is cut at clause
punctuation, then at whitespace.

Spans, not strings, come back: the whitespace between sentences stays in
the source text, so the unit is rebuilt exactly around the translations.
"""
from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Callable

from .. import spacy_models
from ..spacy_models import MODELS

log = logging.getLogger("bitext")

_WORDLIKE = re.compile(r"[^\W_]", re.UNICODE)  # a letter or a digit
_CLAUSE_END = re.compile(r"[,;:)\]»”–—](?=\s)|\s[–—-](?=\s)")
_WHITESPACE = re.compile(r"\s+")
_CLOSING = re.compile(r"[»”’)\]]+(?=\s|$)")
_OPENING = re.compile(r"\s[«“‘(\[]+$")
_INITIAL = re.compile(r"[A-ZÀ-ÖØ-Þ]\.")  # J. Martin; not "9 h." (heures) at a sentence end
_ABBREVIATIONS = {
    "m.", "mm.", "mme.", "mlle.", "dr.", "pr.", "st.", "ste.", "mr.", "mrs.", "ms.", "prof.", "fig.", "p.", "pp.",
    "vol.", "n°.", "cf.", "e.g.", "i.e.", "vs.", "env.", "chap.", "éd.", "ed.", "al.", "approx.",
}
_warned: set[str] = set()


@lru_cache(maxsize=None)
def _pipeline(lang: str):
    """The spaCy pipeline for ``lang``, loaded once per process (loading takes seconds)."""
    import spacy

    nlp = spacy_models.load(lang, exclude=["tok2vec", "tagger", "morphologizer", "lemmatizer", "ner", "attribute_ruler", "parser"])
    if nlp is not None:
        # senter has its own small tok2vec: only it runs (the parser would set
        # boundaries too, after tagging and parsing every token).
        nlp.enable_pipe("senter")
        return nlp, MODELS[lang]
    if lang not in MODELS and lang not in _warned:
        _warned.add(lang)
        log.warning("no spaCy model is known for %r: splitting sentences with the rule-based sentencizer", lang)
    nlp = spacy.blank(lang if lang in _spacy_languages() else "xx")
    nlp.add_pipe("sentencizer")
    return nlp, "sentencizer"


def _spacy_languages() -> set[str]:
    from spacy.util import registry

    return set(registry.languages.get_all())


class SentenceSplitter:
    """Split a text unit into sentence spans."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.nlp, self.method = _pipeline(lang)

    def split(self, text: str) -> list[tuple[int, int]]:
        """Sentence spans ``(start, end)`` over ``text``, whitespace left outside.

        Repairs what both splitters get wrong: a closing ``»`` or ``)`` put at
        the start of the next sentence goes back to its own; a span with no
        letter or digit joins the sentence before it (the first one, the
        sentence after it); a break after an
        abbreviation (``M.``, ``Mr.``, ``p.``, an initial) is undone.
        """
        if not text.strip():
            return []
        spans: list[tuple[int, int]] = []
        pending: int | None = None  # start of a leading span with no word (an opening «)
        for sent in self.nlp(text).sents:
            start, end = _strip_span(text, sent.start_char, sent.end_char)
            closing = _CLOSING.match(text, start, end)
            if spans and closing:
                spans[-1] = (spans[-1][0], closing.end())
                start, end = _strip_span(text, closing.end(), end)
            if start >= end:
                continue
            wordless = not _WORDLIKE.search(text[start:end])
            if spans and (wordless or _ends_with_abbreviation(text[slice(*spans[-1])])):
                spans[-1] = (spans[-1][0], end)
            elif wordless:
                pending = start if pending is None else pending
            else:
                spans.append((start if pending is None else pending, end))
                pending = None
        if pending is not None:  # nothing but punctuation
            spans.append(_strip_span(text, pending, len(text)))
        return _move_openers(text, spans)

    def sentences(self, text: str) -> list[str]:
        """The pieces of ``text``, each sentence with the whitespace after it: they join back to ``text``."""
        spans = self.split(text)
        if not spans:
            return [text] if text else []
        cuts = [0] + [s for s, _ in spans[1:]] + [len(text)]
        return [text[a:b] for a, b in zip(cuts, cuts[1:])]


def _move_openers(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """An opening ``(`` or ``«`` left at the end of a sentence belongs to the next one."""
    for i in range(len(spans) - 1):
        start, end = spans[i]
        opener = _OPENING.search(text, start, end)
        if opener:
            spans[i] = _strip_span(text, start, opener.start())
            spans[i + 1] = (opener.start() + len(opener.group()) - len(opener.group().lstrip()), spans[i + 1][1])
    return spans


def _ends_with_abbreviation(sentence: str) -> bool:
    words = sentence.split()
    last = words[-1].lower() if words else ""
    return last in _ABBREVIATIONS or bool(_INITIAL.fullmatch(words[-1]))


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def chunk_for_model(sentence: str, tokenizer_len_fn: Callable[[str], int], max_tokens: int) -> list[str]:
    """Cut ``sentence`` into pieces of at most ``max_tokens`` tokens; they join back to it.

    Cuts at clause punctuation first (commas, semicolons, dashes), then at
    whitespace, and as a last resort inside a long token (a URL, base64), so
    nothing is ever left out. Pieces are packed greedily up to the limit.
    """
    if tokenizer_len_fn(sentence) <= max_tokens:
        return [sentence]
    for splitter in (_split_after_clauses, _split_at_whitespace, _split_in_half):
        parts = splitter(sentence)
        if len(parts) < 2:
            continue
        groups = _pack(parts, tokenizer_len_fn, max_tokens)
        if len(groups) < 2:  # token counts are not quite additive: keep the parts apart
            groups = parts
        return [chunk for group in groups for chunk in chunk_for_model(group, tokenizer_len_fn, max_tokens)]
    return [sentence]  # a single character over the limit: cannot be cut


def _split_after_clauses(text: str) -> list[str]:
    cuts = [m.end() for m in _CLAUSE_END.finditer(text)]
    return _cut(text, cuts)


def _split_at_whitespace(text: str) -> list[str]:
    cuts = [m.start() for m in _WHITESPACE.finditer(text) if 0 < m.start()]
    return _cut(text, cuts)


def _split_in_half(text: str) -> list[str]:
    return _cut(text, [len(text) // 2]) if len(text) > 1 else [text]


def _cut(text: str, cuts: list[int]) -> list[str]:
    points = [0] + sorted(set(c for c in cuts if 0 < c < len(text))) + [len(text)]
    return [text[a:b] for a, b in zip(points, points[1:])]


def _pack(parts: list[str], length: Callable[[str], int], limit: int) -> list[str]:
    """Join consecutive parts while the sum of their lengths fits ``limit``.

    Summing each part's count (EOS included in each) slightly overestimates
    the joined count, so a packed group fits; an oversized single part is
    cut further by the caller.
    """
    groups: list[str] = []
    current, size = "", 0
    for part in parts:
        n = length(part)
        if current and size + n > limit:
            groups.append(current)
            current, size = "", 0
        current += part
        size += n
    if current:
        groups.append(current)
    return groups

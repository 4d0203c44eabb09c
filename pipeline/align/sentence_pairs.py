"""``--level sentence`` pairs of two human versions, from the sentence aligner's links.

Each link becomes one pair: its sentences' texts joined, the lines they
cover, the units they come from, its type (1-1, 2-1, 1-0...), its confidence
as the pair's ``score``, and ``sentence_ids`` (each side's sentence ids:
body prose sentences in document order, block order for pre-segmented text).

- Plain prose on both sides (paragraphs only: a book, sentence-aligned text)
  is one sentence DP over the whole document (``plain_prose_pairs``): there
  are no markdown anchors for the paragraph aligner to use. Pair ids are
  ``<article>#<n>``.
- Structured articles keep the paragraph aligner's pairs (its anchors, moves
  and blocks without prose); the sentences of each prose pair are aligned
  inside it (``split_into_sentences``), pair ids ``<article>#<n>.<k>``.
  Pairs of blocks without prose stay whole; front matter values are split as
  at paragraph level.
"""
from __future__ import annotations

from typing import Callable, Sequence

from ..document import Document, TextUnit
from ..pairs import Pair
from .features import unit_markup
from .sentence_align import (
    DocSentence, Link, SentenceSide, align_document_sentences, align_sentences, document_sentences, length_ratio,
    _starts, plain_prose, sentence_params, translate_sentences,
)

Translate = Callable[[list[str]], list[str]]


def body_units(doc: Document) -> list[TextUnit]:
    return [u for u in doc.units if u.kind != "front_matter"]


def plain_prose_pairs(doc_a: Document, doc_b: Document, lang_a: str | None, lang_b: str | None,
                      front_pairs: Sequence[Pair], first: int, *, model_translate: Translate | None = None,
                      splitter: str = "auto") -> list[Pair]:
    """Front matter pairs (already built) then one pair per sentence link of the whole body."""
    units_a, units_b = body_units(doc_a), body_units(doc_b)
    sa, sb, links = align_document_sentences(
        units_a, [unit_markup(u) for u in units_a], lang_a, units_b, [unit_markup(u) for u in units_b], lang_b,
        model_translate=model_translate, splitter=splitter)
    pairs = list(front_pairs)
    for k, link in enumerate(links):
        pairs.append(_pair(f"{doc_a.path}#{first + k}", doc_a.path, link, sa, sb, units_a, units_b, lang_a, lang_b))
    return pairs


def split_into_sentences(pairs: Sequence[Pair], doc_a: Document, doc_b: Document, lang_a: str | None,
                         lang_b: str | None, split_front: Callable[[Pair], list[Pair]], *,
                         model_translate: Translate | None = None, splitter: str = "auto") -> list[Pair]:
    """The sentence pairs of each prose pair of a paragraph alignment (ids ``<pair id>.<k>``)."""
    units_a, units_b = body_units(doc_a), body_units(doc_b)
    sa, _ = document_sentences(units_a, [unit_markup(u) for u in units_a], lang_a, splitter, presegmented=False)
    sb, _ = document_sentences(units_b, [unit_markup(u) for u in units_b], lang_b, splitter, presegmented=False)
    index_a = {u.id: k for k, u in enumerate(units_a)}
    index_b = {u.id: k for k, u in enumerate(units_b)}
    mt = translate_sentences(model_translate, SentenceSide([s.text for s in sa], lang_a)) if model_translate else None
    ratio = length_ratio([s.text for s in sa], [s.text for s in sb])
    out: list[Pair] = []
    for p in pairs:
        if p.is_markup:
            out.append(p)
            continue
        if p.kind == "front_matter":
            out.extend(split_front(p))
            continue
        ua = {index_a[u] for u in p.unit_ids if u in index_a}
        ub = {index_b[u] for u in p.target_unit_ids if u in index_b}
        ga = [s for s in sa if s.unit_index in ua]
        gb = [s for s in sb if s.unit_index in ub]
        inner = align_sentences(SentenceSide([s.text for s in ga], lang_a, _starts(ga)),
                                SentenceSide([s.text for s in gb], lang_b, _starts(gb)),
                                params=sentence_params(ratio), mt=[mt[s.id] for s in ga] if mt is not None else None)
        for k, lk in enumerate(inner, start=1):
            link = Link([ga[x].id for x in lk.src], [gb[y].id for y in lk.tgt], lk.cost, lk.confidence)
            out.append(_pair(f"{p.id}.{k}", p.article, link, sa, sb, units_a, units_b, lang_a, lang_b))
    return out


def _pair(pid: str, article: str, link: Link, sa: Sequence[DocSentence], sb: Sequence[DocSentence],
          units_a: Sequence[TextUnit], units_b: Sequence[TextUnit], lang_a: str | None, lang_b: str | None) -> Pair:
    src = [sa[i] for i in link.src]
    tgt = [sb[j] for j in link.tgt]
    ua = [units_a[k] for k in dict.fromkeys(s.unit_index for s in src)]
    ub = [units_b[k] for k in dict.fromkeys(s.unit_index for s in tgt)]
    first = ua[0] if ua else ub[0]
    return Pair(
        id=pid,
        article=article,
        kind=first.kind,
        heading_path=list(first.context.get("heading_path", [])),
        src=" ".join(s.text for s in src),
        tgt=" ".join(s.text for s in tgt),
        src_lines=_span(src),
        tgt_lines=_span(tgt),
        type=link.type,
        score=link.confidence,
        unit_ids=[u.id for u in ua],
        target_unit_ids=[u.id for u in ub],
        src_lang=lang_a,
        tgt_lang=lang_b,
        sentence_ids={"src": list(link.src), "tgt": list(link.tgt)},
    )


def _span(sentences: Sequence[DocSentence]) -> list[int] | None:
    lines = [s.lines for s in sentences if s.lines]
    if not lines:
        return None
    return [min(x[0] for x in lines), max(x[1] for x in lines)]


__all__ = ["plain_prose_pairs", "split_into_sentences", "plain_prose"]

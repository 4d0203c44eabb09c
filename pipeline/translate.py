"""The translate stage for model backends: units -> sentences -> model -> units with codes.

Each text unit's plain text (soft line breaks flattened) goes through the
guarded sentence-level translation of ``pipeline.mt.guards`` (sentence
splitting, length chunking, empty-input and repetition guards, do-not-translate
terms), then its inline codes are put back around the right translated words
by ``pipeline.placement`` (flagged where the placement is a guess).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from .document import Document
from .mt.guards import translatable, translate_texts
from .placement import place_codes


@lru_cache(maxsize=4)
def _splitter(lang: str):
    from .mt.segment import SentenceSplitter

    return SentenceSplitter(lang)


def _place_all(units, sources, results, translator, dnt) -> list[Any]:
    """Place the codes of every unit, translating span texts alone only where needed.

    A first pass places codes without the model (whole unit, verbatim text,
    shared stems); the span texts of the codes it could not place are then
    translated in one batch, and only those units are placed again with them.
    """
    first = [place_codes(src, u.codes, r.target, dnt=dnt) for u, src, r in zip(units, sources, results)]
    wanted: list[str] = []
    for unit, src, placement in zip(units, sources, first):
        for code in unit.codes:
            if code.id in placement.uncertain and code.end > code.start:
                fragment = src[code.start : code.end]
                if translatable(fragment) and fragment not in wanted:
                    wanted.append(fragment)
    if not wanted:
        return first
    translated = dict(zip(wanted, translator.translate(wanted)))
    lookup = lambda fragment: translated.get(fragment, fragment)  # noqa: E731
    return [
        place_codes(src, u.codes, r.target, translate_fragment=lookup, dnt=dnt) if p.uncertain else p
        for u, src, r, p in zip(units, sources, results, first)
    ]


def translate_documents(docs: list[Document], translator: Any, ctxs: list[Any]) -> dict[str, int]:
    """Fill ``target``/``target_codes``/``flags`` of every unit of ``docs``, in one model pass.

    All units of all documents go to the model together (sentences batched by
    length across articles); each document's counts go to its context.
    """
    config = ctxs[0].config
    dnt = tuple(config["translate"]["do_not_translate"])
    units = [u for doc in docs for u in doc.units]
    sources = [" ".join(u.text.split("\n")) for u in units]
    results = translate_texts(sources, translator, _splitter(ctxs[0].source_lang), dnt_terms=dnt)
    placements = _place_all(units, sources, results, translator, dnt)
    by_unit = {id(u): (r, p) for u, r, p in zip(units, results, placements)}
    totals = {"units": 0, "sentences": 0, "source_tokens": 0, "target_tokens": 0}
    for doc, ctx in zip(docs, ctxs):
        counts = {"units": len(doc.units), "sentences": 0, "source_tokens": 0, "target_tokens": 0}
        for unit in doc.units:
            result, placement = by_unit[id(unit)]
            unit.target = result.target
            unit.target_codes = placement.codes
            unit.flags = list(result.flags) + list(placement.flags)
            counts["sentences"] += result.sentences
            counts["source_tokens"] += result.source_tokens
            counts["target_tokens"] += result.target_tokens
        ctx.work.update(counts)
        for key in totals:
            totals[key] += counts[key]
    return totals

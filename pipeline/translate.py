"""The translate stage for model backends: units -> sentences -> model -> units with codes.

Each text unit's plain text (soft line breaks flattened) goes through the
guarded sentence-level translation of ``pipeline.mt.guards`` (sentence
splitting, length chunking, empty-input and repetition guards, do-not-translate
terms), then its inline codes are put back around the right translated words
by ``pipeline.placement`` (flagged where the placement is a guess).
"""
from __future__ import annotations

import json
from dataclasses import asdict
from functools import lru_cache
from typing import Any

from .document import Document
from .mt.guards import TranslationResult, translatable, translate_texts
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


def _unit_memory(translator: Any, dnt: tuple[str, ...]):
    """The translation memory and its key for whole units, when the translator has one.

    A unit seen before (same model, revision, direction, decoding, do-not-translate
    terms) comes back whole: no sentence splitting, no spaCy model to load, which is
    what makes a rerun of an unchanged article fast.
    """
    memory = getattr(translator, "memory", None)
    if memory is None or not hasattr(translator, "key"):
        return None, None
    model, revision, direction, settings = translator.key({})
    return memory, (model, revision, direction + ":unit", f"{settings}|dnt={json.dumps(sorted(dnt))}")


def _translate_units(sources: list[str], translator: Any, lang: str, dnt: tuple[str, ...]) -> list[TranslationResult]:
    memory, key = _unit_memory(translator, dnt)
    known: dict[str, str] = memory.lookup(key, sources) if memory else {}
    todo = list(dict.fromkeys(s for s in sources if s not in known))
    fresh = dict(zip(todo, translate_texts(todo, translator, _splitter(lang), dnt_terms=dnt))) if todo else {}
    if memory and fresh:
        memory.store(key, ((s, json.dumps(asdict(r), ensure_ascii=False)) for s, r in fresh.items()))
    if known:
        translator.cache_hits = getattr(translator, "cache_hits", 0) + sum(1 for s in sources if s in known)
    return [fresh[s] if s in fresh else TranslationResult(**json.loads(known[s])) for s in sources]


def translate_documents(docs: list[Document], translator: Any, ctxs: list[Any]) -> dict[str, int]:
    """Fill ``target``/``target_codes``/``flags`` of every unit of ``docs``, in one model pass.

    All units of all documents go to the model together (sentences batched by
    length across articles); each document's counts go to its context.
    """
    config = ctxs[0].config
    dnt = tuple(config["translate"]["do_not_translate"])
    units = [u for doc in docs for u in doc.units]
    sources = [" ".join(u.text.split("\n")) for u in units]
    results = _translate_units(sources, translator, ctxs[0].source_lang, dnt)
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

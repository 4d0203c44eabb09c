"""The unit path of model backends: units -> sentences -> model -> units with codes.

Each text unit's plain text (soft line breaks flattened) goes through the
guarded sentence-level translation of ``pipeline.mt.guards`` (sentence
splitting, length chunking, empty-input and repetition guards, do-not-translate
terms), then its inline codes are put back around the right translated words
by ``pipeline.placement`` (flagged where the placement is a guess). It is the
``translate_units`` of every model translator (``Translator.translate_units``).
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, replace
from typing import TYPE_CHECKING, Any

from ..document import ModelTrace
from ..markdown.reparse import secure_markup
from ..placement import place_codes
from .alignment import ModelAligner
from .base import UnitWork
from .guards import TranslationResult, translatable, translate_texts
from .segment import SentenceSplitter
from .unwritable import placeholders_for, restore, unwritable_spans

if TYPE_CHECKING:
    from ..document import TextUnit
    from .base import Translator


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
    if not any(p.uncertain for p in first):
        return first
    translated = dict(zip(wanted, translator.translate(wanted))) if wanted else {}
    lookup = lambda fragment: translated.get(fragment, fragment)  # noqa: E731
    return [
        place_codes(src, u.codes, r.target, translate_fragment=lookup, dnt=dnt,
                    align=ModelAligner(translator, src, r.target)) if p.uncertain else p
        for u, src, r, p in zip(units, sources, results, first)
    ]


def _unit_memory_key(translator: Translator, dnt: tuple[str, ...]):
    """The translation memory and its key for whole units, when the translator has one.

    A unit seen before (same model, revision, direction, decoding, do-not-translate
    terms) comes back whole: no sentence splitting, no spaCy model to load, which is
    what makes a rerun of an unchanged article fast.
    """
    found = translator.unit_memory()
    if found is None:
        return None, None
    memory, (model, revision, direction, settings) = found
    return memory, (model, revision, direction + ":unit", f"{settings}|dnt={json.dumps(sorted(dnt))}|codes-protected")


_WORD_ONLY = re.compile(r"[^\W\d_]+(?:[ '-][^\W\d_]+)*")


def protected_texts(units) -> list[str]:
    """Texts of inline codes that must reach the translation unchanged: URLs, emoji codes, and
    code spans that are not plain words (``pip install -e .``, ``{{%/* x */%}}``).

    They go through the model as do-not-translate placeholders, so the code placement
    finds them verbatim afterwards. A code span that is a plain word (``process``) is
    left to the model, which usually keeps it, and to the placement.
    """
    found: dict[str, None] = {}
    for unit in units:
        for code in unit.codes:
            if not code.replaces_text or code.end <= code.start:
                continue
            text = unit.text[code.start : code.end]
            if code.kind in ("url", "emoji") or (code.kind == "code" and not _WORD_ONLY.fullmatch(text.strip())):
                if text.strip():
                    found[text] = None
    return list(found)


def _translate_texts(sources: list[str], translator: Translator, lang: str, dnt: tuple[str, ...],
                     protected: tuple[str, ...] = ()) -> list[TranslationResult]:
    memory, key = _unit_memory_key(translator, dnt)
    known: dict[str, str] = memory.lookup(key, sources) if memory else {}
    todo = list(dict.fromkeys(s for s in sources if s not in known))
    terms = dnt + tuple(t for t in protected if t not in dnt)
    fresh = dict(zip(todo, translate_texts(todo, translator, SentenceSplitter(lang), dnt_terms=terms))) if todo else {}
    if memory and fresh:
        memory.store(key, ((s, json.dumps(asdict(r), ensure_ascii=False)) for s, r in fresh.items()))
    if known:
        translator.cache_hits += sum(1 for s in sources if s in known)
    return [fresh[s] if s in fresh else TranslationResult(**json.loads(known[s])) for s in sources]


_GLUED = {"url", "emoji"}  # codes whose syntax needs a boundary: "word:smile:" is no emoji


def repair_boundaries(text: str, codes: list) -> tuple[str, list]:
    """Put a space between a URL or emoji code and a word the translation glued to it.

    ``www.a.fr/x`` followed by a word would absorb it into the link; ``:smile:``
    after a word is no longer an emoji code. The source had a boundary there, so
    the translation gets one.
    """
    for code in sorted((c for c in codes if c.replaces_text and c.kind in _GLUED), key=lambda c: -c.start):
        # a code opening right after a bare URL (an inline shortcode, a tag) would read as part of it
        opens_next = code.kind == "url" and any(c is not code and c.start == code.end for c in codes)
        if code.end < len(text) and (text[code.end].isalnum() or text[code.end] in "_/") or opens_next:
            text, codes = _insert_space(text, codes, code.end)
        if code.start > 0 and (text[code.start - 1].isalnum() or text[code.start - 1] in "_:"):
            text, codes = _insert_space(text, codes, code.start)
    return text, codes


def _insert_space(text: str, codes: list, at: int) -> tuple[str, list]:
    """Insert one space at ``at``: codes from ``at`` on move right, codes around it grow,
    codes that end at ``at`` stay before the space."""
    for c in codes:
        if c.start >= at:
            c.start += 1
            c.end += 1
        elif c.end > at:
            c.end += 1
    return text[:at] + " " + text[at:], codes


# Units whose text is not read as markdown where Hugo shows it (a title, a caption parameter):
# a backslash escape would show there.
_NOT_MARKDOWN = {"front_matter", "shortcode_param", "html_attr"}


def _secure(unit) -> list[dict[str, str]]:
    """Make the translated unit read back as its codes (``pipeline.markdown.reparse``); its flags."""
    if unit.kind in _NOT_MARKDOWN or not unit.target_codes and not unit.target:
        return []
    secured = secure_markup(unit.target, unit.target_codes, html=unit.kind == "html")
    unit.target, unit.target_codes = secured.text, secured.codes
    return secured.flags


def _whole_unit_codes(unit, target: str, codes: list) -> list:
    """A paired code around the whole source unit (``<a>`` around an HTML block's text,
    a link that is the whole list item) goes around the whole translation, edges included."""
    whole = {c.id for c in unit.codes if c.start == 0 and c.end == len(unit.text) and c.close and not c.replaces_text}
    for c in codes:
        if c.id in whole:
            c.start, c.end = 0, len(target)
    return codes


def _model_source(unit) -> str:
    """What the model translates for a unit: soft line breaks become spaces, except in raw
    HTML, where each line is its own element or markup and is translated on its own."""
    if unit.kind == "html":
        return unit.text
    return " ".join(unit.text.split("\n"))


def _join_results(parts: list[TranslationResult]) -> TranslationResult:
    if len(parts) == 1:
        return parts[0]
    return TranslationResult(
        "\n".join(p.target for p in parts),
        [f for p in parts for f in p.flags],
        sum(p.sentences for p in parts),
        sum(p.source_tokens for p in parts),
        sum(p.target_tokens for p in parts),
        pieces=sum(p.pieces for p in parts),
        copied=sum(p.copied for p in parts),
        placeholders=sum(p.placeholders for p in parts),
        retried=list(dict.fromkeys(code for p in parts for code in p.retried)),
        unprotected=sum(p.unprotected for p in parts),
    )


def _never_empty(source: str, result: TranslationResult) -> TranslationResult:
    """A model that returns nothing for a text with words must not blank a title or a
    paragraph: the source text is kept, and the editor told."""
    if result.target.strip() or not translatable(source):
        return result
    flags = list(result.flags) + [{"code": "untranslated", "reason": "the model returned an empty translation; the source text is kept"}]
    return replace(result, target=source, flags=flags, target_tokens=result.source_tokens)


def _keep_edge_whitespace(source: str, target: str) -> str:
    """The source's own leading and trailing whitespace (line breaks included) on the target.

    The model sees line breaks as spaces; in an HTML block, ``<a ...>`` alone on its line
    must stay alone on its line, or the block becomes a paragraph. Only a whitespace run of
    the same length is swapped, so code offsets over the target do not move.
    """
    lead = len(source) - len(source.lstrip())
    trail = len(source) - len(source.rstrip())
    if lead and len(target) > lead and target[:lead].isspace() and not target[lead].isspace():
        target = source[:lead] + target[lead:]
    if trail and len(target) > trail and target[-trail:].isspace() and not target[-trail - 1].isspace():
        target = target[:-trail] + source[-trail:]
    return target


def _trace(result: TranslationResult, placement: Any) -> ModelTrace:
    """What the model path did with a unit, from the guards' result and the placement's own record."""
    return ModelTrace(
        sentences=result.sentences, pieces=result.pieces, copied=result.copied, placeholders=result.placeholders,
        retried=list(result.retried), unprotected=result.unprotected,
        placed_by={str(code_id): step for code_id, step in placement.methods.items()},
    )


def translate_units(units: list[TextUnit], translator: Translator, source_lang: str, config: dict[str, Any]) -> list[UnitWork]:
    """Fill ``target``/``target_codes``/``flags`` of every unit, in one model pass; what each unit took.

    All units (of one article or of several) go to the model together: the
    backend sorts every sentence by length for throughput.
    """
    dnt = tuple(config["translate"]["do_not_translate"])
    sources = [_model_source(u) for u in units]
    pieces = [p for src in sources for p in src.split("\n")]
    protected = tuple(protected_texts(units)) + tuple(placeholders_for(units, translator))
    translated = _translate_texts(pieces, translator, source_lang, dnt, protected)
    translated = [_never_empty(src, r) for src, r in zip(pieces, translated)]
    results = []
    for src in sources:  # join the lines of HTML units back, one result per unit
        n = src.count("\n") + 1
        results.append(_join_results(translated[:n]))
        translated = translated[n:]
    placements = _place_all(units, sources, results, translator, dnt)
    work = []
    place = lambda src, codes, tgt: place_codes(src, codes, tgt, dnt=dnt)  # noqa: E731
    for unit, source, result, placement in zip(units, sources, results, placements):
        target, codes, restored = restore(source, unit.codes, result.target, placement.codes,
                                          unwritable_spans(source, translator), place)
        target = _keep_edge_whitespace(unit.text, target)
        codes = _whole_unit_codes(unit, target, codes)
        unit.target, unit.target_codes = repair_boundaries(target, codes)
        unit.flags = list(result.flags) + list(placement.flags) + restored + _secure(unit)
        unit.mt = _trace(result, placement)
        work.append(UnitWork(result.source_tokens, result.target_tokens, result.sentences))
    return work

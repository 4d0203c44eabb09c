"""The pair builder: pairs of source and target units, for runs, two-version alignment and review.

A pair links source units to their target: the units of the other version
(two-version alignment: ``1-1``, ``2-1``, ``1-0``...), or the source units' own
translations (a translation run: one ``1-1`` pair per unit, ``1-0`` where the
translate stage left it without a target). ``pair_of`` builds both kinds;
``add_sentences`` splits a pair into its sentence pairs (aligned with the same
DP as paragraphs); ``translation_pairs`` gives every pair of a translated
document with what an editor needs to review it: the markup of both sides,
the lines in the source and in the translated file (recorded by reinsert in
``doc.target_spans``), the heading path, QA flags with reasons, a QA-derived
score, and the sentence pairs.
"""
from __future__ import annotations

from typing import Sequence

from ..document import Document, TextUnit
from ..pairs import Pair
from .features import Block, block_lines, unit_markup
from .markup import same_markup
from .sentences import align_pieces, side_pieces, split_many

# How much each QA flag lowers a translated pair's score (multiplied together): a pair
# with no flag scores 1.0; one the editor must look at sits well below.
FLAG_WEIGHT = {
    "untranslated": 0.4,
    "repetition": 0.4,
    "markup_mismatch": 0.6,
    "markup_uncertain": 0.7,
    "numbers_mismatch": 0.6,
    "urls_mismatch": 0.6,
    "length_ratio": 0.7,
    "entities_mismatch": 0.8,
    "unaligned": 0.0,
}

Sentences = dict[str, list[tuple[int, int]]]  # a side's sentence spans by markup, split beforehand in one batch


def span_of(units: Sequence[TextUnit]) -> list[int] | None:
    """[first, last] line of some units in their own file; None for no unit."""
    if not units:
        return None
    return [min(u.line for u in units), max(u.end_line for u in units)]


def pair_id(article: str, src_units: Sequence[TextUnit], tgt_units: Sequence[TextUnit]) -> str:
    """``<article>#<unit id>``: a pair is named by its source units' content-addressed ids (``markdown.ids``),
    so review state, TMX ``tuid`` and the memory's context follow the text, not the position.

    Several source units: their ids joined with ``+``; none (a ``0-1`` pair of two-version alignment):
    ``~`` and the other version's unit ids.
    """
    if src_units:
        return f"{article}#{'+'.join(u.id for u in src_units)}"
    return f"{article}#~{'+'.join(u.id for u in tgt_units)}"


def pair_of(
    n: int,
    article: str,
    src_units: list[TextUnit],
    tgt_units: list[TextUnit],
    src_lang: str | None,
    tgt_lang: str | None,
    *,
    score: float = 1.0,
    translated: bool = False,
    tgt_lines: list[int] | None = None,
) -> Pair:
    """The pair of ``src_units`` and ``tgt_units`` (either side may be empty).

    ``tgt_units`` are the units of the other version; with ``translated``, they
    are the source units' own translations (those of ``src_units`` that have a
    target), which have no ids of their own, and ``tgt_lines`` are their lines
    in the translated file.
    """
    first = src_units[0] if src_units else tgt_units[0]
    return Pair(
        id=pair_id(article, src_units, [] if translated else tgt_units),
        article=article,
        kind=first.kind,
        heading_path=list(first.context.get("heading_path", [])),
        src="\n\n".join(unit_markup(u) for u in src_units),
        tgt="\n\n".join(unit_markup(u, target=translated) for u in tgt_units),
        src_lines=span_of(src_units),
        tgt_lines=tgt_lines if translated else span_of(tgt_units),
        type=f"{len(src_units)}-{len(tgt_units)}",
        score=round(float(score), 3),
        unit_ids=[u.id for u in src_units],
        target_unit_ids=[] if translated else [u.id for u in tgt_units],
        src_lang=src_lang,
        tgt_lang=tgt_lang,
    )


def markup_pair_of(n: int, article: str, side_a: list[Block], side_b: list[Block], src_lang: str | None,
                   tgt_lang: str | None, *, score: float = 1.0) -> Pair:
    """The pair of blocks without prose (two-version alignment): their raw text, kind and lines; a 1-1 whose
    two sides differ is flagged (``code_changed`` for code, ``markup_changed`` for the rest)."""
    first = (side_a or side_b)[0]
    pair = Pair(
        id=f"{article}#{n}",
        article=article,
        kind=first.kind,
        heading_path=[],
        src="\n".join(b.text for b in side_a),
        tgt="\n".join(b.text for b in side_b),
        src_lines=[block_lines(side_a[0])[0], block_lines(side_a[-1])[1]] if side_a else None,
        tgt_lines=[block_lines(side_b[0])[0], block_lines(side_b[-1])[1]] if side_b else None,
        type=f"{len(side_a)}-{len(side_b)}",
        score=round(float(score), 3),
        src_lang=src_lang,
        tgt_lang=tgt_lang,
    )
    if side_a and side_b and not same_markup(pair.src, pair.tgt):
        code = "code_changed" if first.kind == "code" else "markup_changed"
        what = "code" if first.kind == "code" else first.kind
        pair.flags.append({"code": code, "reason": f"the {what} differs between the two versions"})
    return pair


def split_sides(units_a: Sequence[str], lang_a: str | None, units_b: Sequence[str], lang_b: str | None,
                splitter: str) -> tuple[Sentences, Sentences]:
    """The sentence spans of every markup of both sides, each side through spaCy in one batch."""
    return dict(zip(units_a, split_many(units_a, lang_a, splitter))), dict(zip(units_b, split_many(units_b, lang_b, splitter)))


def add_sentences(pair: Pair, src_units: list[TextUnit], tgt_units: list[TextUnit], ratio: float, splitter: str,
                  known: tuple[Sentences | None, Sentences | None] = (None, None), translated: bool = False) -> Pair:
    """Split the pair into its sentence pairs (``pair.sentences``), each with its lines.

    A sentence's lines count the newlines before it in its unit; a front matter
    value's sentences get the value's lines. The target of a translation run is
    re-wrapped when written, so its sentences get the unit's lines in the
    translated file.
    """
    src_mk = [unit_markup(u) for u in src_units]
    tgt_mk = [unit_markup(u, target=translated) for u in tgt_units]
    sp = side_pieces(src_mk, _body_lines(src_units), pair.src_lang, splitter, known[0])
    if translated:
        tp = side_pieces(tgt_mk, [None] * len(tgt_mk), pair.tgt_lang, splitter, known[1]) if pair.tgt else []
    else:
        tp = side_pieces(tgt_mk, _body_lines(tgt_units), pair.tgt_lang, splitter, known[1])
    for p in sp:
        if p.lines is None:
            p.lines = [src_units[p.unit].line, src_units[p.unit].end_line]
    for p in tp:
        if translated:
            p.lines = list(pair.tgt_lines) if pair.tgt_lines else None
        elif p.lines is None:
            p.lines = [tgt_units[p.unit].line, tgt_units[p.unit].end_line]
    pair.sentences = align_pieces(sp, tp, ratio)
    return pair


def _body_lines(units: Sequence[TextUnit]) -> list[int | None]:
    """Where each unit's sentences start counting lines (front matter values: not line by line)."""
    return [u.line if u.kind != "front_matter" else None for u in units]


def qa_score(flags: list[dict[str, str]]) -> float:
    """The pair's score in a translation run: 1.0 without flags, lowered by each flag (``FLAG_WEIGHT``)."""
    score = 1.0
    for f in flags:
        score *= FLAG_WEIGHT.get(f.get("code", ""), 0.8)
    return round(score, 3)


def translation_pairs(
    doc: Document,
    article: str,
    src_lang: str | None,
    tgt_lang: str | None,
    *,
    qa: bool = True,
    sentences: bool = True,
    splitter: str = "auto",
    names: bool = True,
) -> list[Pair]:
    """One pair per unit of a translated document, in document order.

    ``qa`` adds the QA flags (names against each side's own vocabulary, NER
    batched over the document first); ``sentences`` the sentence pairs;
    ``splitter`` is ``auto`` (spaCy) or ``rules``; ``names`` runs the
    named-entity check (spaCy NER), pointless when the language did not change.
    Target lines come from ``doc.target_spans`` (recorded by reinsert).
    """
    from .qa import check_pair, prime_entities, vocabulary
    from .twoversions import length_ratio

    ratio = length_ratio(src_lang, tgt_lang)
    if qa:
        src_vocab = vocabulary(u.text for u in doc.units)
        tgt_vocab = vocabulary(u.target for u in doc.units if u.target)
        if names:
            prime_entities([unit_markup(u) for u in doc.units], src_lang)
            prime_entities([unit_markup(u, target=True) for u in doc.units if u.target], tgt_lang)
    known: tuple[Sentences | None, Sentences | None] = (None, None)
    if sentences:
        known = split_sides([unit_markup(u) for u in doc.units], src_lang,
                            [unit_markup(u, target=True) for u in doc.units], tgt_lang, splitter)
    pairs: list[Pair] = []
    for n, unit in enumerate(doc.units, start=1):
        targets = [unit] if unit.target is not None else []
        pair = pair_of(n, article, [unit], targets, src_lang, tgt_lang, translated=True,
                       tgt_lines=doc.target_spans.get(unit.id) if targets else None)
        if qa:
            pair.flags = check_pair(
                pair.src, pair.tgt, src_lang, tgt_lang, unit_flags=unit.flags, pair_type=pair.type,
                src_vocab=src_vocab, tgt_vocab=tgt_vocab, check_names=names,
            )
        else:
            pair.flags = [dict(f) for f in unit.flags]
        pair.score = qa_score(pair.flags)
        if unit.memory is not None:  # a person's translation from the memory (its QA flags kept above)
            pair.status, pair.memory = "approved", dict(unit.memory)
        if sentences:
            add_sentences(pair, [unit], targets, ratio, splitter, known, translated=True)
        pairs.append(pair)
    return pairs

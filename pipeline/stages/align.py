"""The align stage of a translation run: one pair per text unit, for editors and translation memories.

After translation every unit has its own target, so there is nothing to
search: each unit is one ``1-1`` pair (``1-0`` if the translate stage left
it without a target). What this stage adds is what an editor needs to review
the pair: the markup of both sides, the lines in the source and in the
translated file, the heading path, QA flags with reasons, a QA-derived
score, and the sentence pairs inside the pair (aligned with the same DP as
two-version alignment).

The target lines are computed from the document, not read back from the
written file: the skeleton is rendered piece by piece with
``reinsert.render_unit`` (what the reinsert stage writes) while counting
newlines, plus the lines of the Hugo keys reinsert adds after the root keys of the
front matter. So this stage may run before reinsert, but after the Hugo
stage that plans those keys.
"""
from __future__ import annotations

from typing import Any

from ..align.features import unit_markup
from ..align.sentences import align_pieces, side_pieces, split_many
from ..document import Document, Slot, TextUnit
from ..markdown.render import render_unit
from ..pairs import Pair, write_pairs_jsonl

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


def target_lines(doc: Document) -> dict[str, list[int]]:
    """Unit id -> [first, last] line (1-based) of its rendering in the translated file.

    Rendering the skeleton piece by piece gives exactly ``fill_skeleton(doc)``
    (a test checks it). When the Hugo stage has planned front matter keys
    (``doc.metadata["hugo_keys"]``), reinsert adds them at the end of the
    front matter's root keys: the units after that point move down.
    Line ends are counted in LF; a CRLF file has the same lines.
    """
    lines: dict[str, list[int]] = {}
    line = 1
    pieces = []
    for piece in doc.skeleton:
        if isinstance(piece, Slot):
            rendered = render_unit(doc.unit(piece.unit_id))
            lines[piece.unit_id] = [line, line + rendered.count("\n")]
            line += rendered.count("\n")
            pieces.append(rendered)
        else:
            line += piece.count("\n")
            pieces.append(piece)
    keys = doc.metadata.get("hugo_keys")
    if keys:
        from ..markdown.hugo_keys import add_keys, insertion_point

        text = "".join(pieces)
        shift = add_keys(text, keys).count("\n") - text.count("\n")
        after = text.count("\n", 0, insertion_point(text)) + 1  # units from this line on move down
        if shift:
            lines = {k: ([a + shift, b + shift] if a >= after else [a, b]) for k, (a, b) in lines.items()}
    return lines


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
    named-entity check (spaCy NER), pointless on identity and pseudo runs.
    """
    from ..align.qa import check_pair, prime_entities, vocabulary
    from ..align.twoversions import length_ratio

    tlines = target_lines(doc)
    ratio = length_ratio(src_lang, tgt_lang)
    if qa:
        src_vocab = vocabulary(u.text for u in doc.units)
        tgt_vocab = vocabulary(u.target for u in doc.units if u.target)
        if names:
            prime_entities([unit_markup(u) for u in doc.units], src_lang)
            prime_entities([unit_markup(u, target=True) for u in doc.units if u.target], tgt_lang)
    known: tuple[dict, dict] = ({}, {})
    if sentences:  # every unit through spaCy in one batch per side
        src_mks = [unit_markup(u) for u in doc.units]
        tgt_mks = [unit_markup(u, target=True) for u in doc.units]
        known = (dict(zip(src_mks, split_many(src_mks, src_lang, splitter))), dict(zip(tgt_mks, split_many(tgt_mks, tgt_lang, splitter))))
    pairs: list[Pair] = []
    for n, unit in enumerate(doc.units, start=1):
        src = unit_markup(unit)
        tgt = unit_markup(unit, target=True)
        has_target = unit.target is not None
        ptype = "1-1" if has_target else "1-0"
        pair = Pair(
            id=f"{article}#{n}",
            article=article,
            kind=unit.kind,
            heading_path=list(unit.context.get("heading_path", [])),
            src=src,
            tgt=tgt,
            src_lines=[unit.line, unit.end_line],
            tgt_lines=tlines.get(unit.id) if has_target else None,
            type=ptype,
            score=1.0,
            unit_ids=[unit.id],
            src_lang=src_lang,
            tgt_lang=tgt_lang,
        )
        if qa:
            pair.flags = check_pair(
                src, tgt, src_lang, tgt_lang, unit_flags=unit.flags, pair_type=ptype, src_vocab=src_vocab, tgt_vocab=tgt_vocab,
                check_names=names,
            )
        else:
            pair.flags = [dict(f) for f in unit.flags]
        pair.score = qa_score(pair.flags)
        if sentences:
            pair.sentences = _sentences(unit, src, tgt, pair.tgt_lines, src_lang, tgt_lang, ratio, splitter, known)
        pairs.append(pair)
    return pairs


def _sentences(unit: TextUnit, src: str, tgt: str, tgt_lines, src_lang, tgt_lang, ratio: float, splitter: str, known=({}, {})) -> list[dict[str, Any]]:
    """Sentence pairs of one unit. Source lines are exact; a target sentence gets its unit's lines
    (the target is re-wrapped when written, so finer lines are not known here)."""
    first = unit.line if unit.kind != "front_matter" else None
    sp = side_pieces([src], [first], src_lang, splitter, known[0])
    for p in sp:
        if p.lines is None:
            p.lines = [unit.line, unit.end_line]
    tp = side_pieces([tgt], [None], tgt_lang, splitter, known[1]) if tgt else []
    for p in tp:
        p.lines = list(tgt_lines) if tgt_lines else None
    return align_pieces(sp, tp, ratio)


class AlignStage:
    """Pair every unit with its translation; write ``pairs.jsonl`` and ``pairs.tmx``."""

    name = "align"

    def run(self, doc: Document, ctx: Any) -> Document:
        from ..formats.tmx import write_tmx

        article = str(ctx.source)
        # identity and pseudo runs check structure, not language: no spaCy models to load for them
        light = getattr(getattr(ctx, "translator", None), "name", "") in ("identity", "pseudo")
        pairs = translation_pairs(
            doc, article, ctx.source_lang, ctx.target_lang, names=not light, splitter="rules" if light else "auto"
        )
        jsonl = ctx.work_dir / "pairs.jsonl"
        tmx = ctx.work_dir / "pairs.tmx"
        write_pairs_jsonl(jsonl, pairs)
        write_tmx(tmx, pairs, ctx.source_lang, ctx.target_lang, segtype="paragraph")
        ctx.record_output("pairs", jsonl)
        ctx.record_output("tmx", tmx)
        ctx.work["units"] = len(doc.units)
        ctx.work["pairs"] = len(pairs)
        ctx.work["sentence_pairs"] = sum(len(p.sentences) for p in pairs)
        ctx.work["flagged_pairs"] = sum(1 for p in pairs if p.flags)
        return doc

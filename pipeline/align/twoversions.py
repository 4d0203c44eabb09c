"""Align two existing versions of one article (say a French original and an English version
written by a person), where paragraphs were added, dropped, merged or split.

Front matter values align by key (``title`` with ``title``). The body's
blocks align with the banded DP of ``dp`` (Gale & Church lengths + markdown
structure + anchors), allowing 1-1, 1-0, 0-1, 2-1, 1-2 and 2-2 beads (and
3-1 / 1-3, for a paragraph split on one side whose neighbour was merged into
it on the other). With a
``model_translate`` callable (a batch of strings in, a batch out) a second
pass adds the chrF of the machine translation of side A against side B
(Bleualign, Sennrich & Volk 2010), in a narrow band around the first path.

The blocks are the text units and the blocks without prose (``markup``: code
fences, lines of shortcodes, HTML, comments, link definitions), so the
alignment covers both files. After the DP, ``moves.refine`` pairs the blocks
of a section moved in one version (a path cannot cross) and re-aligns the
gaps they leave.

Every text unit and every block without prose of both documents ends up in
exactly one pair.
"""
from __future__ import annotations

import math
import re
from typing import Callable, Sequence

from ..document import Document, TextUnit
from ..markdown.filenames import language_of
from ..pairs import Pair
from ..text import fold
from .dp import Aligner, Bead, Params, Side, path_centre, weigh_features
from .features import (
    TABLE_CELL, Block, block_lines, document_blocks, expected_length_ratio, markup_block, row_cell_groups, skeleton_before,
    unit_markup,
)
from .markup import markup_blocks
from .confidence import pair_confidence
from .moves import Item, refine
from .pairs import add_sentences, markup_pair_of, pair_of, split_sides
from .sentences import split_many

LEVELS = ("paragraph", "sentence")
FULL_DP_CELLS = 400_000  # below this many cells the whole matrix is computed: no band at all
_LIST_MARKER = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s*$")


_STOP = {
    "fr": set("le la les des du de et est une un pour dans que qui sur pas vous nous avec ce cette sont au aux par plus ou il elle ne se sa son ses leur".split()),
    "en": set("the of and to is in that for it with as are on be this you by an not or from can your we our has have will which".split()),
}


def guess_language(doc: Document) -> str | None:
    """``en`` or ``fr`` from the article's name (``post.fr.md``), else from its commonest small words."""
    lang = doc.source_lang or language_of(doc.path)
    if lang:
        return lang
    counts = {k: 0 for k in _STOP}
    for u in doc.units:
        for w in re.findall(r"[a-zà-ÿ]+", u.text.lower()):
            for k, stop in _STOP.items():
                counts[k] += w in stop
    best = max(counts, key=counts.get)
    other = min(counts, key=counts.get)
    return best if counts[best] >= 5 and counts[best] >= 2 * counts[other] else None


def length_ratio(lang_a: str | None, lang_b: str | None, blocks_a=None, blocks_b=None) -> float:
    """Expected length of B over A: by language pair, else measured on the two documents (clipped)."""
    known = expected_length_ratio(lang_a, lang_b)
    if known is not None:
        return known
    if lang_a and lang_a == lang_b or not blocks_a or not blocks_b:
        return 1.0
    total_a = sum(b.length for b in blocks_a)
    total_b = sum(b.length for b in blocks_b)
    return min(max(total_b / max(total_a, 1.0), 0.6), 1.6)


def _gaps(doc: Document, blocks: Sequence[Block], params: Params) -> list[float]:
    """Cost of joining each block to the one before it, from the skeleton between them.

    Blank lines only: two paragraphs that a person may well have written as
    one. A list marker: a little more. A heading, code block, shortcode,
    table or HTML between them: they cannot be one block in the other version.
    """
    before = skeleton_before(doc)
    gaps = [0.0]
    for prev, blk in zip(blocks, blocks[1:]):
        if blk.markup is not None or prev.markup is not None:
            gaps.append(params.gap_structure)
            continue
        piece = before.get(blk.units[0].id, "")
        tail = piece.strip("\n")
        if not piece.strip() or piece.strip() == ">":
            gaps.append(0.0)
        elif _LIST_MARKER.match(tail) and "\n\n\n" not in piece:
            gaps.append(params.gap_list)
        else:
            gaps.append(params.gap_structure)
    return gaps


def align_blocks(
    doc_a: Document,
    blocks_a: list[Block],
    doc_b: Document,
    blocks_b: list[Block],
    params: Params,
    model_translate: Callable[[list[str]], list[str]] | None = None,
    band: int | None = None,
    lang_a: str | None = None,
) -> tuple[list[Bead], Aligner]:
    """The beads of the best path between two block sequences (every block in exactly one bead)."""
    n, m = len(blocks_a), len(blocks_b)
    a = Side(blocks_a, _gaps(doc_a, blocks_a, params))
    b = Side(blocks_b, _gaps(doc_b, blocks_b, params))
    weigh_features(a, b, both_sides=True)
    aligner = Aligner(a, b, params)
    if n == 0 or m == 0:
        beads = [Bead(i, i + 1, 0, 0, params.skip) for i in range(n)] + [Bead(n, n, j, j + 1, params.skip) for j in range(m)]
        return beads, aligner
    if band is None:
        # the centre line already follows the length ratio n:m; scattered 1-0s and 0-1s move the path off
        # it like a random walk, about sqrt(|n - m|); a band the path touches is widened and rerun
        band = None if (n + 1) * (m + 1) <= FULL_DP_CELLS else 24 + max(8, int(3 * math.sqrt(abs(n - m))))
    beads = aligner.align(half=band)
    if model_translate is not None:
        mt = machine_translate(model_translate, [blk.text for blk in blocks_a], lang_a)
        from .sentence_align import chrf_cost

        aligner.extra = chrf_cost(mt, [x.text for x in blocks_b], weight=8.0, mid=0.25)
        beads = aligner.align(centre=path_centre(beads, n), half=min(6, band or 6))
    return beads, aligner


def machine_translate(model_translate: Callable[[list[str]], list[str]], texts: list[str], lang: str | None) -> list[str]:
    """Translate blocks sentence by sentence in one batch (MT models are trained on sentences, and
    cut long inputs), then join each block's sentences back."""
    spans = split_many(texts, lang)
    flat = [t[a:b] for t, sp in zip(texts, spans) for a, b in sp]
    out = list(model_translate(flat)) if flat else []
    if len(out) != len(flat):
        raise ValueError(f"model_translate returned {len(out)} strings for {len(flat)}")
    joined, k = [], 0
    for sp in spans:
        joined.append(" ".join(out[k : k + len(sp)]))
        k += len(sp)
    return joined


def body_blocks(doc: Document, unit_blocks: list[Block], length_scale: float, lang: str | None = None) -> list[Block]:
    """The blocks the DP aligns: text units and the blocks without prose, in document order."""
    blocks = list(unit_blocks) + [markup_block(0, mb, length_scale, lang) for mb in markup_blocks(doc)]
    blocks.sort(key=lambda b: block_lines(b))
    for k, blk in enumerate(blocks):
        blk.index = k
    return blocks


def _fm_key(unit: TextUnit) -> str:
    return str(unit.context.get("key", ""))


def align_front_matter(front_a: list[TextUnit], front_b: list[TextUnit]) -> list[tuple[list[TextUnit], list[TextUnit]]]:
    """Front matter values pair by key; several values under one key (tags) pair in order."""
    keys: list[str] = []
    by_a: dict[str, list[TextUnit]] = {}
    by_b: dict[str, list[TextUnit]] = {}
    for u in front_a:
        by_a.setdefault(_fm_key(u), []).append(u)
        if _fm_key(u) not in keys:
            keys.append(_fm_key(u))
    for u in front_b:
        by_b.setdefault(_fm_key(u), []).append(u)
        if _fm_key(u) not in keys:
            keys.append(_fm_key(u))
    groups = []
    for k in keys:
        la, lb = by_a.get(k, []), by_b.get(k, [])
        for x in range(max(len(la), len(lb))):
            groups.append(([la[x]] if x < len(la) else [], [lb[x]] if x < len(lb) else []))
    # a key renamed between the versions (``description`` / ``overview``): the one value left on each
    # side is the other's counterpart
    only_a = [k for k, (ga, gb) in enumerate(groups) if ga and not gb]
    only_b = [k for k, (ga, gb) in enumerate(groups) if gb and not ga]
    if len(only_a) == 1 and len(only_b) == 1 and _plausible(groups[only_a[0]][0][0], groups[only_b[0]][1][0]):
        ka, kb = only_a[0], only_b[0]
        groups[ka] = (groups[ka][0], groups[kb][1])
        del groups[kb]
    return groups


def _plausible(ua: TextUnit, ub: TextUnit) -> bool:
    """Two prose values whose lengths could be translations of each other (within a factor of 2)."""
    la, lb = len(ua.text.split()), len(ub.text.split())
    return la >= 3 and lb >= 3 and max(la, lb) <= 2 * min(la, lb)


def sentence_pairs(pair: Pair) -> list[Pair]:
    """One pair per sentence pair of a paragraph pair (``--level sentence``); QA flags come later."""
    out = []
    for k, s in enumerate(pair.sentences, start=1):
        p = Pair(
            id=f"{pair.id}.{k}",
            article=pair.article,
            kind=pair.kind,
            heading_path=pair.heading_path,
            src=s["src"],
            tgt=s["tgt"],
            src_lines=s.get("src_lines"),
            tgt_lines=s.get("tgt_lines"),
            type=s["type"],
            score=s["score"],
            unit_ids=pair.unit_ids,
            target_unit_ids=pair.target_unit_ids,
            src_lang=pair.src_lang,
            tgt_lang=pair.tgt_lang,
        )
        out.append(p)
    return out


def align_documents(
    doc_a: Document,
    doc_b: Document,
    model_translate: Callable[[list[str]], list[str]] | None = None,
    level: str = "paragraph",
    *,
    params: Params | None = None,
    qa: bool = True,
    sentences: bool = True,
    splitter: str = "auto",
    band: int | None = None,
) -> list[Pair]:
    """Pairs between two versions of one article, in document order.

    ``level="paragraph"`` gives one pair per bead, each with its
    ``sentences``; ``level="sentence"`` gives one pair per sentence pair.
    ``qa`` adds QA flags; ``sentences`` (paragraph level) the sentence
    pairs; ``splitter`` is ``auto`` (spaCy) or ``rules``.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    lang_a, lang_b = guess_language(doc_a), guess_language(doc_b)
    front_a, unit_blocks_a = document_blocks(doc_a, lang_a)
    front_b, unit_blocks_b = document_blocks(doc_b, lang_b)
    ratio = length_ratio(lang_a, lang_b, unit_blocks_a, unit_blocks_b)
    blocks_a = body_blocks(doc_a, unit_blocks_a, 1.0, lang_a)
    blocks_b = body_blocks(doc_b, unit_blocks_b, ratio, lang_b)
    if params is None:
        params = Params(ratio=ratio)
    groups: list[tuple[list, list, float]] = []
    for ga, gb in align_front_matter(front_a, front_b):
        groups.append((ga, gb, 1.0))  # by key: no doubt either way
    if level == "sentence":  # the sentence aligner (issue 17): its own costs, ids in sentence order
        from .sentence_pairs import plain_prose, plain_prose_pairs, split_into_sentences

        model_translate = _memoised(model_translate) if model_translate is not None else None
        if plain_prose(blocks_a) and plain_prose(blocks_b):  # a book, sentence-aligned text: one sentence DP
            front = [add_sentences(pair_of(k, doc_a.path, ua, ub, lang_a, lang_b, score=s), ua, ub, ratio, splitter)
                     for k, (ua, ub, s) in enumerate(groups, start=1)]
            pairs = plain_prose_pairs(doc_a, doc_b, lang_a, lang_b, [sp for p in front for sp in sentence_pairs(p)],
                                      len(front) + 1, model_translate=model_translate, splitter=splitter)
            if qa:
                add_flags(pairs, doc_a, doc_b, lang_a, lang_b)
            return pairs
    beads, aligner = align_blocks(doc_a, blocks_a, doc_b, blocks_b, params, model_translate, band, lang_a)
    items = refine(beads, aligner, params) if blocks_a and blocks_b else [
        Item(list(range(b.i0, b.i1)), list(range(b.j0, b.j1)), b.cost) for b in beads]
    if blocks_a and blocks_b and add_twin_anchors(blocks_a, blocks_b, items):  # repeated sentences: a second pass
        beads, aligner = align_blocks(doc_a, blocks_a, doc_b, blocks_b, params, model_translate, band, lang_a)
        items = refine(beads, aligner, params)
    markup_groups: dict[int, tuple[list[Block], list[Block]]] = {}  # index in groups -> the blocks of a markup pair
    moved: set[int] = set()  # indices in groups of the pairs that moved
    for it in items:
        side_a, side_b = [blocks_a[i] for i in it.a], [blocks_b[j] for j in it.b]
        score = pair_confidence(aligner, it) if blocks_a and blocks_b else 1.0
        if _row_item(side_a, side_b):  # table rows pair as rows, then cell by cell
            if side_a and side_b:
                cells = row_cell_groups(side_a[0].units, side_b[0].units)
            else:
                cells = [([u], []) for u in side_a[0].units] if side_a else [([], [u]) for u in side_b[0].units]
            for ua, ub in cells:
                if it.moved and ua and ub:
                    moved.add(len(groups))
                groups.append((ua, ub, score))
            continue
        if it.moved:
            moved.add(len(groups))
        if any(b.markup is not None for b in side_a + side_b):
            markup_groups[len(groups)] = (side_a, side_b)
        groups.append(([u for blk in side_a for u in blk.units], [u for blk in side_b for u in blk.units], score))
    pairs = [
        markup_pair_of(k + 1, doc_a.path, *markup_groups[k], lang_a, lang_b, score=score) if k in markup_groups else
        pair_of(k + 1, doc_a.path, ua, ub, lang_a, lang_b, score=score)
        for k, (ua, ub, score) in enumerate(groups)
    ]
    if sentences or level == "sentence":  # a pair of blocks without prose has no sentences
        known = split_sides([unit_markup(u) for u in doc_a.units], lang_a, [unit_markup(u) for u in doc_b.units], lang_b, splitter)
        for k, (pair, (ua, ub, _)) in enumerate(zip(pairs, groups)):
            if k not in markup_groups:
                add_sentences(pair, ua, ub, ratio, splitter, known)
    moved_flags = {pairs[k].id: _moved_flag(pairs[k]) for k in moved}
    if level == "sentence":  # sentences aligned inside each prose pair; blocks without prose stay whole
        pairs = split_into_sentences(pairs, doc_a, doc_b, lang_a, lang_b, sentence_pairs,
                                     model_translate=model_translate, splitter=splitter)
    if qa:
        add_flags(pairs, doc_a, doc_b, lang_a, lang_b)
    for p in pairs:
        flag = moved_flags.get(p.id) or moved_flags.get(p.id.rsplit(".", 1)[0])
        if flag:
            p.flags.append(dict(flag))
    return pairs


W_TWIN = 2.0
_TWIN_KEY = re.compile(r"[\W_]+", re.UNICODE)


def add_twin_anchors(blocks_a: list[Block], blocks_b: list[Block], items: list[Item]) -> bool:
    """A sentence a version repeats (``Cons:`` under each section, the same list item in the muting
    and the blocking lists) is translated the same way each time: when a first pass pairs one
    repeated block of A with one repeated block of B, every copy of the one gets an anchor every
    copy of the other has (``T:``). Returns whether any was added (the caller aligns again)."""
    groups = []
    for blocks in (blocks_a, blocks_b):
        by_key: dict[str, list[int]] = {}
        for k, blk in enumerate(blocks):
            if blk.markup is None and blk.units:
                key = _TWIN_KEY.sub(" ", fold(blk.text)).strip()
                if key:
                    by_key.setdefault(key, []).append(k)
        groups.append({k: key for key, ks in by_key.items() if len(ks) > 1 for k in ks})
    twin_a, twin_b = groups
    if not twin_a or not twin_b:
        return False
    votes: dict[tuple[str, str], int] = {}
    for it in items:
        if len(it.a) == 1 and len(it.b) == 1 and it.a[0] in twin_a and it.b[0] in twin_b:
            key = (twin_a[it.a[0]], twin_b[it.b[0]])
            votes[key] = votes.get(key, 0) + 1
    added = False
    for n, ((ka, kb), count) in enumerate(sorted(votes.items(), key=lambda kv: -kv[1])):
        rivals = [c for (xa, xb), c in votes.items() if (xa == ka) != (xb == kb)]
        if rivals and max(rivals) >= count:
            continue  # the copies were paired several ways: no evidence either way
        for k, key in twin_a.items():
            if key == ka:
                blocks_a[k].features["T:%d" % n] = W_TWIN
        for k, key in twin_b.items():
            if key == kb:
                blocks_b[k].features["T:%d" % n] = W_TWIN
        added = True
    return added


def _row_item(side_a: list[Block], side_b: list[Block]) -> bool:
    """One table row (prose cells) on each side, or one alone."""
    blocks = side_a + side_b
    return (0 < len(blocks) <= 2 and len(side_a) <= 1 and len(side_b) <= 1
            and all(b.cls == TABLE_CELL and b.markup is None for b in blocks))


def _memoised(translate: Callable[[list[str]], list[str]]) -> Callable[[list[str]], list[str]]:
    """The translator, never asked twice for one text (the paragraph and sentence passes share sentences)."""
    seen: dict[str, str] = {}

    def run(texts: list[str]) -> list[str]:
        todo = list(dict.fromkeys(t for t in texts if t not in seen))
        if todo:
            seen.update(zip(todo, translate(todo)))
        return [seen[t] for t in texts]

    return run


def _moved_flag(pair: Pair) -> dict[str, str]:
    first, last = pair.tgt_lines or (0, 0)
    return {"code": "moved", "reason": f"moved: the other version has this at lines {first}-{last}, elsewhere in its order"}


def add_flags(pairs: list[Pair], doc_a: Document, doc_b: Document, lang_a: str | None, lang_b: str | None) -> None:
    """QA flags on every pair; names are checked against each document's own vocabulary, and NER
    runs once over all texts of a side (batched) before the per-pair checks."""
    from .qa import check_pair, prime_entities, vocabulary

    vocab_a = vocabulary(u.text for u in doc_a.units)
    vocab_b = vocabulary(u.text for u in doc_b.units)
    prime_entities([p.src for p in pairs if p.src and p.tgt], lang_a)
    prime_entities([p.tgt for p in pairs if p.src and p.tgt], lang_b)
    for p in pairs:
        if p.is_markup:
            continue  # a block without prose: its flags are its own (code_changed...)
        p.flags = check_pair(p.src, p.tgt, lang_a, lang_b, pair_type=p.type, src_vocab=vocab_a, tgt_vocab=vocab_b)


def link_set(pairs: Sequence[Pair], include_null: bool = False) -> set[tuple[str, str]]:
    """The links of an alignment: every (A unit, B unit) inside a pair; ``include_null`` adds (unit, '') for 1-0 / 0-1."""
    links: set[tuple[str, str]] = set()
    for p in pairs:
        for a in p.unit_ids:
            for b in p.target_unit_ids:
                links.add((a, b))
        if include_null:
            if not p.target_unit_ids:
                links.update((a, "") for a in p.unit_ids)
            if not p.unit_ids:
                links.update(("", b) for b in p.target_unit_ids)
    return links


def prf(found: set, gold: set) -> tuple[float, float, float]:
    """Precision, recall and F1 of a set of links against gold links."""
    if not found and not gold:
        return 1.0, 1.0, 1.0
    tp = len(found & gold)
    p = tp / len(found) if found else 0.0
    r = tp / len(gold) if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


__all__ = ["align_documents", "align_blocks", "align_front_matter", "link_set", "prf", "length_ratio"]

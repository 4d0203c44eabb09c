"""Paragraph drift and synthetic bilingual articles, for tests and benchmarks of the aligner.

``drift_markdown`` edits a real article the way a person writing the other
version does: it splits a paragraph at a sentence boundary (a blank line
where there was a space), merges two neighbouring paragraphs (removes the
blank line between them) and deletes paragraphs. It returns the new text
and, for each unit of the new text, the original units it holds, so the
gold links of the drifted pair follow from the gold links of the original.

``synthetic_pair`` writes two long articles of made-up words where one is a
"translation" of the other (a fixed word mapping, names and numbers kept,
French-like lengths), with headings, lists and code blocks: what the
5,000-paragraph benchmark aligns.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from pipeline.document import Document, Slot
from pipeline.markdown.render import render_unit

_BOUNDARY = re.compile(r"(?<=[.!?])[ \n](?=[A-ZÀ-Ý])")


@dataclass
class Drift:
    text: str
    origins: list[list[int]]  # for each unit of the new text: indices of the original units it holds
    ops: dict[str, int] = field(default_factory=dict)


def _eligible(doc: Document, k: int) -> bool:
    u = doc.units[k]
    return u.kind == "paragraph" and not u.context.get("container") and "\n" not in "".join(u.layout.line_prefixes).strip()


def _split_point(raw: str) -> int | None:
    """Offset of a space (or newline) between two sentences near the middle, outside links and code."""
    best = None
    for m in _BOUNDARY.finditer(raw):
        head = raw[: m.start()]
        if head.count("[") != head.count("]") or head.count("(") != head.count(")") or head.count("`") % 2:
            continue
        if head.count("**") % 2 or head.count("{{") != head.count("}}") or head.count("<") != head.count(">"):
            continue
        if best is None or abs(m.start() - len(raw) / 2) < abs(best - len(raw) / 2):
            best = m.start()
    return best


def drift_markdown(text: str, doc: Document, rng: random.Random, p_split=0.15, p_merge=0.15, p_delete=0.1) -> Drift:
    """Apply random splits, merges and deletions to the body paragraphs of ``doc`` (extracted from ``text``)."""
    units = doc.units
    n = len(units)
    raw = [render_unit(u) for u in units]
    pieces_before: dict[int, str] = {}
    pieces_after: dict[int, str] = {}
    index = {u.id: k for k, u in enumerate(units)}
    skel = doc.skeleton
    for pos, piece in enumerate(skel):
        if isinstance(piece, Slot):
            k = index[piece.unit_id]
            prev = skel[pos - 1] if pos > 0 else ""
            nxt = skel[pos + 1] if pos + 1 < len(skel) else ""
            pieces_before[k] = prev if isinstance(prev, str) else ""
            pieces_after[k] = nxt if isinstance(nxt, str) else ""
    op = ["keep"] * n
    k = 0
    while k < n:
        if not _eligible(doc, k):
            k += 1
            continue
        r = rng.random()
        if r < p_merge and k + 1 < n and _eligible(doc, k + 1) and pieces_after[k] == "\n\n":
            op[k], op[k + 1] = "merge", "merged"
            k += 2
            continue
        r -= p_merge
        if r < p_split and _split_point(raw[k]) is not None:
            op[k] = "split"
        elif r - p_split < p_delete and pieces_after[k].startswith("\n\n") and pieces_before[k].endswith("\n\n"):
            op[k] = "delete"
        k += 1
    out: list[str] = []
    origins: list[list[int]] = []
    drop_prefix = 0
    for pos, piece in enumerate(skel):
        if isinstance(piece, str):
            if pos > 0 and isinstance(skel[pos - 1], Slot) and op[index[skel[pos - 1].unit_id]] == "merge":
                out.append(" ")
                continue
            out.append(piece[drop_prefix:])
            drop_prefix = 0
            continue
        k = index[piece.unit_id]
        if op[k] == "keep":
            out.append(raw[k])
            origins.append([k])
        elif op[k] == "split":
            at = _split_point(raw[k])
            out.append(raw[k][:at] + "\n\n" + raw[k][at + 1 :])
            origins += [[k], [k]]
        elif op[k] == "delete":
            drop_prefix = 2
        elif op[k] == "merge":
            out.append(raw[k])
            origins.append([k, k + 1])
        elif op[k] == "merged":
            out.append(raw[k])
    counts = {name: op.count(name) for name in ("split", "merge", "delete")}
    return Drift("".join(out), origins, counts)


def drifted_gold(gold: set[tuple[int, int]], origins: list[list[int]], side: str = "b") -> set[tuple[int, int]]:
    """Gold links (a, b) of the original pair carried over to the drifted side ``side``."""
    new_of: dict[int, list[int]] = {}
    for new, olds in enumerate(origins):
        for old in olds:
            new_of.setdefault(old, []).append(new)
    out = set()
    for a, b in gold:
        if side == "b":
            out.update((a, nb) for nb in new_of.get(b, []))
        else:
            out.update((na, b) for na in new_of.get(a, []))
    return out


# ---------------------------------------------------------------- synthetic articles

_SYLLABLES = ["ra", "lo", "mi", "sen", "tor", "va", "que", "lin", "dor", "pa", "ex", "ul", "ci", "bre", "mon", "tel", "is", "ga"]


def _word(rng: random.Random, lo: int = 1, hi: int = 4) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(lo, hi)))


def synthetic_pair(paragraphs: int, seed: int = 0, drift: tuple[float, float, float] = (0.03, 0.03, 0.03)):
    """Two markdown articles (A, B) of about ``paragraphs`` body blocks, B a drifted "translation" of A.

    Returns ``(text_a, text_b, gold)`` with ``gold`` the set of links
    ``(block index in A, block index in B)`` over body blocks (headings,
    paragraphs, list items), in extraction order.
    """
    rng = random.Random(seed)
    vocab_a = [_word(rng) for _ in range(3000)]
    # the "translation": a fixed mapping; a third of the words are cognates (same first four letters)
    mapping = {}
    for w in vocab_a:
        if len(w) >= 4 and rng.random() < 0.33:
            mapping[w] = w[:4] + _word(rng, 0, 1)
        else:
            mapping[w] = _word(rng, 1, 3)
    names = ["Mastodon", "GitHub", "Hugo", "Kobo", "Netlify", "Signal", "Europe", "OpenTelemetry", "Grav", "Pocket"]

    def sentence() -> tuple[str, str]:
        words = [rng.choice(vocab_a) for _ in range(rng.randint(6, 18))]
        extra = []
        if rng.random() < 0.3:
            extra.append(rng.choice(names))
        if rng.random() < 0.2:
            extra.append(str(rng.randint(2, 2030)))
        for e in extra:
            words.insert(rng.randint(1, len(words)), e)
        tw = [mapping.get(w, w) for w in words]
        # French-like lengths: A gets a few more short words
        for _ in range(rng.randint(0, 3)):
            words.insert(rng.randint(1, len(words)), rng.choice(["de", "la", "les", "une", "que"]))
        a = words[0].capitalize() + " " + " ".join(words[1:]) + "."
        b = tw[0].capitalize() + " " + " ".join(tw[1:]) + "."
        return a, b

    blocks: list[tuple[str, str, str]] = []  # (kind, a, b)
    while len(blocks) < paragraphs:
        r = rng.random()
        if r < 0.08:
            a, b = sentence()
            blocks.append(("heading", a.rstrip(".")[:60], b.rstrip(".")[:60]))
        elif r < 0.16:
            for _ in range(rng.randint(2, 4)):
                a, b = sentence()
                blocks.append(("list_item", a, b))
        else:
            sents = [sentence() for _ in range(rng.randint(1, 4))]
            blocks.append(("paragraph", " ".join(s[0] for s in sents), " ".join(s[1] for s in sents)))
    blocks = blocks[:paragraphs]
    p_split, p_merge, p_delete = drift
    out_a, out_b = [], []
    gold: set[tuple[int, int]] = set()
    ia = ib = 0
    pending_merge: int | None = None
    prev_kind = None
    for kind, a, b in blocks:
        code = rng.random() < 0.03
        sep = "\n\n" if kind != "list_item" or prev_kind != "list_item" else "\n"
        marker = {"heading": "## ", "list_item": "- ", "paragraph": ""}[kind]
        out_a.append(sep + marker + a)
        if code:
            snippet = "\n\n```sh\n" + _word(rng) + " --" + _word(rng) + "\n```"
            out_a.append(snippet)
        r = rng.random()
        if kind == "paragraph" and pending_merge is not None:
            out_b[-1] += " " + b  # merged into the previous B paragraph
            gold.add((ia, pending_merge))
            pending_merge = None
        elif kind == "paragraph" and r < p_delete:
            pass
        elif kind == "paragraph" and r < p_delete + p_split and ". " in b:
            cut = b.index(". ") + 1
            out_b.append("\n\n" + b[:cut])
            out_b.append("\n\n" + b[cut + 1 :])
            gold.update({(ia, ib), (ia, ib + 1)})
            ib += 2
        else:
            out_b.append(sep + marker + b)
            gold.add((ia, ib))
            if kind == "paragraph" and r < p_delete + p_split + p_merge and not code:
                pending_merge = ib
            ib += 1
        if code:
            out_b.append(snippet)
            pending_merge = None
        if kind != "paragraph":
            pending_merge = None
        ia += 1
        prev_kind = kind
    head = "---\ntitle: Synthetic\n---\n"
    return head + "".join(out_a).lstrip("\n") + "\n", head + "".join(out_b).lstrip("\n") + "\n", gold

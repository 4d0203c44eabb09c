"""Block-level gold for two-version alignment, and the scorer an outside evaluator would use.

A *gold file* names every block of both versions of an article (prose or
not: headings, paragraphs, list items, table rows, front matter values, code
fences, lines of shortcodes, HTML blocks, comments, link definitions) and
says, by reading, which blocks of A are the counterparts of which blocks of
B. A block is identified by its kind, its line span in the file and a text
key (the start of its first line): the key makes a gold that no longer fits
its file fail loudly instead of scoring the wrong lines.

The scorer reads only what ``bitext align`` writes to ``pairs.jsonl``: each
pair's ``src_lines`` and ``tgt_lines``. A pair links every gold block its A
span overlaps with every gold block its B span overlaps; a pair with one
side empty gives *null links* ``(a, -)`` / ``(-, b)``. Null links count,
so a paragraph that exists on one side only must be reported as such (not
merely left out, nor glued to its neighbour). A block that no pair covers
has no link at all: it costs recall. Precision, recall and F1 are over these
link sets; the *prose* score keeps the links that touch a prose block.

``segment`` drafts the blocks of a markdown file with markdown-it-py, an
independent reader (not the extractor under test); the gold's blocks were
then checked and corrected by hand, and the links written by reading both
versions side by side.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

PROSE_KINDS = {"heading", "paragraph", "list_item", "table_row", "front_matter", "quote"}
NON_PROSE_KINDS = {"code", "shortcode", "html", "comment", "linkdef", "rule"}
KINDS = PROSE_KINDS | NON_PROSE_KINDS
# Front matter keys whose values people translate (the others are settings: dates, weights, slugs).
PROSE_KEYS = {
    "title", "linktitle", "description", "summary", "subtitle", "tags", "categories", "keywords",
    "alt", "caption", "excerpt", "abstract", "lead", "teaser", "heading", "seotitle", "seodescription",
    "overview", "image-alt", "imagealt", "author",
}
KEY_CHARS = 40

_SHORTCODE = re.compile(r"\{\{[<%].*?[%>]\}\}", re.S)
_SHORTCODE_ONLY = re.compile(r"^\s*(?:\{\{[<%].*?[%>]\}\}\s*)+$", re.S)
_PROSE_PARAM = re.compile(r"""\b(?:caption|title|alt|text|label|summary|description|header|heading)\s*=\s*["']([^"']*[A-Za-zÀ-ÿ][^"']*)["']""")
_TAG = re.compile(r"<[^>]*>")
_ATTRIBUTES = re.compile(r"^\s*\{\s*[.#][^{}]*\}\s*$")
_ALERT = re.compile(r"^\s*>\s*\[!\w+\]\s*$")
_LINKDEF = re.compile(r"^ {0,3}\[[^\]]+\]:")
_RULE = re.compile(r"^ {0,3}(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,})$")


class GoldError(ValueError):
    """A gold file that does not fit its articles, or names a block twice or not at all."""


@dataclass(frozen=True)
class GoldBlock:
    id: str  # "a12" / "b7"
    kind: str
    first: int  # 1-based line numbers in the file, inclusive
    last: int
    prose: bool
    key: str  # the first line's text, stripped, cut to KEY_CHARS

    def to_row(self) -> list[Any]:
        return [self.id, self.kind, self.first, self.last, self.prose, self.key]

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> "GoldBlock":
        bid, kind, first, last, prose, key = row
        if kind not in KINDS:
            raise GoldError(f"block {bid}: unknown kind {kind!r} (one of {', '.join(sorted(KINDS))})")
        return cls(str(bid), str(kind), int(first), int(last), bool(prose), str(key))


@dataclass
class Gold:
    name: str
    a: dict[str, Any]  # {"file": ..., "lang": ...}
    b: dict[str, Any]
    blocks_a: list[GoldBlock]
    blocks_b: list[GoldBlock]
    links: list[tuple[list[str], list[str]]]  # groups: A block ids, B block ids (either may be empty)
    made_by: str = ""
    notes: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # anything else the file carries (drift edits, source)

    @property
    def prose_ids(self) -> set[str]:
        return {blk.id for blk in self.blocks_a + self.blocks_b if blk.prose}

    def link_set(self) -> set[tuple[str, str]]:
        return group_links(self.links)


# ---------------------------------------------------------------------------------------------- reading and writing
def parse_link(text: str) -> tuple[list[str], list[str]]:
    """``"a1 a2 = b3"`` -> (["a1", "a2"], ["b3"]); ``"a4 ="`` is a block of A with no counterpart.

    ``"a5..a9 = b6..b10"`` is shorthand for five 1-1 links in order (a5=b6, a6=b7, ...); it expands
    in ``load_gold``."""
    if "=" not in text:
        raise GoldError(f"link {text!r}: expected 'A ids = B ids'")
    left, right = text.split("=", 1)
    return left.split(), right.split()


def _expand(groups: list[tuple[list[str], list[str]]]) -> list[tuple[list[str], list[str]]]:
    out = []
    for ga, gb in groups:
        if len(ga) == 1 and len(gb) == 1 and ".." in ga[0] and ".." in gb[0]:
            ra, rb = _range(ga[0], "a"), _range(gb[0], "b")
            if len(ra) != len(rb):
                raise GoldError(f"link {ga[0]} = {gb[0]}: ranges of different lengths")
            out.extend(([x], [y]) for x, y in zip(ra, rb))
        else:
            out.append((ga, gb))
    return out


def _range(text: str, side: str) -> list[str]:
    lo, hi = text.split("..")
    if not (lo.startswith(side) and hi.startswith(side)):
        raise GoldError(f"range {text!r}: both ends must be blocks of {side.upper()}")
    return [f"{side}{k}" for k in range(int(lo[1:]), int(hi[1:]) + 1)]


def load_gold(path: Path) -> Gold:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return gold_from_dict(data, Path(path).stem)


def gold_from_dict(data: dict[str, Any], name: str = "") -> Gold:
    known = {"name", "a", "b", "blocks", "links", "made_by", "notes"}
    gold = Gold(
        name=data.get("name", name),
        a=data["a"],
        b=data["b"],
        blocks_a=[GoldBlock.from_row(r) for r in data["blocks"]["a"]],
        blocks_b=[GoldBlock.from_row(r) for r in data["blocks"]["b"]],
        links=_expand([parse_link(x) for x in data["links"]]),
        made_by=data.get("made_by", ""),
        notes=list(data.get("notes", [])),
        extra={k: v for k, v in data.items() if k not in known},
    )
    check_coverage(gold)
    return gold


def dump_gold(gold: Gold) -> str:
    """JSON with one block or link per line (diffs stay readable)."""
    head = {"name": gold.name, "a": gold.a, "b": gold.b, "made_by": gold.made_by, "notes": gold.notes}
    head.update(gold.extra)
    lines = ["{"]
    for k, v in head.items():
        lines.append(f" {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)},")
    lines.append(' "blocks": {')
    for side, blocks in (("a", gold.blocks_a), ("b", gold.blocks_b)):
        lines.append(f'  "{side}": [')
        rows = [json.dumps(b.to_row(), ensure_ascii=False) for b in blocks]
        lines.extend("   " + r + ("," if k + 1 < len(rows) else "") for k, r in enumerate(rows))
        lines.append("  ]" + ("," if side == "a" else ""))
    lines.append(" },")
    lines.append(' "links": [')
    links = [json.dumps(" ".join(ga) + " = " + " ".join(gb)) for ga, gb in gold.links]
    lines.extend("  " + x + ("," if k + 1 < len(links) else "") for k, x in enumerate(links))
    lines.append(" ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def check_coverage(gold: Gold) -> None:
    """Every block of both sides in exactly one link group; no two blocks share a line."""
    for side, blocks in (("a", gold.blocks_a), ("b", gold.blocks_b)):
        ids = [b.id for b in blocks]
        if len(set(ids)) != len(ids):
            raise GoldError(f"{gold.name}: side {side.upper()} names a block twice")
        for x, y in zip(blocks, blocks[1:]):
            if y.first <= x.last:
                raise GoldError(f"{gold.name}: blocks {x.id} and {y.id} share or reverse lines")
        seen: list[str] = [i for ga, gb in gold.links for i in (ga if side == "a" else gb)]
        for bid in seen:
            if not bid.startswith(side):
                raise GoldError(f"{gold.name}: link names {bid} on side {side.upper()}")
        if sorted(seen) != sorted(ids):
            missing = sorted(set(ids) - set(seen), key=_id_order)
            twice = sorted({i for i in seen if seen.count(i) > 1}, key=_id_order)
            extra = sorted(set(seen) - set(ids), key=_id_order)
            raise GoldError(f"{gold.name}: side {side.upper()}: blocks in no link {missing}, in two {twice}, unknown {extra}")


def _id_order(bid: str) -> int:
    return int(bid[1:]) if bid[1:].isdigit() else 0


def read_text(path: Path) -> str:
    """An article as an outside reader takes it: UTF-8 (a BOM dropped), LF line ends."""
    return Path(path).read_bytes().decode("utf-8-sig", errors="replace").replace("\r\n", "\n")


def file_lines(text: str) -> list[str]:
    """Lines as editors and ``pairs.jsonl`` number them (``\n`` only: ``str.splitlines`` also breaks
    at form feeds and U+2028)."""
    return text.split("\n")


def line_key(line: str) -> str:
    return " ".join(line.split())[:KEY_CHARS]


def swapped(gold: Gold) -> Gold:
    """The same gold with its two sides exchanged (``bitext align B A``): ids renamed a <-> b."""
    def rename(blocks, side):
        return [GoldBlock(side + b.id[1:], b.kind, b.first, b.last, b.prose, b.key) for b in blocks]

    links = [(["a" + y[1:] for y in gb], ["b" + x[1:] for x in ga]) for ga, gb in gold.links]
    extra = dict(gold.extra)
    if "base" in extra:
        extra["base"] = {"a": extra["base"]["b"], "b": extra["base"]["a"]}
    if "edits" in extra:
        extra["edits"] = {k2: v for k, v in extra["edits"].items() for k2 in ({"a": "b", "b": "a"}[k],)}
    return Gold(gold.name, gold.b, gold.a, rename(gold.blocks_b, "a"), rename(gold.blocks_a, "b"), links, gold.made_by, gold.notes, extra)


def check_text(gold: Gold, text_a: str, text_b: str) -> None:
    """Each block's key is the start of its first line in the file, and its span fits the file."""
    for side, blocks, text in (("A", gold.blocks_a, text_a), ("B", gold.blocks_b, text_b)):
        lines = file_lines(text)
        for blk in blocks:
            if not 1 <= blk.first <= blk.last <= len(lines):
                raise GoldError(f"{gold.name}: {side} block {blk.id} lines {blk.first}-{blk.last} outside the file ({len(lines)} lines)")
            got = line_key(lines[blk.first - 1])
            if got != blk.key:
                raise GoldError(f"{gold.name}: {side} block {blk.id} line {blk.first}: expected {blk.key!r}, file has {got!r}")


# ---------------------------------------------------------------------------------------------- drifted copies
def apply_edits(text: str, ops: Sequence[dict[str, Any]], origins: list[int | None] | None = None) -> str:
    """A copy of ``text`` edited by hand-written operations, all in the original's line numbers.

    ``{"op": "delete", "lines": [f, l]}``, ``{"op": "insert", "after": n, "text": ...}`` (``after`` 0:
    at the start), ``{"op": "replace", "lines": [f, l], "text": ...}``, ``{"op": "move", "lines":
    [f, l], "after": n}``, ``{"op": "join", "lines": [f, l]}`` (one paragraph of the text lines
    f..l), ``{"op": "split", "lines": [n, n], "at": "words"}`` (a blank line before ``words`` in
    line n). An optional ``"expect"`` is the start of line ``f`` (or ``after``) in the original,
    whitespace runs counted as one space: an edit that no longer fits its article fails instead of
    editing the wrong lines.
    ``origins``, if given, receives for each output line its line number in the original (None
    for written text). Drifted variants of third-party articles are stored this way: as edits, not as copies.
    """
    lines = file_lines(text[:-1] if text.endswith("\n") else text)
    gone: set[int] = set()
    at: dict[int, list[tuple[str, int | None]]] = {}
    for op in ops:
        kind = op["op"]
        first, last = (op["lines"] + [None])[:2] if "lines" in op else (None, None)
        if "expect" in op:
            where = first if first is not None else op["after"]
            if not " ".join(lines[where - 1].split()).startswith(op["expect"]):
                raise GoldError(f"edit {op}: line {where} is {line_key(lines[where - 1])!r}")
        if kind in ("delete", "replace", "move", "join", "split"):
            if not 1 <= first <= last <= len(lines):
                raise GoldError(f"edit {op}: lines outside the file")
            gone.update(range(first, last + 1))
        if kind == "insert":
            at.setdefault(int(op["after"]), []).extend((x, None) for x in op["text"].split("\n"))
        elif kind == "replace":
            at.setdefault(first - 1, []).extend((x, None) for x in op["text"].split("\n"))
        elif kind == "move":
            at.setdefault(int(op["after"]), []).extend((lines[k - 1], k) for k in range(first, last + 1))
        elif kind == "join":
            joined = " ".join(lines[k - 1].strip() for k in range(first, last + 1) if lines[k - 1].strip())
            at.setdefault(first - 1, []).append((joined, first))
        elif kind == "split":
            cut = lines[first - 1].find(op["at"])
            if cut <= 0:
                raise GoldError(f"edit {op}: {op['at']!r} is not inside line {first}")
            head, tail = lines[first - 1][:cut].rstrip(), lines[first - 1][cut:]
            at.setdefault(first - 1, []).extend([(head, first), ("", None), (tail, first)])
        elif kind != "delete":
            raise GoldError(f"edit {op}: unknown op {kind!r}")
    out = list(at.get(0, []))
    for k, line in enumerate(lines, start=1):
        if k not in gone:
            out.append((line, k))
        out.extend(at.get(k, []))
    if origins is not None:
        origins[:] = [k for _, k in out]
    return "\n".join(x for x, _ in out) + "\n"


def gold_texts(gold: Gold, base: Path) -> tuple[str, str]:
    """The two articles a gold describes: ``base/<file>``, or for a drifted copy its ``base`` articles
    (paths under ``base``) with its ``edits`` applied."""
    texts = []
    for side, meta in (("a", gold.a), ("b", gold.b)):
        origin = gold.extra.get("base", {}).get(side)
        path = Path(base) / (origin or meta["file"])
        text = read_text(path)
        ops = gold.extra.get("edits", {}).get(side)
        texts.append(apply_edits(text, ops) if ops else text)
    return texts[0], texts[1]


# ---------------------------------------------------------------------------------------------- scoring
def group_links(groups: Iterable[tuple[Sequence[str], Sequence[str]]]) -> set[tuple[str, str]]:
    links: set[tuple[str, str]] = set()
    for ga, gb in groups:
        if ga and gb:
            links.update((x, y) for x in ga for y in gb)
        else:
            links.update((x, "") for x in ga)
            links.update(("", y) for y in gb)
    return links


def _overlapping(blocks: Sequence[GoldBlock], span: Sequence[int] | None) -> list[str]:
    if not span:
        return []
    lo, hi = int(span[0]), int(span[-1])
    return [b.id for b in blocks if b.first <= hi and b.last >= lo]


def pair_links(pairs: Iterable[dict[str, Any]], gold: Gold) -> set[tuple[str, str]]:
    """The links ``pairs.jsonl`` rows give, mapped onto the gold's blocks by line spans.

    A null link is kept only for a block no other pair links to something (a table row whose
    cells pair apart, one of them 1-0, is still linked)."""
    groups = []
    for p in pairs:
        groups.append((_overlapping(gold.blocks_a, p.get("src_lines")), _overlapping(gold.blocks_b, p.get("tgt_lines"))))
    links = group_links(groups)
    linked_a = {x for x, y in links if x and y}
    linked_b = {y for x, y in links if x and y}
    return {(x, y) for x, y in links if (x and y) or (x and x not in linked_a) or (y and y not in linked_b)}


@dataclass
class Score:
    precision: float
    recall: float
    f1: float
    found: int
    gold: int
    correct: int

    def as_dict(self) -> dict[str, float]:
        return {"p": round(self.precision, 4), "r": round(self.recall, 4), "f1": round(self.f1, 4)}


def prf(found: set, gold: set) -> Score:
    if not found and not gold:
        return Score(1.0, 1.0, 1.0, 0, 0, 0)
    tp = len(found & gold)
    p = tp / len(found) if found else 0.0
    r = tp / len(gold) if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return Score(p, r, f, len(found), len(gold), tp)


def only_prose(links: set[tuple[str, str]], prose: set[str]) -> set[tuple[str, str]]:
    return {(x, y) for x, y in links if x in prose or y in prose}


def score_pairs(pairs: Iterable[dict[str, Any]], gold: Gold) -> tuple[Score, Score, set, set]:
    """(all blocks, prose blocks, found links, gold links) for the pairs of one article."""
    found = pair_links(pairs, gold)
    want = gold.link_set()
    prose = gold.prose_ids
    return prf(found, want), prf(only_prose(found, prose), only_prose(want, prose)), found, want


# ---------------------------------------------------------------------------------------------- drafting blocks
@dataclass
class DraftBlock:
    kind: str
    first: int
    last: int
    prose: bool


def _front_matter(lines: list[str]) -> tuple[int, list[DraftBlock]]:
    """Number of front matter lines and the blocks of its translatable keys."""
    if not lines or lines[0].strip() not in ("---", "+++"):
        return 0, []
    fence = lines[0].strip()
    end = next((k for k in range(1, len(lines)) if lines[k].strip() == fence), None)
    if end is None:
        return 0, []
    blocks: list[DraftBlock] = []
    starts = [k for k in range(1, end) if re.match(r"^[A-Za-z_][\w.-]*\s*[:=]", lines[k])]
    for n, k in enumerate(starts):
        stop = (starts[n + 1] if n + 1 < len(starts) else end) - 1
        while stop > k and not lines[stop].strip():
            stop -= 1
        key = re.split(r"\s*[:=]", lines[k], maxsplit=1)[0].strip().lower()
        if key in PROSE_KEYS:
            blocks.append(DraftBlock("front_matter", k + 1, stop + 1, True))
    return end + 1, blocks


def _mask_shortcodes(text: str) -> str:
    """Each shortcode tag becomes a placeholder word on every line it spans (Hugo reads shortcodes
    before markdown), so markdown-it sees neither their quotes nor their angle brackets."""
    def repl(m: re.Match) -> str:
        return "\n".join("XSHORTCODEX" for _ in m.group(0).split("\n"))

    return _SHORTCODE.sub(repl, text)


def _html_prose(text: str) -> bool:
    bare = _TAG.sub(" ", _SHORTCODE.sub(" ", text))
    return bool(re.search(r"[A-Za-zÀ-ÿ]{2,}", bare))


def _shortcode_prose(text: str) -> bool:
    return bool(_PROSE_PARAM.search(text))


def segment(text: str) -> list[DraftBlock]:
    """Draft blocks of a markdown article, in order, with 1-based inclusive line spans."""
    from markdown_it import MarkdownIt

    lines = file_lines(text)
    n_front, blocks = _front_matter(lines)
    body = "\n" * n_front + "\n".join(lines[n_front:])
    masked = _mask_shortcodes(body)
    md = MarkdownIt("commonmark").enable("table")
    tokens = md.parse(masked)
    covered = set(range(n_front))
    for blk in blocks:
        covered.update(range(blk.first - 1, blk.last))
    item_first_para = False
    for tok in tokens:
        if tok.type == "list_item_open":
            item_first_para = True
            continue
        if not tok.map:
            continue
        lo, hi = tok.map
        if tok.type in ("fence", "code_block"):
            blocks.append(DraftBlock("code", lo + 1, hi, False))
        elif tok.type == "html_block":
            raw = "\n".join(lines[lo:hi])
            stripped = raw.lstrip()
            if stripped.startswith("<!--") or stripped.startswith("<?"):
                blocks.append(DraftBlock("comment", lo + 1, _trim(lines, lo, hi), False))
            else:
                blocks.append(DraftBlock("html", lo + 1, _trim(lines, lo, hi), _html_prose(raw)))
        elif tok.type == "heading_open":
            blocks.append(DraftBlock("heading", lo + 1, hi, True))
        elif tok.type == "hr":
            blocks.append(DraftBlock("rule", lo + 1, hi, False))
        elif tok.type == "blockquote_open":
            covered.update(range(lo, hi))  # its bare '>' lines are no block: its paragraphs are
            continue
        elif tok.type == "table_open":
            covered.update(range(lo, hi))  # its delimiter row is no block: rows are
            continue
        elif tok.type == "tr_open":
            blocks.append(DraftBlock("table_row", lo + 1, hi, True))
        elif tok.type == "paragraph_open":
            kind = "list_item" if item_first_para else "paragraph"
            item_first_para = False
            blocks.extend(_split_paragraph(lines, lo, _trim(lines, lo, hi), kind))
        else:
            continue
        covered.update(range(lo, hi))
    # what markdown-it keeps out of its tokens: link reference definitions
    k = n_front
    while k < len(lines):
        if k not in covered and lines[k].strip():
            start = k
            while k + 1 < len(lines) and k + 1 not in covered and lines[k + 1].strip():
                k += 1
            kind = "linkdef" if _LINKDEF.match(lines[start]) else "paragraph"
            blocks.append(DraftBlock(kind, start + 1, k + 1, kind == "paragraph"))
        k += 1
    blocks.sort(key=lambda b: b.first)
    return _fold_attributes(_drop_nested(blocks), lines)


def _fold_attributes(blocks: list[DraftBlock], lines: list[str]) -> list[DraftBlock]:
    """A line of block attributes (``{.text-center}``, Goldmark) right under a block belongs to it;
    an alert marker (``> [!NOTE]``) and the quote under it are one block."""
    out: list[DraftBlock] = []
    for b in blocks:
        if (out and b.first == b.last and b.first == out[-1].last + 1
                and _ATTRIBUTES.match(lines[b.first - 1])):
            out[-1].last = b.last
            continue
        if (out and out[-1].first == out[-1].last and _ALERT.match(lines[out[-1].first - 1])
                and all(lines[k].strip() == ">" for k in range(out[-1].last, b.first - 1))):
            out[-1].last = b.last  # "> [!WARNING]" and the quote it heads are one block
            continue
        out.append(b)
    return out


def _trim(lines: list[str], lo: int, hi: int) -> int:
    """Last non-blank line of [lo, hi) as a 1-based number."""
    last = hi
    while last > lo + 1 and not lines[last - 1].strip():
        last -= 1
    return last


def _split_paragraph(lines: list[str], lo: int, last: int, kind: str) -> list[DraftBlock]:
    """A paragraph's lines split into runs of shortcode-only lines and runs of text."""
    out: list[DraftBlock] = []
    k = lo
    while k < last:
        only = bool(_SHORTCODE_ONLY.match(lines[k])) or _inside_tag(lines, k)
        start = k
        while k + 1 < last and (bool(_SHORTCODE_ONLY.match(lines[k + 1])) or _inside_tag(lines, k + 1)) == only:
            k += 1
        raw = "\n".join(lines[start : k + 1])
        if only:
            out.append(DraftBlock("shortcode", start + 1, k + 1, _shortcode_prose(raw)))
        else:
            first_text = not any(b.kind != "shortcode" for b in out)
            out.append(DraftBlock(kind if first_text else "paragraph", start + 1, k + 1, True))
        k += 1
    return out


def _inside_tag(lines: list[str], k: int) -> bool:
    """Line k lies inside a shortcode tag that spans several lines (``{{< figure`` ... ``>}}``)."""
    text = "\n".join(lines[max(0, k - 20) : k + 1])
    opens = [m.start() for m in re.finditer(r"\{\{[<%]", text)]
    closes = [m.start() for m in re.finditer(r"[%>]\}\}", text)]
    if not opens:
        return False
    last_open = opens[-1]
    line_start = text.rfind("\n") + 1
    closed = any(c > last_open for c in closes)
    if last_open >= line_start:  # the tag opens on this line: shortcode-only if nothing else is on it
        return False
    return not closed or bool(re.match(r"^[^{]*[%>]\}\}\s*$", lines[k]))


def _drop_nested(blocks: list[DraftBlock]) -> list[DraftBlock]:
    out: list[DraftBlock] = []
    for b in blocks:
        if out and b.first <= out[-1].last:
            continue  # a paragraph inside an HTML block, a row inside a table row...
        out.append(b)
    return out


def draft_gold(name: str, text_a: str, text_b: str, file_a: str, file_b: str, lang_a: str, lang_b: str) -> Gold:
    """A gold skeleton: drafted blocks of both sides, no links yet (they are written by reading)."""
    sides = []
    for side, text in (("a", text_a), ("b", text_b)):
        lines = file_lines(text)
        sides.append([
            GoldBlock(f"{side}{k}", d.kind, d.first, d.last, d.prose, line_key(lines[d.first - 1]))
            for k, d in enumerate(segment(text), start=1)
        ])
    return Gold(name, {"file": file_a, "lang": lang_a}, {"file": file_b, "lang": lang_b}, sides[0], sides[1], [])


def side_by_side(gold: Gold, text_a: str, text_b: str, width: int = 90) -> str:
    """Both sides' blocks, listed for reading: id, kind, lines, and the block's text on one line."""
    out = []
    for label, blocks, text in (("A", gold.blocks_a, text_a), ("B", gold.blocks_b, text_b)):
        lines = file_lines(text)
        out.append(f"==== {label} {gold.a['file'] if label == 'A' else gold.b['file']}")
        for b in blocks:
            body = " ".join(" ".join(lines[b.first - 1 : b.last]).split())
            out.append(f"{b.id:>5} {b.kind[:9]:<9}{'*' if b.prose else ' '} {b.first:>4}-{b.last:<4} {body[:width]}")
    return "\n".join(out)


__all__ = [
    "Gold", "GoldBlock", "GoldError", "load_gold", "swapped", "gold_from_dict", "dump_gold", "check_coverage", "check_text",
    "pair_links", "score_pairs", "prf", "Score", "segment", "draft_gold", "side_by_side",
]

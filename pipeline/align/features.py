"""What the aligner compares: blocks with a length, a kind and anchor features.

A *block* is one side's unit of alignment (a paragraph, heading, list item,
table cell... or a sentence). Besides its length (Gale & Church compare
character lengths), it carries *anchors*: things that survive translation
unchanged and so point at the counterpart on the other side:

- numbers (``2026``, ``443``; ``1,5`` and ``1.5`` are the same number);
- URLs and link targets, image sources, inline code, inline shortcodes;
- proper nouns and other capitalised or mixed-case tokens (``GitHub``,
  ``ASP.NET``), and *cognates* by their first four letters, accents removed
  (Simard, Foster & Isabelle 1992: ``certificat``/``certificate``);
- for English and French, the concepts of a small hand-written lexicon
  (``lexicon.DOC_LEXICON``: ``follow``/``suivre``, ``step``/``étape``), so
  short sentences without names or numbers still have anchors;
- the markdown structure around the block, which the skeleton keeps
  untranslated: the list marker, a quote, an image, the table position.
  (Code fences, shortcodes and HTML are blocks of their own: ``markup``.)

Each anchor has a weight by its type; the aligner multiplies it by an IDF
over both documents, so an anchor seen in every paragraph counts for little.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..document import Document, Slot, TextUnit
from ..markdown.inline import render_inline
from ..text import fold
from .lexicon import DOC_LEXICON, stem
from .markup import MarkupBlock, markup_anchors

# Block classes: what may align with what (see dp.COMPAT).
HEADING, PARAGRAPH, LIST_ITEM, TABLE_CELL, FRONT_MATTER, SHORTCODE_PARAM, HTML, OTHER, SENTENCE = range(9)
# Blocks without prose (``markup``): code fences, lines of shortcodes, HTML, comments, link definitions...
M_CODE, M_SHORTCODE, M_HTML, M_COMMENT, M_LINKDEF, M_RULE, M_OTHER, M_TABLE = range(9, 17)
MARKUP_CLASS = {"code": M_CODE, "shortcode": M_SHORTCODE, "html": M_HTML, "comment": M_COMMENT,
                "linkdef": M_LINKDEF, "rule": M_RULE, "other": M_OTHER, "table_row": M_TABLE}
MARKUP_CLASSES = set(MARKUP_CLASS.values())
_CLASS = {
    "heading": HEADING,
    "paragraph": PARAGRAPH,
    "list_item": LIST_ITEM,
    "table_cell": TABLE_CELL,
    "front_matter": FRONT_MATTER,
    "shortcode_param": SHORTCODE_PARAM,
    "html_attr": SHORTCODE_PARAM,
    "html": HTML,
    "sentence": SENTENCE,
}

# Anchor weights by type, before IDF. URLs and inline code are near-certain
# evidence; a shared 4-letter prefix is weak on its own but there are many.
W_URL, W_CODE, W_NUMBER, W_NAME, W_PREFIX, W_MARK, W_STRUCT = 3.0, 2.0, 2.0, 1.5, 1.0, 0.5, 0.7
W_LEXICON = 0.5

_WORD = re.compile(r"\w+(?:[.\-'’]\w+)*", re.UNICODE)
_DIGITS = re.compile(r"\d+(?:[.,]\d+)?")
_LINK_DEST = re.compile(r"\]\(\s*<?([^)\s>]+)")
_ATTR_URL = re.compile(r"""(?:href|src)\s*=\s*["']?([^"'\s>]+)""", re.I)
_SC_NAME = re.compile(r"\{\{[<%]\s*/?\s*([\w./-]+)")
_SC_REF = re.compile(r"""\{\{[<%]\s*(?:rel)?ref\s+["']?([^"'\s%>]+)""")
_HTML_TAG = re.compile(r"<([A-Za-z][\w-]*)")


# Expected length of the English version of a text over the French one, in characters (measured on
# the real EN/FR pairs of the shared corpus: 0.82; French runs about 20% longer than English).
EN_OVER_FR = 0.83


def expected_length_ratio(src_lang: str | None, tgt_lang: str | None) -> float | None:
    """Expected length of the target over the source, in characters, for a language pair we know."""
    if (src_lang, tgt_lang) == ("fr", "en"):
        return EN_OVER_FR
    if (src_lang, tgt_lang) == ("en", "fr"):
        return 1.0 / EN_OVER_FR
    return None


def normalize_number(raw: str) -> str:
    """``1,5`` and ``1.5`` are one number; leading zeros are kept (``01`` in ``HTTP-01`` is a name part)."""
    return raw.replace(",", ".")


_LANG_SEGMENT = re.compile(r"/(?:en|fr)(?:[-_][a-z]{2})?(?=/|$)", re.I)


def _url_key(url: str) -> str:
    """A link target without its fragment or query (``#activer-recherche`` is the translated
    anchor) nor its language segment (``/fr/docs/x`` and ``/docs/x``, ``/en-gb/`` and ``/fr-fr/``
    are the same page in two languages)."""
    url = url.strip().strip("\"'")
    for sep in ("#", "?"):
        url = url.split(sep, 1)[0]
    url = _LANG_SEGMENT.sub("", url)
    return url.rstrip("/").lower()


_SENTENCE_PUNCT = re.compile(r"[.!?:]")


@lru_cache(maxsize=200_000)
def _token_anchors(token: str, sentence_start: bool, start_names: bool = False) -> tuple[tuple[str, float], ...]:
    """Anchors of one token (cached: articles repeat their words)."""
    out: list[tuple[str, float]] = []
    plain_word = token.isalpha()
    has_digit = not plain_word and any(ch.isdigit() for ch in token)
    if has_digit:
        for num in _DIGITS.findall(token):
            out.append(("N:" + normalize_number(num), W_NUMBER))
    inner_upper = token[1:] != token[1:].lower()
    camel = inner_upper and not token.isupper()  # GitHub, iOS (all capitals: DM / MP get translated)
    technical = has_digit or camel or (not plain_word and "." in token.strip("."))
    # with ``start_names``, a capitalised word at a sentence start is a name candidate too
    # (``Instapaper offers...``): the block aligner keeps only the anchors both versions have
    # (``weigh_features(both_sides=True)``)
    looks_name = technical or inner_upper or (token[:1].isupper() and (start_names or not sentence_start))
    if looks_name and len(token) >= 2 and not token.isdigit():
        # ``E:`` a technical name (``Raindrop.io``, ``GitHub``, ``HTTP-01``) no translator changes;
        # ``C:`` a capitalised word, which French often writes in lower case
        out.append((("E:" if technical else "C:") + fold(token), W_NAME))
    letters = fold(token)
    if len(letters) >= 4 and letters[:4].isalpha():
        out.append(("P:" + letters[:4], W_PREFIX))
    return tuple(out)


def text_anchors(text: str, into: dict[str, float] | None = None, start_names: bool = False) -> dict[str, float]:
    """Anchors of plain text: numbers, names (capitalised not at a sentence start, or mixed case,
    or with digits or inner dots; ``start_names``: at a sentence start too), and cognate prefixes."""
    feats = into if into is not None else {}
    previous_end = 0
    for m in _WORD.finditer(text):
        # the gap between two words holds their punctuation: a sentence starts after . ! ? :
        sentence_start = previous_end == 0 or _SENTENCE_PUNCT.search(text, previous_end, m.start()) is not None
        previous_end = m.end()
        for f, w in _token_anchors(m.group(0), sentence_start, start_names):
            feats[f] = w
    return feats


_LEX_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)


def lexicon_anchors(text: str, lang: str | None, feats: dict[str, float]) -> None:
    """``L:<concept>`` for each word of an English or French text the documentation lexicon knows
    (``l'utilisateur`` looks up ``utilisateur``); nothing for other languages."""
    if lang not in DOC_LEXICON:
        return
    for m in _LEX_WORD.finditer(text):
        concept = _concept(m.group(0), lang)
        if concept is not None:
            feats["L:" + concept] = W_LEXICON


@lru_cache(maxsize=200_000)
def _concept(word: str, lang: str) -> str | None:
    lexicon = DOC_LEXICON[lang]
    concept = lexicon.get(stem(word))
    if concept is None and ("'" in word or "’" in word):
        concept = lexicon.get(stem(re.split(r"['’]", word)[-1]))
    return concept


def code_anchors(codes, text: str, feats: dict[str, float]) -> None:
    """Anchors from inline codes: link and image targets, inline code, shortcodes, HTML tags, emphasis."""
    for c in codes:
        raw = c.open + c.close
        for url in _LINK_DEST.findall(c.close) + _LINK_DEST.findall(c.open):
            if not url.startswith("{{"):
                feats["U:" + _url_key(url)] = W_URL
        for url in _ATTR_URL.findall(raw):
            feats["U:" + _url_key(url)] = W_URL
        for ref in _SC_REF.findall(raw):
            feats["U:" + _url_key(ref)] = W_URL
        if c.kind in ("autolink", "url"):
            feats["U:" + _url_key(c.open.strip("<>"))] = W_URL
        elif c.kind == "code":
            feats["K:" + text[c.start : c.end].strip()] = W_CODE
        elif c.kind == "shortcode":
            for name in _SC_NAME.findall(c.open):
                feats["H:" + name] = W_CODE
        elif c.kind == "html":
            for tag in _HTML_TAG.findall(c.open):
                feats["H:<" + tag.lower()] = W_MARK
        elif c.kind in ("bold", "italic", "strike", "image", "footnote", "reflink"):
            feats["M:" + c.kind] = W_MARK
            if c.kind == "reflink":
                feats["K:" + text[c.start : c.end].strip().lower()] = W_CODE


def structure_anchors(before: str, feats: dict[str, float]) -> None:
    """Anchors from the skeleton just before a block: images, blockquotes, ordered or bullet list
    markers (the skeleton is never translated). Code fences, shortcodes and HTML blocks are blocks
    of their own in the alignment (``markup``): they anchor the path themselves."""
    if not before.strip():
        return
    if "![" in before:
        feats["S:img"] = W_STRUCT
    tail = before.rsplit("\n", 1)[-1]
    if re.match(r"\s*\d+[.)]\s", tail):
        feats["S:ol"] = W_STRUCT / 2
    elif re.match(r"\s*[-*+]\s", tail):
        feats["S:ul"] = W_STRUCT / 2
    if tail.lstrip().startswith(">"):
        feats["S:quote"] = W_STRUCT / 2


@dataclass
class Block:
    """One side's unit of alignment."""

    index: int
    text: str  # plain text (what the lengths and anchors come from)
    kind: str
    cls: int
    level: int = 0
    length: float = 0.0
    features: dict[str, float] = field(default_factory=dict)
    units: list[TextUnit] = field(default_factory=list)
    markup: "MarkupBlock | None" = None  # a block without prose (its raw text and line span)


def text_length(text: str) -> int:
    """Characters with runs of whitespace counted once: hard wrapping must not change a length."""
    return len(" ".join(text.split()))


def unit_markup(unit: TextUnit, target: bool = False) -> str:
    """The unit as the editor reads it: its text with its inline markup (front matter: the value).

    The target side uses the target codes, or the source codes when the
    translate stage left none (what ``reinsert.render_unit`` does); a unit
    without a target has an empty target side.
    """
    if not target:
        return render_inline(unit.text, unit.codes)
    if unit.target is None:
        return ""
    return render_inline(unit.target, unit.target_codes if unit.target_codes is not None else unit.codes)


def skeleton_before(doc: Document) -> dict[str, str]:
    """For each unit id, the skeleton text between the previous slot and its own slot."""
    out: dict[str, str] = {}
    pending = ""
    for piece in doc.skeleton:
        if isinstance(piece, Slot):
            out[piece.unit_id] = pending
            pending = ""
        else:
            pending += piece
    return out


def unit_block(index: int, unit: TextUnit, before: str = "", lang: str | None = None) -> Block:
    cls = _CLASS.get(unit.kind, OTHER)
    feats = text_anchors(unit.text, start_names=True)
    lexicon_anchors(unit.text, lang, feats)
    code_anchors(unit.codes, unit.text, feats)
    structure_anchors(before, feats)
    if cls == TABLE_CELL:
        feats["T:c%s" % unit.context.get("column", "")] = W_STRUCT / 2
        feats["T:r%s" % unit.context.get("row", "")] = W_STRUCT / 2
    return Block(
        index=index,
        text=unit.text,
        kind=unit.kind,
        cls=cls,
        level=int(unit.context.get("level", 0) or 0),
        length=float(text_length(unit.text)),
        features=feats,
        units=[unit],
    )


def document_blocks(doc: Document, lang: str | None = None) -> tuple[list[TextUnit], list[Block]]:
    """Split a document into its front matter units (aligned by key) and body blocks (aligned by DP);
    ``lang`` (``en``, ``fr``) adds the lexicon's anchors."""
    before = skeleton_before(doc)
    front = [u for u in doc.units if u.kind == "front_matter"]
    body = [u for u in doc.units if u.kind != "front_matter"]
    blocks = table_rows([unit_block(i, u, before.get(u.id, ""), lang) for i, u in enumerate(body)])
    for k, blk in enumerate(blocks):
        blk.index = k
    return front, blocks


def table_rows(blocks: list[Block]) -> list[Block]:
    """The cells of one table row as one block: a row is what a translator keeps, drops or moves,
    so a row dropped on one side leaves one gap instead of shifting cells into the next row.
    The row block's anchors are those of its cells (the cells pair by column afterwards,
    ``row_cell_groups``); row and column numbers are left out, as a row dropped above shifts them."""
    out: list[Block] = []
    for blk in blocks:
        prev = out[-1] if out else None
        if (blk.cls == TABLE_CELL and prev is not None and prev.cls == TABLE_CELL
                and prev.units[-1].line == blk.units[0].line and prev.units[-1].context.get("row") == blk.units[0].context.get("row")):
            prev.units.append(blk.units[0])
            prev.text += " | " + blk.text
            prev.length += blk.length
            for f, w in blk.features.items():
                prev.features[f] = max(w, prev.features.get(f, 0.0))
            continue
        out.append(blk)
    for blk in out:
        if blk.cls == TABLE_CELL:
            blk.features = {f: w for f, w in blk.features.items() if not f.startswith("T:")}
            blk.features["T:cells%d" % len(blk.units)] = W_STRUCT / 2
    return out


def row_cell_groups(units_a: list[TextUnit], units_b: list[TextUnit]) -> list[tuple[list[TextUnit], list[TextUnit]]]:
    """Two paired table rows, cell by cell: cells of one column pair; a column only one row has
    stays alone."""
    col_a = {u.context.get("column", k): u for k, u in enumerate(units_a)}
    col_b = {u.context.get("column", k): u for k, u in enumerate(units_b)}
    groups = []
    for col in sorted(set(col_a) | set(col_b), key=lambda c: (not isinstance(c, int), c)):
        groups.append(([col_a[col]] if col in col_a else [], [col_b[col]] if col in col_b else []))
    return groups


def sentence_block(index: int, text: str) -> Block:
    return Block(
        index=index,
        text=text,
        kind="sentence",
        cls=SENTENCE,
        length=float(text_length(text)),
        features=text_anchors(text),
    )


_COMMENT_MARKS = re.compile(r"<!--|-->")


def markup_block(index: int, mb: MarkupBlock, length_scale: float = 1.0, lang: str | None = None) -> Block:
    """A block without prose. Its length is scaled by the expected length ratio of the side it is
    on (``length_scale``): code and shortcodes do not grow when prose is translated, so two
    identical blocks must look like a perfect length match to the DP. An HTML comment that holds
    sentences (a paragraph one version commented out) gets the anchors of prose and its own length,
    so it can still be the counterpart of the other version's paragraph."""
    feats = markup_anchors(mb)
    length = float(text_length(mb.text)) * length_scale
    if mb.kind == "comment":
        inner = _COMMENT_MARKS.sub(" ", mb.text)
        if len(_LEX_WORD.findall(inner)) >= 5:
            text_anchors(inner, feats, start_names=True)
            lexicon_anchors(inner, lang, feats)
            length = float(text_length(inner))
    return Block(
        index=index,
        text=mb.text,
        kind=mb.kind,
        cls=MARKUP_CLASS[mb.kind],
        length=length,
        features=feats,
        markup=mb,
    )


def block_lines(block: Block) -> tuple[int, int]:
    """First and last line of a block in its file."""
    if block.markup is not None:
        return block.markup.first, block.markup.last
    return min(u.line for u in block.units), max(max(u.end_line, u.line) for u in block.units)

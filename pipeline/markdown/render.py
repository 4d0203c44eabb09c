"""reinsert: fill the skeleton with the (translated) units and name the output file.

Each unit is rendered from its target text and target inline codes (or its
source ones when it has no translation), then laid out over lines the way the
source was: the continuation-line prefixes (list indentation, ``> ``) are put
back, and a hard-wrapped source paragraph is wrapped again at the same width.
"""
from __future__ import annotations

import re

from ..document import Document, TextUnit
from .frontmatter import plain_yaml_is_safe, render_value
from .hugo_keys import add_keys, insertion_point
from .inline import render_inline

def _escape_for(unit: TextUnit):
    """How plain text must be written where the unit sits (only for a changed unit:
    the source's own bytes are never re-escaped)."""
    escape = unit.context.get("escape")
    if escape == 'shortcode"':
        # a quote ends the value; a backslash is left alone (``\"`` in the source is an escape code)
        return lambda piece: piece.replace('"', '\\"')
    if escape == "shortcode`":
        return lambda piece: piece.replace("`", "'")
    if unit.kind == "table_cell":
        return lambda piece: re.sub(r"(?<!\\)\|", r"\\|", piece)  # a pipe would split the cell
    return None


_BREAKABLE = "\ue000"  # a space in the plain text: where a re-wrapped line may break


def render_unit(unit: TextUnit) -> str:
    """The raw markup of a unit, laid out as in the source."""
    text = unit.target if unit.target is not None else unit.text
    codes = unit.target_codes if unit.target_codes is not None else unit.codes
    if unit.kind == "front_matter":
        return _render_front_matter(unit, text, codes)
    changed = unit.target is not None and (text != unit.text or codes != unit.codes)
    escape = _escape_for(unit) if changed else None
    hard_breaks = any(c.kind == "hardbreak" for c in codes)
    if changed and unit.kind != "html" and not hard_breaks:
        text = text.replace("\n", " ")
        if unit.layout.wrap_width is not None:
            raw = render_inline(_breakable(text, codes), codes, escape=escape)
            raw = _wrap(raw, unit)
            return _lay_out(_guard_start(raw, unit), unit, rewrapped=True)
        return _lay_out(_guard_start(render_inline(text, codes, escape=escape), unit), unit)
    return _lay_out(render_inline(text, codes, escape=escape), unit)


# What a translated line may not start with where a paragraph starts: a heading, a list
# marker, a quote, a fence, a table pipe. A backslash makes the character literal.
_LINE_START = re.compile(r"^(?:(#{1,6})(?=[ \t]|$)|([-+*:])(?=[ \t])|(\d{1,9})([.)])(?=[ \t]|$)|(>)|(`{3,}|~{3,}))")
_BLOCK_KINDS = {"paragraph", "list_item", "footnote", "definition", "heading", "alert_title", "table_cell", "html"}


def _guard_start(raw: str, unit: TextUnit) -> str:
    """Escape a translation whose first characters would start a block of their own."""
    if unit.kind not in _BLOCK_KINDS or unit.layout.first_column and unit.kind in ("html", "table_cell"):
        return raw
    m = _LINE_START.match(raw)
    if not m:
        return raw
    if m.group(3):  # 1990. -> 1990\.
        return raw[: m.end(3)] + "\\" + raw[m.end(3) :]
    return "\\" + raw


def _breakable(text: str, codes) -> str:
    """Mark the spaces where a line may break: not inside a link's or an image's text.

    CommonMark lets link text run over lines, but a break there is where
    other readers (footnote plugins, linters, editors) go wrong.
    """
    inside = [(c.start, c.end) for c in codes if c.kind in ("link", "image") and c.end > c.start]
    if not inside:
        return text.replace(" ", _BREAKABLE)
    chars = list(text)
    for n, ch in enumerate(chars):
        if ch == " " and not any(a <= n < b for a, b in inside):
            chars[n] = _BREAKABLE
    return "".join(chars)


def _render_front_matter(unit: TextUnit, text: str, codes) -> str:
    ctx = unit.context
    if text == unit.text and codes == unit.codes:
        return ctx["raw"]
    value = render_inline(text, codes)
    style = ctx["style"]
    if style == "" and not plain_yaml_is_safe(value, in_list=ctx.get("key", "").endswith("]")):
        return '"' + render_value('"', value, 0) + '"'
    return render_value(style, value, ctx.get("indent", 0))


def _lay_out(raw: str, unit: TextUnit, rewrapped: bool = False) -> str:
    """Put back the continuation-line prefixes (indentation, ``> ``) of the source.

    A re-wrapped unit has lines of its own: each gets the containers' prefix.
    """
    seps = unit.layout.line_prefixes
    if rewrapped and "wrap_prefix" in unit.context:
        seps = ["\n" + unit.context["wrap_prefix"]]
    if "\n" not in raw:
        return raw
    parts = raw.split("\n")
    fallback = seps[-1] if seps else "\n"
    out = [parts[0]]
    for n, part in enumerate(parts[1:]):
        out.append(seps[n] if n < len(seps) else fallback)
        out.append(part)
    return "".join(out)


# A word that would start a new block at the start of a line (a list item, a
# quote, a heading, a setext underline, a table row, a fence, an HTML block,
# a shortcode line...) never begins a wrapped line: it stays on the line before.
_BLOCK_START = re.compile(r"(?:[-+*:]|#{1,6}|=+|-+|\d{1,9}[.)])$|>|\||`{3}|~{3}|<|\{\{[<%]|\[\^?[^\]]*\]:")


# Nor may a wrapped line hold shortcodes only: that is a block of its own.
_SHORTCODES_ONLY = re.compile(r"^[ \t]*(?:\{\{[<%].*?[>%]\}\}[ \t]*)+$")


def _wrap(raw: str, unit: TextUnit) -> str:
    """Greedy wrap at the source's width, breaking only at spaces of the plain text (never inside markup)."""
    width = unit.layout.wrap_width or 80
    if "wrap_prefix" in unit.context:
        cont = len(unit.context["wrap_prefix"])
    else:
        cont = len(unit.layout.line_prefixes[0].split("\n")[-1]) if unit.layout.line_prefixes else 0
    words = [w for w in raw.split(_BREAKABLE) if w]  # runs of spaces (a trailing space at a source line end) become one
    lines: list[str] = []
    current = ""
    column = unit.layout.first_column
    for word in words:
        if not current:
            current = word
            continue
        if column + len(current) + 1 + len(word) > width and not _BLOCK_START.match(word) and not _SHORTCODES_ONLY.match(current):
            lines.append(current)
            current, column = word, cont
        else:
            current += " " + word
    lines.append(current)
    return "\n".join(lines)


def fill_with_spans(doc: Document) -> tuple[str, dict[str, list[int]]]:
    """The skeleton filled with each unit's rendering, and the [first, last] line (1-based) of each unit in it.

    Lines are counted as the text is put together; a CRLF file has the same lines.
    """
    out: list[str] = []
    spans: dict[str, list[int]] = {}
    line = 1
    for piece in doc.skeleton:
        if isinstance(piece, str):
            out.append(piece)
            line += piece.count("\n")
        else:
            rendered = render_unit(doc.unit(piece.unit_id))
            spans[piece.unit_id] = [line, line + rendered.count("\n")]
            line += rendered.count("\n")
            out.append(rendered)
    return "".join(out), spans


def fill_skeleton(doc: Document) -> str:
    """The skeleton filled with each unit's rendering (the source units give back the source exactly)."""
    return fill_with_spans(doc)[0]


def shift_spans(spans: dict[str, list[int]], first_moved: int, by: int) -> dict[str, list[int]]:
    """The spans after ``by`` lines were inserted before line ``first_moved``: units from there on move down."""
    if not by:
        return spans
    return {k: ([a + by, b + by] if a >= first_moved else [a, b]) for k, (a, b) in spans.items()}


def render_article(doc: Document) -> tuple[str, dict[str, list[int]]]:
    """The translated article as written: the skeleton filled, then the Hugo keys the hugo stage planned
    (``doc.hugo_keys``) added after the front matter's root keys; with each unit's line span in it."""
    text, spans = fill_with_spans(doc)
    if not doc.hugo_keys:
        return text, spans
    keyed = add_keys(text, doc.hugo_keys)
    first_moved = text.count("\n", 0, insertion_point(text)) + 1
    return keyed, shift_spans(spans, first_moved, keyed.count("\n") - text.count("\n"))

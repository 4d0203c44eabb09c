"""reinsert: fill the skeleton with the (translated) units and name the output file.

Each unit is rendered from its target text and target inline codes (or its
source ones when it has no translation), then laid out over lines the way the
source was: the continuation-line prefixes (list indentation, ``> ``) are put
back, and a hard-wrapped source paragraph is wrapped again at the same width.
"""
from __future__ import annotations

import re
from pathlib import Path

from .document import Document, TextUnit
from .frontmatter import plain_yaml_is_safe, render_value
from .inline import render_inline

_LANG_SUFFIX = re.compile(r"\.(en|fr)(\.(?:md|markdown))$", re.I)


def output_name(source: Path, target_lang: str) -> str:
    """Hugo translation by filename: ``post.fr.md`` -> ``post.en.md``, ``post.md`` -> ``post.en.md``."""
    name = source.name
    if _LANG_SUFFIX.search(name):
        return _LANG_SUFFIX.sub(lambda m: f".{target_lang}{m.group(2)}", name)
    stem, dot, ext = name.rpartition(".")
    if not dot:
        return f"{name}.{target_lang}"
    return f"{stem}.{target_lang}.{ext}"


def _escape_for(unit: TextUnit):
    escape = unit.context.get("escape")
    if escape == 'shortcode"':
        return lambda piece: piece.replace("\\", "\\\\").replace('"', '\\"')
    if escape == "shortcode`":
        return lambda piece: piece.replace("`", "'")
    return None


_BREAKABLE = "\ue000"  # a space in the plain text: where a re-wrapped line may break


def render_unit(unit: TextUnit) -> str:
    """The raw markup of a unit, laid out as in the source."""
    text = unit.target if unit.target is not None else unit.text
    codes = unit.target_codes if unit.target_codes is not None else unit.codes
    if unit.kind == "front_matter":
        return _render_front_matter(unit, text, codes)
    escape = _escape_for(unit)
    changed = unit.target is not None and (text != unit.text or codes != unit.codes)
    hard_breaks = any(c.kind == "hardbreak" for c in codes)
    if changed and unit.kind != "html" and not hard_breaks:
        text = text.replace("\n", " ")
        if unit.layout.wrap_width is not None:
            raw = render_inline(text.replace(" ", _BREAKABLE), codes, escape=escape)
            raw = _wrap(raw, unit)
            return _lay_out(raw, unit)
    return _lay_out(render_inline(text, codes, escape=escape), unit)


def _render_front_matter(unit: TextUnit, text: str, codes) -> str:
    ctx = unit.context
    if text == unit.text and codes == unit.codes:
        return ctx["raw"]
    value = render_inline(text, codes)
    style = ctx["style"]
    if style == "" and not plain_yaml_is_safe(value):
        return '"' + render_value('"', value, 0) + '"'
    return render_value(style, value, ctx.get("indent", 0))


def _lay_out(raw: str, unit: TextUnit) -> str:
    """Put back the continuation-line prefixes (indentation, ``> ``) of the source."""
    seps = unit.layout.line_prefixes
    if "\n" not in raw:
        return raw
    parts = raw.split("\n")
    fallback = seps[-1] if seps else "\n"
    out = [parts[0]]
    for n, part in enumerate(parts[1:]):
        out.append(seps[n] if n < len(seps) else fallback)
        out.append(part)
    return "".join(out)


def _wrap(raw: str, unit: TextUnit) -> str:
    """Greedy wrap at the source's width, breaking only at spaces of the plain text (never inside markup)."""
    width = unit.layout.wrap_width or 80
    cont = len(unit.layout.line_prefixes[0].split("\n")[-1]) if unit.layout.line_prefixes else 0
    words = raw.split(_BREAKABLE)
    lines: list[str] = []
    current = ""
    column = unit.layout.first_column
    for word in words:
        if not current:
            current = word
            continue
        if column + len(current) + 1 + len(word) > width:
            lines.append(current)
            current, column = word, cont
        else:
            current += " " + word
    lines.append(current)
    return "\n".join(lines)


def fill_skeleton(doc: Document) -> str:
    out = []
    for piece in doc.skeleton:
        out.append(piece if isinstance(piece, str) else render_unit(doc.unit(piece.unit_id)))
    return "".join(out)

"""extract: a Hugo article becomes a Document (skeleton + text units).

The order of work: decode and repair the text; split off the front matter
and find its translatable values; scan the shortcodes once (they are checked
for pairing like Hugo does); find the block regions of the body; then cut the
text at the regions: what is outside them is the skeleton, each region is a
text unit with its inline codes.
"""
from __future__ import annotations

import bisect
import re
from pathlib import Path
from typing import Any

from ..document import Document, Layout, Slot, TextUnit
from ..errors import BitextError
from .blocks import Region, parse_body
from .encoding import read_article
from .filenames import language_of
from .frontmatter import ValueRegion, split_front_matter, toml_regions, yaml_regions
from .inline import scan_inline
from .shortcodes import check_pairing, scan_shortcodes

def extract_file(path: Path, config: dict[str, Any], source_lang: str | None = None) -> Document:
    text, meta = read_article(path)
    doc = extract_text(text, str(path), config, source_lang or language_of(path))
    doc.encoding = meta
    return doc


def _prose_params(cfg: dict[str, Any]) -> dict[str, set]:
    prose = {"*": set(cfg["prose_params"])}
    for name, params in cfg["shortcode_prose_params"].items():
        prose[name] = set(params)
    return prose


def extract_text(text: str, path: str, config: dict[str, Any], source_lang: str | None) -> Document:
    """Build the Document of an article already decoded to text."""
    ecfg = config["extract"]
    fmt, fm, body_start = split_front_matter(text, path)
    keys = set(ecfg["front_matter_keys"])
    fm_offset = text.index("\n") + 1 if fmt in ("yaml", "toml") else 0
    fm_regions: list[ValueRegion] = []
    if fmt == "yaml":
        fm_regions = yaml_regions(fm, fm_offset, keys, path)
    elif fmt == "toml":
        fm_regions = toml_regions(fm, fm_offset, keys, path)
    tags = scan_shortcodes(text, path=path, start=body_start)
    paired = check_pairing(text, tags, set(ecfg["paired_shortcodes"]), path)
    verbatim = set(ecfg["code_shortcodes"])
    regions, refs = parse_body(text, body_start, tags, paired, verbatim, _prose_params(ecfg))
    doc = _cut(text, path, fm_regions, regions, refs, verbatim)
    _content_ids(doc)
    doc.source_lang = source_lang
    doc.front_matter = fmt or None
    return doc


def _content_ids(doc: Document) -> None:
    """Give every unit its content-addressed id (``ids.stable_ids``), in the units and the skeleton's slots."""
    from .ids import stable_ids

    renamed = dict(zip((u.id for u in doc.units), stable_ids(doc.units)))
    for unit in doc.units:
        unit.id = renamed[unit.id]
    for piece in doc.skeleton:
        if isinstance(piece, Slot):
            piece.unit_id = renamed[piece.unit_id]


def _cut(
    text: str, path: str, fm_regions: list[ValueRegion], regions: list[Region], refs: set[str], verbatim: set[str]
) -> Document:
    spans: list[tuple[int, int, Any]] = [(r.start, r.end, r) for r in fm_regions]
    spans += [(r.segments[0][0], r.segments[-1][1], r) for r in regions]
    spans.sort(key=lambda s: s[0])
    skeleton: list[str | Slot] = []
    units: list[TextUnit] = []
    cursor = 0
    line_of = _Lines(text)
    for start, end, region in spans:
        if start < cursor:
            raise BitextError(f"internal: overlapping text regions at offset {start}", path=path)
        unit = _unit(text, region, f"u{len(units) + 1}", refs, line_of, verbatim)
        if unit is None:
            continue
        skeleton.append(text[cursor:start])
        skeleton.append(Slot(unit.id))
        units.append(unit)
        cursor = end
    skeleton.append(text[cursor:])
    return Document(path=path, source_lang=None, skeleton=[s for s in skeleton if s != ""], units=units)


class _Lines:
    """Offset -> 1-based line number, by binary search over the line starts."""

    def __init__(self, text: str):
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def __call__(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)


def _has_words(plain: str, codes) -> bool:
    """Whether there is something to translate: a word outside code spans, URLs and the like.

    A table cell holding only ```port```, a bare URL, an emoji code: nothing
    for a translator, so it stays in the skeleton.
    """
    if not re.search(r"\w", plain):
        return False
    subs = [(c.start, c.end) for c in codes if c.replaces_text and c.kind != "entity" and c.kind != "escape"]
    if not subs:
        return True
    chars = list(plain)
    for a, b in subs:
        chars[a:b] = " " * (b - a)
    return bool(re.search(r"\w", "".join(chars)))


def _unit(text: str, region: Any, unit_id: str, refs: set[str], line_of: _Lines, verbatim: set[str]) -> TextUnit | None:
    if isinstance(region, ValueRegion):
        raw = text[region.start : region.end]
        plain, codes = scan_inline(region.value, markdown=True, refs=set())
        return TextUnit(
            id=unit_id,
            kind="front_matter",
            text=plain,
            codes=codes,
            context={"key": region.key, "style": region.style, "raw": raw, "value": region.value, "indent": region.indent},
            line=region.line,
            end_line=region.line + raw.count("\n"),
        )
    segs = region.segments
    raw = "\n".join(text[a:b] for a, b in segs)
    separators = [text[segs[n - 1][1] : segs[n][0]] for n in range(1, len(segs))]
    plain, codes = scan_inline(raw, markdown=region.markdown, refs=refs, verbatim=verbatim)
    if not _has_words(plain, codes):
        return None
    widths = [b - (text.rfind("\n", 0, a) + 1) for a, b in segs]
    first_col = segs[0][0] - (text.rfind("\n", 0, segs[0][0]) + 1)
    context = dict(region.context)
    if region.kind == "shortcode_param":
        context["escape"] = "shortcode" + context["quote"]
    return TextUnit(
        id=unit_id,
        kind=region.kind,
        text=plain,
        codes=codes,
        context=context,
        layout=Layout(
            line_prefixes=separators,
            wrap_width=max(widths) if len(segs) > 1 else None,
            first_column=first_col,
        ),
        line=line_of(segs[0][0]),
        end_line=line_of(segs[-1][1]),
    )

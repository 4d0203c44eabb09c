"""TMX 1.4b: the pairs as a translation memory that OmegaT, Okapi and other CAT tools import.

One ``<tu>`` per pair (``tuid`` = the pair id) with one ``<tuv xml:lang>``
per side. The article's inline markup becomes TMX inline elements, so a CAT
tool shows it as tags the translator cannot break: a paired code (bold, a
link, ``{{<hl>}}``...) is ``<bpt i="n">`` + ``<ept i="n">`` holding its
opening and closing markup; an isolated or text-replacing code (an inline
shortcode, a code span, an entity) is ``<ph>``. The text of every element is
the raw markup itself, so the concatenated text of a ``<seg>`` is the
pair's markup exactly (``read_tmx`` relies on it, and a test checks it).

Pair metadata travels as ``<prop>`` (``x-status``, ``x-type``, ``x-score``,
``x-kind``, ``x-flag`` for each QA flag...) and the editor's note as
``<note>``. Written with lxml, atomically.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from lxml import etree

from .. import __version__
from ..errors import BitextError
from ..files import write_atomic
from ..pairs import Pair

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# TMX 1.4b's own values of ``type`` (section 3.6), for paired codes (``<bpt>``, ``<it>``) and
# placeholders (``<ph>``); any other kind is written ``x-<kind>``, as the specification asks for
# user-defined values (``struck`` is not one of them: strikethrough is ``x-strike``).
_BPT_VALUES = frozenset({"bold", "color", "dulined", "font", "italic", "link", "scap", "struct", "ulined"})
_PH_VALUES = frozenset({"index", "date", "time", "fnote", "enote", "alt", "image", "pb", "lb", "cb", "inset"})
_PH_KINDS = {"hardbreak": "lb", "footnote": "fnote"}  # our inline code kinds that have a TMX name


def _tmx_type(role: str, kind: str) -> str:
    """The ``type`` attribute of a ``<bpt>``/``<it>`` (role ``bpt``) or ``<ph>`` for an inline code of this kind.

    A kind read from another tool's TMX (a TMX value, or ``x-...``) is kept as it is.
    """
    if kind.startswith("x-"):
        return kind
    values = _BPT_VALUES if role == "bpt" else _PH_VALUES
    if role != "bpt":
        kind = _PH_KINDS.get(kind, kind)
    return kind if kind in values else "x-" + kind
_TMX_DATE = "%Y%m%dT%H%M%SZ"


def _clean(text: str) -> str:
    """XML 1.0 cannot hold most control characters: they become U+FFFD (the only lossy case)."""
    return _XML_INVALID.sub("\ufffd", text)


def _pieces(markup: str) -> list[tuple[str, str, int, str]]:
    """The markup as a sequence of ``(role, raw, code id, kind)``; role is text, bpt, ept or ph.

    The order comes from ``inline.render_pieces`` (the renderer itself), so the
    raws concatenate back to the markup.
    """
    from ..markdown.inline import render_pieces, scan_inline

    roles = {"text": "text", "open": "bpt", "close": "ept", "point": "ph"}
    text, codes = scan_inline(markup, markdown=True)
    return [
        (roles[role], raw, code.id if code else -1, code.kind if code else "")
        for role, raw, code in render_pieces(text, codes)
    ]


def _fill_seg(seg: etree._Element, markup: str) -> None:
    """Put the markup into ``<seg>`` as text and inline elements; plain escaped text if that would not round-trip."""
    markup = _clean(markup)
    pieces = _pieces(markup)
    if "".join(raw for _, raw, _, _ in pieces) != markup:
        seg.text = markup
        return
    last = None
    for role, raw, code_id, kind in pieces:
        if role == "text":
            if last is None:
                seg.text = (seg.text or "") + raw
            else:
                last.tail = (last.tail or "") + raw
            continue
        el = etree.SubElement(seg, role)
        if role in ("bpt", "ept"):
            el.set("i", str(code_id + 1))
        if role in ("bpt", "ph") and kind:
            el.set("type", _tmx_type(role, kind))
        el.text = raw
        last = el


def seg_text(seg: etree._Element) -> str:
    """The text of a ``<seg>``: its text and the text of its inline elements, in order."""
    return "".join(seg.itertext())


def _prop(parent: etree._Element, kind: str, value: str) -> None:
    el = etree.SubElement(parent, "prop", type=kind)
    el.text = _clean(value)
    el.tail = "\n   "


def _lines(value) -> str:
    return "" if not value else f"{value[0]}-{value[1]}"


def _tmx_tree(segtype: str, otmf: str, srclang: str) -> tuple[etree._Element, etree._Element]:
    """A TMX 1.4b document: its header (with the markup prop) and its empty body, one element a line."""
    root = etree.Element("tmx", version="1.4")
    root.text = "\n "
    header = etree.SubElement(
        root,
        "header",
        creationtool="bitext",
        creationtoolversion=__version__,
        segtype=segtype,
        **{"o-tmf": otmf},
        adminlang="en",
        srclang=srclang,
        datatype="plaintext",
        creationdate=dt.datetime.now(dt.timezone.utc).strftime(_TMX_DATE),
    )
    header.text = "\n  "
    _prop(header, "x-markup", "markdown (Hugo): inline codes are bpt/ept/ph holding the raw markup")
    header[-1].tail = "\n "
    header.tail = "\n "
    body = etree.SubElement(root, "body")
    body.text = "\n  "
    body.tail = "\n"
    return root, body


def _add_tu(body: etree._Element, tuid: str) -> etree._Element:
    tu = etree.SubElement(body, "tu", tuid=tuid)
    tu.text = "\n   "
    tu.tail = "\n  "
    return tu


def _add_seg(tu: etree._Element, lang: str) -> etree._Element:
    """A ``<tuv xml:lang>`` with its (empty) ``<seg>``."""
    tuv = etree.SubElement(tu, "tuv")
    tuv.set(XML_LANG, lang)
    tuv.tail = "\n   "
    return etree.SubElement(tuv, "seg")


def _save_tmx(path: Path, root: etree._Element, body: etree._Element) -> None:
    """The document as bytes (with TMX's doctype), written atomically."""
    for tu in body:
        tu[-1].tail = "\n  "
    if len(body):
        body[-1].tail = "\n "
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", doctype='<!DOCTYPE tmx SYSTEM "tmx14.dtd">')
    write_atomic(path, data + b"\n")


def write_tmx(path: Path, pairs: Iterable[Pair], srclang: str | None, tgtlang: str | None, segtype: str = "paragraph") -> None:
    """Write the pairs as TMX 1.4b (atomically: a temporary file renamed over ``path``)."""
    if segtype not in ("paragraph", "sentence", "block", "phrase"):
        raise ValueError(f"segtype must be paragraph or sentence, not {segtype!r}")
    srclang = srclang or "und"
    tgtlang = tgtlang or "und"
    root, body = _tmx_tree(segtype, "bitext-jsonl", srclang)
    for p in pairs:
        tu = _add_tu(body, p.id)
        _prop(tu, "x-status", p.status)
        if p.memory:
            _prop(tu, "x-memory", str(p.memory.get("origin", "")))
        _prop(tu, "x-type", p.type)
        _prop(tu, "x-score", f"{p.score:g}")
        _prop(tu, "x-kind", p.kind)
        _prop(tu, "x-article", p.article)
        if p.heading_path:
            _prop(tu, "x-heading-path", " > ".join(p.heading_path))
        if p.src_lines:
            _prop(tu, "x-src-lines", _lines(p.src_lines))
        if p.tgt_lines:
            _prop(tu, "x-tgt-lines", _lines(p.tgt_lines))
        if p.unit_ids:
            _prop(tu, "x-unit-ids", " ".join(p.unit_ids))
        if p.target_unit_ids:
            _prop(tu, "x-target-unit-ids", " ".join(p.target_unit_ids))
        for f in p.flags:
            _prop(tu, "x-flag", f"{f.get('code', '')}: {f.get('reason', '')}")
        if p.note:
            note = etree.SubElement(tu, "note")
            note.text = _clean(p.note)
            note.tail = "\n   "
        for lang, text in ((p.src_lang or srclang, p.src), (p.tgt_lang or tgtlang, p.tgt)):
            if not text:
                continue  # the empty side of a 1-0 or 0-1 pair: no <tuv> (a CAT tool would take <seg/> as its translation)
            _fill_seg(_add_seg(tu, lang), text)
    _save_tmx(path, root, body)


def _span(value: str | None) -> list[int] | None:
    if not value:
        return None
    a, _, b = value.partition("-")
    return [int(a), int(b or a)]


def read_tmx(path: Path) -> list[Pair]:
    """The pairs of a TMX file written by ``write_tmx`` (and the texts of any TMX: props default)."""
    try:
        tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    except OSError:
        raise BitextError("cannot read the TMX file", path=str(path)) from None
    except etree.XMLSyntaxError as exc:
        raise BitextError(f"not valid XML: {exc.msg}", path=str(path), line=exc.lineno) from None
    root = tree.getroot()
    header = root.find("header")
    srclang = header.get("srclang") if header is not None else None
    pairs = []
    for n, tu in enumerate(root.iter("tu"), start=1):
        props: dict[str, list[str]] = {}
        for prop in tu.findall("prop"):
            props.setdefault(prop.get("type", ""), []).append(prop.text or "")
        tuvs = tu.findall("tuv")
        if srclang and srclang != "*all*":  # a one-sided <tu> (1-0, 0-1) has only the side it has
            src_tuv = next((t for t in tuvs if t.get(XML_LANG) == srclang), None)
        else:
            src_tuv = tuvs[0] if tuvs else None
        tgt_tuv = next((t for t in tuvs if t is not src_tuv), None)

        def text_of(tuv):
            seg = tuv.find("seg") if tuv is not None else None
            return seg_text(seg) if seg is not None else ""

        def one(kind: str, default: str = "") -> str:
            return props.get(kind, [default])[0]

        flags = []
        for value in props.get("x-flag", []):
            code, _, reason = value.partition(": ")
            flags.append({"code": code, "reason": reason})
        note = tu.find("note")
        pairs.append(
            Pair(
                id=tu.get("tuid") or str(n),
                article=one("x-article"),
                kind=one("x-kind", "paragraph"),
                heading_path=[h for h in one("x-heading-path").split(" > ") if h],
                src=text_of(src_tuv),
                tgt=text_of(tgt_tuv),
                src_lines=_span(one("x-src-lines")),
                tgt_lines=_span(one("x-tgt-lines")),
                type=one("x-type", "1-1"),
                score=float(one("x-score", "1") or 1),
                flags=flags,
                unit_ids=one("x-unit-ids").split(),
                target_unit_ids=one("x-target-unit-ids").split(),
                status=one("x-status", "pending"),
                note=(note.text or "") if note is not None else "",
                src_lang=src_tuv.get(XML_LANG) if src_tuv is not None else None,
                tgt_lang=tgt_tuv.get(XML_LANG) if tgt_tuv is not None else None,
            )
        )
    return pairs


# ---------------------------------------------------------------- translation memory entries
#
# ``bitext memory import`` / ``export``: TMX 1.4b as CAT tools write it. Inline
# elements become the tags of a ``Segment`` (bpt/ept an opening and closing tag
# paired by ``i``, ph/it/ut a placeholder; hi is transparent); a segment with no
# inline element is read as markdown, so markup kept as text (translate-toolkit,
# a bitext TMX opened in a plain editor) and OmegaT's own tags in its project
# memory (``<b0>``...``</b0>``, ``<x1/>``) become tags too.

_INLINE = {"bpt", "ept", "it", "ph", "ut", "hi"}


@dataclass
class TmxMemory:
    """What a TMX file gave: entries, and the units left out with why."""

    entries: list = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    tool: str = ""


def _tmx_date(value: str | None) -> str:
    if not value:
        return ""
    try:
        return dt.datetime.strptime(value, _TMX_DATE).replace(tzinfo=dt.timezone.utc).isoformat(timespec="seconds")
    except ValueError:
        return ""


def _to_tmx_date(value: str) -> str | None:
    try:
        return dt.datetime.fromisoformat(value).astimezone(dt.timezone.utc).strftime(_TMX_DATE)
    except (TypeError, ValueError):
        return None


def seg_segment(seg: etree._Element):
    """A ``<seg>`` as a tagged segment (see above)."""
    from ..mt.segments import CLOSE, OPEN, POINT, Segment, Tag, markup_segment

    if not any(isinstance(el.tag, str) and el.tag in _INLINE for el in seg.iter()):
        return markup_segment(seg_text(seg))
    pieces: list = []
    points = 0

    def walk(el: etree._Element) -> None:
        nonlocal points
        if el.text and el.tag in ("seg", "hi"):
            pieces.append(el.text)
        for child in el:
            if not isinstance(child.tag, str):  # a comment or processing instruction
                pass
            elif child.tag == "hi":
                walk(child)
            elif child.tag in ("bpt", "ept"):
                role = OPEN if child.tag == "bpt" else CLOSE
                pieces.append(Tag(role, f"i{child.get('i', '')}", "".join(child.itertext()), child.get("type", "")))
            elif child.tag in ("ph", "it", "ut"):
                points += 1
                ref = f"x{child.get('x')}" if child.get("x") else f"p{points}"
                pieces.append(Tag(POINT, ref, "".join(child.itertext()), child.get("type", "")))
            else:  # an element TMX does not define inside <seg>: its text is text
                pieces.append("".join(child.itertext()))
            if child.tail:
                pieces.append(child.tail)

    walk(seg)
    return Segment.build(pieces)


def _fill_seg_pieces(seg: etree._Element, segment, numbers: dict[str, int]) -> None:
    """Write a segment's pieces into ``<seg>``: bpt/ept for pairs, ph for placeholders, it for a lone half.

    ``numbers`` maps refs to the ``i``/``x`` numbers; the source side fills it,
    so a target tag carries the number of the source tag it stands for.
    """
    from ..mt.segments import CLOSE, OPEN, Tag

    tags = segment.tags
    opens = {t.ref for t in tags if t.role == OPEN}
    closes = {t.ref for t in tags if t.role == CLOSE}
    last = None
    for piece in segment.pieces:
        if not isinstance(piece, Tag):
            text = _clean(piece)
            if last is None:
                seg.text = (seg.text or "") + text
            else:
                last.tail = (last.tail or "") + text
            continue
        n = numbers.setdefault(piece.ref, len(numbers) + 1)
        if piece.role == OPEN and piece.ref in closes:
            el = etree.SubElement(seg, "bpt", i=str(n), x=str(n))
        elif piece.role == CLOSE and piece.ref in opens:
            el = etree.SubElement(seg, "ept", i=str(n))
        elif piece.role in (OPEN, CLOSE):
            el = etree.SubElement(seg, "it", pos="begin" if piece.role == OPEN else "end", x=str(n))
        else:
            el = etree.SubElement(seg, "ph", x=str(n))
        if piece.kind and el.tag != "ept":
            el.set("type", _tmx_type("ph" if el.tag == "ph" else "bpt", piece.kind))
        el.text = _clean(piece.raw)
        last = el


def read_memory_tmx(path: Path) -> TmxMemory:
    """The entries of a TMX 1.4b file, as editors' translations (origin ``imported`` unless the file says ``human``).

    The source side is the header's ``srclang`` (any tuv when it is ``*all*``);
    each other ``<tuv>`` of a ``<tu>`` gives one entry. Read incrementally, so
    a large project memory does not need to fit in memory as a tree.
    """
    from ..mt.memory import MemoryEntry, language
    from ..mt.segments import link

    out = TmxMemory()
    srclang = ""
    saw_root = False
    try:
        for _event, el in etree.iterparse(str(path), events=("end",), tag=("header", "tu", "tmx"),
                                          resolve_entities=False, no_network=True, huge_tree=True):
            if el.tag == "tmx":
                saw_root = True
                continue
            if el.tag == "header":
                srclang = language(el.get("srclang")) if el.get("srclang") != "*all*" else ""
                out.tool = " ".join(filter(None, (el.get("creationtool"), el.get("creationtoolversion"))))
                continue
            _read_tu(el, srclang, out, MemoryEntry, language, link)
            el.clear(keep_tail=False)
    except OSError:
        raise BitextError("cannot read the TMX file", path=str(path)) from None
    except etree.XMLSyntaxError as exc:
        raise BitextError(f"not valid XML: {exc.msg}", path=str(path), line=exc.lineno) from None
    if not saw_root:
        raise BitextError("not a TMX file (no <tmx> root element)", path=str(path))
    return out


def _read_tu(tu: etree._Element, srclang: str, out: TmxMemory, MemoryEntry, language, link) -> None:
    tuid = tu.get("tuid") or ""
    label = f"tu {tuid!r}" if tuid else f"tu #{len(out.entries) + len(out.skipped) + 1}"
    props: dict[str, str] = {}
    for prop in tu.findall("prop"):
        props.setdefault(prop.get("type", ""), prop.text or "")
    notes = [n.text or "" for n in tu.findall("note")]
    tuvs = [t for t in tu.findall("tuv") if t.find("seg") is not None]
    langs = [language(t.get(XML_LANG) or t.get("lang")) for t in tuvs]
    if tu.get("srclang") and tu.get("srclang") != "*all*":
        srclang = language(tu.get("srclang"))
    source_at = langs.index(srclang) if srclang in langs else (0 if tuvs and not srclang else None)
    if source_at is None or len(tuvs) < 2:
        out.skipped.append(f"{label}: no {srclang or 'source'} side and a translation")
        return
    source = seg_segment(tuvs[source_at].find("seg"))
    if not source.text.strip():
        out.skipped.append(f"{label}: the source has no text")
        return
    origin = props.get("x-origin") if props.get("x-origin") in ("human", "imported") else "imported"
    context = {k: v for k, v in (("tuid", tuid), ("article", props.get("x-article")), ("unit", props.get("x-unit-id")),
                                  ("pair", props.get("x-pair"))) if v}
    for n, tuv in enumerate(tuvs):
        if n == source_at:
            continue
        target = seg_segment(tuv.find("seg"))
        if not target.text.strip():
            out.skipped.append(f"{label}: the {langs[n] or '?'} translation is empty")
            continue
        out.entries.append(MemoryEntry(
            src_lang=langs[source_at], tgt_lang=langs[n], source=source, target=link(source, target), origin=origin,
            note="\n".join(notes).strip(), context=context,
            author=tuv.get("changeid") or tu.get("changeid") or tuv.get("creationid") or tu.get("creationid") or "",
            created=_tmx_date(tuv.get("creationdate") or tu.get("creationdate")),
            updated=_tmx_date(tuv.get("changedate") or tu.get("changedate")),
        ))


def write_memory_tmx(path: Path, entries: list) -> None:
    """Write memory entries as TMX 1.4b (atomically): one ``<tu>`` per entry, origin and context as ``<prop>``."""
    import hashlib

    langs = {e.src_lang for e in entries}
    root, body = _tmx_tree("paragraph", "bitext-memory", langs.pop() if len(langs) == 1 else "*all*")
    for e in entries:
        tuid = e.context.get("tuid") or hashlib.sha1(f"{e.src_lang}|{e.tgt_lang}|{e.source.key}".encode()).hexdigest()[:16]
        tu = _add_tu(body, _clean(str(tuid)))
        for attr, value in (("creationdate", _to_tmx_date(e.created)), ("changedate", _to_tmx_date(e.updated)),
                            ("creationid", e.author or None)):
            if value:
                tu.set(attr, _clean(value))
        if e.note:
            note = etree.SubElement(tu, "note")
            note.text = _clean(e.note)
            note.tail = "\n   "
        _prop(tu, "x-origin", e.origin)
        for key, prop in (("article", "x-article"), ("unit", "x-unit-id"), ("pair", "x-pair")):
            if e.context.get(key):
                _prop(tu, prop, str(e.context[key]))
        numbers: dict[str, int] = {}
        for lang, segment in ((e.src_lang, e.source), (e.tgt_lang, e.target)):
            _fill_seg_pieces(_add_seg(tu, lang), segment, numbers)
    _save_tmx(path, root, body)

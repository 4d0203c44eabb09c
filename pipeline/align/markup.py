"""The blocks of an article that hold no prose: code fences, lines of shortcodes, HTML, comments,
link reference definitions, rules.

They stay in the skeleton (nothing in them is translated), yet a person
comparing two versions pairs them too: an identical code block is the
strongest evidence there is that the paragraphs around it correspond, and
a code block changed on one side is still its counterpart. So the
two-version aligner puts them in its sequences, each with its kind, its
raw text, its line span and anchors that say what it is (the whole block's
text, its identifiers, its shortcode names and parameters, its URLs).

A *markup block* is a run of skeleton lines that no text unit touches:
consecutive lines of one kind, a code fence or an HTML comment as a whole
(blank lines inside included). Lines of a unit (a list marker before an
item, a shortcode opening a paragraph) belong to that unit's block.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from ..document import Document
from ..markdown.render import fill_skeleton

CODE, SHORTCODE, HTML, COMMENT, LINKDEF, RULE, TABLE, OTHER = (
    "code", "shortcode", "html", "comment", "linkdef", "rule", "table_row", "other")
MARKUP_KINDS = (CODE, SHORTCODE, HTML, COMMENT, LINKDEF, RULE, TABLE, OTHER)
_ONE_LINE_KINDS = (TABLE, OTHER, RULE)  # never grouped with the next line

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})(.*)$")
_SHORTCODE_LINE = re.compile(r"^\s*(?:\{\{[<%].*?[%>]\}\}\s*)+$")
_SC_OPEN = re.compile(r"\{\{[<%]")
_SC_CLOSE = re.compile(r"[%>]\}\}")
_SC_NAME = re.compile(r"\{\{[<%]\s*(/?)\s*([\w./-]+)")
_SC_PARAM = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+?))(?=\s|[%>]\}\})|\s("[^"]*"|[^\s"=%>]+)""")
_HTML_LINE = re.compile(r"^\s*</?[A-Za-z][\w-]*(?:\s|>|/>|$)")
_HTML_TAG = re.compile(r"<(/?)([A-Za-z][\w-]*)")
_ATTR = re.compile(r"""([\w:-]+)\s*=\s*["']([^"']*)["']""")
_LINKDEF = re.compile(r"^ {0,3}\[([^\]]+)\]:\s*(\S*)")
_RULE = re.compile(r"^ {0,3}(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,})$")
_ATTRIBUTES = re.compile(r"^\s*\{\s*[.#][^{}]*\}\s*$")
_IDENT = re.compile(r"[A-Za-z_][\w.$-]{2,}|\d+(?:\.\d+)+")
_URL = re.compile(r"https?://[^\s\"'<>)]+")


@dataclass
class MarkupBlock:
    kind: str
    first: int  # 1-based, inclusive
    last: int
    text: str


def source_lines(doc: Document) -> tuple[list[str], set[int]]:
    """The article's lines (the skeleton filled with its units, i.e. the source) and the lines
    its text units touch."""
    lines = fill_skeleton(doc).split("\n")
    touched: set[int] = set()
    for u in doc.units:
        if u.line:
            touched.update(range(u.line, max(u.end_line, u.line) + 1))
    return lines, touched


def _front_matter_end(lines: list[str]) -> int:
    """Number of lines the front matter takes (0 without one)."""
    if not lines or lines[0].strip() not in ("---", "+++"):
        return 0
    fence = lines[0].strip()
    for k in range(1, len(lines)):
        if lines[k].strip() == fence:
            return k + 1
    return 0


def _line_kind(line: str, in_tag: bool) -> str | None:
    stripped = line.strip()
    if not stripped or stripped == ">" or _ATTRIBUTES.match(line):
        return None
    if in_tag or _SHORTCODE_LINE.match(line) or (stripped.startswith(("{{<", "{{%")) and _tag_left_open(line, False)):
        return SHORTCODE  # shortcodes only, or the start of a tag that goes on over the next lines
    if _LINKDEF.match(line):
        return LINKDEF
    if _RULE.match(line):
        return RULE
    if _HTML_LINE.match(line):
        return HTML
    if re.match(r"^\s*\|?\s*:?-{2,}", stripped) and set(stripped) <= set("|:- "):
        return None  # a table's delimiter row belongs to the table
    if stripped.startswith("|"):
        return TABLE  # a row whose cells hold no prose (code, numbers, shortcodes)
    if not re.search(r"\w", stripped):
        return None  # a lone list marker or quote sign
    if line.startswith(("    ", "\t")):
        return CODE  # an indented code block (no text unit touches it)
    return OTHER


def markup_blocks(doc: Document) -> list[MarkupBlock]:
    """Every run of skeleton lines no text unit touches, as blocks in document order."""
    lines, touched = source_lines(doc)
    start = _front_matter_end(lines)
    out: list[MarkupBlock] = []
    k = start
    open_tag = False
    while k < len(lines):
        number = k + 1
        line = lines[k]
        if number in touched:
            open_tag = _tag_left_open(line, open_tag)
            k += 1
            continue
        fence = _FENCE.match(line)
        if fence:
            end = _closing_fence(lines, k, fence.group(1), touched)
            out.append(MarkupBlock(CODE, number, end + 1, "\n".join(lines[k : end + 1])))
            k = end + 1
            continue
        if line.lstrip().startswith(("<!--", "<?")):
            closer = "-->" if line.lstrip().startswith("<!--") else "?>"
            end = k
            while closer not in lines[end] and end + 1 < len(lines) and end + 2 not in touched:
                end += 1
            out.append(MarkupBlock(COMMENT, number, end + 1, "\n".join(lines[k : end + 1])))
            k = end + 1
            continue
        kind = _line_kind(line, open_tag)
        open_tag = _tag_left_open(line, open_tag)
        if kind is None:
            k += 1
            continue
        end = k
        while kind not in _ONE_LINE_KINDS and end + 1 < len(lines) and end + 2 not in touched:
            nxt = lines[end + 1]
            if _FENCE.match(nxt) or nxt.lstrip().startswith(("<!--", "<?")):
                break
            nkind = _line_kind(nxt, open_tag)
            if nkind != kind and not (kind == LINKDEF and nxt.startswith((" ", "\t")) and nxt.strip()):
                break
            open_tag = _tag_left_open(nxt, open_tag)
            end += 1
        out.append(MarkupBlock(kind, number, end + 1, "\n".join(lines[k : end + 1])))
        k = end + 1
    return out


def _tag_left_open(line: str, was_open: bool) -> bool:
    """Whether a shortcode tag is still open at the end of this line (``{{< figure`` ... ``>}}``)."""
    state = was_open
    for m in re.finditer(r"\{\{[<%]|[%>]\}\}", line):
        state = m.group(0).startswith("{{")
    return state


def _closing_fence(lines: list[str], k: int, opener: str, touched: set[int]) -> int:
    char, size = opener[0], len(opener)
    for j in range(k + 1, len(lines)):
        m = _FENCE.match(lines[j])
        if m and m.group(1)[0] == char and len(m.group(1)) >= size and not m.group(2).strip():
            return j
        if j + 1 in touched:
            return j - 1 if j - 1 > k else k
    return len(lines) - 1


def normalized(text: str) -> str:
    """The block's text with indentation and runs of spaces made uniform: a code block indented
    under a list item in one version and not in the other is the same code."""
    return "\n".join(" ".join(line.split()) for line in text.strip("\n").split("\n") if line.strip())


def markup_anchors(block: MarkupBlock) -> dict[str, float]:
    """What a markup block is, as anchors the aligner weighs like those of prose: the whole block
    (identical blocks: the strongest anchor), and the pieces that survive an edit (identifiers and
    numbers of code, shortcode names and parameters, tag names, URLs, link labels)."""
    body = normalized(block.text)
    feats: dict[str, float] = {"X:" + hashlib.sha1(body.encode("utf-8")).hexdigest()[:16]: 8.0}
    if block.kind == CODE:
        first = block.text.lstrip().split("\n", 1)[0]
        m = _FENCE.match(first)
        feats["F:" + (m.group(2).strip() if m else "")] = 1.0
        for tok in set(_IDENT.findall(body)):
            feats["I:" + tok] = 0.6
    elif block.kind == SHORTCODE:
        for m in _SC_NAME.finditer(body):
            feats["H:" + m.group(1) + m.group(2)] = 1.5
        for tag in re.findall(r"\{\{[<%].*?[%>]\}\}", body, re.S):
            for p in _SC_PARAM.finditer(tag[3:-3]):
                key, value = p.group(1), next((g for g in p.group(2, 3, 4, 5) if g is not None), "")
                feats["Q:" + (key or "") + "=" + value.strip("\"'")] = 1.0
    elif block.kind == HTML:
        for slash, tag in _HTML_TAG.findall(body):
            feats["H:<" + slash + tag.lower()] = 1.0
        for name, value in _ATTR.findall(body):
            feats["Q:" + name.lower() + "=" + value] = 0.8
    elif block.kind == TABLE:
        for cell in body.strip("|").split("|"):
            if cell.strip():
                feats["C:" + cell.strip()] = 1.0
    elif block.kind == LINKDEF:
        for line in body.split("\n"):
            m = _LINKDEF.match(line)
            if m:
                feats["L:" + m.group(1).lower()] = 0.5
    for url in _URL.findall(body):
        feats["U:" + url.rstrip("/.,").lower()] = 2.0
    if block.kind in (COMMENT, OTHER):
        for tok in set(re.findall(r"\w{3,}", body.lower())):
            feats["W:" + tok] = 0.5
    return feats


def same_markup(a: str, b: str) -> bool:
    return normalized(a) == normalized(b)


__all__ = ["MarkupBlock", "markup_blocks", "markup_anchors", "same_markup", "normalized", "MARKUP_KINDS", "source_lines"]

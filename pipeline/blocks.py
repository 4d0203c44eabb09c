"""Block structure of a Hugo markdown body: where the translatable runs are.

A line-based reader of CommonMark + GFM blocks (headings, paragraphs, lists,
blockquotes, tables, fenced and indented code, HTML blocks, thematic breaks,
link reference definitions) that also knows Hugo shortcodes: a line holding
only shortcode tags is skeleton, and the body of a paired shortcode is read as
markdown, except for shortcodes whose body is code (``highlight``...).

It does not build an AST. It reports *regions*: the spans of the source that
hold text to translate, one region per future text unit, each with the
per-line spans of its content (container prefixes such as ``> `` or list
indentation are between them). Everything outside the regions is skeleton.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .inline import normalize_label
from .shortcodes import ShortcodeTag

_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})(.*)$")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?=[ \t]|$)[ \t]*")
_ATX_CLOSE = re.compile(r"(?:[ \t]+#+)?[ \t]*(?:\{[#.][^}]*\})?[ \t]*$")
_THEMATIC = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_QUOTE = re.compile(r"^ {0,3}> ?")
_LIST = re.compile(r"^( {0,3})([-+*]|\d{1,9}[.)])([ \t]+|$)")
_TASK = re.compile(r"^\[[ xX]\][ \t]+")
_REFDEF = re.compile(r"^ {0,3}\[(?!\^)((?:[^\]\\]|\\.){1,999})\]:[ \t]*\S")
_FOOTDEF = re.compile(r"^ {0,3}\[\^[^\]\s]+\]:[ \t]*")
_ATTR_LINE = re.compile(r"^ {0,3}\{[.#:][^}]*\}[ \t]*$")
_TABLE_DELIM = re.compile(r"^ {0,3}\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_HTML1 = re.compile(r"^ {0,3}<(script|pre|style|textarea)(?:[\s>]|$)", re.I)
_HTML2345 = re.compile(r"^ {0,3}(<!--|<\?|<![A-Za-z]|<!\[CDATA\[)")
_HTML_END = {"<!--": "-->", "<?": "?>", "<![CDATA[": "]]>"}
_BLOCK_TAGS = (
    "address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|details|dialog|dir|div|dl|dt|"
    "fieldset|figcaption|figure|footer|form|frame|frameset|h1|h2|h3|h4|h5|h6|head|header|hr|html|iframe|legend|li|"
    "link|main|menu|menuitem|nav|noframes|ol|optgroup|option|p|param|search|section|summary|table|tbody|td|tfoot|th|"
    "thead|title|tr|track|ul"
)
_HTML6 = re.compile(r"^ {0,3}</?(" + _BLOCK_TAGS + r")(?:[\s/>]|$)", re.I)
_HTML7 = re.compile(
    r"^ {0,3}(?:<[A-Za-z][A-Za-z0-9-]*(?:\s+[a-zA-Z_:][a-zA-Z0-9_.:-]*(?:\s*=\s*(?:[^\"'=<>`\s]+|'[^']*'|\"[^\"]*\"))?)*\s*/?>|</[A-Za-z][A-Za-z0-9-]*\s*>)[ \t]*$"
)
_BLOCK_TAG_SPLIT = re.compile(r"</?(?:" + _BLOCK_TAGS + r"|br)\b[^>]*>|<!--.*?-->", re.I | re.S)


@dataclass
class Region:
    """A translatable run: per-line content spans (absolute offsets) of one unit."""

    kind: str
    segments: list[tuple[int, int]]
    context: dict = field(default_factory=dict)
    markdown: bool = True


@dataclass
class _Ctx:
    text: str
    starts: list[int]  # absolute offset of each line start
    lines: list[str]
    tags: list[ShortcodeTag]
    tag_at: dict[int, ShortcodeTag]
    code_shortcodes: set[str]
    paired_starts: set[int]
    closing_of: dict[int, ShortcodeTag]
    regions: list[Region] = field(default_factory=list)
    headings: list[tuple[int, str]] = field(default_factory=list)
    refs: set[str] = field(default_factory=set)
    prose_params: dict[str, set] = field(default_factory=dict)
    containers: list[str] = field(default_factory=list)


def _line_span(ctx: _Ctx, i: int) -> tuple[int, int]:
    return ctx.starts[i], ctx.starts[i] + len(ctx.lines[i])


def _content(ctx: _Ctx, item: tuple[int, int]) -> str:
    i, col = item
    return ctx.lines[i][col:]


def parse_body(
    text: str,
    offset: int,
    tags: list[ShortcodeTag],
    paired: set[int],
    code_shortcodes: set[str],
    prose_params: dict[str, set],
) -> tuple[list[Region], set[str]]:
    """Regions of the body ``text[offset:]`` and the link reference labels defined in it."""
    lines = text[offset:].split("\n")
    starts = []
    pos = offset
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
    closing_of = _match_closings(tags, paired)
    ctx = _Ctx(text, starts, lines, tags, {t.start: t for t in tags}, code_shortcodes, paired, closing_of)
    ctx.prose_params = prose_params
    ctx.refs = {normalize_label(m.group(1)) for line in lines if (m := _REFDEF.match(line))}
    _parse(ctx, [(i, 0) for i in range(len(lines))])
    return ctx.regions, ctx.refs


def _match_closings(tags: list[ShortcodeTag], paired: set[int]) -> dict[int, ShortcodeTag]:
    """Opening tag start -> its closing tag."""
    out: dict[int, ShortcodeTag] = {}
    stack: list[ShortcodeTag] = []
    for t in tags:
        if t.escaped or t.self_closing:
            continue
        if not t.closing:
            if t.start in paired:
                stack.append(t)
        elif stack:
            while stack and stack[-1].name != t.name:
                stack.pop()
            if stack:
                out[stack.pop().start] = t
    return out


# ---------------------------------------------------------------- shortcodes


def _tags_covering_line(ctx: _Ctx, i: int, col: int) -> list[ShortcodeTag] | None:
    """The tags that make up the whole (stripped) line, or None if the line has other text."""
    start, end = _line_span(ctx, i)
    pos = start + col
    found = []
    text = ctx.text
    while True:
        while pos < end and text[pos] in " \t":
            pos += 1
        if pos >= end:
            return found or None
        tag = ctx.tag_at.get(pos)
        if tag is None:
            return None
        found.append(tag)
        pos = tag.end
        if pos > end:  # a tag spanning lines: the rest of its last line must be blank
            last_end = text.find("\n", pos)
            last_end = len(text) if last_end < 0 else last_end
            if text[pos:last_end].strip():
                return None
            return found


def _shortcode_line(ctx: _Ctx, items: list[tuple[int, int]], k: int) -> int | None:
    """If line k is made of shortcode tags only: record their prose params, return the next index."""
    i, col = items[k]
    tags = _tags_covering_line(ctx, i, col)
    if not tags:
        return None
    for tag in tags:
        _param_regions(ctx, tag)
    last = tags[-1]
    nxt = k + 1
    while nxt < len(items) and ctx.starts[items[nxt][0]] < last.end:
        nxt += 1
    opener = tags[-1]
    if not opener.closing and opener.name in ctx.code_shortcodes and opener.start in ctx.closing_of:
        close = ctx.closing_of[opener.start]
        while nxt < len(items) and ctx.starts[items[nxt][0]] + len(ctx.lines[items[nxt][0]]) < close.end:
            nxt += 1
        nxt += 1
    return nxt


def _param_regions(ctx: _Ctx, tag: ShortcodeTag) -> None:
    prose = ctx.prose_params
    wanted = prose.get(tag.name, set()) | prose.get("*", set())
    for p in tag.params:
        if (p.name in wanted or p.position in wanted) and p.value.strip() and p.quote:
            ctx.regions.append(
                Region(
                    "shortcode_param",
                    [(p.value_start, p.value_end)],
                    {"shortcode": tag.name, "param": p.name if p.name else p.position, "quote": p.quote, "heading_path": _path(ctx)},
                )
            )


def _path(ctx: _Ctx) -> list[str]:
    return [t for _, t in ctx.headings]


# ---------------------------------------------------------------- block loop


def _parse(ctx: _Ctx, items: list[tuple[int, int]]) -> None:
    k = 0
    while k < len(items):
        k = _block(ctx, items, k)


def _block(ctx: _Ctx, items: list[tuple[int, int]], k: int) -> int:
    c = _content(ctx, items[k])
    if not c.strip():
        return k + 1
    for handler in (_fenced, _indented_code, _shortcode_line, _atx, _thematic, _html_block, _blockquote, _list, _table, _refdef, _attr_line):
        nxt = handler(ctx, items, k)
        if nxt is not None:
            return nxt
    return _paragraph(ctx, items, k)


def _fenced(ctx, items, k):
    m = _FENCE.match(_content(ctx, items[k]))
    if not m or (m.group(2)[0] == "`" and "`" in m.group(3)):
        return None
    fence = m.group(2)
    close = re.compile(r"^ {0,3}" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}[ \t]*$")
    j = k + 1
    while j < len(items):
        if close.match(_content(ctx, items[j])):
            return j + 1
        j += 1
    return j


def _indented_code(ctx, items, k):
    c = _content(ctx, items[k])
    if not (c.startswith("    ") or c.startswith("\t")):
        return None
    j = k + 1
    while j < len(items):
        cj = _content(ctx, items[j])
        if cj.strip() and not (cj.startswith("    ") or cj.startswith("\t")):
            break
        j += 1
    return j


def _atx(ctx, items, k):
    i, col = items[k]
    c = _content(ctx, items[k])
    m = _ATX.match(c)
    if not m:
        return None
    line_start = ctx.starts[i] + col
    body = c[m.end() :]
    close = _ATX_CLOSE.search(body)
    body_end = m.end() + (close.start() if close else len(body))
    level = len(m.group(1))
    title = c[m.end() : body_end]
    if title.strip():
        ctx.headings = [h for h in ctx.headings if h[0] < level] + [(level, title.strip())]
        ctx.regions.append(
            Region("heading", [(line_start + m.end(), line_start + body_end)], {"level": level, "heading_path": _path(ctx)[:-1]})
        )
    return k + 1


def _thematic(ctx, items, k):
    return k + 1 if _THEMATIC.match(_content(ctx, items[k])) else None


def _attr_line(ctx, items, k):
    return k + 1 if _ATTR_LINE.match(_content(ctx, items[k])) else None


def _refdef(ctx, items, k):
    c = _content(ctx, items[k])
    if _REFDEF.match(c):
        return k + 1
    m = _FOOTDEF.match(c)
    if m:
        i, col = items[k]
        return _paragraph(ctx, items, k, first_col=col + m.end(), kind="footnote")
    return None


def _html_block(ctx, items, k):
    c = _content(ctx, items[k])
    m1 = _HTML1.match(c)
    if m1:
        end = re.compile(r"</" + m1.group(1) + r">", re.I)
        return _until(ctx, items, k, lambda line: bool(end.search(line)))
    m2 = _HTML2345.match(c)
    if m2:
        closer = _HTML_END.get(m2.group(1), ">")
        return _until(ctx, items, k, lambda line: closer in line, first_from=c.index(m2.group(1)) + len(m2.group(1)))
    if not (_HTML6.match(c) or _HTML7.match(c)):
        return None
    j = k
    while j < len(items) and _content(ctx, items[j]).strip():
        j += 1
    _html_text_regions(ctx, items[k:j])
    return j


def _until(ctx, items, k, ends, first_from=0):
    j = k
    while j < len(items):
        text = _content(ctx, items[j])
        if ends(text[first_from:] if j == k else text):
            return j + 1
        j += 1
    return j


def _html_text_regions(ctx: _Ctx, items: list[tuple[int, int]]) -> None:
    """Text between block-level tags of an HTML block becomes units; inline tags are codes."""
    if not items:
        return
    start = ctx.starts[items[0][0]] + items[0][1]
    last = items[-1][0]
    end = ctx.starts[last] + len(ctx.lines[last])
    chunk = ctx.text[start:end]
    cut = 0
    for m in list(_BLOCK_TAG_SPLIT.finditer(chunk)) + [None]:
        piece_end = m.start() if m else len(chunk)
        _html_run(ctx, start + cut, start + piece_end)
        if m:
            cut = m.end()


def _html_run(ctx: _Ctx, a: int, b: int) -> None:
    text = ctx.text
    if not re.search(r"\w", re.sub(r"<[^>]*>", "", text[a:b])):
        return
    segments = []
    pos = a
    while pos < b:
        nl = text.find("\n", pos, b)
        seg_end = b if nl < 0 else nl
        s, e = pos, seg_end
        while s < e and text[s] in " \t":
            s += 1
        if s < e:
            segments.append((s, e))
        pos = seg_end + 1
    if segments:
        s, e = segments[-1]
        while e > s and text[e - 1] in " \t":
            e -= 1
        segments[-1] = (s, e)
        ctx.regions.append(Region("html", segments, {"heading_path": _path(ctx)}, markdown=False))


def _blockquote(ctx, items, k):
    if not _QUOTE.match(_content(ctx, items[k])):
        return None
    inner = []
    j = k
    lazy_ok = False
    while j < len(items):
        i, col = items[j]
        c = _content(ctx, items[j])
        m = _QUOTE.match(c)
        if m:
            inner.append((i, col + m.end()))
            lazy_ok = bool(c[m.end() :].strip())
        elif lazy_ok and c.strip() and not _interrupts(ctx, items, j):
            inner.append((i, col + len(c) - len(c.lstrip())))
        else:
            break
        j += 1
    ctx.containers.append("blockquote")
    _parse(ctx, inner)
    ctx.containers.pop()
    return j


def _list(ctx, items, k):
    c = _content(ctx, items[k])
    m = _LIST.match(c)
    if not m or _THEMATIC.match(c):
        return None
    i, col = items[k]
    spaces = m.group(3)
    if not c[m.end() :].strip():
        content_col = col + m.end(2) + 1
    elif len(spaces) > 4:
        content_col = col + m.end(2) + 1
    else:
        content_col = col + m.end()
    indent_needed = content_col - col
    inner = [(i, content_col if len(ctx.lines[i]) >= content_col else len(ctx.lines[i]))]
    j = k + 1
    last_text = bool(c[m.end() :].strip())
    while j < len(items):
        ij, colj = items[j]
        cj = _content(ctx, items[j])
        if not cj.strip():
            inner.append((ij, min(len(ctx.lines[ij]), colj + indent_needed)))
            last_text = False
            j += 1
            continue
        indent = len(cj) - len(cj.lstrip(" "))
        if indent >= indent_needed:
            inner.append((ij, colj + indent_needed))
            last_text = True
        elif last_text and not _interrupts(ctx, items, j) and not _LIST.match(cj):
            inner.append((ij, colj + indent))
        else:
            break
        j += 1
    while len(inner) > 1 and not _content(ctx, inner[-1]).strip():
        inner.pop()
        j -= 1
    first_i, first_col = inner[0]
    rest = ctx.lines[first_i][first_col:]
    tm = _TASK.match(rest)
    if tm:
        inner[0] = (first_i, first_col + tm.end())
    ctx.containers.append("list_item")
    _parse(ctx, inner)
    ctx.containers.pop()
    # give back trailing blank lines to the caller
    return j


def _split_cells(row: str) -> list[tuple[int, int]]:
    """Cell spans of a table row: pipes inside code spans, escapes and shortcodes don't split."""
    spans = []
    i, start, n = 0, 0, len(row)
    while i < n:
        ch = row[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "`":
            run = re.match(r"`+", row[i:]).group(0)
            close = row.find(run, i + len(run))
            i = close + len(run) if close > 0 else i + len(run)
            continue
        if row.startswith("{{", i):
            close = row.find("}}", i)
            i = close + 2 if close > 0 else i + 2
            continue
        if ch == "|":
            spans.append((start, i))
            start = i + 1
        i += 1
    spans.append((start, n))
    if spans and not row[spans[0][0] : spans[0][1]].strip() and row.lstrip().startswith("|"):
        spans = spans[1:]
    if spans and not row[spans[-1][0] : spans[-1][1]].strip() and row.rstrip().endswith("|"):
        spans = spans[:-1]
    return spans


def _table(ctx, items, k):
    if k + 1 >= len(items):
        return None
    head = _content(ctx, items[k])
    delim = _content(ctx, items[k + 1])
    if "|" not in head or not _TABLE_DELIM.match(delim) or "-" not in delim:
        return None
    if len(_split_cells(head)) != len(_split_cells(delim)):
        return None
    j = k
    row_no = 0
    while j < len(items):
        c = _content(ctx, items[j])
        if not c.strip() or (j > k + 1 and "|" not in c) or (j > k + 1 and _interrupts(ctx, items, j)):
            break
        if j != k + 1:
            i, col = items[j]
            base = ctx.starts[i] + col
            for n, (a, b) in enumerate(_split_cells(c)):
                cell = c[a:b]
                if cell.strip():
                    lead = len(cell) - len(cell.lstrip())
                    trail = len(cell) - len(cell.rstrip())
                    ctx.regions.append(
                        Region("table_cell", [(base + a + lead, base + b - trail)], {"row": row_no, "column": n, "header": j == k, "heading_path": _path(ctx)})
                    )
            row_no += 1
        j += 1
    return j


def _interrupts(ctx: _Ctx, items, j) -> bool:
    """Whether line j starts a block that ends a paragraph (CommonMark + shortcode lines)."""
    c = _content(ctx, items[j])
    if not c.strip():
        return True
    if _ATX.match(c) or _THEMATIC.match(c) or _QUOTE.match(c) or _HTML1.match(c) or _HTML2345.match(c) or _HTML6.match(c):
        return True
    fm = _FENCE.match(c)
    if fm and not (fm.group(2)[0] == "`" and "`" in fm.group(3)):
        return True
    lm = _LIST.match(c)
    if lm and c[lm.end() :].strip() and (lm.group(2)[0] in "-+*" or lm.group(2)[:-1] == "1"):
        return True
    i, col = items[j]
    return _tags_covering_line(ctx, i, col) is not None or _leading_block_tag(ctx, i, col) is not None


def _leading_block_tag(ctx: _Ctx, i: int, col: int) -> ShortcodeTag | None:
    """A shortcode at the start of a line that opens or closes a block (its partner is alone on a line)."""
    start, end = _line_span(ctx, i)
    pos = start + col
    while pos < end and ctx.text[pos] in " \t":
        pos += 1
    tag = ctx.tag_at.get(pos)
    if tag is None or tag.escaped or tag.self_closing:
        return None
    if tag.closing:
        return None
    close = ctx.closing_of.get(tag.start)
    if close is None:
        return None
    cl_line_start = ctx.text.rfind("\n", 0, close.start) + 1
    cl_line_end = ctx.text.find("\n", close.end)
    cl_line_end = len(ctx.text) if cl_line_end < 0 else cl_line_end
    alone = not ctx.text[cl_line_start : close.start].strip() and not ctx.text[close.end : cl_line_end].strip()
    return tag if alone and cl_line_start > start else None


def _paragraph(ctx: _Ctx, items, k, first_col: int | None = None, kind: str = "paragraph") -> int:
    i, col = items[k]
    lead = _leading_block_tag(ctx, i, col) if first_col is None else None
    if lead is not None:
        _param_regions(ctx, lead)
        first_col = lead.end - ctx.starts[i]
    j = k + 1
    while j < len(items):
        c = _content(ctx, items[j])
        if _SETEXT.match(c) and kind == "paragraph" and not _LIST.match(c):
            level = 1 if c.strip()[0] == "=" else 2
            _emit_paragraph(ctx, items[k:j], first_col, "heading", {"level": level, "setext": True})
            return j + 1
        if _interrupts(ctx, items, j):
            break
        j += 1
    _emit_paragraph(ctx, items[k:j], first_col, kind, {})
    return j


def _emit_paragraph(ctx: _Ctx, lines, first_col, kind, extra) -> None:
    text = ctx.text
    segments = []
    for n, (i, col) in enumerate(lines):
        s = ctx.starts[i] + (first_col if n == 0 and first_col is not None else col)
        e = ctx.starts[i] + len(ctx.lines[i])
        while s < e and text[s] in " \t":
            s += 1
        segments.append((s, e))
    s, e = segments[-1]
    while e > s and text[e - 1] in " \t":
        e -= 1
    # a closing shortcode tag that ends the paragraph belongs to the block around it
    openers = {close.start: opener for opener, close in ctx.closing_of.items()}
    for tag in ctx.tags:
        if tag.closing and tag.end == e and tag.start >= segments[0][0] and openers.get(tag.start, -1) < segments[0][0]:
            e = tag.start
            while e > s and text[e - 1] in " \t":
                e -= 1
    segments[-1] = (s, e)
    if all(a >= b for a, b in segments):
        return
    if kind == "heading":
        level = extra["level"]
        title = " ".join(text[a:b] for a, b in segments).strip()
        ctx.headings = [h for h in ctx.headings if h[0] < level] + [(level, title)]
        extra = dict(extra, heading_path=_path(ctx)[:-1])
    else:
        extra = dict(extra, heading_path=_path(ctx))
        if kind == "paragraph" and "list_item" in ctx.containers:
            kind = "list_item"
    if ctx.containers:
        extra["container"] = "/".join(ctx.containers)
    ctx.regions.append(Region(kind, segments, extra))

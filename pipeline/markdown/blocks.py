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

from .inline import normalize_label, scan_inline
from .shortcodes import ShortcodeTag

_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})(.*)$")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?=[ \t]|$)[ \t]*")
# heading attributes (goldmark): {#id}, {.class}, {#id .class key="value"}
_ATTRS = r"\{[ \t]*(?:[#.][\w-]|[A-Za-z_][\w-]*[ \t]*=)[^{}\n]*\}"
_ATX_CLOSE = re.compile(r"(?:[ \t]+#+)?[ \t]*(?:" + _ATTRS + r")?[ \t]*$")
_THEMATIC = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_QUOTE = re.compile(r"^ {0,3}> ?")
_LIST = re.compile(r"^( {0,3})([-+*]|\d{1,9}[.)])([ \t]+|$)")
_TASK = re.compile(r"^\[[ xX]\][ \t]+")
_REFDEF = re.compile(r"^ {0,3}\[(?!\^)((?:[^\]\\]|\\.){1,999})\]:[ \t]*\S")
_REFDEF_OPEN = re.compile(r"^ {0,3}\[(?!\^)((?:[^\]\\]|\\.){1,999})\]:[ \t]*$")  # destination on the next line
_REFDEF_ANY = re.compile(r"^(?:[ \t>]|[-+*][ \t]|\d{1,9}[.)][ \t])*\[(?!\^)((?:[^\]\\]|\\.){1,999})\]:")
_REF_TITLE_LINE = re.compile(r"""^[ \t]*(?:"[^"]*"|'[^']*'|\([^()]*\))[ \t]*$""")
_FOOTDEF = re.compile(r"^ {0,3}\[\^[^\]\s]+\]:[ \t]*")
_ATTR_LINE = re.compile(r"^ {0,3}(?:\{:[^}]*\}|" + _ATTRS + r")[ \t]*$")
_MATH_FENCE = re.compile(r"^ {0,3}\$\$[ \t]*$")
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
    ctx.refs = {normalize_label(m.group(1)) for line in lines if (m := _REFDEF_ANY.match(line))}
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
        # positions (0-based) name positional parameters only: Hugo does not mix the two kinds
        if (p.name in wanted or (p.name is None and p.position in wanted)) and p.value.strip() and p.quote:
            ctx.regions.append(
                Region(
                    "shortcode_param",
                    [(p.value_start, p.value_end)],
                    {"shortcode": tag.name, "param": p.name if p.name else p.position, "quote": p.quote, "heading_path": _path(ctx)},
                )
            )


def _plain(title: str) -> str:
    """A heading as the reader sees it (the context of the units below it): no markup."""
    return " ".join(scan_inline(title)[0].split())


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
    for handler in (_fenced, _math, _indented_code, _shortcode_line, _atx, _thematic, _html_block, _blockquote, _list, _table, _refdef, _attr_line, _definition):
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


def _math(ctx, items, k):
    """Display math between ``$$`` lines (Hugo's passthrough extension) is never translated."""
    if not _MATH_FENCE.match(_content(ctx, items[k])):
        return None
    j = k + 1
    while j < len(items):
        if _MATH_FENCE.match(_content(ctx, items[j])):
            return j + 1
        if not _content(ctx, items[j]).strip():
            return None  # not math after all: CommonMark reads it as text
        j += 1
    return None


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
        ctx.headings = [h for h in ctx.headings if h[0] < level] + [(level, _plain(title))]
        ctx.regions.append(
            Region("heading", [(line_start + m.end(), line_start + body_end)], {"level": level, "heading_path": _path(ctx)[:-1]})
        )
    return k + 1


def _thematic(ctx, items, k):
    return k + 1 if _THEMATIC.match(_content(ctx, items[k])) else None


def _attr_line(ctx, items, k):
    return k + 1 if _ATTR_LINE.match(_content(ctx, items[k])) else None


_DEFINITION = re.compile(r"^ {0,3}:[ \t]+(?=\S)")


def _definition(ctx, items, k):
    """``: definition`` under a term (goldmark's definition lists, on in Hugo by default).

    The ``:`` must stay first on its line, so the definition is a unit of
    its own, after the marker; the term above it is a paragraph that ends there.
    """
    m = _DEFINITION.match(_content(ctx, items[k]))
    if not m:
        return None
    i, col = items[k]
    return _paragraph(ctx, items, k, first_col=col + m.end(), kind="definition")


def _refdef(ctx, items, k):
    """A link reference definition is skeleton; its destination or title may sit on the next line."""
    c = _content(ctx, items[k])
    nxt = None
    m = _REFDEF.match(c)
    if m:
        nxt = k + 1
        dest = c[c.index("]:", m.start(1)) + 2 :].strip()
    elif _REFDEF_OPEN.match(c) and k + 1 < len(items):
        dest = _content(ctx, items[k + 1]).strip()
        if dest and not _interrupts(ctx, items, k + 1):
            nxt = k + 2
    if nxt is not None:
        titled = len(dest.split()) > 1
        if not titled and nxt < len(items) and _REF_TITLE_LINE.match(_content(ctx, items[nxt])):
            nxt += 1
        return nxt
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
    j = k + 1
    # to a blank line (CommonMark), or to a line of shortcodes: what a shortcode wraps is
    # read apart from what follows it (Hugo renders the body on its own)
    while j < len(items) and _content(ctx, items[j]).strip() and _tags_covering_line(ctx, *items[j]) is None:
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
    """Text between block-level tags of an HTML block becomes units; inline tags are codes.

    The block is read line by line without its container prefixes (``> ``,
    list indentation): those stay in the skeleton between the unit's lines.
    """
    if not items:
        return
    spans = []
    for i, col in items:
        a = ctx.starts[i] + min(col, len(ctx.lines[i]))
        spans.append((a, ctx.starts[i] + len(ctx.lines[i])))
    virtual = "\n".join(ctx.text[a:b] for a, b in spans)
    offsets, pos = [], 0
    for a, b in spans:
        offsets.append(pos)
        pos += b - a + 1
    cut = 0
    for m in list(_BLOCK_TAG_SPLIT.finditer(virtual)) + [None]:
        piece_end = m.start() if m else len(virtual)
        if re.search(r"\w", re.sub(r"<[^>]*>", "", virtual[cut:piece_end])):
            _html_run(ctx, spans, offsets, cut, piece_end)
        if m:
            cut = m.end()


def _html_run(ctx: _Ctx, spans, offsets, va: int, vb: int) -> None:
    """One unit for the virtual range [va, vb) of an HTML block: one segment per line it covers."""
    text = ctx.text
    segments = []
    for (a, b), off in zip(spans, offsets):
        lo, hi = max(va, off), min(vb, off + (b - a))
        if lo > hi or (lo == hi and hi != vb):
            continue
        s, e = a + (lo - off), a + (hi - off)
        while s < e and text[s] in " \t":
            s += 1
        if s < e:
            segments.append((s, e))
    if segments:
        s, e = segments[-1]
        while e > s and text[e - 1] in " \t":
            e -= 1
        segments[-1] = (s, e)
        # scanned as markdown all the same: the text of an HTML block may well be
        # read as markdown (after a shortcode line, in a ``{{% %}}`` body), and
        # a code span or a link address there must not be translated either
        ctx.regions.append(Region("html", segments, {"heading_path": _path(ctx)}))


_SHORTCODES_ONLY = re.compile(r"^[ \t]*(?:\{\{[<%].*?[>%]\}\}[ \t]*)+$")
_MARKERS = re.compile(r"^(?: {0,3}(?:>|[-+*]|\d{1,9}[.)])(?:[ \t]|$))+ ?")


class _Lazy:
    """Whether a line may continue a container lazily (without its ``>`` or indentation).

    CommonMark allows it only while a paragraph is open: not after a fence,
    an HTML block, a heading or an indented code block. The state is fed
    each line of the container's content, as the container sees it.
    """

    def __init__(self) -> None:
        self.fence: re.Pattern[str] | None = None
        self.html = False
        self.table = False
        self.para = False

    def feed(self, content: str) -> None:
        content = _MARKERS.sub("", content, count=1)  # nested quotes and list items: their content counts
        if not content.strip():
            self.para = self.html = self.table = False
            return
        if self.fence is not None:
            if self.fence.match(content):
                self.fence = None
            self.para = False
            return
        first = content.lstrip(" ")[:1]  # cheap gates before the regular expressions
        fm = _FENCE.match(content) if first in ("`", "~") else None
        if fm and not (fm.group(2)[0] == "`" and "`" in fm.group(3)):
            self.fence = re.compile(r"^ {0,3}" + re.escape(fm.group(2)[0]) + "{" + str(len(fm.group(2))) + r",}[ \t]*$")
            self.para = False
            return
        if self.html or self.table:
            return
        if self.para and "|" in content and "-" in content and _TABLE_DELIM.match(content):
            self.table, self.para = True, False  # table rows take no lazy lines (markdown-it, cmark-gfm)
            return
        if first == "<" and (
            _HTML1.match(content) or _HTML2345.match(content) or _HTML6.match(content) or (_HTML7.match(content) and not self.para)
        ):
            self.html, self.para = True, False
            return
        if first in ("#", "-", "*", "_", "=") and (
            _ATX.match(content) or _THEMATIC.match(content) or (_SETEXT.match(content) and self.para)
        ):
            self.para = False
            return
        if content.startswith(("    ", "\t")) and not self.para:
            return  # indented code
        # a line of shortcodes is a block of its own: nothing continues it lazily
        self.para = not (first == "{" and _SHORTCODES_ONLY.match(content))


def _blockquote(ctx, items, k):
    if not _QUOTE.match(_content(ctx, items[k])):
        return None
    inner = []
    j = k
    lazy = _Lazy()
    while j < len(items):
        i, col = items[j]
        c = _content(ctx, items[j])
        m = _QUOTE.match(c)
        if m:
            inner.append((i, col + m.end()))
            lazy.feed(c[m.end() :])
        elif lazy.para and c.strip() and not _interrupts(ctx, items, j):
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
    lazy = _Lazy()
    lazy.feed(c[content_col - col :] if len(c) >= content_col - col else "")
    while j < len(items):
        ij, colj = items[j]
        cj = _content(ctx, items[j])
        if not cj.strip():
            inner.append((ij, min(len(ctx.lines[ij]), colj + indent_needed)))
            lazy.feed("")
            j += 1
            continue
        indent = len(cj) - len(cj.lstrip(" "))
        if indent >= indent_needed:
            inner.append((ij, colj + indent_needed))
            lazy.feed(cj[indent_needed:])
        elif cj.startswith("\t") and indent_needed <= 4:
            inner.append((ij, colj + 1))  # a tab is indentation enough (it reaches column 4)
            lazy.feed(cj[1:])
        elif lazy.para and not _interrupts(ctx, items, j) and not _LIST.match(cj):
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
    ctx.containers.append("list_item")
    if tm:
        # a task item starts with a paragraph (GFM reads ``[ ]`` in the paragraph):
        # nothing after the box opens a fence, a heading or an HTML block
        inner[0] = (first_i, first_col + tm.end())
        if _tags_covering_line(ctx, *inner[0]) is None and _leading_block_tag(ctx, *inner[0]) is None:
            _parse(ctx, inner[_paragraph(ctx, inner, 0) :])
        else:
            _parse(ctx, inner)
    else:
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
        # GFM: rows go on to a blank line or another block; a row needs no pipe
        if not c.strip() or (j > k + 1 and (c.startswith(("    ", "\t")) or _interrupts(ctx, items, j))):
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
    if _FOOTDEF.match(c) or _ATTR_LINE.match(c) or _MATH_FENCE.match(c):
        return True  # a footnote definition, an attribute line {.class}, display math
    fm = _FENCE.match(c)
    if fm and not (fm.group(2)[0] == "`" and "`" in fm.group(3)):
        return True
    lm = _LIST.match(c)
    if lm and c[lm.end() :].strip() and (lm.group(2)[0] in "-+*" or lm.group(2)[:-1] == "1"):
        return True
    i, col = items[j]
    if _tags_covering_line(ctx, i, col) is not None or _leading_block_tag(ctx, i, col) is not None:
        return True
    return _starts_table(ctx, items, j)


def _starts_table(ctx: _Ctx, items, j) -> bool:
    """A header row followed by a delimiter row with as many cells (GFM tables interrupt paragraphs)."""
    if j + 1 >= len(items):
        return False
    head, delim = _content(ctx, items[j]), _content(ctx, items[j + 1])
    if "|" not in head or "-" not in delim or not _TABLE_DELIM.match(delim):
        return False
    return len(_split_cells(head)) == len(_split_cells(delim))


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
        if _SETEXT.match(c) and kind in ("paragraph", "definition", "footnote") and not _LIST.match(c):
            level = 1 if c.strip()[0] == "=" else 2
            _emit_paragraph(ctx, items[k:j], first_col, "heading", {"level": level, "setext": True})
            return j + 1
        if _interrupts(ctx, items, j) or _DEFINITION.match(c):  # ": ..." makes the paragraph a term
            break
        j += 1
    _emit_paragraph(ctx, items[k:j], first_col, kind, {})
    return j


_ALERT = re.compile(r"\[![A-Za-z][\w-]*\][+-]?[ \t]*")


def _alert_title(ctx: _Ctx, segments: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``> [!NOTE] Title`` (blockquote alerts): the marker is skeleton, the title a unit of its own.

    The marker's line must stay its own line: text wrapped onto it would
    become the alert's title. Returns the segments left for the body.
    """
    s, e = segments[0]
    m = _ALERT.match(ctx.text, s, e)
    if not m:
        return segments
    if m.end() < e and ctx.text[m.end() : e].strip():
        ctx.regions.append(Region("alert_title", [(m.end(), e)], {"heading_path": _path(ctx), "container": "blockquote"}))
    return segments[1:]


def _emit_paragraph(ctx: _Ctx, lines, first_col, kind, extra) -> None:
    text = ctx.text
    segments = []
    for n, (i, col) in enumerate(lines):
        s = ctx.starts[i] + (first_col if n == 0 and first_col is not None else col)
        e = ctx.starts[i] + len(ctx.lines[i])
        while s < e and text[s] in " \t":
            s += 1
        segments.append((s, e))
    while len(segments) > 1 and segments[0][0] >= segments[0][1]:
        segments.pop(0)  # nothing after a leading tag on its line: the unit starts on the next one
    if kind == "paragraph" and ctx.containers and ctx.containers[-1] == "blockquote":
        segments = _alert_title(ctx, segments)
        if not segments:
            return
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
        ctx.headings = [h for h in ctx.headings if h[0] < level] + [(level, _plain(title))]
        extra = dict(extra, heading_path=_path(ctx)[:-1])
    else:
        extra = dict(extra, heading_path=_path(ctx))
        if kind == "paragraph" and "list_item" in ctx.containers:
            kind = "list_item"
    if ctx.containers:
        extra["container"] = "/".join(ctx.containers)
    if len(lines) > 1:
        # what a re-wrapped line starts with: the containers' prefix (``> ``, the list
        # indentation), not the extra indentation a source line happened to have
        i, col = lines[1]
        extra["wrap_prefix"] = ctx.lines[i][: min(col, len(ctx.lines[i]))]
    ctx.regions.append(Region(kind, segments, extra))

"""Inline markup of one text unit: raw markdown/HTML <-> plain text + inline codes.

``scan_inline`` reads the raw run of a unit (a paragraph, a heading, a table
cell, a shortcode caption...) and returns the plain text a translator sees
and the inline codes (bold, links, inline HTML, inline shortcodes...) as spans
over it. ``render_inline`` is its exact inverse: ``render_inline(*scan_inline(raw))
== raw`` for every input, which the round-trip tests check.

The scanner follows CommonMark's inline precedence (code spans, autolinks and
raw HTML bind tighter than links, links tighter than emphasis) and its
delimiter-run rules for ``*``/``_``, plus GFM strikethrough and bare URLs, and
Hugo shortcodes. It is not a renderer: what it does not recognise stays in the
plain text, and the raw bytes are always kept.
"""
from __future__ import annotations

import bisect
import html
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Sequence

from ..document import InlineCode

_ESCAPABLE = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_ATTR = r"""(?:\s+[a-zA-Z_:][a-zA-Z0-9_.:-]*(?:\s*=\s*(?:[^"'=<>`\s]+|'[^']*'|"[^"]*"))?)"""
_OPEN_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9-]*)" + _ATTR + r"*\s*(/?)>")
_CLOSE_TAG = re.compile(r"</([A-Za-z][A-Za-z0-9-]*)\s*>")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_OTHER_HTML = re.compile(r"<\?.*?\?>|<![A-Za-z][^>]*>|<!\[CDATA\[.*?\]\]>", re.S)
_AUTOLINK = re.compile(r"<(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*|[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)>")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_BARE_URL = re.compile(r"(?:https?://|www\.)[^\s<]*[^\s<.,:;\"')\]*_~!?]")
_SHORTCODE = re.compile(r"\{\{(<|%)")
# Where the next construct may start: the tokenizer jumps from one to the next.
_NEXT_MD = re.compile(r"[\\`{<&*_~\[\]!]| {2,}\n|(?<!\w)(?:https?://|www\.)|(?<![\w:]):(?=[a-z0-9_+-]+:)")
# GitHub/Hugo blockquote alerts ("> [!NOTE]") and Obsidian-style callouts: a keyword, not prose
_ALERT = re.compile(r"\[![A-Za-z][\w-]*\][+-]?")
# emoji codes (Hugo's enableEmoji): :smile:, :+1:
_EMOJI = re.compile(r"(?<![\w:]):[a-z0-9_+-]+:(?![\w:])")
_NEXT_HTML = re.compile(r"[{<&]|(?<!\w)(?:https?://|www\.)")
_HARD_BREAK = re.compile(r" {2,}\n")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass(slots=True)
class _Tok:
    kind: str  # text sub iso hopen hclose sopen sclose delim lbr rbr
    start: int
    end: int
    raw: str
    plain: str = ""
    name: str = ""
    # delimiter runs
    char: str = ""
    count: int = 0
    orig: int = 0
    can_open: bool = False
    can_close: bool = False
    container: int = 0
    closes: list[int] = field(default_factory=list)  # ids of codes closed here (left part)
    opens: list[int] = field(default_factory=list)  # ids of codes opened here (right part)
    # brackets
    image: bool = False
    active: bool = True
    dest: str = ""  # for rbr: the raw after ']' that makes it a link
    pair: int = -1  # index of matching token
    code_kind: str = ""


def _is_punct(ch: str) -> bool:
    return ch in _ESCAPABLE or unicodedata.category(ch).startswith("P") or unicodedata.category(ch).startswith("S")


def _flanking(s: str, i: int, j: int) -> tuple[bool, bool]:
    before = s[i - 1] if i > 0 else " "
    after = s[j] if j < len(s) else " "
    left = not after.isspace() and (not _is_punct(after) or before.isspace() or _is_punct(before))
    right = not before.isspace() and (not _is_punct(before) or after.isspace() or _is_punct(after))
    return left, right


def _link_tail(s: str, j: int, refs: set[str]) -> int | None:
    """After a ']' at j-1: end of a link destination ``(...)`` or ``[label]``, if any."""
    if j < len(s) and s[j] == "(":
        return _inline_destination(s, j)
    if j < len(s) and s[j] == "[":
        k = s.find("]", j + 1)
        if k > 0 and "[" not in s[j + 1 : k]:
            label = s[j + 1 : k]
            if not label.strip() or normalize_label(label) in refs:
                return k + 1
    return None


_REF_LABEL = re.compile(r"((?:[^\[\]\\`<{]|\\.)+)\](\[\])?")


def _shortcut_reference(s: str, j: int, refs: set[str]) -> int | None:
    """End of a shortcut (``[label]``) or collapsed (``[label][]``) reference link whose label starts at j."""
    if not refs:
        return None
    m = _REF_LABEL.match(s, j)
    if not m or normalize_label(m.group(1)) not in refs:
        return None
    end = m.end()
    if not m.group(2) and end < len(s):
        if s[end] == "(" and _inline_destination(s, end) is not None:
            return None  # an inline link
        if s[end] == "[":
            k = s.find("]", end + 1)
            if k > end + 1 and normalize_label(s[end + 1 : k]) in refs:
                return None  # a full reference link: its text may be translated
    return end


def _skip_shortcode(s: str, k: int) -> int:
    end = s.find("}}", k + 3)
    return end + 2 if end > 0 else k + 1


def _inline_destination(s: str, j: int) -> int | None:
    """End index of ``(dest "title")`` starting at s[j] == '(' or None."""
    k = j + 1
    n = len(s)
    while k < n and s[k] in " \t\n":
        k += 1
    if k < n and s[k] == "<":
        close = s.find(">", k)
        if close < 0:
            return None
        k = close + 1
    else:
        depth = 0
        while k < n:
            if s.startswith("{{", k) and k + 2 < n and s[k + 2] in "<%":
                k = _skip_shortcode(s, k)
                continue
            c = s[k]
            if c == "\\" and k + 1 < n:
                k += 2
                continue
            if c == "(":
                depth += 1
            elif c == ")":
                if depth == 0:
                    return k + 1
                depth -= 1
            elif c.isspace():
                break
            k += 1
    while k < n and s[k] in " \t\n":
        k += 1
    if k < n and s[k] in "\"'(":
        closer = ")" if s[k] == "(" else s[k]
        close = s.find(closer, k + 1)
        if close < 0:
            return None
        k = close + 1
        while k < n and s[k] in " \t\n":
            k += 1
    if k < n and s[k] == ")":
        return k + 1
    return None


def normalize_label(label: str) -> str:
    """Link reference labels match case-insensitively with collapsed whitespace."""
    return " ".join(label.split()).casefold()


def _shortcode_end(s: str, i: int) -> int:
    from .shortcodes import _parse_tag

    try:
        return _parse_tag(s, i, None).end
    except Exception:  # noqa: BLE001 - a malformed tag inside a unit stays text; the block scan reports errors
        return -1


def _tokenize(s: str, markdown: bool, refs: set[str], verbatim: frozenset[str] | set[str] = frozenset()) -> list[_Tok]:
    toks: list[_Tok] = []
    text_start = 0
    i = 0
    n = len(s)
    extra = _extra_starts(s, markdown)

    def flush(upto: int) -> None:
        if upto > text_start:
            toks.append(_Tok("text", text_start, upto, s[text_start:upto], s[text_start:upto]))

    def emit(tok: _Tok) -> None:
        nonlocal text_start, i
        flush(tok.start)
        toks.append(tok)
        i = text_start = tok.end

    while i < n:
        c = s[i]
        if markdown and c == "\\" and i + 1 < n:
            if s[i + 1] == "\n":
                emit(_Tok("iso", i, i + 1, "\\", code_kind="hardbreak"))
                continue
            if s[i + 1] in _ESCAPABLE:
                emit(_Tok("sub", i, i + 2, s[i : i + 2], s[i + 1], code_kind="escape"))
                continue
        if c == " " and markdown:
            m = _HARD_BREAK.match(s, i)
            if m:
                emit(_Tok("iso", i, m.end() - 1, s[i : m.end() - 1], code_kind="hardbreak"))
                continue
        if markdown and c == "`":
            run = re.compile(r"`+").match(s, i).group(0)
            close = re.compile(r"(?<!`)" + run + r"(?!`)").search(s, i + len(run))
            if close:
                raw = s[i : close.end()]
                emit(_Tok("sub", i, close.end(), raw, s[i + len(run) : close.start()], code_kind="code"))
            else:
                i += len(run)
            continue
        if c == "{" and _SHORTCODE.match(s, i):
            end = _shortcode_end(s, i)
            if end > 0:
                raw = s[i:end]
                m = re.match(r"\{\{[<%]\s*(/\*)?\s*(/?)\s*([\w./-]+)", raw)
                escaped = bool(m and m.group(1))
                closing = bool(m and m.group(2))
                name = m.group(3) if m else ""
                self_closing = raw.rstrip("}").rstrip("<>%").endswith("/") and not escaped
                kind = "iso" if escaped or self_closing else ("sclose" if closing else "sopen")
                if kind == "sopen" and name in verbatim:
                    # a code shortcode (katex, highlight...) inside a sentence: body and tags are one code
                    close = re.compile(r"\{\{[<%]\s*/\s*" + re.escape(name) + r"\s*[>%]\}\}").search(s, end)
                    if close:
                        emit(_Tok("iso", i, close.end(), s[i : close.end()], name=name, code_kind="shortcode"))
                        continue
                emit(_Tok(kind, i, end, raw, name=name, code_kind="shortcode"))
                continue
        if c == "<":
            m = _AUTOLINK.match(s, i)  # in raw HTML too: an address is never text to translate
            if m:
                emit(_Tok("iso", i, m.end(), m.group(0), code_kind="autolink"))
                continue
            m = _COMMENT.match(s, i) or _OTHER_HTML.match(s, i)
            if m:
                emit(_Tok("iso", i, m.end(), m.group(0), code_kind="html"))
                continue
            m = _OPEN_TAG.match(s, i)
            if m:
                name = m.group(1).lower()
                kind = "iso" if m.group(2) or name in _VOID else "hopen"
                emit(_Tok(kind, i, m.end(), m.group(0), name=name, code_kind="html"))
                continue
            m = _CLOSE_TAG.match(s, i)
            if m:
                emit(_Tok("hclose", i, m.end(), m.group(0), name=m.group(1).lower(), code_kind="html"))
                continue
        if c == "&":
            m = _ENTITY.match(s, i)
            if m and html.unescape(m.group(0)) != m.group(0):
                emit(_Tok("sub", i, m.end(), m.group(0), html.unescape(m.group(0)), code_kind="entity"))
                continue
        if markdown and c in "*_~":
            j = i
            while j < n and s[j] == c:
                j += 1
            left, right = _flanking(s, i, j)
            before = s[i - 1] if i > 0 else " "
            after = s[j] if j < n else " "
            if c == "_":
                can_open = left and (not right or _is_punct(before))
                can_close = right and (not left or _is_punct(after))
            else:
                can_open, can_close = left, right
            if c == "~" and j - i > 2:
                can_open = can_close = False
            emit(_Tok("delim", i, j, s[i:j], char=c, count=j - i, orig=j - i, can_open=can_open, can_close=can_close))
            continue
        if markdown and c == "[" and i == 0:
            m = _ALERT.match(s)
            if m:
                emit(_Tok("iso", 0, m.end(), m.group(0), code_kind="alert"))
                continue
        if markdown and c == ":":
            m = _EMOJI.match(s, i)
            if m and (re.search(r"[a-z]", m.group(0)) or m.group(0) in (":+1:", ":-1:")):
                emit(_Tok("sub", i, m.end(), m.group(0), m.group(0), code_kind="emoji"))
                continue
        if markdown and c == "[" and s.startswith("[^", i):
            k = s.find("]", i)
            if k > 0 and re.fullmatch(r"\[\^[^\]\s]+\]", s[i : k + 1]):
                emit(_Tok("iso", i, k + 1, s[i : k + 1], code_kind="footnote"))
                continue
        if markdown and (c == "[" or (c == "!" and s.startswith("![", i))):
            width = 2 if c == "!" else 1
            ref = _shortcut_reference(s, i + width, refs)
            if ref is not None:
                # ``[label]`` / ``[label][]``: the text is the key of the definition, so it must
                # not change; it stands for its words like a code span does
                emit(_Tok("sub", i, ref, s[i:ref], s[i + width : s.index("]", i + width)], code_kind="reflink"))
                continue
            emit(_Tok("lbr", i, i + width, s[i : i + width], image=(c == "!")))
            continue
        if markdown and c == "]":
            tail = _link_tail(s, i + 1, refs)
            end = tail if tail is not None else i + 1
            emit(_Tok("rbr", i, end, s[i:end], dest=s[i + 1 : end]))
            continue
        if c in "hw" and (i == 0 or not s[i - 1].isalnum()):
            m = _BARE_URL.match(s, i)
            if m:
                emit(_Tok("sub", i, m.end(), m.group(0), m.group(0), code_kind="url"))
                continue
        i = _next_start(s, i + 1, markdown, extra)
    flush(n)
    return toks


# The per-token jump looks for single characters only (fast); the constructs that need
# look-behind (bare URLs, emoji codes, hard breaks) are found once per run.
_NEXT_CHAR_MD = re.compile(r"[\\`{<&*_~\[\]!]")
_NEXT_CHAR_HTML = re.compile(r"[{<&]")


# Candidates without look-behind (fast to scan for); the look-behind conditions are checked per hit.
_EXTRA_CANDIDATES_MD = re.compile(r" {2,}\n|https?://|www\.|:(?=[a-z0-9_+-]+:)")
_EXTRA_CANDIDATES_HTML = re.compile(r"https?://|www\.")


def _extra_starts(s: str, markdown: bool) -> list[int]:
    """Starts of hard breaks, bare URLs and emoji codes: the look-behind parts of ``_NEXT_MD`` / ``_NEXT_HTML``."""
    if ("://" not in s and "www." not in s) and (not markdown or (":" not in s and "  \n" not in s)):
        return []
    starts = []
    for m in (_EXTRA_CANDIDATES_MD if markdown else _EXTRA_CANDIDATES_HTML).finditer(s):
        i = m.start()
        before = s[i - 1] if i else " "
        first = s[i]
        word_before = before.isalnum() or before == "_"
        if first == " " or not (word_before or (first == ":" and before == ":")):
            starts.append(i)
    return starts


def _next_start(s: str, at: int, markdown: bool, extra: list[int]) -> int:
    """Where the next construct may start, at or after ``at`` (``len(s)`` if none)."""
    m = (_NEXT_CHAR_MD if markdown else _NEXT_CHAR_HTML).search(s, at)
    best = m.start() if m else len(s)
    k = bisect.bisect_left(extra, at)
    if k < len(extra) and extra[k] < best:
        best = extra[k]
    return best


def _pair_tags(toks: list[_Tok], open_kind: str, close_kind: str) -> None:
    """Pair opening and closing tags by name; leftovers become isolated codes."""
    stack: list[int] = []
    for idx, t in enumerate(toks):
        if t.kind == open_kind:
            stack.append(idx)
        elif t.kind == close_kind:
            for depth in range(len(stack) - 1, -1, -1):
                if toks[stack[depth]].name == t.name:
                    opener = stack[depth]
                    for dangling in stack[depth + 1 :]:
                        toks[dangling].kind = "iso"
                    del stack[depth:]
                    toks[opener].pair, t.pair = idx, opener
                    break
            else:
                t.kind = "iso"
    for dangling in stack:
        toks[dangling].kind = "iso"


def _resolve_links(toks: list[_Tok], refs: set[str]) -> None:
    """Match brackets into links and images (CommonMark's look-for-link-or-image)."""
    openers: list[int] = []
    for idx, t in enumerate(toks):
        if t.kind == "lbr":
            openers.append(idx)
        elif t.kind == "rbr":
            while openers and not toks[openers[-1]].active:
                toks[openers.pop()].kind = "text"
            if not openers:
                t.kind = "text"
                t.plain = t.raw
                continue
            o = openers.pop()
            label = "".join(x.raw for x in toks[o + 1 : idx])
            is_link = bool(t.dest) or normalize_label(label) in refs
            if not is_link:
                toks[o].kind = "text"
                toks[o].plain = toks[o].raw
                t.kind = "text"
                t.plain = t.raw
                continue
            toks[o].pair, t.pair = idx, o
            if not toks[o].image:
                for earlier in openers:
                    toks[earlier].active = False
    for o in openers:
        toks[o].kind = "text"
        toks[o].plain = toks[o].raw


def _containers(toks: list[_Tok]) -> None:
    """Give each delimiter the id of the innermost link around it: emphasis never crosses a link."""
    stack = [0]
    for idx, t in enumerate(toks):
        if t.kind == "lbr":
            stack.append(idx + 1)
        elif t.kind == "rbr":
            stack.pop()
        elif t.kind == "delim":
            t.container = stack[-1]


@dataclass
class _Emph:
    opener: int
    closer: int
    width: int
    char: str


def _process_emphasis(toks: list[_Tok]) -> list[_Emph]:
    delims = [i for i, t in enumerate(toks) if t.kind == "delim"]
    found: list[_Emph] = []
    for ci, c in enumerate(delims):
        closer = toks[c]
        if not closer.can_close:
            continue
        while closer.count > 0:
            match = None
            for oi in range(ci - 1, -1, -1):
                o = delims[oi]
                opener = toks[o]
                if opener.count == 0 or not opener.can_open or opener.char != closer.char:
                    continue
                if opener.container != closer.container:
                    continue
                if closer.char == "~" and opener.count != closer.count:
                    continue
                if (opener.can_close or closer.can_open) and (opener.orig + closer.orig) % 3 == 0 and not (
                    opener.orig % 3 == 0 and closer.orig % 3 == 0
                ):
                    continue
                match = oi
                break
            if match is None:
                break
            o = delims[match]
            opener = toks[o]
            width = opener.count if closer.char == "~" else (2 if opener.count >= 2 and closer.count >= 2 else 1)
            found.append(_Emph(o, c, width, closer.char))
            opener.opens.append(len(found) - 1)
            closer.closes.append(len(found) - 1)
            opener.count -= width
            closer.count -= width
            for between in delims[match + 1 : ci]:
                # removed from the delimiter stack: what is left of them stays literal text
                toks[between].can_open = toks[between].can_close = False
    return found


def scan_inline(
    raw: str, *, markdown: bool = True, refs: set[str] | None = None, verbatim: set[str] | frozenset[str] = frozenset()
) -> tuple[str, list[InlineCode]]:
    """Split a raw inline run into plain text and inline codes (see module docstring).

    ``refs``: the link reference labels defined in the article; ``verbatim``:
    names of shortcodes whose body is code (``katex``...), kept whole as one code.
    """
    if (_NEXT_MD if markdown else _NEXT_HTML).search(raw) is None:
        return raw, []  # nothing that could start markup: most headings, list items and cells
    refs = refs or set()
    toks = _tokenize(raw, markdown, refs, verbatim)
    _pair_tags(toks, "hopen", "hclose")
    _pair_tags(toks, "sopen", "sclose")
    _resolve_links(toks, refs)
    _containers(toks)
    emphs = _process_emphasis(toks)
    return _assemble(toks, emphs)


_EMPH_KIND = {("*", 1): "italic", ("_", 1): "italic", ("*", 2): "bold", ("_", 2): "bold"}


def _assemble(toks: list[_Tok], emphs: list[_Emph]) -> tuple[str, list[InlineCode]]:
    """Walk the tokens in source order, building plain text and codes with their order."""
    plain: list[str] = []
    pos = 0
    seq = 0
    codes: dict[int, InlineCode] = {}
    by_tok: dict[int, InlineCode] = {}
    emph_codes: dict[int, InlineCode] = {}
    next_id = 0

    def new_code(kind: str, open_raw: str, **kw) -> InlineCode:
        nonlocal next_id, seq
        code = InlineCode(id=next_id, kind=kind, open=open_raw, start=pos, end=pos, order=seq, **kw)
        codes[next_id] = code
        next_id += 1
        seq += 1
        return code

    def close_code(code: InlineCode, close_raw: str) -> None:
        nonlocal seq
        code.close, code.end, code.close_order = close_raw, pos, seq
        seq += 1

    for idx, t in enumerate(toks):
        if t.kind == "text":
            plain.append(t.raw)
            pos += len(t.raw)
        elif t.kind == "sub":
            code = new_code(t.code_kind, t.raw, replaces_text=True)
            plain.append(t.plain)
            pos += len(t.plain)
            code.end = pos
        elif t.kind == "iso":
            new_code(t.code_kind or "html", t.raw)
        elif t.kind in ("hopen", "sopen", "lbr"):
            kind = {"hopen": "html", "sopen": "shortcode"}.get(t.kind, "image" if t.image else "link")
            by_tok[idx] = new_code(kind, t.raw)
        elif t.kind in ("hclose", "sclose", "rbr"):
            close_code(by_tok[t.pair], t.raw)
        elif t.kind == "delim":
            for e in t.closes:
                close_code(emph_codes[e], t.char * emphs[e].width)
            leftover = t.count
            if leftover:
                plain.append(t.char * leftover)
                pos += leftover
            for e in reversed(t.opens):
                kind = _EMPH_KIND.get((t.char, emphs[e].width), "strike" if t.char == "~" else "emphasis")
                emph_codes[e] = new_code(kind, t.char * emphs[e].width)
    return "".join(plain), [codes[k] for k in sorted(codes)]


def render_pieces(text: str, codes: Sequence[InlineCode]) -> list[tuple[str, str, InlineCode | None]]:
    """The markup of plain text + codes as ``(role, raw, code)`` pieces in order: the one renderer.

    Role is ``text``, ``open``, ``close`` or ``point`` (an isolated code, an
    empty pair, or a substitution, whose ``open`` replaces its text). Joining
    the raws gives ``render_inline``; the TMX writer maps the roles to
    ``<bpt>``/``<ept>``/``<ph>``; code placement numbers placed codes by it.

    At one offset, spans that end close first (innermost first), spans that
    start open outermost first, a substitution innermost of equal spans;
    zero-length codes slot in among those by their source ``order``, then list
    position, which is what tells ``<b>x<br></b>`` from ``<b>x</b><br>``.
    Offsets beyond the text are clamped to it, so codes placed over a
    translation always render.
    """
    out: list[tuple[str, str, InlineCode | None]] = []
    cursor = 0  # the first offset of the text not written yet
    for at, events in _ordered_events(text, codes):
        if at > cursor:
            out.append(("text", text[cursor:at], None))
            cursor = at
        for role, i in events:
            c = codes[i]
            if role == "close":
                out.append(("close", c.close, c))
            elif role == "point":
                out.append(("point", c.open + c.close, c))
            elif c.replaces_text:
                out.append(("point", c.open, c))
                cursor = max(cursor, _clamp(c.end, text))
            else:
                out.append(("open", c.open, c))
    if cursor < len(text):
        out.append(("text", text[cursor:], None))
    return out


def render_inline(text: str, codes: Sequence[InlineCode], escape=None) -> str:
    """Put the codes back around the text: the exact inverse of ``scan_inline``.

    ``escape`` (optional) is applied to plain-text pieces only, for contexts
    such as quoted shortcode parameters where a translated quote must be
    escaped.
    """
    if not codes:
        return escape(text) if escape else text
    return "".join(escape(raw) if escape and role == "text" else raw for role, raw, _ in render_pieces(text, codes))


def _clamp(offset: int, text: str) -> int:
    return max(0, min(offset, len(text)))


def code_extent(code: InlineCode, text: str) -> tuple[int, int]:
    """The code's [start, end) over ``text``, clamped to it (an end before the start is the start)."""
    s = _clamp(code.start, text)
    return s, max(s, _clamp(code.end, text))


def _ordered_events(text: str, codes: Sequence[InlineCode]):
    """(offset, [(role, index)]) in output order; role is open/close/point."""
    starts: dict[int, list[int]] = {}
    points: dict[int, list[int]] = {}
    ends: dict[int, list[int]] = {}
    for i, c in enumerate(codes):
        s, e = code_extent(c, text)
        if e > s:
            starts.setdefault(s, []).append(i)
            if not c.replaces_text:
                ends.setdefault(e, []).append(i)
        else:
            points.setdefault(s, []).append(i)
    opened: dict[int, int] = {}  # index -> opening rank, to close innermost first
    for at in sorted(set(starts) | set(points) | set(ends)):
        closes = sorted(ends.get(at, []), key=lambda i: -opened.get(i, -1))
        opens = sorted(
            starts.get(at, []),
            key=lambda i: (-code_extent(codes[i], text)[1], codes[i].replaces_text, codes[i].order, i),
        )
        for i in opens:
            opened[i] = len(opened)
        structural = [("close", i, (codes[i].close_order, i)) for i in closes]
        structural += [("open", i, (codes[i].order, i)) for i in opens]
        yield at, _slot_points(structural, points.get(at, []), codes)


def _slot_points(structural, point_ids, codes):
    """Insert zero-length codes before the first structural event that comes later in the source."""
    result = [(role, i) for role, i, _ in structural]
    keys = [key for _, _, key in structural]
    for i in sorted(point_ids, key=lambda i: (codes[i].order, i)):
        key = (codes[i].order, i)
        at = next((k for k, other in enumerate(keys) if other > key), len(keys))
        result.insert(at, ("point", i))
        keys.insert(at, key)
    return result

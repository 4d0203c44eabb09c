"""Hugo shortcode tags: find them, read their parameters, check pairing.

Hugo's own lexer (``parser/pageparser``) reads ``{{< name params >}}`` and
``{{% name params %}}``; parameters are named (``key="v"``, ``key=v``,
``key=`raw` ``) or positional; ``{{</* x */>}}`` is an escaped shortcode that
Hugo prints literally. Quoted values may contain ``>`` and ``}}``, so the scan
is quote-aware rather than a regular expression.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import BitextError

_OPENERS = re.compile(r"\{\{(<|%)")
_NAME = re.compile(r"\s*(/?)\s*([\w./-]+)")


@dataclass
class Param:
    """One shortcode parameter; ``value_start``/``value_end`` exclude the quotes."""

    name: str | None  # None for positional
    position: int
    value: str
    value_start: int
    value_end: int
    quote: str  # '"', '`' or '' (bare)


@dataclass
class ShortcodeTag:
    start: int
    end: int
    name: str
    delim: str  # '<' or '%'
    closing: bool = False
    self_closing: bool = False
    escaped: bool = False
    params: list[Param] = field(default_factory=list)


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _scan_value(text: str, i: int) -> tuple[str, int, int, int, str]:
    """Read one parameter value at ``i``: returns value, start, end, next index, quote."""
    ch = text[i]
    if ch in "\"`":
        j = i + 1
        while j < len(text):
            if ch == '"' and text[j] == "\\":
                j += 2
                continue
            if text[j] == ch:
                return text[i + 1 : j], i + 1, j, j + 1, ch
            j += 1
        raise ValueError("unterminated quoted value")
    j = i
    while j < len(text) and not text[j].isspace() and not text.startswith(("/>}}", ">}}", "%}}", "/%}}", "*/"), j):
        j += 1
    return text[i:j], i, j, j, ""


def _parse_tag(text: str, start: int, path: str | None) -> ShortcodeTag:
    delim = text[start + 2]
    i = start + 3
    escaped = text.startswith("/*", i)
    closer = ">" if delim == "<" else "%"
    if escaped:
        close = "*/" + closer + "}}"
        end = text.find(close, i)
        if end < 0:
            raise BitextError("escaped shortcode is not closed", path=path, line=_line_of(text, start))
        m = _NAME.match(text, i + 2)
        return ShortcodeTag(start, end + len(close), m.group(2) if m else "", delim, escaped=True)
    m = _NAME.match(text, i)
    if not m:
        raise BitextError("shortcode without a name", path=path, line=_line_of(text, start))
    tag = ShortcodeTag(start, start, m.group(2), delim, closing=bool(m.group(1)))
    i = m.end()
    position = 0
    end_marks = (closer + "}}", "/" + closer + "}}")
    while i < len(text):
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text) or _OPENERS.match(text, i):
            break  # the end of the file, or the next shortcode, before this one's end mark: never closed
        if text.startswith(end_marks[1], i):
            tag.self_closing, tag.end = True, i + len(end_marks[1])
            return tag
        if text.startswith(end_marks[0], i):
            tag.end = i + len(end_marks[0])
            return tag
        key = re.match(r"([\w-]+)=", text[i:])
        name = None
        if key:
            name = key.group(1)
            i += key.end()
        try:
            value, vs, ve, i, quote = _scan_value(text, i)
        except ValueError:
            raise BitextError(
                f"shortcode '{tag.name}' has an unterminated quoted parameter: close its {text[i]} quote",
                path=path,
                line=_line_of(text, i),
            ) from None
        if vs == ve and not quote and not name:
            break  # no progress: malformed
        tag.params.append(Param(name, position, value, vs, ve, quote))
        position += 1
    raise BitextError(
        f"shortcode '{tag.name}' is not closed: end it with '{closer}}}}}'", path=path, line=_line_of(text, start)
    )


def scan_shortcodes(text: str, path: str | None = None, start: int = 0) -> list[ShortcodeTag]:
    """All shortcode tags of ``text`` from ``start`` on (the body: front matter is not scanned), in order,
    escaped ones included. Offsets and the lines of errors are the file's own."""
    tags = []
    pos = start
    while True:
        m = _OPENERS.search(text, pos)
        if not m:
            return tags
        tag = _parse_tag(text, m.start(), path)
        tags.append(tag)
        pos = tag.end


def check_pairing(text: str, tags: list[ShortcodeTag], must_close: set[str], path: str | None) -> set[int]:
    """Match opening and closing tags the way Hugo does; return the starts of paired openers.

    An opening tag is paired when a closing tag of the same name follows at
    the same nesting level. A closing tag with no opener, or a shortcode that
    always takes a body (``must_close``) left open, is an error, as in Hugo.
    """
    stack: list[ShortcodeTag] = []
    paired: set[int] = set()
    for tag in tags:
        if tag.escaped or tag.self_closing:
            continue
        if not tag.closing:
            stack.append(tag)
            continue
        while stack and stack[-1].name != tag.name:
            dangling = stack.pop()
            if dangling.name in must_close:
                raise _unclosed(text, dangling, path)
        if not stack:
            raise BitextError(
                f"closing shortcode '/{tag.name}' has no opening tag", path=path, line=_line_of(text, tag.start)
            )
        paired.add(stack.pop().start)
    for dangling in stack:
        if dangling.name in must_close:
            raise _unclosed(text, dangling, path)
    return paired


def _unclosed(text: str, tag: ShortcodeTag, path: str | None) -> BitextError:
    o, c = tag.delim, (">" if tag.delim == "<" else "%")
    return BitextError(
        f"paired shortcode '{tag.name}' is never closed: add {{{{{o} /{tag.name} {c}}}}}",
        path=path,
        line=_line_of(text, tag.start),
    )

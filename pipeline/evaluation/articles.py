"""Each test segment as a one-paragraph article, with or without markup, and how a reader sees markdown.

bitext translates articles, not strings: to score what its pipeline does, every
segment becomes the markdown of a one-paragraph article whose text, as bitext's
extractor and any CommonMark reader read it, is exactly the segment. Most
segments are such a paragraph as they are; a segment that markdown would read
otherwise (``1990. Yes`` is a list item, ``a *b* c`` has emphasis, ``&amp;``
is an entity) gets the backslash escapes a writer would type, and nothing more.

``--markup`` wraps words of each segment in bold, links and code spans
(seeded, so a run can be repeated), as an author would, to measure what
carrying markup through the model costs.

``reader_text`` is what a reader sees of a markdown text (CommonMark, read by
markdown-it-py, not by bitext's own reader): the scores of the pipeline's
output are computed on it, so an escape or a piece of markup that went wrong
in the output counts against bitext.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..errors import BitextError

# What markdown may read as markup inside a paragraph: emphasis, code, links, HTML, entities, shortcodes, strikethrough.
_INLINE = re.compile(r"[`*_\[\]<]|\\(?=[!-/:-@\[-`{-~])|&(?=#?\w+;)|\{(?=\{)|~(?=~)|!(?=\[)")
# What would start another block at the start of the paragraph.
_BLOCK_START = re.compile(r"[#>+=|-]|\d{1,9}(?=[.)])|[`~]{3}")
_ASCII_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")
# Code kinds bitext's reader finds in plain prose: bare URLs and emoji codes are prose it protects, not markup.
_PROSE_CODES = {"url", "emoji"}


def escape_markdown(text: str, *, everything: bool = False) -> str:
    """``text`` with a backslash before each character markdown could read as markup.

    ``everything``: before every ASCII punctuation character (CommonMark makes
    any of them literal that way); the last resort, as it adds an escape for
    every comma.
    """
    pattern = _ASCII_PUNCTUATION if everything else _INLINE
    escaped = pattern.sub(lambda m: "\\" + m.group(0), text)
    start = _BLOCK_START.match(escaped)
    if start and not everything:
        if start.group(0)[0].isdigit():  # 1990. -> 1990\.
            escaped = escaped[: start.end()] + "\\" + escaped[start.end():]
        elif not escaped.startswith("\\"):
            escaped = "\\" + escaped
    return escaped


@lru_cache(maxsize=1)
def _markdown():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough")


def reader_text(markdown: str) -> str:
    """The text a reader sees: markup removed, entities and escapes resolved, line breaks as spaces.

    Code spans keep their text, images their alt text, HTML tags are dropped.
    """
    parts: list[str] = []
    for token in _markdown().parse(markdown):
        if token.type == "inline":
            parts.append("".join(_inline_text(token.children or [])))
        elif token.type in ("code_block", "fence"):
            parts.append(token.content.rstrip("\n"))
    return " ".join(p.strip() for p in parts if p.strip())


def _inline_text(children) -> list[str]:
    out = []
    for child in children:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif child.type == "image":
            out.extend(_inline_text(child.children or []))
    return out


@dataclass
class MarkupSpan:
    """One piece of markup wrapped around words of a segment: where, what kind, and its markdown."""

    kind: str  # bold, link, code (bitext's code kinds)
    start: int  # offsets in the segment's text
    end: int
    url: str | None = None

    def wrap(self, inner: str) -> str:
        if self.kind == "bold":
            return f"**{inner}**"
        if self.kind == "link":
            return f"[{inner}]({self.url})"
        return f"`{inner}`"


@dataclass
class SegmentArticle:
    """The markdown article made of one segment, and the markup spans it carries."""

    text: str  # the segment, as the reader sees it
    markdown: str  # the article's markdown (without the final newline)
    spans: list[MarkupSpan] = field(default_factory=list)
    escaped: bool = False


def plain_article(segment: str, config: dict[str, Any]) -> SegmentArticle:
    """The segment as a one-paragraph article: as it is, else with the escapes it needs."""
    for markdown, escaped in ((segment, False), (escape_markdown(segment), True),
                              (escape_markdown(segment, everything=True), True)):
        article = SegmentArticle(segment, markdown, escaped=escaped)
        if reads_back(article, config):
            return article
    raise BitextError(f"segment {segment[:60]!r} cannot be written as a one-paragraph article "
                      "(please report it: bitext's markdown reader disagrees with CommonMark)")


def markup_article(segment: str, config: dict[str, Any], rng: random.Random, url: str) -> SegmentArticle:
    """The segment with bold, links and code spans around some of its words.

    One span per six words or so, at most three; each covers one to three
    whole words (code: one), never punctuation at its edges, and spans never
    touch. ``url`` (with ``{n}``, the span's number) makes each link's
    address unique, so the output shows which link survived. A segment whose
    words cannot carry markup gets none (and the plain article).
    """
    words = [m for m in re.finditer(r"\S+", segment)]
    candidates = [_word_core(m) for m in words]
    usable = [k for k, core in enumerate(candidates) if core is not None]
    wanted = min(3, 1 + len(words) // 6) if usable else 0
    spans: list[MarkupSpan] = []
    taken: set[int] = set()
    for n in range(wanted):
        kind = rng.choice(("bold", "link", "code"))
        length = 1 if kind == "code" else rng.choice((1, 1, 2, 3))
        starts = [k for k in usable if all(j in usable and j not in taken and j - 1 not in taken and j + 1 not in taken
                                           for j in range(k, k + length))]
        if not starts:
            continue
        first = rng.choice(starts)
        last = first + length - 1
        start, end = candidates[first][0], candidates[last][1]
        spans.append(MarkupSpan(kind, start, end, url.format(n=n) if kind == "link" else None))
        taken.update(range(first, last + 1))
    spans.sort(key=lambda s: s.start)
    if not spans:
        return plain_article(segment, config)
    for everything in (False, True):
        pieces, cursor = [], 0
        for span in spans:
            pieces.append(escape_markdown(segment[cursor:span.start], everything=everything) if cursor or span.start else "")
            inner = segment[span.start:span.end]
            pieces.append(span.wrap(inner if span.kind == "code" else escape_markdown(inner, everything=everything)))
            cursor = span.end
        pieces.append(escape_markdown(segment[cursor:], everything=everything))
        article = SegmentArticle(segment, "".join(pieces), spans, escaped=True)
        if reads_back(article, config):
            return article
    return plain_article(segment, config)


def _word_core(match: re.Match) -> tuple[int, int] | None:
    """The word's offsets without edge punctuation; None when it cannot carry markup."""
    word = match.group(0)
    core = word.strip(".,;:!?\"'()«»“”‘’…")
    if not core or not re.search(r"[^\W\d_]", core) or re.search(r"[`*_\[\]<>&\\{}~|]", core):
        return None
    start = match.start() + word.index(core)
    return start, start + len(core)


def reads_back(article: SegmentArticle, config: dict[str, Any]) -> bool:
    """True when both bitext's reader and CommonMark read the article as the segment, in one paragraph.

    bitext must find one paragraph unit whose text is the segment and whose
    codes are the article's spans (plus escapes, and the URLs and emoji codes
    it finds in prose); a segment without words may instead be no unit at all
    (bitext copies it through).
    """
    from ..markdown.extract import extract_text

    if reader_text(article.markdown) != article.text:
        return False
    try:
        doc = extract_text(article.markdown + "\n", "segment.md", config, None)
    except BitextError:
        return False
    outside = "".join(s for s in doc.skeleton if isinstance(s, str))
    if not doc.units:
        return not article.spans and outside == article.markdown + "\n"
    if len(doc.units) != 1 or outside != "\n":
        return False
    unit = doc.units[0]
    if unit.kind != "paragraph" or unit.text != article.text:
        return False
    markup = sorted((c.kind, c.start, c.end) for c in unit.codes if c.kind not in _PROSE_CODES | {"escape"})
    return markup == sorted((s.kind, s.start, s.end) for s in article.spans)

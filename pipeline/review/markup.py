"""The markup inside a pair's text, as the review page shows and checks it.

Two jobs, both built on the extractor's own inline scanner so that the page
and the rebuild agree on what counts as markup:

- ``segments``: split a text with markup into plain-text and markup pieces,
  so the page can show shortcodes, tags and link targets as visibly
  different, untouchable-looking chips (the pieces are still sent as text:
  escaping is the template's and ``textContent``'s job, not this module's).
- ``check_edit``: an editor's translation must keep every shortcode and
  inline code of the source, whole and paired. An edit that drops or breaks
  one is refused with a message naming what is missing, rather than
  silently losing markup in the rebuilt article (architecture: "nothing is
  ever dropped silently").
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..document import InlineCode, TextUnit
from ..markdown.inline import render_inline, scan_inline

# Substitution codes an editor may legitimately write differently: an entity
# (``&nbsp;``, ``&#8217;``) or a backslash escape stands for one character that
# the translation may not need. Code spans, bare URLs and reference links are
# also substitutions, but they are content that must survive byte for byte.
OPTIONAL_KINDS = frozenset({"entity", "escape"})

_TEXT_MARK = "\ue010"  # private-use characters: cannot occur in article text
_TEXT_END = "\ue011"
_UNCLOSED_SHORTCODE = re.compile(r"\{\{[<%]")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_TABLE_PIPE = re.compile(r"(?<!\\)\|")


def scan_mode(unit: TextUnit, refs: set[str]) -> dict:
    """How the extractor scanned this unit: HTML blocks are not markdown, front matter has no references."""
    if unit.kind == "html":
        return {"markdown": False, "refs": set()}
    if unit.kind == "front_matter":
        return {"markdown": True, "refs": set()}
    return {"markdown": True, "refs": refs}


def segments(raw: str, *, markdown: bool = True, refs: set[str] | None = None) -> list[tuple[str, str]]:
    """``[("t", text) | ("c", markup), ...]`` whose concatenation is ``raw`` exactly.

    The scanner's codes are rendered back with marked plain-text pieces; what
    lies outside the marks is markup. If anything looks off (it should not:
    render is the exact inverse of scan), the whole string is one text piece,
    so the page never shows something other than the stored text.
    """
    if not raw:
        return []
    plain, codes = scan_inline(raw, markdown=markdown, refs=refs or set())
    if not codes:
        return [("t", raw)]
    marked = render_inline(plain, codes, escape=lambda piece: f"{_TEXT_MARK}{piece}{_TEXT_END}" if piece else "")
    out: list[tuple[str, str]] = []
    for part in re.split(f"({_TEXT_MARK}[^{_TEXT_END}]*{_TEXT_END})", marked):
        if not part:
            continue
        if part.startswith(_TEXT_MARK):
            kind, part = "t", part[1:-1]
        else:
            kind = "c"
        if out and out[-1][0] == kind:
            out[-1] = (kind, out[-1][1] + part)
        else:
            out.append((kind, part))
    if "".join(p for _, p in out) != raw:
        return [("t", raw)]
    return out


def _key(code: InlineCode) -> tuple[str, str, str]:
    return (code.kind, code.open, code.close)


def required_codes(codes: list[InlineCode]) -> Counter:
    """The codes an edit must keep, as a multiset of (kind, open, close)."""
    return Counter(_key(c) for c in codes if c.kind not in OPTIONAL_KINDS)


def describe(key: tuple[str, str, str]) -> str:
    """A code as the editor knows it: ``**…**``, ``[…](https://…)``, ``{{<hl>}}…{{</hl>}}``."""
    kind, open_, close = key
    if kind in ("code", "url", "reflink", "autolink") or not close:
        return open_
    return f"{open_}…{close}"


def _shortcodes(codes: list[InlineCode]) -> Counter:
    return Counter(_key(c) for c in codes if c.kind == "shortcode")


def _ancestors(codes: list[InlineCode]) -> list[tuple[tuple[str, str, str], tuple]]:
    """Each code with the codes it sits inside, by the order of their markup (``**[a](u)**``: the link in the bold)."""
    def last(c: InlineCode) -> int:
        return c.close_order if c.close and not c.replaces_text else c.order

    paired = [c for c in codes if c.close and not c.replaces_text]
    return [
        (_key(c), tuple(sorted(_key(p) for p in paired if p is not c and p.order < c.order and last(c) < p.close_order)))
        for c in codes
        if c.kind not in OPTIONAL_KINDS
    ]


def _nesting_changes(source: list[InlineCode], edit: list[InlineCode]) -> str:
    """The source codes that the edit puts inside other codes of the source (or outside them), described."""
    wanted = {k for k, _ in _ancestors(source)}
    have = Counter((k, tuple(a for a in anc if a in wanted)) for k, anc in _ancestors(edit) if k in wanted)
    changed = []
    for (key, anc), n in Counter(_ancestors(source)).items():
        if have[(key, anc)] < n:
            where = " inside " + " and ".join(describe(a) for a in anc) if anc else " outside the other codes"
            changed.append(f"{describe(key)} was{where}")
    return "; ".join(sorted(set(changed)))


@dataclass
class EditCheck:
    """The result of checking one edit: the scanned text and codes, or why it is refused."""

    text: str = ""
    codes: list[InlineCode] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_edit(edit: str, unit: TextUnit, refs: set[str]) -> EditCheck:
    """Scan an editor's translation of ``unit`` and list what would break the article.

    Refused: an empty edit (reject the pair instead), a source shortcode or
    inline code missing or no longer paired, a shortcode the source does not
    have (paired or not: ``{{< /callout >}}`` typed into a paragraph closes
    the article's callout, and Hugo no longer builds it), codes nested
    otherwise than in the source (a link moved out of the bold around it), a
    shortcode left open, a blank line (it would split the block in two), an
    unescaped ``|`` in a table cell. Other added markup (bold, italics) is
    allowed: the editor may know better.
    """
    problems: list[str] = []
    if not edit.strip():
        return EditCheck(problems=["The translation is empty; reject the pair instead of deleting its text."])
    mode = scan_mode(unit, refs)
    text, codes = scan_inline(edit, **mode)
    missing = required_codes(unit.codes) - required_codes(codes)
    if missing:
        listed = ", ".join(f"{describe(k)}" + (f" (×{n})" if n > 1 else "") for k, n in sorted(missing.items()))
        problems.append(f"Markup of the source is missing or broken: {listed}. Put it back around the right words.")
    added = _shortcodes(codes) - _shortcodes(unit.codes)
    if added:
        listed = ", ".join(describe(k) + (f" (×{n})" if n > 1 else "") for k, n in sorted(added.items()))
        problems.append(f"Shortcode added: {listed}. Shortcodes belong to the article's structure, not to the "
                        "translation; remove it (the source's own shortcodes are kept).")
    moved = _nesting_changes(unit.codes, codes)
    if moved and not missing:
        problems.append(f"Markup nested differently from the source: {moved}. Keep each code inside the same codes "
                        "as in the source.")
    if _UNCLOSED_SHORTCODE.search(text):
        problems.append("A shortcode is not closed: each {{< … >}} needs its closing >}} (or %}}).")
    if unit.kind != "front_matter" and _BLANK_LINE.search(edit):
        problems.append("A blank line would split this block in two; keep the translation in one block.")
    if unit.kind == "table_cell" and _TABLE_PIPE.search(edit):
        problems.append("A | would split the table cell; write \\| for a literal bar.")
    return EditCheck(text=text, codes=codes, problems=problems)

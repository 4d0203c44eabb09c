"""Decide by rendering: a translated unit must parse back as the codes it was given.

After MT and code placement, a unit is plain target text plus inline codes.
Rendering them is not enough: markdown reads the result again, and two things
make it read something else:

- codes that meet: two code spans side by side (```js` `scss``` placed as
  ```js``scss``, one different code span), emphasis runs that merge
  (``**a***b*``), a closing ``**`` that punctuation keeps from closing
  (``**mot.**suite``), a URL or emoji code glued to a word;
- markup the model wrote as text: a backtick, a star, a bracket, ``{{<``,
  ``<b>``, ``:smile:``, a web address, which markdown or Hugo would take for
  code.

``secure_markup`` renders the unit with the project's one inline renderer,
scans the result with the project's scanner (the extractor's own reader, so
what it accepts is what the next extraction of the translated file sees) and
compares the two readings piece by piece. Where they differ it first makes the
model's text literal (backslash escapes, and an entity for the colon of an
emoji-like ``:word:``, which Hugo would replace before markdown), then puts a
space at the code boundaries where markdown needs one, keeping each change only
if the reading gets closer. A unit that still reads differently is flagged
``markup_changed`` with what differs: nothing is changed silently.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace
from typing import Iterable, Sequence

from ..document import InlineCode
from .inline import normalize_label, render_pieces, scan_inline

# Characters of plain text that can start markup, escaped with a backslash (all ASCII punctuation:
# CommonMark makes them literal). '_' only where it could delimit emphasis, '<' only before a tag.
_ALWAYS = set("\\`*[]~")
_TAG_START = re.compile(r"<[A-Za-z/!?]")
_ENTITY_LIKE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_SHORTCODE_START = re.compile(r"\{(?=\{[<%])")
_EMOJI_CODE = re.compile(r"(?<![\w:]):(?=[a-z0-9_+-]+:)")
_BARE_URL_START = re.compile(r"(?<![\w])(?:https?:(?=//)|www(?=\.))", re.I)
MAX_SEPARATORS = 12


@dataclass
class Secured:
    """The unit as it will be written, and what was done to keep its reading."""

    text: str
    codes: list[InlineCode]
    changes: list[str] = field(default_factory=list)  # escapes and separators (meaning kept)
    flags: list[dict[str, str]] = field(default_factory=list)


def reading(text: str, codes: Sequence[InlineCode]) -> list[tuple[str, str]]:
    """The markup as (role, raw) pieces, consecutive text merged: what a reader sees."""
    out: list[tuple[str, str]] = []
    for role, raw, _ in render_pieces(text, list(codes)):
        if role == "text":
            if not raw:
                continue
            if out and out[-1][0] == "text":
                out[-1] = ("text", out[-1][1] + raw)
                continue
        out.append((role, raw))
    return out


def reread(text: str, codes: Sequence[InlineCode], refs: Iterable[str] = (), markdown: bool = True) -> list[tuple[str, str]]:
    """How the rendered markup reads when scanned again."""
    raw = "".join(r for _, r in reading(text, codes))
    plain, found = scan_inline(raw, markdown=markdown, refs=set(refs))
    return reading(plain, found)


def _agreement(text: str, codes: Sequence[InlineCode], refs, markdown: bool) -> tuple[int, bool]:
    """How many pieces read back the same (in order), and whether all do."""
    want, got = reading(text, codes), reread(text, codes, refs, markdown)
    if want == got:
        return len(want), True
    codes_only = [p for p in want if p[0] != "text"], [p for p in got if p[0] != "text"]
    matcher = difflib.SequenceMatcher(None, *codes_only, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()), False


def link_labels(text: str, codes: Sequence[InlineCode]) -> set[str]:
    """Reference labels the unit's own links use (``[x][label]``, ``[label]``), for scanning it again."""
    labels = set()
    for c in codes:
        if c.kind not in ("link", "image"):
            continue
        m = re.fullmatch(r"\]\[([^\]]*)\]", c.close)
        if m and m.group(1).strip():
            labels.add(normalize_label(m.group(1)))
        elif c.close in ("]", "][]") and c.end > c.start:
            labels.add(normalize_label(text[c.start:c.end]))
    return labels


def secure_markup(
    text: str, codes: Sequence[InlineCode], *, refs: Iterable[str] = (), markdown: bool = True, html: bool = False
) -> Secured:
    """The unit with escapes and separators where needed so that it reads as ``codes`` (see module doc).

    ``html``: the unit is the text of an HTML block, where a backslash is not an
    escape: characters are made literal with numeric entities instead.
    """
    codes = [replace(c) for c in codes]
    refs = set(refs) | link_labels(text, codes)
    changes: list[str] = []
    codes = codes + _shortcode_openers(text, codes, changes)
    _, same = _agreement(text, codes, refs, markdown)
    if same:
        return Secured(text, codes, changes)
    text, codes = _literal_text(text, codes, markdown, html, changes)
    text, codes = _separate(text, codes, refs, markdown, changes)
    _, same = _agreement(text, codes, refs, markdown)
    flags = [] if same else [_changed_flag(text, codes, refs, markdown)]
    return Secured(text, codes, changes, flags)


# ---------------------------------------------------------------- the model's text made literal


AFTER_EVERY_EVENT = 1_000_000


def _char_code(code_id: int, kind: str, raw: str, at: int) -> InlineCode:
    """A code standing for the one character at ``at``: it renders after every zero-length code
    and opening at that offset (they come before the character)."""
    return InlineCode(code_id, kind, raw, start=at, end=at + 1, replaces_text=True,
                      order=AFTER_EVERY_EVENT + code_id, close_order=AFTER_EVERY_EVENT + code_id)


def _shortcode_openers(text: str, codes: list[InlineCode], changes: list[str]) -> list[InlineCode]:
    """``{{<`` / ``{{%`` written by the model, made literal whatever this unit reads like: Hugo finds
    shortcodes in the whole file before markdown, so one here would pair with a ``%}}`` paragraphs
    away."""
    free = _free_text(text, codes)
    next_id = max((c.id for c in codes), default=-1) + 1
    found = []
    for m in _SHORTCODE_START.finditer(text):
        if free[m.start()] and free[m.start() + 1]:
            found.append(_char_code(next_id + len(found), "entity", "&#123;", m.start()))
    if found:
        changes.append(f"{len(found)} shortcode opening(s) written by the model made literal")
    return found


def _free_text(text: str, codes: Sequence[InlineCode]) -> list[bool]:
    """Which characters are plain text (not the text a substitution code stands for)."""
    free = [True] * len(text)
    for c in codes:
        if c.replaces_text:
            for k in range(max(0, c.start), min(len(text), c.end)):
                free[k] = False
    return free


def _literal_text(text: str, codes: list[InlineCode], markdown: bool, html: bool, changes: list[str]):
    """Escape what would be markup in the plain text: substitution codes over single characters.

    The text itself does not change (an escape code stands for its character),
    so offsets of the other codes stay valid; an invented web address gets a
    space after its scheme, which moves the codes after it.
    """
    free = _free_text(text, codes)
    escapes: list[InlineCode] = []
    next_id = max((c.id for c in codes), default=-1) + 1

    def sub(at: int, raw: str, kind: str) -> None:
        nonlocal next_id
        escapes.append(_char_code(next_id, kind, raw, at))
        next_id += 1
        free[at] = False

    for k, ch in enumerate(text):
        if not free[k]:
            continue
        if markdown and (ch in _ALWAYS or ch == "_" and _may_delimit(text, k)):
            sub(k, f"&#{ord(ch)};" if html else "\\" + ch, "entity" if html else "escape")
        elif ch == "<" and _TAG_START.match(text, k):
            sub(k, "&lt;" if html or not markdown else "\\<", "entity" if html or not markdown else "escape")
        elif ch == "&" and _ENTITY_LIKE.match(text, k):
            sub(k, "&amp;" if html or not markdown else "\\&", "entity" if html or not markdown else "escape")
        elif ch == "{" and _SHORTCODE_START.match(text, k):
            sub(k, "&#123;", "entity")  # Hugo reads shortcodes before markdown: a backslash would not stop it
        elif ch == ":" and markdown and _EMOJI_CODE.match(text, k):
            sub(k, "&#58;", "entity")  # Hugo replaces emoji codes before markdown too
    if escapes:
        changes.append(f"{len(escapes)} markup character(s) of the translation written as literal text")
    codes = codes + escapes
    for m in reversed(list(_BARE_URL_START.finditer(text))):
        if all(free[k] for k in range(m.start(), m.end())):
            text, codes = insert_space(text, codes, m.end() + (1 if text[m.end():m.end() + 1] == ":" else 0))
            changes.append(f"web address written by the model broken at '{m.group(0)}'")
    return text, codes


def _may_delimit(text: str, k: int) -> bool:
    """An underscore between two letters or digits never delimits emphasis (``snake_case``)."""
    before = text[k - 1] if k else " "
    after = text[k + 1] if k + 1 < len(text) else " "
    return not (before.isalnum() and after.isalnum())


# ---------------------------------------------------------------- separators between codes


def insert_space(text: str, codes: list[InlineCode], at: int) -> tuple[str, list[InlineCode]]:
    """One space at ``at``: codes starting there or later move right, codes around it grow,
    codes ending there stay before it."""
    moved = []
    for c in codes:
        c = replace(c)
        if c.start >= at:
            c.start += 1
            c.end += 1
        elif c.end > at:
            c.end += 1
        moved.append(c)
    return text[:at] + " " + text[at:], moved


def _pieces_with_offsets(text: str, codes: Sequence[InlineCode]):
    """render_pieces with, for each piece, the text offsets it starts and ends at."""
    out = []
    cursor = 0
    for role, raw, code in render_pieces(text, list(codes)):
        if role == "text":
            out.append((role, raw, code, cursor, cursor + len(raw)))
            cursor += len(raw)
        elif role == "close":
            out.append((role, raw, code, code.end, code.end))
        elif role == "point" and code.replaces_text:
            out.append((role, raw, code, code.start, code.end))
            cursor = max(cursor, code.end)
        else:
            out.append((role, raw, code, code.start, code.start))
    return out


def _split_candidates(text: str, codes: Sequence[InlineCode]) -> list[tuple[int, int, None]]:
    """(piece index, offset, None) of each place where a code piece meets another piece with no space between."""
    pieces = _pieces_with_offsets(text, codes)
    found = []
    for i in range(len(pieces) - 1):
        left, right = pieces[i], pieces[i + 1]
        if left[0] == "text" and right[0] == "text":
            continue
        if left[0] == "text" and (not left[1] or left[1][-1].isspace()):
            continue
        if right[0] == "text" and (not right[1] or right[1][0].isspace()):
            continue
        if _is_escape(left[2]) and (right[0] == "text" or _is_escape(right[2])) or _is_escape(right[2]) and left[0] == "text":
            continue  # an escaped character is text: it never needs a space
        found.append((i, left[4], None))
    return found


def _both_sides(text: str, codes: Sequence[InlineCode]) -> list[tuple[int, int, tuple[int] | None]]:
    """A code glued on both sides (a web address inside a word) needs both spaces to read right."""
    pieces = _pieces_with_offsets(text, codes)
    out = []
    for i in range(1, len(pieces) - 1):
        if pieces[i][0] != "text" and pieces[i - 1][0] == "text" and pieces[i + 1][0] == "text":
            if pieces[i - 1][1][-1:].strip() and pieces[i + 1][1][:1].strip():
                out.append((i - 1, pieces[i - 1][4], (i,)))
    return out


def _is_escape(code) -> bool:
    return code is not None and code.kind in ("escape", "entity") and code.end - code.start == 1


def _space_after_piece(text: str, codes: list[InlineCode], index: int, at: int):
    """A space at text offset ``at`` between render piece ``index`` and the next: what renders
    after that piece moves right, what renders before it stays."""
    rank: dict[int, list[int]] = {}
    for k, (role, _, code, _, _) in enumerate(_pieces_with_offsets(text, codes)):
        if code is not None:
            rank.setdefault(id(code), []).append(k)
    moved = []
    for c in codes:
        ks = rank.get(id(c), [])
        first, last = (ks[0], ks[-1]) if ks else (-1, -1)
        new = replace(c)
        if c.start > at or c.start == at and first > index:
            new.start += 1
        if c.end > at or c.end == at and last > index:
            new.end += 1
        moved.append(new)
    return text[:at] + " " + text[at:], moved


def _separate(text: str, codes: list[InlineCode], refs, markdown: bool, changes: list[str]):
    """Spaces where codes meet, each kept only when more of the unit reads back right."""
    best, same = _agreement(text, codes, refs, markdown)
    added = 0
    while not same and added < MAX_SEPARATORS:
        for index, at, both in _split_candidates(text, codes) + _both_sides(text, codes):
            cand_text, cand_codes = _space_after_piece(text, codes, index, at)
            if both is not None:  # then the space on the code's other side
                piece = _pieces_with_offsets(cand_text, cand_codes)[both[0]]
                cand_text, cand_codes = _space_after_piece(cand_text, cand_codes, both[0], piece[4])
            score, cand_same = _agreement(cand_text, cand_codes, refs, markdown)
            if cand_same or score > best:
                text, codes, best, same = cand_text, cand_codes, score, cand_same
                added += 1
                changes.append(f"space put between codes at '{_around(text, at)}'")
                break
        else:
            break
    return text, codes


def _around(text: str, p: int) -> str:
    return text[max(0, p - 12):p + 13].replace("\n", " ")


def _changed_flag(text: str, codes: Sequence[InlineCode], refs, markdown: bool) -> dict[str, str]:
    want, got = reading(text, codes), reread(text, codes, refs, markdown)
    n = 0
    while n < min(len(want), len(got)) and want[n] == got[n]:
        n += 1
    expected = "".join(r for _, r in want[n:n + 3])[:60]
    read = "".join(f"[{role} {r}]" for role, r in got[n:n + 3])[:80]
    return {
        "code": "markup_changed",
        "reason": f"the translated markup does not read back as the source's codes from '{expected}': read as {read}; check it",
    }

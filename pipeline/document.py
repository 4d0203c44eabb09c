"""The typed document that flows from stage to stage.

The model follows the localization filters (Okapi's skeleton + text units,
XLIFF inline codes): the *skeleton* is the article with every translatable
run cut out and replaced by a slot; a *text unit* is one such run, kept as
plain text for the translator plus *inline codes* (bold, links, inline
shortcodes, HTML tags...) stored as spans over that plain text.

Filling the skeleton with the source units gives back the source file byte
for byte; that identity is the invariant the tests check first.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class InlineCode:
    """One piece of inline markup inside a text unit.

    ``start``/``end`` are offsets in the unit's plain ``text``. A *paired*
    code (bold, link, ``{{<hl>}}``...) puts ``open`` before ``start`` and
    ``close`` after ``end``. An *isolated* code (``<br>``, a standalone
    inline shortcode, an image without alt text) has ``start == end`` and an
    empty ``close``. A *substitution* code (``replaces_text``: entities,
    backslash escapes, inline code spans) stands for the plain text it
    covers: when rendering, ``open`` replaces ``text[start:end]``.
    """

    id: int
    kind: str
    open: str
    close: str = ""
    start: int = 0
    end: int = 0
    replaces_text: bool = False
    # Order of the open (or isolated) and close events in the source markup:
    # decides the order of codes that meet at one offset, so rendering the
    # source codes gives back the source bytes exactly.
    order: int = 0
    close_order: int = 0

    @property
    def isolated(self) -> bool:
        return self.start == self.end and not self.close and not self.replaces_text


@dataclass
class Layout:
    """How the unit's raw text was laid out over lines in the source.

    ``first_prefix`` is nothing (the slot starts after it); ``line_prefixes``
    are the prefixes of each continuation line (indentation, ``> ``); the
    line breaks themselves are recorded as softbreak positions in the raw
    text. ``wrap_width`` is the longest source line when the paragraph was
    hard-wrapped, else ``None``.
    """

    line_prefixes: list[str] = field(default_factory=list)
    line_ends: list[str] = field(default_factory=list)
    wrap_width: int | None = None
    first_column: int = 0


@dataclass
class ModelTrace:
    """What the model path did with one unit: what reached the model, and what guards and placement did.

    Read by ``bitext eval`` to say why bitext's translation of a segment differs
    from the bare model's, from what happened rather than from a guess.
    """

    sentences: int = 0  # sentences found in the unit's text
    pieces: int = 0  # pieces sent to the model: the sentences, and the chunks of those too long for it
    copied: int = 0  # pieces with text kept without the model (no letter, a bare URL, only protected terms)
    placeholders: int = 0  # do-not-translate terms and protected code texts the model saw as placeholders
    retried: list[str] = field(default_factory=list)  # problems that made a piece be translated again, fixed or not
    unprotected: int = 0  # pieces translated again with their terms in, after the model lost a placeholder
    placed_by: dict[str, str] = field(default_factory=dict)  # inline code id -> the placement step that placed it


@dataclass
class TextUnit:
    """One translatable run of the article."""

    id: str
    kind: str  # paragraph, heading, list_item, table_cell, front_matter, shortcode_param, html_attr, link_text...
    text: str
    codes: list[InlineCode] = field(default_factory=list)
    context: dict[str, Any] = field(default_factory=dict)
    layout: Layout = field(default_factory=Layout)
    line: int = 0  # 1-based first line in the (repaired) source
    end_line: int = 0
    target: str | None = None
    target_codes: list[InlineCode] | None = None
    flags: list[dict[str, str]] = field(default_factory=list)
    # Set when the target came from the translation memory, not a model: origin (human, imported),
    # similarity, and where the entry came from (article, pair, tuid, author, updated).
    memory: dict[str, Any] | None = None
    mt: ModelTrace | None = None  # set by the model path of the translate stage


@dataclass
class Slot:
    """A hole in the skeleton, filled with the rendering of one unit."""

    unit_id: str


def _code_dict(c: InlineCode) -> dict[str, Any]:
    return dict(c.__dict__)


def _unit_dict(u: TextUnit) -> dict[str, Any]:
    """``asdict`` without its deep-copy recursion: a document has thousands of codes."""
    d = dict(u.__dict__)
    d["codes"] = [_code_dict(c) for c in u.codes]
    if u.target_codes is not None:
        d["target_codes"] = [_code_dict(c) for c in u.target_codes]
    d["layout"] = dict(u.layout.__dict__)
    d["layout"]["line_prefixes"] = list(u.layout.line_prefixes)
    d["layout"]["line_ends"] = list(u.layout.line_ends)
    d["context"] = dict(u.context)
    d["flags"] = [dict(f) for f in u.flags]
    if u.memory is None:
        del d["memory"]  # most units: no key at all, as before
    else:
        d["memory"] = dict(u.memory)
    if u.mt is None:
        del d["mt"]  # identity and pseudo runs: the stage files stay as they were
    else:
        d["mt"] = {**u.mt.__dict__, "retried": list(u.mt.retried), "placed_by": dict(u.mt.placed_by)}
    return d


@dataclass
class SourceEncoding:
    """How the source article was read, so the translation is written the same way.

    ``newline`` is ``"\n"``, ``"\r\n"`` or ``"mixed"`` (then ``crlf_lines``,
    ``line_count`` and ``majority`` say which lines had CRLF); ``mojibake`` is the
    repair report when UTF-8 read with the wrong codec was undone (ftfy), else None.
    """

    bom: bool = False
    decoded_as: str = "utf-8"
    warnings: list[str] | None = None
    newline: str = "\n"
    crlf_lines: list[int] | None = None
    line_count: int | None = None
    majority: str | None = None
    mojibake: dict[str, Any] | None = None

    _OPTIONAL = ("warnings", "crlf_lines", "line_count", "majority")

    def to_dict(self) -> dict[str, Any]:
        """The fields as ``document.json`` keeps them (optional ones only when set)."""
        return {k: v for k, v in self.__dict__.items() if v is not None or k not in self._OPTIONAL}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "SourceEncoding":
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


@dataclass
class Document:
    """An article as the pipeline sees it.

    Each stage hands the next ones typed fields: extract sets the skeleton, the
    units, ``front_matter`` (``yaml``, ``toml`` or None) and ``encoding``;
    translate the units' targets; hugo ``hugo_keys`` (front matter keys the
    translated file gets); reinsert ``target_spans`` (unit id -> [first, last]
    line of the unit in the translated file, 1-based), which align and review read.
    """

    path: str
    source_lang: str | None
    skeleton: list[str | Slot]
    units: list[TextUnit]
    target_lang: str | None = None
    front_matter: str | None = None
    encoding: SourceEncoding = field(default_factory=SourceEncoding)
    hugo_keys: dict[str, object] = field(default_factory=dict)
    target_spans: dict[str, list[int]] = field(default_factory=dict)

    def unit(self, unit_id: str) -> TextUnit:
        """Return the unit with this id (dict built lazily: documents are small)."""
        index = self.__dict__.get("_index")
        if index is None or len(index) != len(self.units):
            index = self.__dict__["_index"] = {u.id: u for u in self.units}
        return index[unit_id]

    def to_dict(self) -> dict[str, Any]:
        """The stage files' form (``document.json``, ``translated.json``); what later stages add is kept when set."""
        skeleton = [s if isinstance(s, str) else {"slot": s.unit_id} for s in self.skeleton]
        metadata: dict[str, Any] = {"front_matter": self.front_matter, "encoding": self.encoding.to_dict()}
        if self.hugo_keys:
            metadata["hugo_keys"] = dict(self.hugo_keys)
        if self.target_spans:
            metadata["target_spans"] = {k: list(v) for k, v in self.target_spans.items()}
        return {
            "path": self.path,
            "source_lang": self.source_lang,
            "target_lang": self.target_lang,
            "metadata": metadata,
            "units": [_unit_dict(u) for u in self.units],
            "skeleton": skeleton,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Document":
        def code(c: dict) -> InlineCode:
            return InlineCode(**c)

        units = []
        for u in data["units"]:
            u = dict(u)
            u["codes"] = [code(c) for c in u.get("codes", [])]
            if u.get("target_codes") is not None:
                u["target_codes"] = [code(c) for c in u["target_codes"]]
            u["layout"] = Layout(**u.get("layout", {}))
            if u.get("mt") is not None:
                u["mt"] = ModelTrace(**u["mt"])
            units.append(TextUnit(**u))
        skeleton = [s if isinstance(s, str) else Slot(s["slot"]) for s in data["skeleton"]]
        metadata = data.get("metadata") or {}
        return cls(
            path=data["path"],
            source_lang=data.get("source_lang"),
            target_lang=data.get("target_lang"),
            skeleton=skeleton,
            units=units,
            front_matter=metadata.get("front_matter"),
            encoding=SourceEncoding.from_dict(metadata.get("encoding") or {}),
            hugo_keys=dict(metadata.get("hugo_keys") or {}),
            target_spans={k: list(v) for k, v in (metadata.get("target_spans") or {}).items()},
        )

"""The pair: what editors review and what the exports carry.

One pair links source text units to target text (``1-1`` after a bitext
translation run; ``1-2``, ``2-1``, ``1-0``... when two existing versions of an
article are aligned). ``src`` and ``tgt`` carry the article's inline markup
(bold, links, shortcodes), as the editor sees it in the file.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable


@dataclass
class Pair:
    id: str  # "<article>#<unit id>": content-addressed, stable across runs (align.pairs.pair_id)
    article: str  # source path as given to the run (or the A file of ``bitext align``)
    kind: str  # unit kind: paragraph, heading, list_item, table_cell, front_matter, shortcode_param, html...
    # (or, for a block without prose, see ``is_markup``: code, shortcode, html, comment, linkdef, table_row...)
    heading_path: list[str]
    src: str
    tgt: str
    src_lines: list[int] | None  # [first, last], 1-based, in the source file; None for an empty side
    tgt_lines: list[int] | None  # same, in the translated (or B) file
    type: str  # "1-1", "1-2", "2-1", "2-2", "1-0", "0-1"
    score: float
    flags: list[dict[str, str]] = field(default_factory=list)  # {"code": ..., "reason": ...}
    unit_ids: list[str] = field(default_factory=list)  # source unit ids (reinsert uses them)
    target_unit_ids: list[str] = field(default_factory=list)  # B-side unit ids (two-version alignment)
    sentences: list[dict[str, Any]] = field(default_factory=list)  # sentence pairs inside this pair
    status: str = "pending"  # pending | approved | rejected (set by review)
    note: str = ""  # editor's note (set by review)
    src_lang: str | None = None
    tgt_lang: str | None = None
    # sentence-level two-version alignment only: {"src": [ids], "tgt": [ids]}, ids counting each
    # document's body sentences in order (block order for pre-segmented text); absent elsewhere
    sentence_ids: dict[str, list[int]] | None = None
    # The target came from the translation memory (origin human or imported, where from): the pair is
    # ``approved (memory)`` until an editor says otherwise. None: a model's (or nobody's) translation.
    memory: dict[str, Any] | None = None

    @property
    def is_markup(self) -> bool:
        """A pair of blocks without prose (code fences, lines of shortcodes, HTML, comments...):
        ``bitext align`` pairs them so that the alignment covers both files; no text unit is in
        them, so nothing in them is translated or edited. The review hides them by default."""
        return not self.unit_ids and not self.target_unit_ids

    def to_dict(self) -> dict[str, Any]:
        """A plain copy (``asdict``'s recursive deep copy is slow on thousands of pairs)."""
        d = dict(self.__dict__)
        for key in ("heading_path", "unit_ids", "target_unit_ids"):
            d[key] = list(d[key])
        d["flags"] = [dict(f) for f in self.flags]
        d["sentences"] = [dict(x) for x in self.sentences]
        if self.sentence_ids is None:
            del d["sentence_ids"]
        else:
            d["sentence_ids"] = {k: list(v) for k, v in self.sentence_ids.items()}
        if self.memory is None:
            del d["memory"]
        else:
            d["memory"] = dict(self.memory)
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Pair":
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


def write_pairs_jsonl(path: Path, pairs: Iterable[Pair]) -> None:
    from .files import write_atomic

    lines = [json.dumps(p.to_dict(), ensure_ascii=False) for p in pairs]
    write_atomic(path, "\n".join(lines) + ("\n" if lines else ""))


def read_pairs_jsonl(path: Path) -> list[Pair]:
    with open(path, encoding="utf-8") as fh:
        return [Pair.from_dict(json.loads(line)) for line in fh if line.strip()]

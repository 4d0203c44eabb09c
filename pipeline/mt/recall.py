"""Editors' translations before the model: exact memory matches put into the units of a run.

Before a model sees a unit, the translation memory is asked for an entry
made or approved by a person (origins ``human`` and ``imported``) whose
source is this unit's (same words, same tags in the same places:
``segments.Segment.key``). A hit is written into the unit with this unit's
own markup and checked like an editor's edit (``segments.apply``); the unit
then costs no model call, and its pair says ``approved (memory)``. A unit
with no hit, or whose entry does not fit, goes to the model as before.

The align stage's QA checks run on every pair afterwards, memory hits
included: a number that differs between an imported source and its
translation is flagged like any other.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from .memory import TranslationMemory
from .segments import apply, unit_segment


class RunMemory:
    """The translation memory of a run, opened on first use.

    It travels to other processes as its path (an executor that runs stages
    elsewhere, Ray's workers, pickles the article contexts): each process
    opens its own connection, as SQLite wants. The hits are counted in each
    article's run.json entry (``memory_hits``), so they add up wherever the
    stage ran.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self._memory: TranslationMemory | None = None

    @property
    def memory(self) -> TranslationMemory:
        if self._memory is None:
            self._memory = TranslationMemory(self.path)
        return self._memory

    def close(self) -> None:
        if self._memory is not None:
            self._memory.close()
            self._memory = None

    def __getstate__(self) -> dict[str, Any]:
        return {"path": self.path, "_memory": None}


def recall(units_by_doc: list[tuple[list[Any], set[str]]], memory: TranslationMemory, src_lang: str,
           tgt_lang: str) -> Counter:
    """Fill ``target``/``target_codes`` of every unit the memory has a person's translation for.

    ``units_by_doc``: each document's units with its reference-link labels
    (an entry is checked with them, as an edit is). Sets ``unit.memory`` on
    each hit (origin, where the entry came from); returns the hits by origin.
    """
    segments = [(unit, refs, unit_segment(unit.text, unit.codes)) for units, refs in units_by_doc for unit in units]
    found = memory.exact(src_lang, tgt_lang, [seg.key for _, _, seg in segments])
    hits: Counter = Counter()
    for unit, refs, seg in segments:
        entry = found.get(seg.key)
        if entry is None:
            continue
        check = apply(entry.source, entry.target, unit, refs, extra_tags=entry.origin == "human")
        if check is None:
            continue
        unit.target, unit.target_codes = check.text, check.codes
        unit.flags = []
        unit.memory = {"origin": entry.origin, "similarity": 100.0,
                       **{k: entry.context[k] for k in ("article", "pair", "tuid") if entry.context.get(k)},
                       **({"author": entry.author} if entry.author else {}),
                       **({"updated": entry.updated} if entry.updated else {})}
        hits[entry.origin] += 1
    return hits

"""The memory learns from editors: an approved pair is a person's translation.

When an editor approves a pair (edited or not), its source unit and the
approved translation go into the translation memory as a ``human`` entry, so
the next run of the article, a run into another folder, and any other article
with the same paragraph use it with no model call. Taking the approval back
(pending, rejected) removes what this pair put there, and nothing else.

The review finds the memory where the run used it (``run.json``'s ``memory``);
a run made before that was recorded uses the configured one
(``translate.cache_path``, a ``.bitext/`` folder, the user's).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ..formats.run_folder import ArticleData, RunFolder
from ..mt.memory import MemoryEntry, TranslationMemory, language, memory_path
from ..mt.registry import BACKENDS
from ..mt.segments import link, markup_segment, unit_segment
from .markup import scan_mode


def run_memory_path(folder: RunFolder) -> Path:
    """The memory of the run: the one it used, else the one its configuration points to."""
    manifest = folder.manifest()
    if manifest.get("memory"):
        return Path(manifest["memory"])
    cache_path = ((manifest.get("config") or {}).get("translate") or {}).get("cache_path")
    sources = [a.source for a in folder.articles()]
    return memory_path(cache_path, Path(sources[0]) if sources else None)


def open_run_memory(folder: RunFolder) -> TranslationMemory:
    return TranslationMemory(run_memory_path(folder))


def _languages(data: ArticleData) -> tuple[str, str]:
    return (language(data.article.source_lang or data.doc.source_lang),
            language(data.article.target_lang or data.doc.target_lang))


def entry_for(data: ArticleData, pair_id: str, tgt: str, note: str = "", author: str = "") -> MemoryEntry | None:
    """The human entry for one approved pair (its one source unit and the approved text); None if it has
    no single unit, or no language pair to file it under."""
    pair = data.by_id.get(pair_id)
    units = data.units_of(pair) if pair else []
    src_lang, tgt_lang = _languages(data)
    if len(units) != 1 or not src_lang or not tgt_lang:
        return None
    unit = units[0]
    source = unit_segment(unit.text, unit.codes)
    mode = scan_mode(unit, data.refs)
    target = markup_segment(tgt, markdown=mode["markdown"], refs=mode["refs"])
    context = {"article": data.article.source, "pair": pair_id, "unit": unit.id,
               "heading_path": " > ".join(unit.context.get("heading_path") or [])}
    return MemoryEntry(src_lang, tgt_lang, source, link(source, target), "human", note=note,
                       context={k: v for k, v in context.items() if v}, author=author)


def learns_from(folder: RunFolder, edited: bool) -> bool:
    """Whether an approval is a translation: always when edited; unedited, only if a model made the text
    (an approved pseudo-localised or identity text is a layout check, not a translation)."""
    backend = BACKENDS.get(str(folder.manifest().get("backend", "")))
    return edited or backend is None or backend.needs_model


def learn(memory: TranslationMemory, data: ArticleData, pair_id: str, state: Any, edited: bool,
          was_approved: bool, folder: RunFolder, author: str = "") -> str | None:
    """Bring the memory in line with one pair's review; what was done (``added``, ``removed``) or None."""
    entry = None
    if state.status == "approved" and learns_from(folder, edited):
        pair = data.by_id.get(pair_id)
        tgt = state.tgt if state.tgt is not None else (data.machine_tgt(pair) if pair else None)
        entry = entry_for(data, pair_id, tgt, state.note, author) if tgt else None
    if entry is not None:
        memory.add([entry])
        return "added"
    if was_approved:
        pair = data.by_id.get(pair_id)
        units = data.units_of(pair) if pair else []
        src_lang, tgt_lang = _languages(data)
        if len(units) == 1 and memory.remove(src_lang, tgt_lang, unit_segment(units[0].text, units[0].codes),
                                             context={"article": data.article.source, "pair": pair_id}):
            return "removed"
    return None

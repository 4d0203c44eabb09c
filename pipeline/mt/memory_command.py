"""``bitext memory import|export|stats``: the translation memory as CAT tools exchange it (TMX 1.4b)."""
from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import Any

from ..errors import BitextError
from .memory import ORIGINS, TranslationMemory, language, memory_path


def open_memory(explicit: Path | None, config: dict[str, Any], start: Path | None) -> TranslationMemory:
    """The memory a command works on: ``--memory``, else the config's, the project's, the user's."""
    path = explicit or memory_path(config["translate"]["cache_path"], start)
    if explicit is not None and path.is_dir():
        raise BitextError("is a folder; give the memory file (e.g. .bitext/memory.sqlite)", path=str(path))
    try:
        return TranslationMemory(path)
    except (sqlite3.Error, OSError) as exc:  # not a database, no permission, locked for good...
        raise BitextError(f"cannot open the translation memory: {exc}", path=str(path)) from None


def import_command(tmx: Path, memory: TranslationMemory, quiet: bool = False) -> int:
    from ..formats.tmx import read_memory_tmx

    if not tmx.is_file():
        raise BitextError("file not found; give a TMX file", path=str(tmx))
    read = read_memory_tmx(tmx)
    written = memory.add(read.entries)
    kept = len(read.entries) - written
    if not quiet:
        tool = f" (written by {read.tool})" if read.tool else ""
        line = f"bitext: imported {written} entr{'y' if written == 1 else 'ies'} from {tmx}{tool} into {memory.path}"
        if kept:
            line += f"; {kept} left as they were (an editor's translation outranks an import)"
        if read.skipped:
            line += f"; {len(read.skipped)} unit(s) skipped"
        print(line, file=sys.stderr)
        for reason in read.skipped[:20]:
            print(f"bitext:   {reason}", file=sys.stderr)
        if len(read.skipped) > 20:
            print(f"bitext:   ... and {len(read.skipped) - 20} more", file=sys.stderr)
    if not read.entries and not read.skipped:
        raise BitextError("no translation units in this TMX file", path=str(tmx))
    return 0


def export_command(tmx: Path, memory: TranslationMemory, src: str | None, tgt: str | None, quiet: bool = False) -> int:
    from ..formats.tmx import write_memory_tmx

    entries = memory.entries()
    if src:
        entries = [e for e in entries if e.src_lang == language(src)]
    if tgt:
        entries = [e for e in entries if e.tgt_lang == language(tgt)]
    write_memory_tmx(tmx, entries)
    if not quiet:
        print(f"bitext: exported {len(entries)} approved entr{'y' if len(entries) == 1 else 'ies'} from {memory.path} to {tmx}",
              file=sys.stderr)
    return 0


def stats_command(memory: TranslationMemory, as_json: bool = False) -> int:
    stats = memory.stats()
    if as_json:
        import json

        json.dump(stats, sys.stdout, indent=1)
        sys.stdout.write("\n")
        return 0
    counts = stats["counts"]
    print(f"translation memory: {stats['path']}")
    for origin in ORIGINS:
        what = {"human": "approved by editors", "imported": "imported from TMX",
                "machine": f"units translated by a model (+ {stats['machine_sentences']} sentences)"}[origin]
        print(f"  {origin:<9}{counts[origin]:>8}  {what}")
    for pair, by_origin in sorted(stats["pairs"].items()):
        detail = ", ".join(f"{o} {by_origin[o]}" for o in ORIGINS if by_origin.get(o))
        print(f"  {pair}: {detail}")
    return 0

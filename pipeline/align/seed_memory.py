"""``bitext align A B --into-memory``: seed the translation memory from two human versions.

A site that already has its articles in both languages has the best memory
it can get. Each link of the alignment whose confidence (the pair's
``score``) reaches ``align.memory_min_confidence`` becomes an ``imported``
entry (the memory's origin for translations people made outside bitext;
``human`` stays for what editors approve in review, and outranks it). Links
below the threshold stay out: they are counted, listed on stderr and written
to ``memory_left_out.jsonl`` beside the pairs, for a person to look at.
1-0 and 0-1 pairs are no translations and never enter.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Sequence

from ..document import Document
from ..pairs import Pair

SHOWN = 10  # low-confidence links printed; all of them are in the file


def split_by_confidence(pairs: Sequence[Pair], threshold: float) -> tuple[list[Pair], list[Pair]]:
    """The links (both sides non-empty) at or above ``threshold``, and those below it."""
    links = [p for p in pairs if p.src.strip() and p.tgt.strip()]
    return [p for p in links if p.score >= threshold], [p for p in links if p.score < threshold]


def seed_memory(pairs: Sequence[Pair], doc_a: Document, doc_b: Document, a: Path, out_dir: Path,
                config: dict[str, Any], memory: Path | None, quiet: bool) -> tuple[int, int]:
    """Store the confident links; returns (kept, left out)."""
    from ..files import write_atomic
    from ..mt.memory import MemoryEntry
    from ..mt.memory_command import open_memory
    from ..mt.segments import link, markup_segment

    threshold = float(config["align"]["memory_min_confidence"])
    kept, left_out = split_by_confidence(pairs, threshold)
    src_lang, tgt_lang = doc_a.source_lang or "und", doc_b.source_lang or "und"
    entries = []
    for p in kept:
        src, tgt = markup_segment(p.src), markup_segment(p.tgt)
        entries.append(MemoryEntry(src_lang, tgt_lang, src, link(src, tgt), origin="imported",
                                   context={"article": str(a), "tool": "bitext align", "pair": p.id,
                                            "type": p.type, "confidence": p.score}))
    with open_memory(memory, config, a.resolve().parent) as tm:
        tm.add(entries)
        where = tm.path
    rows = [json.dumps({"id": p.id, "type": p.type, "confidence": p.score, "src": p.src, "tgt": p.tgt,
                        "src_lines": p.src_lines, "tgt_lines": p.tgt_lines}, ensure_ascii=False) for p in left_out]
    left_path = out_dir / "memory_left_out.jsonl"
    write_atomic(left_path, "\n".join(rows) + ("\n" if rows else ""))
    if not quiet:
        total = len(kept) + len(left_out)
        print(f"bitext: memory {where}: kept {len(kept)} of {total} links (confidence >= {threshold:g}); "
              f"{len(left_out)} below it left out (listed in {left_path})", file=sys.stderr)
        for p in left_out[:SHOWN]:
            print(f"bitext:   {p.id} {p.type} confidence {p.score:.2f}: {_short(p.src)} -> {_short(p.tgt)}",
                  file=sys.stderr)
        if len(left_out) > SHOWN:
            print(f"bitext:   ... and {len(left_out) - SHOWN} more", file=sys.stderr)
    return len(kept), len(left_out)


def _short(text: str, width: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"

"""What every stage shares: the article context a stage reads and writes.

A stage is a small class with a ``name`` and one method: ``run(doc, ctx)``
takes the document and returns it; a stage records the work it did in
``ctx.work`` (units, sentences, tokens), which the energy meter puts in its
record, and the files it wrote in ``ctx.outputs``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..markdown.encoding import write_atomic


@dataclass
class ArticleContext:
    """What a stage may read and write for one article."""

    source: Path
    config: dict[str, Any]
    out_dir: Path
    target_path: Path  # the translated article
    work_dir: Path  # OUT/<relative dir>/<name>.bitext: the stage files
    source_lang: str
    target_lang: str
    translator: Any = None
    in_place: bool = False
    work: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    text: str | None = None  # the record's text when the article is a JSONL/dataset record
    result_text: str | None = None  # the translated record text (records are not written as files)

    def record_output(self, key: str, path: Path) -> None:
        """Note a file written for this article (relative to OUT when it is inside it)."""
        try:
            self.outputs[key] = str(path.resolve().relative_to(self.out_dir.resolve()))
        except ValueError:
            self.outputs[key] = str(path.resolve())


def write_json(path: Path, data: Any) -> None:
    write_atomic(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")

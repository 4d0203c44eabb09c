"""The stages of a run. Each is a small class with a ``name`` and one method.

``run(doc, ctx)`` takes the document and returns it; a stage records the work
it did in ``ctx.work`` (units, sentences, tokens), which the energy meter puts
in its record, and the files it wrote in ``ctx.outputs``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .document import Document
from .encoding import encode_article, write_atomic
from .extract import extract_file
from .pseudo_units import pseudo_unit
from .reinsert import fill_skeleton


@dataclass
class ArticleContext:
    """What a stage may read and write for one article."""

    source: Path
    config: dict[str, Any]
    out_dir: Path
    article_dir: Path  # OUT/<relative dir>: where the translated article goes
    work_dir: Path  # OUT/<relative dir>/<name>.bitext: the stage files
    source_lang: str
    target_lang: str
    translator: Any = None
    work: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)

    def record_output(self, key: str, path: Path) -> None:
        self.outputs[key] = str(path.relative_to(self.out_dir))


def _write_json(path: Path, data: Any) -> None:
    write_atomic(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")


class ExtractStage:
    """Read the article into a Document and save it as ``document.json``."""

    name = "extract"

    def run(self, doc: Document | None, ctx: ArticleContext) -> Document:
        doc = extract_file(ctx.source, ctx.config, ctx.source_lang)
        doc.source_lang = ctx.source_lang
        doc.target_lang = ctx.target_lang
        path = ctx.work_dir / "document.json"
        _write_json(path, doc.to_dict())
        ctx.record_output("document", path)
        ctx.work["units"] = len(doc.units)
        ctx.work["source_tokens"] = sum(len(u.text.split()) for u in doc.units)
        return doc


class TranslateStage:
    """Give every unit a target text and target inline codes.

    ``identity`` and ``pseudo`` work on whole units with their codes in
    place; model backends are driven through ``pipeline.translate``.
    """

    name = "translate"

    def run(self, doc: Document, ctx: ArticleContext) -> Document:
        translator = ctx.translator
        backend = getattr(translator, "name", "identity")
        if backend == "identity":
            for u in doc.units:
                u.target, u.target_codes = u.text, list(u.codes)
        elif backend == "pseudo":
            for u in doc.units:
                u.target, u.target_codes = pseudo_unit(u)
        else:
            from .translate import translate_document

            translate_document(doc, translator, ctx)
        ctx.work.setdefault("units", len(doc.units))
        ctx.work.setdefault("source_tokens", sum(len(u.text.split()) for u in doc.units))
        ctx.work.setdefault("target_tokens", sum(len((u.target or "").split()) for u in doc.units))
        path = ctx.work_dir / "translated.json"
        _write_json(path, doc.to_dict())
        ctx.record_output("translated", path)
        return doc


class ReinsertStage:
    """Fill the skeleton and write the Hugo-ready translated article, atomically."""

    name = "reinsert"

    def run(self, doc: Document, ctx: ArticleContext) -> Document:
        from .reinsert import output_name

        text = fill_skeleton(doc)
        path = ctx.article_dir / output_name(ctx.source, ctx.target_lang)
        write_atomic(path, encode_article(text, doc.metadata.get("encoding", {})))
        ctx.record_output("article", path)
        ctx.work["units"] = len(doc.units)
        return doc

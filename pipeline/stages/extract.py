"""extract: read the article into a Document (skeleton + text units) and save it as ``document.json``.

The article's text comes from its source (a file, or a JSONL/dataset record),
already decoded, with LF line ends and any mojibake repaired; the document
keeps how it was encoded, so reinsert writes the translation the same way.
"""
from __future__ import annotations

from ..document import Document
from ..markdown.extract import extract_text
from .base import ArticleContext, Stage, write_json


class ExtractStage(Stage):
    """Read the article into a Document and save it as ``document.json``."""

    name = "extract"
    adds = ("skeleton", "units", "front_matter", "encoding")

    def run(self, doc: Document | None, ctx: ArticleContext) -> Document:
        text, encoding = ctx.article.read()
        doc = extract_text(text, str(ctx.source), ctx.config, ctx.source_lang)
        doc.encoding = encoding
        doc.target_lang = ctx.target_lang
        path = ctx.work_dir / "document.json"
        write_json(path, doc.to_dict())
        ctx.record_output("document", path)
        ctx.work["units"] = len(doc.units)
        ctx.work["source_tokens"] = sum(len(u.text.split()) for u in doc.units)
        if encoding.mojibake:
            ctx.entry["repaired_mojibake"] = True
        if encoding.decoded_as != "utf-8":  # UTF-16/32 (written back as UTF-8), or Windows-1252 guessed
            ctx.entry["decoded_as"] = encoding.decoded_as
        return doc

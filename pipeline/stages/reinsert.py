"""reinsert: fill the skeleton, write the Hugo-ready translated article, and record where each unit landed.

Each unit is rendered from its target (``pipeline.markdown.render``), the
Hugo keys the hugo stage planned are added to the front matter, and the line
span of every unit in the written text is kept in ``doc.target_spans``: align
and review read the lines from there rather than predicting them. The article
goes where its source says (a file, written atomically with the source's line
ends and BOM; a record's translation stays with its record).
"""
from __future__ import annotations

from ..document import Document
from ..markdown.render import render_article
from .base import ArticleContext, Stage


class ReinsertStage(Stage):
    """Fill the skeleton and write the translated article; record each unit's lines in it."""

    name = "reinsert"
    reads = ("skeleton", "targets", "hugo_keys", "encoding")
    adds = ("target_spans",)

    def run(self, doc: Document, ctx: ArticleContext) -> Document:
        text, doc.target_spans = render_article(doc)
        written = ctx.article.write_translation(text, doc.encoding, ctx.target_path)
        if written is not None:
            ctx.record_output("article", written)
        ctx.work["units"] = len(doc.units)
        return doc

"""reinsert: fill the skeleton and write the Hugo-ready translated article, atomically."""
from __future__ import annotations

from ..document import Document
from ..markdown.encoding import encode_article, write_atomic
from ..markdown.render import fill_skeleton
from .base import ArticleContext


class ReinsertStage:
    """Fill the skeleton and write the Hugo-ready translated article, atomically."""

    name = "reinsert"

    def run(self, doc: Document, ctx: ArticleContext) -> Document:
        from ..markdown.hugo_keys import add_keys

        text = fill_skeleton(doc)
        if ctx.text is not None:  # a record: the runner writes it back with the others
            ctx.result_text = text
            ctx.work["units"] = len(doc.units)
            return doc
        keys = doc.metadata.get("hugo_keys")
        if keys:
            text = add_keys(text, keys)
        write_atomic(ctx.target_path, encode_article(text, doc.metadata.get("encoding", {})))
        ctx.record_output("article", ctx.target_path)
        ctx.work["units"] = len(doc.units)
        return doc

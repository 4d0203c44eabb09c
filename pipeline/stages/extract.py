"""extract: read the article into a Document (skeleton + text units) and save it as ``document.json``."""
from __future__ import annotations

from ..document import Document
from ..markdown.extract import extract_file
from .base import ArticleContext, write_json


class ExtractStage:
    """Read the article into a Document and save it as ``document.json``."""

    name = "extract"

    def run(self, doc: Document | None, ctx: ArticleContext) -> Document:
        if ctx.text is not None:
            from ..errors import BitextError
            from ..markdown.encoding import repair_mojibake

            if not ctx.text.strip():
                raise BitextError("the record's text field is empty or missing: nothing to translate", path=str(ctx.source))
            from ..markdown.extract import extract_text

            text, repairs = repair_mojibake(ctx.text.replace("\r\n", "\n"))
            doc = extract_text(text, str(ctx.source), ctx.config, ctx.source_lang)
            doc.metadata["encoding"] = {"newline": "\n", "bom": False, "decoded_as": "utf-8", "mojibake": repairs}
        else:
            doc = extract_file(ctx.source, ctx.config, ctx.source_lang)
        doc.source_lang = ctx.source_lang
        doc.target_lang = ctx.target_lang
        path = ctx.work_dir / "document.json"
        write_json(path, doc.to_dict())
        ctx.record_output("document", path)
        ctx.work["units"] = len(doc.units)
        ctx.work["source_tokens"] = sum(len(u.text.split()) for u in doc.units)
        return doc

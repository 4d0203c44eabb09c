"""translate: give every unit a target text and target inline codes."""
from __future__ import annotations

from typing import Any

from ..document import Document
from ..mt.pseudo import pseudo_unit
from .base import ArticleContext, write_json


class TranslateStage:
    """Give every unit a target text and target inline codes.

    ``identity`` and ``pseudo`` work on whole units with their codes in
    place; model backends are driven through ``pipeline.mt.units``.
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
            from ..mt.units import translate_documents

            translate_documents([doc], translator, [ctx])
        ctx.work.setdefault("units", len(doc.units))
        ctx.work.setdefault("source_tokens", sum(len(u.text.split()) for u in doc.units))
        ctx.work.setdefault("target_tokens", sum(len((u.target or "").split()) for u in doc.units))
        path = ctx.work_dir / "translated.json"
        write_json(path, doc.to_dict())
        ctx.record_output("translated", path)
        return doc

    def run_many(self, docs: list[Document], ctxs: list[ArticleContext]) -> dict[str, Any]:
        """Translate several articles' units in one model pass; write each one's translated.json."""
        from ..mt.units import translate_documents

        counts = translate_documents(docs, ctxs[0].translator, ctxs)
        for doc, ctx in zip(docs, ctxs):
            path = ctx.work_dir / "translated.json"
            write_json(path, doc.to_dict())
            ctx.record_output("translated", path)
        return counts

"""translate: give every unit a target text and target inline codes.

The translator does the work (``Translator.translate_units``): identity and
pseudo on whole units with their codes in place, model backends sentence by
sentence with guards and code placement. Units of several articles go to the
translator in one call when it batches across articles; each article's
``translated.json`` and work counters are its own.
"""
from __future__ import annotations

from typing import Any

from ..document import Document
from ..mt.base import Translator, UnitWork
from .base import ArticleContext, Stage, write_json


class TranslateStage(Stage):
    """Give every unit a target text, target inline codes and flags; save ``translated.json``."""

    name = "translate"
    reads = ("units",)
    adds = ("targets",)

    def group_size(self, config: dict[str, Any], translator: Translator) -> int:
        return config["translate"]["articles_per_batch"] if translator.batches_across_articles else 1

    def run(self, doc: Document, ctx: ArticleContext) -> Document:
        return self.run_many([doc], [ctx])[0]

    def run_many(self, docs: list[Document], ctxs: list[ArticleContext]) -> list[Document]:
        units = [u for doc in docs for u in doc.units]
        work = ctxs[0].translator.translate_units(units, ctxs[0].source_lang, ctxs[0].config)
        by_unit = {id(u): w for u, w in zip(units, work)}
        for doc, ctx in zip(docs, ctxs):
            ctx.work.update(_counts([by_unit[id(u)] for u in doc.units]))
            path = ctx.work_dir / "translated.json"
            write_json(path, doc.to_dict())
            ctx.record_output("translated", path)
        return docs


def _counts(work: list[UnitWork]) -> dict[str, int]:
    """The article's counters for the energy record (sentences when the translator splits them)."""
    counts = {"units": len(work)}
    if any(w.sentences is not None for w in work):
        counts["sentences"] = sum(w.sentences or 0 for w in work)
    counts["source_tokens"] = sum(w.source_tokens for w in work)
    counts["target_tokens"] = sum(w.target_tokens for w in work)
    return counts

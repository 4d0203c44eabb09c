"""translate: give every unit a target text and target inline codes.

The translator does the work (``Translator.translate_units``): identity and
pseudo on whole units with their codes in place, model backends sentence by
sentence with guards and code placement. Units of several articles go to the
translator in one call when it batches across articles; each article's
``translated.json`` and work counters are its own.
"""
from __future__ import annotations

from collections import Counter
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
        translator = ctxs[0].translator
        recalled = _recall(docs, ctxs)
        units = [u for doc in docs for u in doc.units if u.memory is None]
        work = translator.translate_units(units, ctxs[0].source_lang, ctxs[0].config) if units else []
        by_unit = {id(u): w for u, w in zip(units, work)}
        for doc, ctx, hits in zip(docs, ctxs, recalled):
            for u in doc.units:
                if u.memory is not None:  # from the memory: no model call, its tokens counted all the same
                    by_unit[id(u)] = UnitWork(translator.source_tokens(u.text), translator.target_tokens(u.target or ""), 0)
            if hits:
                ctx.entry["memory_hits"] = dict(hits)
            ctx.work.update(_counts([by_unit[id(u)] for u in doc.units]))
            path = ctx.work_dir / "translated.json"
            write_json(path, doc.to_dict())
            ctx.record_output("translated", path)
        return docs


def _recall(docs: list[Document], ctxs: list[ArticleContext]) -> list[Counter]:
    """Put the memory's human and imported translations into the units that have one (``mt.recall``).

    Only for translators that change the language: identity and pseudo runs check structure, and a
    person's translation would hide what they are for. Returns each article's hits by origin.
    """
    run_memory = ctxs[0].memory
    if run_memory is None or not ctxs[0].translator.changes_language:
        return [Counter() for _ in docs]
    from ..formats.run_folder import doc_refs
    from ..mt.recall import recall

    out = []
    for doc, ctx in zip(docs, ctxs):
        out.append(recall([(doc.units, doc_refs(doc))], run_memory.memory, ctx.source_lang, ctx.target_lang))
    return out


def _counts(work: list[UnitWork]) -> dict[str, int]:
    """The article's counters for the energy record (sentences when the translator splits them)."""
    counts = {"units": len(work)}
    if any(w.sentences is not None for w in work):
        counts["sentences"] = sum(w.sentences or 0 for w in work)
    counts["source_tokens"] = sum(w.source_tokens for w in work)
    counts["target_tokens"] = sum(w.target_tokens for w in work)
    return counts

"""align: one pair per text unit, for editors and translation memories; ``pairs.jsonl`` and ``pairs.tmx``.

After translation every unit has its own target, so there is nothing to
search: each unit is one ``1-1`` pair (``1-0`` if the translate stage left it
without a target), built by ``pipeline.align.pairs`` with the lines reinsert
recorded, QA flags, a score and sentence pairs. When the language did not
change (identity, pseudo), structure is checked but not language: no spaCy
model is loaded (rule-based sentences, no named entities).
"""
from __future__ import annotations

from ..align.pairs import translation_pairs
from ..document import Document
from ..formats.tmx import write_tmx
from ..pairs import write_pairs_jsonl
from .base import ArticleContext, Stage


class AlignStage(Stage):
    """Pair every unit with its translation; write ``pairs.jsonl`` and ``pairs.tmx``."""

    name = "align"
    reads = ("targets", "target_spans")

    def run(self, doc: Document, ctx: ArticleContext) -> Document:
        language = ctx.translator.changes_language
        pairs = translation_pairs(doc, str(ctx.source), ctx.source_lang, ctx.target_lang, names=language,
                                  splitter="auto" if language else "rules")
        jsonl = ctx.work_dir / "pairs.jsonl"
        tmx = ctx.work_dir / "pairs.tmx"
        write_pairs_jsonl(jsonl, pairs)
        write_tmx(tmx, pairs, ctx.source_lang, ctx.target_lang, segtype="paragraph")
        ctx.record_output("pairs", jsonl)
        ctx.record_output("tmx", tmx)
        ctx.work["units"] = len(doc.units)
        ctx.work["pairs"] = len(pairs)
        ctx.work["sentence_pairs"] = sum(len(p.sentences) for p in pairs)
        ctx.work["flagged_pairs"] = sum(1 for p in pairs if p.flags)
        return doc

"""Alignment: pairs of source and target text for editors and translation memories.

Two jobs share one engine (``dp.align_sequences``, a banded dynamic programme
over *blocks*):

- after a translation run, ``stage.AlignStage`` pairs every unit with its own
  translation (always ``1-1``) and splits each pair into sentence pairs;
- ``twoversions.align_documents`` aligns two versions of one article written
  by people, where paragraphs were added, dropped, merged or split.

Nothing heavy is imported here: spaCy and sacrebleu load only when used.
"""
from __future__ import annotations

__all__ = ["align_documents", "AlignStage"]


def __getattr__(name: str):
    if name == "align_documents":
        from .twoversions import align_documents

        return align_documents
    if name == "AlignStage":
        from .stage import AlignStage

        return AlignStage
    raise AttributeError(name)

"""Alignment: pairs of source and target text for editors and translation memories.

Two jobs share one engine (``dp.Aligner``, a banded dynamic programme
over *blocks*):

- after a translation run, the align stage (``pipeline.stages.align``) pairs
  every unit with its own translation (always ``1-1``) and splits each pair
  into sentence pairs;
- ``twoversions.align_documents`` aligns two versions of one article written
  by people, where paragraphs were added, dropped, moved, merged or split:
  every block of both files, prose or not (``markup``), with a second pass
  for moved blocks (``moves``). ``gold`` scores it against block-level gold.

Nothing heavy is imported here: spaCy and sacrebleu load only when used.
"""
from __future__ import annotations

__all__ = ["align_documents"]


def __getattr__(name: str):
    if name == "align_documents":
        from .twoversions import align_documents

        return align_documents
    raise AttributeError(name)

"""The stages of a run, one file each: extract, translate, hugo, reinsert, align.

Each stage is a small class (``base.Stage``): a ``name``, the document fields
it reads and adds, and ``run(doc, ctx)``; an executor (``pipeline.executors``)
runs them over the articles inside the energy meter.
"""
from __future__ import annotations

from .base import Stage


def default_stages() -> list[Stage]:
    """The stages of ``bitext run``, in order: reinsert writes the article and records where each
    unit landed before align pairs the units with those lines."""
    from .align import AlignStage
    from .extract import ExtractStage
    from .hugo import HugoFrontMatterStage
    from .reinsert import ReinsertStage
    from .translate import TranslateStage

    return [ExtractStage(), TranslateStage(), HugoFrontMatterStage(), ReinsertStage(), AlignStage()]

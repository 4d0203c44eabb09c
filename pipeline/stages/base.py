"""The stage protocol: what every stage is, and the article context it reads and writes.

A stage is a small class, as a datatrove pipeline step or a spaCy component:
a ``name``, the document fields it ``reads`` and ``adds``, ``run(doc, ctx)``,
and ``run_many(docs, ctxs)``, whose default loops over ``run``. A stage that
gains from batches (translate: the sentences of many articles in one model
call) overrides ``run_many`` and says how many articles it wants together
(``group_size``); executors read that, and nothing else, of a stage.

A stage records the work it did in ``ctx.work`` (units, sentences, tokens),
which the energy meter puts in the stage's record, the files it wrote with
``ctx.record_output``, and what the article's entry in ``run.json`` should
say in ``ctx.entry``.
"""
from __future__ import annotations

import json
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Sequence

from ..files import write_atomic

if TYPE_CHECKING:
    from ..document import Document
    from ..mt.base import Translator
    from ..mt.recall import RunMemory
    from ..sources.article import Article


@dataclass
class ArticleContext:
    """What a stage may read and write for one article."""

    article: Article
    config: dict[str, Any]
    out_dir: Path
    target_path: Path  # the translated article
    work_dir: Path  # OUT/<relative dir>/<name>.bitext: the stage files
    target_lang: str
    translator: Translator
    in_place: bool = False
    memory: RunMemory | None = None  # the translation memory's editors' side (mt.recall), when the run has one
    work: dict[str, Any] = field(default_factory=dict)  # counters for the energy record of the current stage
    outputs: dict[str, str] = field(default_factory=dict)  # files written, for run.json
    entry: dict[str, Any] = field(default_factory=dict)  # more fields of the article's run.json entry

    @property
    def source(self) -> Path:
        return self.article.source

    @property
    def source_lang(self) -> str:
        return self.article.source_lang

    def record_output(self, key: str, path: Path) -> None:
        """Note a file written for this article (relative to OUT when it is inside it)."""
        try:
            self.outputs[key] = str(path.resolve().relative_to(self.out_dir.resolve()))
        except ValueError:
            self.outputs[key] = str(path.resolve())


class Stage(ABC):
    """One step of a run over a document."""

    name: ClassVar[str]
    reads: ClassVar[tuple[str, ...]] = ()  # document fields it needs (set by an earlier stage)
    adds: ClassVar[tuple[str, ...]] = ()  # document fields it sets for later stages

    @abstractmethod
    def run(self, doc: Document | None, ctx: ArticleContext) -> Document:
        """Do the stage's work on one article; return the document (the first stage gets None)."""

    def run_many(self, docs: list[Document], ctxs: list[ArticleContext]) -> list[Document]:
        """Do the stage's work on several articles (the default: one after the other)."""
        return [self.run(doc, ctx) for doc, ctx in zip(docs, ctxs)]

    def group_size(self, config: dict[str, Any], translator: Translator) -> int:
        """How many articles this stage wants in one ``run_many`` call (1: no grouping)."""
        return 1


def check_order(stages: Sequence[Stage]) -> None:
    """Fail early, naming the stage, when one reads a field no stage before it adds."""
    added: set[str] = set()
    for stage in stages:
        missing = [f for f in stage.reads if f not in added]
        if missing:
            raise ValueError(f"stage {stage.name!r} reads {', '.join(missing)}, which no stage before it adds")
        added.update(stage.adds)


def write_json(path: Path, data: Any) -> None:
    """A stage file (document.json, translated.json): compact JSON, written atomically."""
    write_atomic(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")

"""The runner: chains the stages for each article inside the energy meter.

It writes the run manifest ``run.json`` (updated as each article finishes,
atomically) and keeps going when one article fails: the failure is recorded
with its one-line reason and the next article starts.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sys
import uuid
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .encoding import write_atomic
from .errors import BitextError
from .extract import language_of
from .stages import ArticleContext, ExtractStage, ReinsertStage, TranslateStage

log = logging.getLogger("bitext")


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")


@dataclass
class RunOptions:
    inputs: list[Path]
    target_lang: str
    source_lang: str | None
    out_dir: Path
    backend: str
    config: dict[str, Any]
    config_path: str | None = None
    model: str | None = None
    use_cache: bool = True
    verbose: bool = False
    quiet: bool = False
    root: Path | None = None  # common folder of the inputs: outputs keep the layout below it


@dataclass
class RunResult:
    manifest: dict[str, Any]
    failed: int = 0
    done: int = 0
    articles: list[dict[str, Any]] = field(default_factory=list)


def _stages() -> list[Any]:
    return [ExtractStage(), TranslateStage(), ReinsertStage()]


class Runner:
    """Runs the stages over the articles of one run."""

    def __init__(self, options: RunOptions, translator: Any, meter_factory: Any = None):
        self.opt = options
        self.translator = translator
        self.run_id = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]
        self.meter = meter_factory(self.run_id) if meter_factory else None
        self.manifest: dict[str, Any] = {
            "tool": "bitext",
            "version": __version__,
            "run_id": self.run_id,
            "started_at": _now(),
            "ended_at": None,
            "backend": options.backend,
            "model": getattr(translator, "model_id", None),
            "source_lang": options.source_lang,
            "target_lang": options.target_lang,
            "config_file": options.config_path,
            "config": options.config,
            "articles": [],
            "outputs": {},
            "model_calls": 0,
            "cache_hits": 0,
            "pid": os.getpid(),
        }

    # ------------------------------------------------------------ manifest
    def _save_manifest(self) -> None:
        self.manifest["model_calls"] = getattr(self.translator, "model_calls", 0)
        self.manifest["cache_hits"] = getattr(self.translator, "cache_hits", 0)
        write_atomic(self.opt.out_dir / "run.json", json.dumps(self.manifest, ensure_ascii=False, indent=1) + "\n")

    def _relative(self, source: Path) -> Path:
        root = self.opt.root
        if root is not None:
            try:
                return source.resolve().parent.relative_to(root.resolve())
            except ValueError:
                pass
        return Path(".")

    # ------------------------------------------------------------ running
    def run(self) -> RunResult:
        self.opt.out_dir.mkdir(parents=True, exist_ok=True)
        if self.meter is not None:
            self.manifest["outputs"]["energy"] = "energy.jsonl"
        self._save_manifest()
        result = RunResult(self.manifest)
        try:
            for source in self.opt.inputs:
                entry = self._run_article(source)
                self.manifest["articles"].append(entry)
                if entry["status"] == "failed":
                    result.failed += 1
                else:
                    result.done += 1
                self._save_manifest()
        finally:
            if self.meter is not None:
                self.meter.close()
            self.manifest["ended_at"] = _now()
            self._save_manifest()
        return result

    def _article_context(self, source: Path) -> ArticleContext:
        src_lang = language_of(source) or self.opt.source_lang or self.opt.config["source_lang"]
        if src_lang == self.opt.target_lang:
            raise BitextError(
                f"the article is already in '{src_lang}'; choose the other language with --to", path=str(source)
            )
        rel = self._relative(source)
        article_dir = self.opt.out_dir / rel
        return ArticleContext(
            source=source,
            config=self.opt.config,
            out_dir=self.opt.out_dir,
            article_dir=article_dir,
            work_dir=article_dir / (source.name + ".bitext"),
            source_lang=src_lang,
            target_lang=self.opt.target_lang,
            translator=self.translator,
        )

    def _run_article(self, source: Path) -> dict[str, Any]:
        entry: dict[str, Any] = {"source": str(source), "status": "done", "outputs": {}}
        try:
            ctx = self._article_context(source)
            doc = None
            for stage in _stages():
                ctx.work = {}
                with self._measure(str(source), stage.name) as work:
                    doc = stage.run(doc, ctx)
                    if work is not None:
                        work.update(ctx.work)
            entry["outputs"] = ctx.outputs
            entry["units"] = len(doc.units) if doc else 0
            entry["source_lang"] = ctx.source_lang
            if doc is not None and doc.metadata.get("encoding", {}).get("mojibake"):
                entry["repaired_mojibake"] = True
        except BitextError as exc:
            entry.update(status="failed", error=str(exc))
            print(f"bitext: {exc}", file=sys.stderr)
        return entry

    def _measure(self, article: str, stage: str):
        if self.meter is None:
            return nullcontext(None)
        return self.meter.measure(article=article, stage=stage)

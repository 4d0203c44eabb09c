"""What every executor does around the stages: plan, skip, resume, record, report.

An executor takes the stages and the articles of a run, groups the articles,
and runs the stages on each group inside the energy meter (datatrove's
executors run their pipeline steps the same way). This base class holds all
of it but the running itself: which articles are skipped (a person's
translation exists) or resumed (a completion marker says they are done), the
article contexts, the manifest ``run.json``, the completion markers, the
progress and the run's final outputs. A subclass says how a group's stages
are run: ``local.LocalExecutor`` in this process.

Nothing here knows a stage, a backend or a kind of source: stages are asked
their ``name`` and ``group_size``, translators what the interface says,
articles what ``sources.article.Article`` says.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sys
import uuid
from abc import ABC, abstractmethod
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Protocol, Sequence

from .. import __version__
from ..document import Document
from ..errors import BitextError
from ..files import remove_stale_temporaries
from ..mt.base import Translator
from ..sources.article import Article
from ..stages.base import ArticleContext, Stage, check_order
from .manifest import now, outputs_intact, read_marker, sha256, write_manifest, write_marker, written_by_bitext
from .progress import Progress

log = logging.getLogger("bitext")


@dataclass
class RunOptions:
    articles: list[Article]
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
    force: bool = False
    in_place: bool = False
    content_root: Path | None = None  # with --in-place: where translations are written
    memory_path: Path | None = None  # the translation memory (editors' entries first, then the machine's)


@dataclass
class RunResult:
    manifest: dict[str, Any]
    failed: int = 0
    done: int = 0
    skipped: int = 0


class RunOutput(Protocol):
    """An output of the whole run, written when every article is done (the records of a JSONL file)."""

    def finish(self, out_dir: Path) -> dict[str, str]:
        """Write it; the files to list in run.json's ``outputs`` (relative to OUT)."""
        ...


@dataclass
class Job:
    """One article on its way through the stages."""

    article: Article
    entry: dict[str, Any]  # its entry in run.json
    ctx: ArticleContext | None = None
    doc: Document | None = None
    source_hash: str | None = None
    pending: bool = False  # prepared, and neither finished nor failed

    @property
    def label(self) -> str:
        """How energy records and messages name the article."""
        return str(self.article.source)


class Executor(ABC):
    """Runs stages over the articles of one run (see the module docstring)."""

    def __init__(self, options: RunOptions, translator: Translator, stages: Sequence[Stage],
                 meter_factory: Callable[[str], Any] | None = None, run_outputs: Sequence[RunOutput] = ()):
        check_order(stages)
        self.opt = options
        self.translator = translator
        self.stages = list(stages)
        self.run_outputs = list(run_outputs)
        self.run_id = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]
        self.meter = meter_factory(self.run_id) if meter_factory else None
        self.settings_hash = self._settings_hash()
        self.memory = self._open_memory()
        self.manifest: dict[str, Any] = {
            "tool": "bitext",
            "version": __version__,
            "run_id": self.run_id,
            "started_at": now(),
            "ended_at": None,
            "backend": options.backend,
            "model": translator.model_id,
            "source_lang": options.source_lang,
            "target_lang": options.target_lang,
            "config_file": options.config_path,
            "config": options.config,
            "in_place": options.in_place,
            "articles": [],
            "outputs": {},
            "model_calls": 0,
            "cache_hits": 0,
            "memory": str(options.memory_path) if options.memory_path else None,
            "memory_hits": {"human": 0, "imported": 0, "machine": 0},
            "pid": os.getpid(),
        }

    def _open_memory(self):
        """The run's memory, for translators that change the language (identity and pseudo runs only
        record where it is, for the review to learn from editors)."""
        if self.opt.memory_path is None or not self.translator.changes_language:
            return None
        from ..mt.recall import RunMemory

        return RunMemory(self.opt.memory_path)

    def _settings_hash(self) -> str:
        sig = {
            "version": __version__,
            "backend": self.opt.backend,
            "target": self.opt.target_lang,
            "config": self.opt.config,
            "translator": self.translator.signature(),
            "stages": [s.name for s in self.stages],
        }
        return sha256(json.dumps(sig, sort_keys=True, default=str).encode())[:16]

    # ------------------------------------------------------------ the run

    @abstractmethod
    def run_group(self, jobs: list[Job]) -> None:
        """Run the stages on the prepared jobs of one group (``job.pending``); finish or fail each."""

    def group_size(self) -> int:
        """How many articles go through the stages together: what the stages ask for (at least 1)."""
        if len(self.opt.articles) < 2:
            return 1
        return max([1] + [s.group_size(self.opt.config, self.translator) for s in self.stages])

    def run(self) -> RunResult:
        self.opt.out_dir.mkdir(parents=True, exist_ok=True)
        removed = remove_stale_temporaries(self.opt.out_dir)
        if removed:
            log.info("removed %d temporary file(s) left by an interrupted run", removed)
        if self.meter is not None:
            self.manifest["outputs"]["energy"] = "energy.jsonl"
        self._save_manifest()
        result = RunResult(self.manifest)
        progress = Progress(len(self.opt.articles), self.opt.quiet)
        size = self.group_size()
        try:
            for start in range(0, len(self.opt.articles), size):
                jobs = [self._begin(a) for a in self.opt.articles[start : start + size]]
                self.run_group([j for j in jobs if j.pending])
                for job in jobs:
                    self._count(job.entry, result)
                    progress.update(job.entry)
                self._save_manifest()
            for output in self.run_outputs:
                self.manifest["outputs"].update(output.finish(self.opt.out_dir))
        finally:
            progress.close()
            if self.meter is not None:
                self.meter.close()
            if self.memory is not None:
                self.memory.close()
            self.manifest["ended_at"] = now()
            self._save_manifest()
        return result

    def _count(self, entry: dict[str, Any], result: RunResult) -> None:
        self.manifest["articles"].append(entry)
        if entry["status"] == "failed":
            result.failed += 1
        elif entry["status"] == "skipped":
            result.skipped += 1
        else:
            result.done += 1

    def _save_manifest(self) -> None:
        self.manifest["model_calls"] = self.translator.model_calls
        self.manifest["cache_hits"] = self.translator.cache_hits
        hits = {"human": 0, "imported": 0, "machine": self.translator.cache_hits}
        for entry in self.manifest["articles"]:  # people's translations this run used (resumed articles: none)
            for origin, n in (entry.get("memory_hits") or {}).items() if not entry.get("resumed") else ():
                hits[origin] = hits.get(origin, 0) + n
        self.manifest["memory_hits"] = hits
        write_manifest(self.opt.out_dir, self.manifest)

    def measure(self, article: str, stage: str):
        """The energy meter around one stage (of one article, or of a group): yields the work dict."""
        if self.meter is None:
            return nullcontext(None)
        return self.meter.measure(article=article, stage=stage)

    # ------------------------------------------------------------ one article

    def _paths(self, article: Article) -> tuple[Path, Path]:
        """(translated file, stage-file folder) for an article."""
        if self.opt.in_place:
            target = (self.opt.content_root or Path(".")) / article.target
        else:
            target = self.opt.out_dir / article.target
        work_dir = self.opt.out_dir / article.target.parent / (article.source.name + ".bitext")
        return target, work_dir

    def _context(self, article: Article) -> ArticleContext:
        if article.source_lang == self.opt.target_lang:
            raise BitextError(
                f"the article is already in '{article.source_lang}'; choose the other language with --to",
                path=str(article.source),
            )
        target, work_dir = self._paths(article)
        return ArticleContext(
            article=article,
            config=self.opt.config,
            out_dir=self.opt.out_dir,
            target_path=target,
            work_dir=work_dir,
            target_lang=self.opt.target_lang,
            translator=self.translator,
            in_place=self.opt.in_place,
            memory=self.memory,
        )

    def _skip_reason(self, article: Article, target: Path) -> str | None:
        """Why an article is not translated: a person's translation exists (``--force`` overrides,
        writing to OUT), or ``--in-place`` would overwrite a file bitext did not write (never)."""
        if self.opt.in_place and target.exists() and not written_by_bitext(target, self.opt.out_dir):
            return f"{target} exists and was not written by bitext; not overwriting it"
        existing = article.existing_translation
        if not self.opt.force and existing is not None and not written_by_bitext(existing, self.opt.out_dir):
            return f"a translation already exists ({existing}); use --force to translate anyway"
        return None

    def _begin(self, article: Article) -> Job:
        """Skip, resume, or prepare an article; nothing is run yet."""
        job = Job(article, {"source": str(article.source), "status": "done", "outputs": {}})
        try:
            job.ctx = ctx = self._context(article)
            reason = self._skip_reason(article, ctx.target_path)
            if reason:
                job.entry.update(status="skipped", reason=reason)
                return job
            job.source_hash = article.fingerprint()
            previous = read_marker(ctx.work_dir)
            same = previous and previous.get("source_sha256") == job.source_hash and previous.get("settings") == self.settings_hash
            if same and not self.opt.force and outputs_intact(previous, self.opt.out_dir):
                job.entry.update(previous["entry"], resumed=True)
                article.completed(previous)
                return job
            job.pending = True
        except BitextError as exc:
            self.fail(job, exc)
        return job

    def fail(self, job: Job, exc: BitextError) -> None:
        """The article fails alone, with its one-line reason in run.json and on stderr."""
        job.pending = False
        job.entry.update(status="failed", error=str(exc))
        print(f"bitext: {exc}", file=sys.stderr)

    def finish(self, job: Job) -> None:
        """After its last stage: complete the article's run.json entry and leave its completion marker."""
        ctx, article, doc, entry = job.ctx, job.article, job.doc, job.entry
        entry["outputs"] = ctx.outputs
        entry["units"] = len(doc.units) if doc else 0
        entry["source_lang"] = ctx.source_lang
        entry.update(ctx.entry)
        entry.update(article.manifest_fields())
        source_hash = article.fingerprint() if ctx.in_place else job.source_hash  # the source may have gained a key
        written = {}
        if ctx.target_path.exists():
            written[str(ctx.target_path)] = sha256(ctx.target_path.read_bytes())
        marker = {"source_sha256": source_hash, "settings": self.settings_hash, "entry": entry, "written": written, "at": now()}
        marker.update(article.marker_fields())
        write_marker(ctx.work_dir, marker)
        article.completed(marker)
        job.pending = False

"""The runner: chains the stages for each article inside the energy meter.

It writes the run manifest ``run.json`` (rewritten atomically as each article
finishes) and keeps going when one article fails: the failure is recorded with
its one-line reason and the next article starts. Each finished article leaves
a completion marker (``done.json`` beside its stage files) holding the hash of
its source and of the settings; the same command run again skips those
articles, which with the translation memory makes a killed run resumable.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import sys
import time
import uuid
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import BitextError
from ..markdown.encoding import remove_stale_temporaries, write_atomic
from ..sources.site import Article
from ..stages.base import ArticleContext
from ..stages.extract import ExtractStage
from ..stages.hugo import HugoFrontMatterStage
from ..stages.reinsert import ReinsertStage
from ..stages.translate import TranslateStage

log = logging.getLogger("bitext")


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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


@dataclass
class RunResult:
    manifest: dict[str, Any]
    failed: int = 0
    done: int = 0
    skipped: int = 0


def default_stages() -> list[Any]:
    from ..stages.align import AlignStage

    return [ExtractStage(), TranslateStage(), HugoFrontMatterStage(), AlignStage(), ReinsertStage()]


class Runner:
    """Runs the stages over the articles of one run."""

    def __init__(self, options: RunOptions, translator: Any, meter_factory: Any = None, stages: list[Any] | None = None):
        self.opt = options
        self.translator = translator
        self.stages = stages if stages is not None else default_stages()
        self.run_id = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]
        self.meter = meter_factory(self.run_id) if meter_factory else None
        self.settings_hash = self._settings_hash()
        self.record_translations: dict[int, str | None] = {}
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
            "in_place": options.in_place,
            "articles": [],
            "outputs": {},
            "model_calls": 0,
            "cache_hits": 0,
            "pid": os.getpid(),
        }

    def _settings_hash(self) -> str:
        sig = {
            "version": __version__,
            "backend": self.opt.backend,
            "target": self.opt.target_lang,
            "config": self.opt.config,
            "translator": self.translator.signature() if hasattr(self.translator, "signature") else None,
            "stages": [s.name for s in self.stages],
        }
        return _sha256(json.dumps(sig, sort_keys=True, default=str).encode())[:16]

    # ------------------------------------------------------------ manifest
    def _save_manifest(self) -> None:
        self.manifest["model_calls"] = getattr(self.translator, "model_calls", 0)
        self.manifest["cache_hits"] = getattr(self.translator, "cache_hits", 0)
        write_atomic(self.opt.out_dir / "run.json", json.dumps(self.manifest, ensure_ascii=False, indent=1) + "\n")

    # ------------------------------------------------------------ running
    def run(self) -> RunResult:
        self.opt.out_dir.mkdir(parents=True, exist_ok=True)
        removed = remove_stale_temporaries(self.opt.out_dir)
        if removed:
            log.info("removed %d temporary file(s) left by an interrupted run", removed)
        if self.meter is not None:
            self.manifest["outputs"]["energy"] = "energy.jsonl"
        self._save_manifest()
        result = RunResult(self.manifest)
        progress = _Progress(len(self.opt.articles), self.opt.quiet)
        size = self.opt.config["translate"]["articles_per_batch"] if self._batched() else 1
        try:
            for start in range(0, len(self.opt.articles), size):
                group = self.opt.articles[start : start + size]
                entries = self._run_group(group) if size > 1 else [self._run_article(group[0])]
                for entry in entries:
                    self.manifest["articles"].append(entry)
                    status = entry["status"]
                    if status == "failed":
                        result.failed += 1
                    elif status == "skipped":
                        result.skipped += 1
                    else:
                        result.done += 1
                    progress.update(entry)
                self._save_manifest()
        finally:
            progress.close()
            if self.meter is not None:
                self.meter.close()
            self.manifest["ended_at"] = _now()
            self._save_manifest()
        return result

    def _paths(self, article: Article) -> tuple[Path, Path]:
        """(translated file, stage-file folder) for an article."""
        if self.opt.in_place:
            target = (self.opt.content_root or Path(".")) / article.target
        else:
            target = self.opt.out_dir / article.target
        rel_dir = article.target.parent
        work_dir = self.opt.out_dir / rel_dir / (article.source.name + ".bitext")
        return target, work_dir

    def _context(self, article: Article) -> ArticleContext:
        if article.source_lang == self.opt.target_lang:
            raise BitextError(
                f"the article is already in '{article.source_lang}'; choose the other language with --to",
                path=str(article.source),
            )
        target, work_dir = self._paths(article)
        return ArticleContext(
            source=article.source,
            config=self.opt.config,
            out_dir=self.opt.out_dir,
            target_path=target,
            work_dir=work_dir,
            source_lang=article.source_lang,
            target_lang=self.opt.target_lang,
            translator=self.translator,
            in_place=self.opt.in_place,
            text=article.text,
        )

    def _skip_reason(self, article: Article, target: Path) -> str | None:
        """Why an article is not translated: a person's translation exists (``--force`` overrides,
        writing to OUT), or ``--in-place`` would overwrite a file bitext did not write (never)."""
        if self.opt.in_place and target.exists() and not self._written_by_us(target):
            return f"{target} exists and was not written by bitext; not overwriting it"
        existing = article.existing_translation
        if not self.opt.force and existing is not None and not self._written_by_us(existing):
            return f"a translation already exists ({existing}); use --force to translate anyway"
        return None

    def _written_by_us(self, path: Path) -> bool:
        """A file bitext wrote and nobody changed since: its hash is in a completion marker."""
        try:
            digest = _sha256(path.read_bytes())
        except OSError:
            return False
        return digest in _written_hashes(self.opt.out_dir)

    def _run_article(self, article: Article) -> dict[str, Any]:
        job = self._begin(article)
        if job.pending:
            self._continue(job, self.stages)
        return job.entry

    def _begin(self, article: Article) -> "_Job":
        """Skip, resume, or prepare an article; nothing is run yet."""
        job = _Job(article, {"source": str(article.source), "status": "done", "outputs": {}})
        try:
            job.ctx = ctx = self._context(article)
            reason = self._skip_reason(article, ctx.target_path)
            if reason:
                job.entry.update(status="skipped", reason=reason)
                return job
            if article.text is not None:
                job.source_hash = _sha256(article.text.encode("utf-8"))
            elif article.source.exists():
                job.source_hash = _sha256(article.source.read_bytes())
            previous = _read_json(ctx.work_dir / "done.json")
            same = previous and previous.get("source_sha256") == job.source_hash and previous.get("settings") == self.settings_hash
            if same and not self.opt.force and _outputs_intact(previous, self.opt.out_dir):
                job.entry.update(previous["entry"], resumed=True)
                if article.record is not None:
                    self.record_translations[article.record] = previous.get("result_text")
                return job
            job.pending = True
        except BitextError as exc:
            self._fail(job, exc)
        return job

    def _fail(self, job: "_Job", exc: BitextError) -> None:
        job.pending = False
        job.entry.update(status="failed", error=str(exc))
        print(f"bitext: {exc}", file=sys.stderr)

    def _continue(self, job: "_Job", stages: list[Any]) -> None:
        """Run ``stages`` on a prepared article; finish it after the last stage."""
        ctx, article = job.ctx, job.article
        try:
            for stage in stages:
                ctx.work = {}
                with self._measure(str(article.source), stage.name) as work:
                    job.doc = stage.run(job.doc, ctx)
                    if work is not None:
                        work.update(ctx.work)
            if stages and stages[-1] is self.stages[-1]:
                self._finish(job)
        except BitextError as exc:
            self._fail(job, exc)

    def _finish(self, job: "_Job") -> None:
        ctx, article, doc, entry = job.ctx, job.article, job.doc, job.entry
        entry["outputs"] = ctx.outputs
        entry["units"] = len(doc.units) if doc else 0
        entry["source_lang"] = ctx.source_lang
        if doc is not None and doc.metadata.get("encoding", {}).get("mojibake"):
            entry["repaired_mojibake"] = True
        if ctx.flags:
            entry["flags"] = ctx.flags
        if article.record is not None:
            self.record_translations[article.record] = ctx.result_text
            entry["record"] = article.record
        source_hash = job.source_hash
        if article.text is None and ctx.in_place:  # the source may have gained a translationKey
            source_hash = _sha256(article.source.read_bytes())
        self._write_marker(ctx.work_dir / "done.json", source_hash, entry, ctx)
        job.pending = False

    # ------------------------------------------------------------ batching across articles
    def _batched(self) -> bool:
        """Model backends translate the sentences of several articles in one go (throughput)."""
        per_batch = self.opt.config["translate"]["articles_per_batch"]
        return getattr(self.translator, "name", "identity") not in ("identity", "pseudo") and per_batch > 1 and len(self.opt.articles) > 1

    def _run_group(self, articles: list[Article]) -> list[dict[str, Any]]:
        """Extract each article, translate all their units together, then finish each one.

        The shared translation is one energy record (stage ``translate``, article
        ``batch of N articles``, the articles listed in it): its cost cannot be
        split honestly between articles.
        """
        jobs = [self._begin(a) for a in articles]
        names = [s.name for s in self.stages]
        cut = names.index("translate")
        before, translate, after = self.stages[:cut], self.stages[cut], self.stages[cut + 1 :]
        for job in jobs:
            if job.pending:
                self._continue(job, before)
        ready = [j for j in jobs if j.pending]
        if ready:
            label = f"batch of {len(ready)} articles" if len(ready) > 1 else str(ready[0].article.source)
            try:
                with self._measure(label, "translate") as work:
                    counts = translate.run_many([j.doc for j in ready], [j.ctx for j in ready])
                    if work is not None:
                        work.update(counts, articles=[str(j.article.source) for j in ready])
            except BitextError as exc:
                for job in ready:
                    self._fail(job, exc)
        for job in jobs:
            if job.pending:
                self._continue(job, after)
        return [j.entry for j in jobs]

    def _write_marker(self, marker: Path, source_hash: str | None, entry: dict[str, Any], ctx: ArticleContext) -> None:
        written = {}
        if ctx.target_path.exists():
            written[str(ctx.target_path)] = _sha256(ctx.target_path.read_bytes())
        data = {"source_sha256": source_hash, "settings": self.settings_hash, "entry": entry, "written": written, "at": _now()}
        if ctx.result_text is not None:
            data["result_text"] = ctx.result_text
        write_atomic(marker, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
        _written_hashes.cache_clear()

    def _measure(self, article: str, stage: str):
        if self.meter is None:
            return nullcontext(None)
        return self.meter.measure(article=article, stage=stage)


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _outputs_intact(marker: dict[str, Any], out_dir: Path) -> bool:
    outputs = marker.get("entry", {}).get("outputs", {})
    return all((out_dir / rel).exists() for rel in outputs.values())


from functools import lru_cache  # noqa: E402


@lru_cache(maxsize=4)
def _written_hashes(out_dir: Path) -> frozenset[str]:
    """Hashes of every file bitext wrote into this output folder, from the completion markers."""
    hashes: set[str] = set()
    for marker in out_dir.rglob("done.json"):
        data = _read_json(marker) or {}
        hashes.update(data.get("written", {}).values())
    return frozenset(hashes)


@dataclass
class _Job:
    """One article on its way through the stages."""

    article: Article
    entry: dict[str, Any]
    ctx: ArticleContext | None = None
    doc: Any = None
    source_hash: str | None = None
    pending: bool = False


class _Progress:
    """A progress bar on a terminal (tqdm), plain log lines otherwise, nothing with --quiet."""

    def __init__(self, total: int, quiet: bool):
        self.total, self.quiet, self.count = total, quiet, 0
        self.started = time.perf_counter()
        self.bar = None
        if not quiet and sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="article", file=sys.stderr, dynamic_ncols=True)

    def update(self, entry: dict[str, Any]) -> None:
        self.count += 1
        if self.quiet:
            return
        if self.bar is not None:
            self.bar.set_postfix_str(f"{entry['status']}: {Path(entry['source']).name}", refresh=False)
            self.bar.update(1)
            return
        if self.total == 1:
            return  # one article: the summary line (or the error line) says it all
        elapsed = time.perf_counter() - self.started
        eta = elapsed / self.count * (self.total - self.count)
        print(f"[{self.count}/{self.total}] {entry['status']} {entry['source']} (eta {eta:.0f} s)", file=sys.stderr)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()

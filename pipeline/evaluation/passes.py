"""The two ways a test set is translated: the bare model, and bitext's whole pipeline.

The **bare pass** gives every raw segment to the backend's own ``translate``
(transformers' ``generate`` / CTranslate2's ``translate_batch``, 4 beams as on
the opus-mt model cards) in one call: what a user of the model alone gets.

The **pipeline pass** makes each segment a one-paragraph article and runs it
through the executor and the stages of ``bitext run``, as the records of a
dataset are run: extraction, sentence splitting, guards, placeholders, code
placement, rendering (all stages but align, which only pairs the result for
editors). The translation memory is off, so every segment reaches
the model. Its outputs are read back from the run: the rendered markdown of
each article and its ``translated.json`` (each unit's flags, and what the
model path did), never re-derived here.

Both passes run inside the same energy meter, so ``energy.jsonl`` shows what
each cost.
"""
from __future__ import annotations

import json
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..document import Document
from .articles import SegmentArticle, reader_text


@dataclass
class SegmentResult:
    """What the pipeline made of one segment's article."""

    status: str  # done, failed, empty (nothing to translate: the segment is empty)
    markdown: str = ""  # the translated article as written
    text: str = ""  # what a reader sees of it
    document: Document | None = None  # translated.json: units with targets, codes, flags
    error: str | None = None


@dataclass
class PassResult:
    """One pass over the test set: outputs as a reader sees them, and what the pass cost."""

    name: str
    outputs: list[str]
    seconds: float
    energy_records: list[dict[str, Any]] = field(default_factory=list)
    segments: list[SegmentResult] | None = None  # pipeline passes only
    model_calls: int = 0

    @property
    def joules(self) -> float | None:
        values = [r.get("energy_kwh") for r in self.energy_records]
        if not values or any(v is None for v in values):
            return None
        return sum(values) * 3.6e6

    def summary(self) -> dict[str, Any]:
        done = self.segments or []
        return {
            "seconds": round(self.seconds, 3),
            "joules": None if self.joules is None else round(self.joules, 3),
            "energy_records": len(self.energy_records),
            "measured": bool(self.energy_records) and all(r.get("measured") for r in self.energy_records),
            "model_calls": self.model_calls,
            **({"failed": sum(1 for s in done if s.status == "failed")} if self.segments is not None else {}),
        }


class SharedMeter:
    """The eval's one energy meter, lent to each pass's executor, which must not close it."""

    def __init__(self, meter: Any) -> None:
        self.meter = meter

    def measure(self, article: str | None, stage: str):
        return self.meter.measure(article=article, stage=stage)

    def start(self) -> None:
        self.meter.start()

    def close(self) -> dict:
        return {}  # the eval closes the real meter once, after every pass

    def records_since(self, count: int) -> list[dict[str, Any]]:
        return self.meter.records[count:]

    @property
    def count(self) -> int:
        return len(self.meter.records)


def _work(translator: Any, texts: list[str], outputs: list[str]) -> dict[str, int]:
    """The energy record's counters: segments and tokens as the backend counts them."""
    return {"units": len(texts), "source_tokens": sum(translator.source_tokens(t) for t in texts),
            "target_tokens": sum(translator.target_tokens(t) for t in outputs)}


def warm_up(translator: Any, sample: str, meter: SharedMeter | None) -> None:
    """Load the model before either pass is timed (its loading is recorded on its own)."""
    if not sample.strip():
        sample = "Bonjour."
    with (meter.measure("eval", "load model") if meter else nullcontext()) as work:
        outputs = translator.translate([sample])
        if work is not None:
            work.update(_work(translator, [sample], outputs))


def bare_pass(translator: Any, sources: list[str], meter: SharedMeter | None) -> PassResult:
    """Every raw segment through the backend's ``translate``, in one call (the backend batches by length)."""
    before = meter.count if meter else 0
    calls = translator.model_calls
    started = time.perf_counter()
    with (meter.measure("bare model", "bare translate") if meter else nullcontext()) as work:
        outputs = translator.translate(list(sources))
        if work is not None:
            work.update(_work(translator, sources, outputs))
    seconds = time.perf_counter() - started
    return PassResult("bare", [" ".join(o.split("\n")) for o in outputs], seconds,
                      meter.records_since(before) if meter else [], model_calls=translator.model_calls - calls)


def pipeline_pass(name: str, articles: list[SegmentArticle], translator: Any, run_options: Any,
                  meter: SharedMeter | None) -> PassResult:
    """Every segment's article through bitext's executor and stages; outputs read back from the run folder.

    ``run_options`` is the ``RunOptions`` of the eval (config, languages,
    backend); its ``out_dir`` gets a sub-folder per pass. The segments go in
    as the records of a dataset do (``<pass>.<lang>.jsonl`` in that folder has
    them translated). An empty segment is no article (bitext refuses an empty
    record): its output is empty.
    """
    from dataclasses import replace

    from ..executors.local import LocalExecutor
    from ..sources.records import RecordsOutput, record_articles

    out_dir = run_options.out_dir / name
    records = [{"id": n, "text": a.markdown} for n, a in enumerate(articles)]
    output = RecordsOutput(name, records, "text", run_options.target_lang, as_dataset=False)
    every = record_articles(records, name, run_options.source_lang, output)
    options = replace(run_options, articles=[every[n] for n, a in enumerate(articles) if a.markdown.strip()],
                      out_dir=out_dir, use_cache=False, force=True, quiet=True)
    before = meter.count if meter else 0
    calls = translator.model_calls
    started = time.perf_counter()
    executor = LocalExecutor(options, translator, translation_stages(), (lambda run_id: meter) if meter else None,
                             [output])
    executor.run()
    seconds = time.perf_counter() - started
    results = [SegmentResult("empty") for _ in articles]
    for entry in executor.manifest["articles"]:
        n = entry["record"] if "record" in entry else _record_of(entry)
        results[n] = _segment_result(entry, output.translations.get(n), out_dir)
    return PassResult(name, [r.text for r in results], seconds, meter.records_since(before) if meter else [],
                      results, model_calls=translator.model_calls - calls)


def translation_stages() -> list[Any]:
    """The stages of ``bitext run`` that make the translated article: all but align, which pairs
    source and translation for editors and changes nothing in the translation."""
    from ..stages import default_stages

    return [stage for stage in default_stages() if stage.name != "align"]


def _record_of(entry: dict[str, Any]) -> int:
    return int(entry["source"].rsplit("#", 1)[1])


def _segment_result(entry: dict[str, Any], markdown: str | None, out_dir: Path) -> SegmentResult:
    if entry.get("status") != "done" or markdown is None:
        return SegmentResult("failed", error=entry.get("error") or entry.get("reason") or "no output")
    markdown = markdown.rstrip("\n")
    translated = entry.get("outputs", {}).get("translated")
    document = None
    if translated:
        document = Document.from_dict(json.loads((out_dir / translated).read_text(encoding="utf-8")))
    return SegmentResult("done", markdown, reader_text(markdown), document)

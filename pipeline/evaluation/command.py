"""``bitext eval``: BLEU and chrF of bitext's whole pipeline against the bare model, on one test set.

A translator picks opus-mt for its published scores; everything bitext adds
around the model (sentence splitting, length chunking, placeholders, guards
and retries, code placement) could lower them. This command translates the
test set twice with the same model, bare and through the pipeline, scores both
with sacrebleu, and lists the segments where they differ with the reason the
pipeline recorded. ``--markup`` adds a third pass over the same segments with
bold, links and code spans, scored with the markup removed, and accounts for
every span. The run folder gets ``eval.json`` (every figure), the hypotheses
(``bare.txt``, ``pipeline.txt``, ``markup.txt``: one line each, for sacrebleu),
and ``energy.jsonl`` with each pass's records.
"""
from __future__ import annotations

import datetime as dt
import json
import random
import sys
import uuid
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from .. import __version__
from .articles import SegmentArticle, markup_article, plain_article
from .compare import compare, diagnose_batches, markup_summary, most_different, span_outcomes, summary
from .data import EvalSet, write_lines
from .passes import PassResult, SharedMeter, bare_pass, pipeline_pass, translation_stages, warm_up
from .score import corpus_scores, paired_bootstrap

LINK_ADDRESS = "https://example.org/bitext-eval/{segment}-{n}"


@dataclass
class EvalOptions:
    testset: EvalSet
    source_lang: str
    target_lang: str
    backend: str
    config: dict[str, Any]
    out_dir: Path
    model: str | None = None
    config_path: str | None = None
    markup: bool = False
    seed: int = 1
    show: int = 10
    paired_bs: bool = False
    verbose: bool = False
    quiet: bool = False


@dataclass
class EvalRun:
    """Everything an eval produced: the report (``eval.json``) and the passes behind it."""

    report: dict[str, Any]
    passes: dict[str, PassResult] = field(default_factory=dict)
    comparisons: list = field(default_factory=list)
    spans: list = field(default_factory=list)


def run_eval(options: EvalOptions, out: TextIO | None = None) -> EvalRun:
    """Translate the test set bare and through the pipeline (and with markup), score, write, print."""
    from ..cli import _make_translator
    from ..executors.local import RunOptions

    data = options.testset
    run_options = RunOptions(articles=[], target_lang=options.target_lang, source_lang=options.source_lang,
                             out_dir=options.out_dir, backend=options.backend, config=options.config,
                             config_path=options.config_path, model=options.model, use_cache=False,
                             verbose=options.verbose, quiet=True, force=True, memory_path=None)  # memory off
    options.out_dir.mkdir(parents=True, exist_ok=True)
    translator = _make_translator(run_options)
    run_id = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]
    meter = _meter(run_options, translator, run_id)
    plain = [plain_article(s, options.config) for s in data.sources]
    try:
        warm_up(translator, next((s for s in data.sources if s.strip()), ""), meter)
        passes = {"bare": bare_pass(translator, data.sources, meter)}
        passes["pipeline"] = pipeline_pass("pipeline", plain, translator, run_options, meter)
        marked: list[SegmentArticle] = []
        if options.markup:
            marked = [markup_article(s, options.config, random.Random(f"{options.seed}:{n}"),
                                     LINK_ADDRESS.replace("{segment}", str(n)))
                      for n, s in enumerate(data.sources)]
            passes["markup"] = pipeline_pass("markup", marked, translator, run_options, meter)
        comparisons = compare(data.sources, data.references, plain, passes["bare"].outputs,
                              passes["pipeline"].segments or [])
        _diagnose(comparisons, translator, meter)
    finally:
        if meter is not None:
            meter.meter.close()
    run = _report(options, translator, run_id, comparisons, marked, passes, plain)
    _write(options.out_dir, data, run)
    if not options.quiet:
        print_report(run, options, out or sys.stdout)
    return run


def _meter(run_options: Any, translator: Any, run_id: str) -> SharedMeter | None:
    """The run's energy meter (as ``bitext run`` builds it), shared by every pass."""
    from ..cli import _meter_factory

    factory = _meter_factory(run_options, translator)
    return SharedMeter(factory(run_id)) if factory else None


def _diagnose(comparisons: list, translator: Any, meter: SharedMeter | None) -> None:
    """Segments that differ with no recorded reason, given to the bare model alone (recorded as its own energy)."""
    if not any(c.unexplained for c in comparisons):
        return
    with (meter.measure("eval", "diagnose batches") if meter else nullcontext()):
        diagnose_batches(comparisons, lambda text: translator.translate([text])[0])


def _report(options: EvalOptions, translator: Any, run_id: str, comparisons: list, marked: list[SegmentArticle],
            passes: dict[str, PassResult], plain: list[SegmentArticle]) -> EvalRun:
    data = options.testset
    refs = data.references
    scores = {name: {k: v.as_dict() for k, v in corpus_scores(p.outputs, refs, options.target_lang).items()}
              for name, p in passes.items()}
    difference = {metric: round(scores["pipeline"][metric]["score"] - scores["bare"][metric]["score"], 4)
                  for metric in scores["bare"]}
    report: dict[str, Any] = {
        "tool": "bitext eval",
        "version": __version__,
        "run_id": run_id,
        "test_set": {**data.origin, "segments": len(data)},
        "source_lang": options.source_lang,
        "target_lang": options.target_lang,
        "backend": options.backend,
        "model": translator.model_id,
        "translator": translator.signature(),
        "config_file": options.config_path,
        "memory": "off",
        "stages": [stage.name for stage in translation_stages()],
        "scores": scores,
        "difference": {"pipeline_minus_bare": difference},
        "segments": summary(comparisons),
        "articles_escaped": sum(a.escaped for a in plain),
        "passes": {name: p.summary() for name, p in passes.items()},
        "most_different": [c.as_dict() for c in most_different(comparisons, options.show)],
        "different_segments": [c.as_dict() for c in comparisons if not c.identical],
    }
    if options.paired_bs:
        report["paired_bootstrap"] = paired_bootstrap(passes["bare"].outputs, passes["pipeline"].outputs, refs,
                                                      options.target_lang)
    spans = []
    if "markup" in passes:
        results = passes["markup"].segments or []
        spans = [o for n, (a, r) in enumerate(zip(marked, results)) for o in span_outcomes(n, a, r)]
        report["markup"] = {
            "seed": options.seed,
            "segments_with_markup": sum(1 for a in marked if a.spans),
            "difference": {"markup_minus_pipeline": {
                m: round(scores["markup"][m]["score"] - scores["pipeline"][m]["score"], 4) for m in scores["markup"]}},
            **markup_summary(spans),
            "lost_spans": [o.as_dict() for o in spans if o.lost],
        }
    return EvalRun(report, passes, comparisons, spans)


def _write(out_dir: Path, data: EvalSet, run: EvalRun) -> None:
    from ..files import write_atomic

    write_lines(out_dir / "source.txt", data.sources)
    write_lines(out_dir / "reference.txt", data.references)
    for name, result in run.passes.items():
        write_lines(out_dir / f"{name}.txt", result.outputs)
    write_atomic(out_dir / "eval.json", json.dumps(run.report, ensure_ascii=False, indent=1) + "\n")


# --------------------------------------------------------------------------
# The printed report


def print_report(run: EvalRun, options: EvalOptions, out: TextIO) -> None:
    r = run.report
    scores = r["scores"]
    lines = [f"bitext eval: {r['test_set']['segments']} segments, {options.source_lang} -> {options.target_lang}, "
             f"backend {r['backend']}, model {r['model']} (translation memory off)", ""]
    names = [("bare", "bare model"), ("pipeline", "bitext pipeline")] + ([("markup", "bitext, with markup")]
                                                                          if "markup" in scores else [])
    lines.append(f"{'':24}{'BLEU':>8}{'chrF2':>8}")
    for key, label in names:
        lines.append(f"{label:24}{scores[key]['BLEU']['score']:8.2f}{scores[key]['chrF2']['score']:8.2f}")
    diff = r["difference"]["pipeline_minus_bare"]
    lines.append(f"{'difference (bitext-bare)':24}{diff['BLEU']:+8.2f}{diff['chrF2']:+8.2f}")
    if "paired_bootstrap" in r:
        pb = r["paired_bootstrap"]
        lines.append(f"{'paired bootstrap p':24}{pb['BLEU']['p_value']:8.4f}{pb['chrF2']['p_value']:8.4f}")
    lines.append(f"BLEU  signature: {scores['bare']['BLEU']['signature']}")
    lines.append(f"chrF2 signature: {scores['bare']['chrF2']['signature']}")
    lines.append("")
    s = r["segments"]
    why = ", ".join(f"{kind} {count}" for kind, count in s["different_by_reason"].items()) or "none"
    lines.append(f"Segments: {s['identical']} identical, {s['different']} different "
                 f"(by reason: {why}); unexplained: {s['unexplained']}")
    lines.append(_energy_line(r["passes"]))
    if run.comparisons:
        worst = most_different(run.comparisons, options.show)
        if worst:
            lines += ["", f"Segments where they differ most (of {s['different']}):"]
        for c in worst:
            reasons = "; ".join(x.text for x in c.reasons) or "UNEXPLAINED: no guard, split or placeholder recorded"
            lines.append(f"  #{c.index}  chrF {c.chrf_bare:.1f} -> {c.chrf_pipeline:.1f}  {reasons}")
            for label, text in (("source", c.source), ("reference", c.reference), ("bare", c.bare), ("bitext", c.pipeline)):
                lines.append(f"      {label:10}{_clip(text)}")
    if "markup" in r:
        m = r["markup"]
        steps = ", ".join(f"{step} {cell['spans']} ({cell['flagged']} flagged)" for step, cell in m["by_step"].items())
        md = m["difference"]["markup_minus_pipeline"]
        lines += ["", f"Markup (seed {m['seed']}): {m['spans']} spans in {m['segments_with_markup']} segments; "
                      f"{m['in_output']} in the output, {m['flagged']} flagged, {m['lost']} lost",
                  f"  placed by: {steps}",
                  f"  what markup costs (markup removed, minus plain): BLEU {md['BLEU']:+.2f}, chrF2 {md['chrF2']:+.2f}"]
    lines += ["", f"eval.json: {options.out_dir / 'eval.json'}"]
    print("\n".join(lines), file=out)


def _energy_line(passes: dict[str, Any]) -> str:
    parts = []
    for name, p in passes.items():
        joules = "n/a" if p["joules"] is None else f"{p['joules']:.1f} J"
        parts.append(f"{name} {joules} in {p['seconds']:.1f} s")
    measured = all(p["measured"] for p in passes.values())
    return "Energy: " + ", ".join(parts) + ("" if measured else " (ESTIMATED: no energy counter readable here)")


def _clip(text: str, width: int = 110) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"

"""``bitext eval`` on 200 segments with both tiny models: the pipeline against the bare model.

    PYTHONPATH=$PWD python bench/eval_tiny.py [--count 200] [--out DIR] [--threads 1]

Builds the tests' tiny Marian models (hand-set copying weights, and seeded
random weights), writes the French -> English test set of
``tests/support/eval_set.py`` (real human translations from the corpus, a
hostile segment every 12), then runs ``bitext eval --markup`` with each model
and prints the figures of its ``eval.json``: BLEU and chrF of both passes and
their difference, segments identical / different by reason / unexplained,
markup spans lost and placed per step, and each pass's time and energy (with
the load average: times on a shared machine are not figures to quote).

The scores of tiny models mean nothing; what counts is that the pipeline's
output differs from the bare model's only where it says why (``unexplained``
must be 0) and that no markup span is lost.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def _models(folder: Path) -> dict[str, Path]:
    from support.tiny_marian import build_tiny_marian, corpus_texts

    texts = corpus_texts()
    return {"hand-set": build_tiny_marian(folder / "hand-set", texts),
            "random": build_tiny_marian(folder / "random", texts, behaviour="random")}


def _print(name: str, report: dict, wall: float) -> None:
    s, m = report["scores"], report.get("markup")
    print(f"\n== {name} model: {report['test_set']['segments']} segments, {wall:.0f} s wall, "
          f"load average now {os.getloadavg()[0]:.2f}")
    for key in ("bare", "pipeline", "markup"):
        if key in s:
            print(f"  {key:9} BLEU {s[key]['BLEU']['score']:6.2f}  chrF2 {s[key]['chrF2']['score']:6.2f}")
    d = report["difference"]["pipeline_minus_bare"]
    print(f"  pipeline - bare: BLEU {d['BLEU']:+.2f}, chrF2 {d['chrF2']:+.2f}  ({s['bare']['BLEU']['signature']})")
    seg = report["segments"]
    print(f"  segments: {seg['identical']} identical, {seg['different']} different, by reason "
          f"{seg['different_by_reason']}, unexplained {seg['unexplained']}")
    if m:
        steps = {k: v["spans"] for k, v in m["by_step"].items()}
        flagged = {k: v["flagged"] for k, v in m["by_step"].items() if v["flagged"]}
        print(f"  markup: {m['spans']} spans, {m['in_output']} in the output, {m['flagged']} flagged, "
              f"{m['lost']} lost; by step {steps} (flagged {flagged}); sum {sum(steps.values())}")
        for lost in m["lost_spans"]:
            print(f"    LOST: segment {lost['segment']} {lost['kind']} {lost['text']!r} (step {lost['step']})")
    for key, p in report["passes"].items():
        print(f"  {key:9} {p['seconds']:7.1f} s  {p['joules'] or 0:9.1f} J (estimated: {not p['measured']})  "
              f"model calls {p['model_calls']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--out", type=Path, help="where the runs go (default: a temporary folder)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (1: steadier on a shared machine)")
    parser.add_argument("--only", choices=["hand-set", "random"], help="one model only")
    args = parser.parse_args()
    from pipeline.cli import main as bitext
    from support.eval_set import write_eval_files

    work = args.out or Path(tempfile.mkdtemp(prefix="bitext-eval-"))
    os.environ.setdefault("BITEXT_CACHE_DIR", str(work / "cache"))
    src, ref = write_eval_files(work / "data", args.count)
    config = work / "config.yaml"
    config.write_text(f"translate:\n  threads: {args.threads}\n", encoding="utf-8")
    print(f"test set: {src} ({args.count} segments); runs in {work}; load average {os.getloadavg()[0]:.2f}")
    for name, model in _models(work / "models").items():
        if args.only and name != args.only:
            continue
        out = work / f"eval-{name}"
        started = time.perf_counter()
        code = bitext(["eval", "--src", str(src), "--ref", str(ref), "--to", "en", "--model", str(model), "--out", str(out),
                       "--config", str(config), "--markup", "--quiet"])
        report = json.loads((out / "eval.json").read_text(encoding="utf-8"))
        _print(name, report, time.perf_counter() - started)
        if code:
            print(f"  bitext eval exited {code}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

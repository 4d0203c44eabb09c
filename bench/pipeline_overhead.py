"""The pipeline's own cost: `bitext run` against bare model calls on the same sentences.

    python bench/pipeline_overhead.py                       # the shared real FR articles -> EN, ctranslate2 (~3 min quiet)
    python bench/pipeline_overhead.py --backend marian
    python bench/pipeline_overhead.py --profile 25          # and where the time outside the model goes (cProfile)

1. ``bitext run`` translates the articles (all stages, energy meter on, no
   translation memory, so every sentence reaches the model) with the
   opus-mt-shaped random model of ``bench/translate_speed.py``, loaded before
   the clock starts; twice in the same process: the first (cold) run also
   loads what the pipeline loads once per process (spaCy's pipelines), the
   second (warm) shows the cost per article. Every batch the pipeline sends
   to the model is recorded with its decoding settings (retries and span
   fragments included).
2. The same batches are translated again by bare library calls: tokenizer,
   ``ctranslate2.Translator.translate_batch`` (or ``MarianMTModel.generate``),
   detokenizer, with the same batching and lengths: the model's time alone.
3. Outside the model = run - bare, in wall seconds and in CPU seconds (CPU
   time is steadier when other work shares the machine). Printed as a share
   of the run and of the bare translate time, with each stage's time from the
   run's energy log.

Random weights never say EOS, so outputs run to the length limit: the run
uses ``max_length_ratio`` 1.15 and no extra tokens, outputs about as long as
real translations (a flattering limit of 2.5x would inflate the model's time
and hide the pipeline's). The guards may retry some outputs; the bare calls
replay those retries too, so both sides do the same model work.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "support"), str(ROOT / "bench")]

from reference import LoadWatch, machine_cores, reliability_note, usable_cores  # noqa: E402
from translate_speed import build_model, default_workdir  # noqa: E402

REAL = ROOT.parent / "shared" / "corpus" / "real"
LENGTHS = {"max_length_ratio": 1.15, "max_length_extra": 0}
TARGET_SHARE = 0.10


class Recorder:
    """Wraps a backend's ``translate``: records each call and the time spent in it."""

    def __init__(self, translator) -> None:
        self.calls: list[tuple[list[str], dict]] = []
        self.seconds = 0.0
        inner = translator.translate

        def translate(batch: list[str], **overrides):
            start = time.perf_counter()
            try:
                return inner(batch, **overrides)
            finally:
                self.seconds += time.perf_counter() - start
                self.calls.append((list(batch), dict(overrides)))

        translator.translate = translate


def copy_articles(dest: Path, lang: str, limit: int = 0) -> list[Path]:
    dest.mkdir(parents=True, exist_ok=True)
    copies = []
    for src in sorted(REAL.glob(f"*/*.{lang}.md"))[: limit or None]:
        copies.append(dest / src.name)
        shutil.copyfile(src, copies[-1])
    if not copies:
        raise SystemExit(f"no *.{lang}.md under {REAL}")
    return copies


def run_pipeline(content: Path, out: Path, translator, threads: int, profile: int) -> tuple[float, float, pstats.Stats | None]:
    """``bitext run content --to en`` in this process with ``translator`` (already loaded)."""
    import pipeline.mt.registry as registry
    from pipeline.cli import main as bitext

    registry.build_translator = lambda *a, **k: translator  # the run gets the loaded, recorded backend
    cfg = out.parent / "overhead.yaml"
    cfg.write_text(f"translate:\n  threads: {threads}\n", encoding="utf-8")
    argv = ["run", str(content), "--to", "en", "--backend", translator.name, "--model", translator.model_id,
            "--config", str(cfg), "--out", str(out), "--no-cache", "--quiet"]
    profiler = cProfile.Profile() if profile else None
    start, cpu = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    code = bitext(argv)
    if profiler:
        profiler.disable()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    if code != 0:
        raise SystemExit(f"bitext run failed ({code})")
    return seconds, cpu, (pstats.Stats(profiler) if profiler else None)


def bare_ct2(translator, calls: list[tuple[list[str], dict]]) -> float:
    """The recorded calls through ``translate_batch`` alone (the backend's batching and lengths)."""
    from pipeline.mt.marian import token_batches

    model, tokenizer = translator._load(), translator.tokenizer
    start = time.perf_counter()
    for batch, overrides in calls:
        decoding = translator.decoding.with_overrides(overrides)
        pieces = [tokenizer.convert_ids_to_tokens(tokenizer(t, truncation=True, max_length=translator.max_positions)["input_ids"])
                  for t in batch]
        pending = []
        for indices in token_batches([len(p) for p in pieces], translator.batch_tokens, translator.batch_size,
                                     translator.inter_threads):
            source = [pieces[i] for i in indices]
            length = decoding.max_new_tokens(max(len(s) for s in source), translator.max_positions)
            pending.append(model.translate_batch(source, beam_size=decoding.num_beams, max_decoding_length=length,
                                                 no_repeat_ngram_size=decoding.no_repeat_ngram_size,
                                                 repetition_penalty=decoding.repetition_penalty,
                                                 use_vmap=translator.shortlist_path is not None, asynchronous=True))
        for results in pending:
            for r in results:
                tokenizer.decode(tokenizer.convert_tokens_to_ids(r.result().hypotheses[0]), skip_special_tokens=True)
    return time.perf_counter() - start


def bare_marian(translator, calls: list[tuple[list[str], dict]]) -> float:
    """The recorded calls through ``generate`` alone (the backend's batching and lengths)."""
    import torch

    from pipeline.mt.marian import token_batches

    model, tokenizer = translator._load_model(), translator.tokenizer
    start = time.perf_counter()
    for batch, overrides in calls:
        decoding = translator.decoding.with_overrides(overrides)
        lengths = [len(tokenizer(t, truncation=True, max_length=translator.max_positions)["input_ids"]) for t in batch]
        for indices in token_batches(lengths, translator.batch_tokens, translator.batch_size):
            enc = tokenizer([batch[i] for i in indices], return_tensors="pt", padding=True, truncation=True,
                            max_length=translator.max_positions)
            new = decoding.max_new_tokens(enc["input_ids"].shape[1], translator.max_positions)
            with torch.inference_mode():
                out = model.generate(**enc, num_beams=decoding.num_beams, max_new_tokens=new,
                                     no_repeat_ngram_size=decoding.no_repeat_ngram_size,
                                     repetition_penalty=decoding.repetition_penalty)
            tokenizer.batch_decode(out, skip_special_tokens=True)
    return time.perf_counter() - start


def stage_seconds(out: Path) -> dict[str, float]:
    totals: dict[str, float] = {}
    for line in (out / "energy.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record.get("stage") not in (None, "total"):
            totals[record["stage"]] = totals.get(record["stage"], 0.0) + record.get("duration_s", 0.0)
    return totals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["ctranslate2", "marian"], default="ctranslate2")
    parser.add_argument("--threads", type=int, default=0, help="0: every core this process may use")
    parser.add_argument("--workdir", type=Path, default=default_workdir())
    parser.add_argument("--articles", type=int, default=0, help="only the first N articles (0: all)")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="print the N costliest functions of the run")
    args = parser.parse_args(argv)
    from pipeline.mt.registry import build_translator

    threads = args.threads or usable_cores()
    model = str(build_model(args.workdir))
    settings = {"threads": threads, "device": "cpu", **LENGTHS}
    if args.backend == "ctranslate2":
        settings["ct2_cache_dir"] = str(args.workdir / "ct2")
    translator = build_translator(args.backend, model, "fr", "en", settings, None)
    translator.translate(["Bonjour à tous."])  # loads the model before any clock
    load_at_start = os.getloadavg()[0]
    runs = {}
    with tempfile.TemporaryDirectory(prefix="bench-overhead-") as tmp:
        content = Path(tmp) / "content"
        articles = copy_articles(content, "fr", args.articles)
        for name in ("cold", "warm"):
            print(f"bitext run ({name}): {len(articles)} real FR articles -> EN, {args.backend}, {threads} threads ...", flush=True)
            recorder = Recorder(translator)
            watch = LoadWatch().start()
            wall, cpu, stats = run_pipeline(content, Path(tmp) / name, translator, threads, args.profile if name == "warm" else 0)
            watch.stop()
            runs[name] = {"wall": wall, "cpu": cpu, "watch": watch, "stages": stage_seconds(Path(tmp) / name),
                          "model": recorder.seconds, "calls": recorder.calls}
            del translator.translate  # the recorder's wrapper: the class's method again
    calls = runs["warm"]["calls"]
    sentences = sum(len(b) for b, _ in calls)
    print(f"bare calls: the same {sentences} strings in {len(calls)} calls ...", flush=True)
    bare_watch = LoadWatch().start()
    cpu0 = time.process_time()
    bare_wall = (bare_ct2 if args.backend == "ctranslate2" else bare_marian)(translator, calls)
    bare_cpu = time.process_time() - cpu0
    bare_watch.stop()

    print()
    print(f"load average {load_at_start:.2f} before, {os.getloadavg()[0]:.2f} after (this bench included), "
          f"{machine_cores()} cores; others used {runs['cold']['watch'].others_cores:.2f} / "
          f"{runs['warm']['watch'].others_cores:.2f} cores during the cold / warm runs, "
          f"{bare_watch.others_cores:.2f} during the bare calls")
    print(f"{'':44} {'wall s':>8} {'CPU s':>8}")
    for name, run in runs.items():
        print(f"bitext run, {name} (all stages, meter, files)      {run['wall']:8.2f} {run['cpu']:8.2f}")
        print("  " + ", ".join(f"{stage} {seconds:.2f}" for stage, seconds in run["stages"].items())
              + f"; in the backend's translate() {run['model']:.2f} ({len(run['calls'])} calls)")
    print(f"bare {'translate_batch' if args.backend == 'ctranslate2' else 'generate'} on the same {sentences} strings"
          f"{'':5} {bare_wall:8.2f} {bare_cpu:8.2f}")
    print(f"one-time loading in a run (cold - warm): {runs['cold']['wall'] - runs['warm']['wall']:.2f} s wall, "
          f"{runs['cold']['cpu'] - runs['warm']['cpu']:.2f} s CPU")
    for name, run in runs.items():
        for unit, total, bare in (("wall", run["wall"], bare_wall), ("CPU", run["cpu"], bare_cpu)):
            outside = total - bare
            verdict = "MET" if outside / bare <= TARGET_SHARE else "NOT MET"
            print(f"outside the model, {name} run, {unit}: {outside:7.2f} s = {outside / total:6.1%} of the run, "
                  f"{outside / bare:6.1%} of the bare translate time (target <= {TARGET_SHARE:.0%}): {verdict}")
    note = reliability_note([runs["cold"]["watch"].as_dict(), runs["warm"]["watch"].as_dict(), bare_watch.as_dict()],
                            load_at_start)
    if note:
        print(note)
    if stats is not None:
        buffer = io.StringIO()
        stats.stream = buffer
        stats.sort_stats("cumulative").print_stats(args.profile)
        print(buffer.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Translation speed against the machine's own limit: marian fp32, CTranslate2, decoding choices.

    python bench/translate_speed.py                  # the whole table: 200 sentences (~6 min on a quiet 2-core machine)
    python bench/translate_speed.py --quick          # 40 sentences, a look
    python bench/translate_speed.py --rows marian,ct2 --sentences 500

Rows (``--rows``, default all), each in its own process with the pipeline's
own backend classes (so its peak RSS is its own):

- ``marian``: transformers fp32, 4 beams (the model cards' setting);
- ``ct2``: CTranslate2 as the pipeline runs it (compute type ``auto``, threads
  split into parallel batches, token batches), 4 beams;
- ``ct2-own``: the same with a vocabulary shortlist built the way ``bitext
  shortlist`` builds it, from the model's own translations of the corpus
  sentences. With random weights those translations are random pieces, so
  this map is NOT representative of a real model's (its candidate count and
  the identity of outputs say nothing about opus-mt);
- ``ct2-real``: the same with a shortlist built by the same code from a
  realistic French/English token set: the human EN translations of the real
  FR articles (``../shared/corpus/real``, sentence pairs from ``bitext align``).
  Its candidate count per batch is what a real FR->EN map gives on these
  sentences; the random model's outputs under it mean nothing;
- ``ct2-b2``, ``ct2-greedy``: 2 beams, 1 beam (what a draft costs).

The model has opus-mt's shape (d_model 512, 6+6 layers, 8 heads, FFN 2048,
59,514-token vocabulary) and random weights, so the bench needs no download.
Random weights would decide when a sentence ends (they loop to the length
limit), so every output is forced to ``ceil(1.15 x longest source in its
batch)`` tokens (``min == max`` decoding length): every row then produces
target tokens of the same kind and count per source token, and tokens/s
compares like with like. Output *content* of a random model means nothing.

Printed with every figure (see ``bench/reference.py``): the machine's fp32
GEMM rate measured in the same run, the model's FLOPs per target token from
its config, the limit they give, each row's share of it, and the load (others'
CPU during each row). Ratios taken under load are marked UNRELIABLE.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "support"), str(ROOT / "bench")]

from reference import LoadWatch, gemm_gflops, machine_cores, read_shape, reliability_note, usable_cores  # noqa: E402

OPUS_SHAPE = {"d_model": 512, "layers": 6, "heads": 8, "ffn": 2048, "max_positions": 512, "pad_vocab_to": 59514}
EXACT = {"exact_length": True, "max_length_ratio": 1.15, "max_length_extra": 0}

# label, backend, beams, backend settings ("shortlist": which map the bench builds)
ROWS: dict[str, tuple[str, str, int, dict]] = {
    "marian": ("marian fp32", "marian", 4, {}),
    "marian-bf16": ("marian bf16", "marian", 4, {"dtype": "bfloat16"}),
    "ct2": ("ctranslate2", "ctranslate2", 4, {}),
    "ct2-own": ("ctranslate2 + own-map", "ctranslate2", 4, {"shortlist": "own"}),
    "ct2-real": ("ctranslate2 + FR/EN-map", "ctranslate2", 4, {"shortlist": "real"}),
    "ct2-b2": ("ctranslate2, 2 beams", "ctranslate2", 2, {}),
    "ct2-greedy": ("ctranslate2, greedy", "ctranslate2", 1, {}),
    # CUDA only (bench/gpu_speed.sh)
    "ct2-fp16": ("ctranslate2", "ctranslate2", 4, {"compute_type": "float16"}),
    "ct2-int8fp16": ("ctranslate2", "ctranslate2", 4, {"compute_type": "int8_float16"}),
}
DEFAULT_ROWS = {
    "cpu": ["marian", "ct2", "ct2-own", "ct2-real", "ct2-b2", "ct2-greedy"],
    "cuda": ["marian", "ct2-fp16", "ct2-int8fp16", "ct2-real", "ct2-b2", "ct2-greedy"],
}
REAL = ROOT.parent / "shared" / "corpus" / "real"


def default_workdir() -> Path:
    return Path(os.environ.get("BITEXT_CACHE_DIR") or Path.home() / ".cache/bitext") / "bench"


def build_model(workdir: Path) -> Path:
    """The opus-mt-shaped model with random weights, built once."""
    from tiny_marian import build_marian, corpus_texts

    out = workdir / "opus-shaped-random"
    marker = out / "bench-built.json"
    if marker.is_file() and json.loads(marker.read_text()) == OPUS_SHAPE:
        return out
    print(f"building the opus-mt-shaped model in {out} ...", flush=True)
    build_marian(out, corpus_texts(), vocab_size=8000, init_std=0.02, behaviour="random", **OPUS_SHAPE)
    marker.write_text(json.dumps(OPUS_SHAPE))
    return out


def corpus_sentences(max_tokens: int, token_len) -> list[str]:
    """Unique French sentences of the corpus, 4 words or more, short enough for one model call."""
    from tiny_marian import corpus_texts

    from pipeline.mt.guards import translatable
    from pipeline.mt.segment import SentenceSplitter

    splitter = SentenceSplitter("fr")
    found: list[str] = []
    for text in corpus_texts("fr"):
        for paragraph in text.split("\n\n"):
            if paragraph.lstrip().startswith(("---", "```", "{{", "<", "|", "[")):
                continue
            for start, end in splitter.split(paragraph):
                sentence = " ".join(paragraph[start:end].split())
                if translatable(sentence) and len(sentence.split()) >= 4 and token_len(sentence) <= max_tokens:
                    found.append(sentence)
    return list(dict.fromkeys(found))


def pick_sentences(count: int, max_tokens: int, token_len) -> list[str]:
    """``count`` corpus sentences (cycled when the corpus has fewer)."""
    unique = corpus_sentences(max_tokens, token_len)
    return [unique[i % len(unique)] for i in range(count)]


def own_map(model: str, cache_dir: str, workdir: Path, max_tokens: int, token_len) -> Path:
    """The shortlist of ``bitext shortlist``'s builder over the model's own translations of every corpus
    sentence (4 beams, the bench's forced lengths), built once."""
    from pipeline.mt.ct2 import CTranslate2Translator
    from pipeline.mt.shortlist_command import build_for

    path = workdir / "vmaps" / "own.vmap"
    if not path.is_file():
        sentences = corpus_sentences(max_tokens, token_len)
        print(f"building the own-translations map: translating {len(sentences)} corpus sentences ...", flush=True)
        translator = CTranslate2Translator(model, device="cpu", cache_dir=cache_dir)
        outputs = translator.translate(sentences, **EXACT)
        build_for(translator, list(zip(sentences, outputs))).write(path)
    return path


def real_map(model: str, cache_dir: str, workdir: Path) -> Path:
    """The same builder over a realistic FR/EN token set: sentence pairs that ``bitext align`` finds
    between the real FR articles and their human EN versions, built once."""
    from pipeline.cli import main as bitext
    from pipeline.mt.ct2 import CTranslate2Translator
    from pipeline.mt.shortlist_command import build_for

    path = workdir / "vmaps" / "fr-en-real.vmap"
    if path.is_file():
        return path
    pairs: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="bench-align-") as tmp:
        for folder in sorted(p for p in REAL.iterdir() if p.is_dir()):
            fr, en = sorted(folder.glob("*.fr.md")), sorted(folder.glob("*.en.md"))
            if not (fr and en):
                continue
            print(f"aligning {fr[0].name} with {en[0].name} (FR/EN map) ...", flush=True)
            out = Path(tmp) / folder.name
            if bitext(["align", str(fr[0]), str(en[0]), "--out", str(out)]) != 0:
                raise SystemExit(f"bitext align failed on {folder}")
            for line in (out / "pairs.jsonl").read_text(encoding="utf-8").splitlines():
                pair = json.loads(line)
                for sentence in pair.get("sentences") or [pair]:
                    if sentence.get("src") and sentence.get("tgt"):
                        pairs.append((sentence["src"], sentence["tgt"]))
    if not pairs:
        raise SystemExit(f"no FR/EN pairs under {REAL}: the ct2-real row needs ../shared/corpus/real")
    translator = CTranslate2Translator(model, device="cpu", cache_dir=cache_dir)
    build_for(translator, pairs).write(path)
    return path


def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def make_translator(backend: str, model: str, cache_dir: str, beams: int, threads: int, settings: dict, device: str = "cpu"):
    """The pipeline's own backend class for ``backend``."""
    from pipeline.mt.ct2 import CTranslate2Translator
    from pipeline.mt.marian import MarianTranslator

    common = {"num_beams": beams, "threads": threads, "device": device, **settings}
    if backend == "marian":
        return MarianTranslator(model, **common)
    return CTranslate2Translator(model, cache_dir=cache_dir, **common)


def run_row(key: str, model: str, cache_dir: str, sentences: list[str], args: dict, queue) -> None:
    """In a fresh process: load, warm up, translate the sentences under the energy meter."""
    label, backend, beams, settings = ROWS[key]
    if "shortlist" in settings:
        settings = {**settings, "shortlist": args["maps"][settings["shortlist"]]}
    rss_start = _rss_mb()
    translator = make_translator(backend, model, cache_dir, beams, args["threads"], settings, args["device"])
    translator.translate(sentences[:4], **EXACT)  # loads the weights
    rss_loaded = _rss_mb()
    sizes_before = len(getattr(translator, "output_vocab_sizes", []))
    meter = _meter(backend, translator) if args["energy"] else None
    tokens_before = translator.generated_tokens
    watch = LoadWatch().start()
    cpu0, t0 = time.process_time(), time.perf_counter()
    if meter is not None:
        with meter.measure(None, "translate") as work:
            outputs = translator.translate(sentences, **EXACT)
            work["target_tokens"] = translator.generated_tokens - tokens_before
            work["sentences"] = len(sentences)
    else:
        outputs = translator.translate(sentences, **EXACT)
    seconds, cpu_seconds = time.perf_counter() - t0, time.process_time() - cpu0
    watch.stop()
    tokens = translator.generated_tokens - tokens_before
    queue.put({
        "row": key,
        "label": label,
        "backend": backend,
        "beams": beams,
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "target_tokens": tokens,
        "source_tokens": sum(translator.source_tokens(s) for s in sentences),
        "tokens_per_s": tokens / seconds,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "model_rss_mb": rss_loaded - rss_start,
        "load": watch.as_dict(),
        "load_text": watch.describe(),
        **_energy(meter, cpu_seconds, tokens, args["watts_per_core"]),
        "outputs": outputs,
        "output_vocab": _mean(getattr(translator, "output_vocab_sizes", [])[sizes_before:]),
        "threads_split": [getattr(translator, "intra_threads", None), getattr(translator, "inter_threads", None)],
        "signature": translator.signature(),
    })


def _torch_cuda() -> bool:
    import torch

    return torch.cuda.is_available()


def _mean(values: list[int]) -> float | None:
    return sum(values) / len(values) if values else None


def _meter(backend: str, translator):
    try:
        from pipeline.energy.meter import EnergyConfig, EnergyMeter
    except ImportError:
        return None
    meter = EnergyMeter(Path(tempfile.mkdtemp(prefix="bench-energy-")), f"bench-{backend}", EnergyConfig(),
                        signature={"backend": backend, "model": "opus-mt-shaped-random"})
    meter.start()  # CodeCarbon's hardware detection, outside the measured block
    return meter


def _energy(meter, cpu_seconds: float, tokens: int, watts_per_core: float) -> dict:
    if meter is not None:
        total = meter.close()  # the run's total: here, the one translate record
        if total.get("energy_kwh") is not None:
            joules = total["energy_kwh"] * 3.6e6
            detail = "; ".join(f"{k}: {v}" for k, v in total.get("method_detail", {}).items())
            kind = "measured" if total.get("measured") else "estimate"
            method = total.get("signature", {}).get("method", "?")
            return {"joules": joules, "joules_per_token": joules / tokens,
                    "energy_method": f"{kind}, EnergyMeter {method} ({detail})"}
    joules = cpu_seconds * watts_per_core
    return {"joules": joules, "joules_per_token": joules / tokens,
            "energy_method": f"estimate: process CPU s x {watts_per_core:g} W per busy core (assumed)"}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="40 sentences")
    parser.add_argument("--rows", help="comma-separated, from: " + ", ".join(ROWS) + " (default: "
                        + "; ".join(f"{d}: {','.join(r)}" for d, r in DEFAULT_ROWS.items()) + ")")
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    parser.add_argument("--threads", type=int, default=0, help="0: every core this process may use")
    parser.add_argument("--workdir", type=Path, default=default_workdir())
    parser.add_argument("--no-energy", dest="energy", action="store_false", help="skip the energy meter")
    parser.add_argument("--watts-per-core", type=float, default=15.0, help="only when pipeline.energy is absent")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    args.rows = args.rows or ",".join(DEFAULT_ROWS[args.device])
    unknown = [r for r in args.rows.split(",") if r not in ROWS]
    if unknown:
        parser.error(f"unknown row(s) {unknown}; choose from {', '.join(ROWS)}")
    if args.quick:
        args.sentences = 40
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from pipeline.mt.ct2 import CTranslate2Translator

    threads = args.threads or usable_cores()
    model = str(build_model(args.workdir))
    cache_dir = str(args.workdir / "ct2")
    converter = CTranslate2Translator(model, device="cpu", compute_type="int8", cache_dir=cache_dir)
    converter.convert()
    sentences = pick_sentences(args.sentences, converter.max_input_tokens, converter.source_tokens)
    rows = args.rows.split(",")
    maps = {}
    if "ct2-own" in rows:
        maps["own"] = str(own_map(model, cache_dir, args.workdir, converter.max_input_tokens, converter.source_tokens))
    if "ct2-real" in rows:
        maps["real"] = str(real_map(model, cache_dir, args.workdir))
    if args.device == "cuda" and "marian" in rows and not _torch_cuda():
        print("marian row skipped: this torch has no CUDA (install a CUDA build of torch to measure it)", flush=True)
        rows.remove("marian")
    settings = {"threads": threads, "watts_per_core": args.watts_per_core, "energy": args.energy, "maps": maps,
                "device": args.device}
    machine = {"load_at_start": os.getloadavg()[0], "gemm_before": gemm_gflops(threads, args.device)}
    print(f"fp32 GEMM rate ({threads} threads): {machine['gemm_before']:.1f} GFLOP/s", flush=True)
    results = []
    context = multiprocessing.get_context("spawn")
    for key in rows:
        print(f"{ROWS[key][0]}: translating {len(sentences)} sentences ...", flush=True)
        queue = context.Queue()
        process = context.Process(target=run_row, args=(key, model, cache_dir, sentences, settings, queue))
        process.start()
        results.append(queue.get())
        process.join()
        print(f"  {results[-1]['tokens_per_s']:.1f} target tokens/s; {results[-1]['load_text']}", flush=True)
    machine["gemm_after"] = gemm_gflops(threads, args.device)
    machine["gemm"] = (machine["gemm_before"] + machine["gemm_after"]) / 2
    report(results, machine, read_shape(model), settings)
    if args.json:
        args.json.write_text(json.dumps({"settings": settings, "machine": machine, "results": results}, indent=2, default=str))
    return 0


def report(results: list[dict], machine: dict, shape, settings: dict) -> None:
    import ctranslate2
    import torch
    import transformers

    print()
    print(f"{results[0]['source_tokens']} source tokens per row; outputs forced to ceil(1.15 x longest source in batch); "
          f"threads {settings['threads']}; CPU {platform.processor() or platform.machine()}; torch {torch.__version__}, "
          f"transformers {transformers.__version__}, ctranslate2 {ctranslate2.__version__}")
    print(f"load average {machine['load_at_start']:.2f} before the bench, {os.getloadavg()[0]:.2f} after (this bench included); "
          f"{machine_cores()} cores")
    print(f"fp32 GEMM rate (torch.mm 512x512 @ 512x2048, {settings['threads']} threads): {machine['gemm_before']:.1f} GFLOP/s "
          f"before, {machine['gemm_after']:.1f} after; limit = {machine['gemm']:.1f} GFLOP/s / FLOPs per target token")
    print(f"model: d {shape.d_model}, {shape.encoder_layers}+{shape.decoder_layers} layers, FFN {shape.decoder_ffn}, "
          f"vocabulary {shape.vocab}: decoder {shape.decoder_flops() / 1e6:.1f} MFLOP per token and beam "
          f"(output projection {2 * shape.d_model * shape.vocab / 1e6:.1f}), encoder {shape.encoder_flops() / 1e6:.1f} MFLOP per source token")
    src_per_tgt = results[0]["source_tokens"] / results[0]["target_tokens"]
    full_limit = machine["gemm"] * 1e9 / shape.flops_per_target_token(4, src_per_tgt)
    print(f"limit at 4 beams, full vocabulary: {shape.flops_per_target_token(4, src_per_tgt) / 1e6:.0f} MFLOP per target token "
          f"-> {full_limit:.0f} target tokens/s at {machine['gemm']:.1f} GFLOP/s")
    print(f"{'row':34} {'tok/s':>7} {'of 4b lim':>9} {'vocab':>6} {'MFLOP/tok':>9} {'own lim':>7} {'share':>6} {'GFLOP/s':>7} "
          f"{'tgt/src':>7} {'RSS MB':>6} {'J/tok':>6} {'others':>6}")
    for r in results:
        r["label"] = _label(r)
        r["flops_per_token"] = shape.flops_per_target_token(r["beams"], r["source_tokens"] / r["target_tokens"], r.get("output_vocab"))
        r["limit"] = machine["gemm"] * 1e9 / r["flops_per_token"]
        r["share"] = r["tokens_per_s"] / r["limit"]
        r["share_of_4_beam_limit"] = r["tokens_per_s"] / full_limit
        vocab = r.get("output_vocab") or shape.vocab
        print(f"{r['label']:34} {r['tokens_per_s']:7.1f} {r['share_of_4_beam_limit']:9.0%} {vocab:6.0f} {r['flops_per_token'] / 1e6:9.0f} "
              f"{r['limit']:7.0f} {r['share']:6.0%} {r['tokens_per_s'] * r['flops_per_token'] / 1e9:7.1f} "
              f"{r['target_tokens'] / r['source_tokens']:7.2f} {r['peak_rss_mb']:6.0f} {r['joules_per_token']:6.3f} "
              f"{r['load']['others_cores']:6.2f}")
    print("of 4b lim: tokens/s over the fp32 limit at 4 beams and the full vocabulary (the issue's yardstick). vocab: output "
          "projection size (shortlist candidates per batch, mean). own lim / share: the fp32 limit for the row's own work "
          "(beams, vocabulary) and the share of it; int8 passes 100%. others: cores other processes used during the row.")
    by_row = {r["row"]: r for r in results}
    for key in ("ct2-own", "ct2-real"):
        if key in by_row and "ct2" in by_row:
            same = sum(a == b for a, b in zip(by_row[key]["outputs"], by_row["ct2"]["outputs"]))
            print(f"{by_row[key]['label']}: {same}/{len(by_row['ct2']['outputs'])} outputs identical to the full vocabulary's"
                  " (random weights: see the docstring)")
    if "marian" in by_row:
        for r in results:
            if r["row"] != "marian":
                ratio(r, by_row["marian"], machine["load_at_start"])
    for r in results:
        print(f"energy ({r['label']}): {r['energy_method']}")


def _label(r: dict) -> str:
    if r["backend"] != "ctranslate2":
        return r["label"]
    intra, inter = r["threads_split"]
    return f"{r['label']} {r['signature'].get('compute_type')} {intra}x{inter}t"


def ratio(fast: dict, slow: dict, load_at_start: float) -> None:
    note = reliability_note([fast["load"], slow["load"]], load_at_start)
    print(f"{fast['label']} / {slow['label']}: {fast['tokens_per_s'] / slow['tokens_per_s']:.2f}x tokens/s"
          + (f"  [{note}]" if note else ""))


if __name__ == "__main__":
    sys.exit(main())

"""Translation speed: transformers (fp32) against CTranslate2 (int8), same model, same sentences.

    python bench/translate_speed.py                 # 500 sentences, 4 beams, all cores
    python bench/translate_speed.py --sentences 50  # a quick look

The model has opus-mt's shape (d_model 512, 6+6 layers, 8 heads, FFN 2048,
59,514-token vocabulary, 512 positions) and random weights, so the
benchmark needs no download. Random weights would decide when a sentence
ends, so every output is forced to ``ceil(1.15 x longest source in its
batch)`` tokens (``min == max`` new tokens): both backends then produce the
same number of target tokens from the same batches.

Each backend runs in its own process, so its peak RSS is its own. Energy
comes from ``pipeline.energy.meter.EnergyMeter`` (CodeCarbon; its record says
whether the CPU figure is measured, RAPL, or estimated from CPU time x TDP);
without it, from process CPU seconds x an assumed W per core, printed as an
estimate. The model is built once under ``--workdir`` and reused.
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
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "support")]

OPUS_SHAPE = {"d_model": 512, "layers": 6, "heads": 8, "ffn": 2048, "max_positions": 512, "pad_vocab_to": 59514}
EXACT = {"exact_length": True, "max_length_ratio": 1.15, "max_length_extra": 0}


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


def pick_sentences(count: int, max_tokens: int, token_len) -> list[str]:
    """French sentences of the corpus, 4 words or more, short enough for one model call; cycled to ``count``."""
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
    unique = list(dict.fromkeys(found))
    return [unique[i % len(unique)] for i in range(count)]


def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def run_backend(backend: str, model: str, cache_dir: str, sentences: list[str], args: dict, queue) -> None:
    """In a fresh process: load, warm up, translate the sentences under the energy meter."""
    rss_start = _rss_mb()
    from pipeline.mt.ct2 import CTranslate2Translator
    from pipeline.mt.marian import MarianTranslator

    common = {"num_beams": args["beams"], "batch_size": args["batch_size"], "threads": args["threads"], "device": "cpu"}
    if backend == "marian":
        translator = MarianTranslator(model, **common)
    else:
        translator = CTranslate2Translator(model, compute_type="int8", cache_dir=cache_dir, **common)
    translator.translate(sentences[:4], **EXACT)  # loads the weights
    rss_loaded = _rss_mb()
    meter = _meter(backend, translator)
    tokens_before = translator.generated_tokens
    cpu0, t0 = time.process_time(), time.perf_counter()
    if meter is not None:
        with meter.measure(None, "translate") as work:
            translator.translate(sentences, **EXACT)
            work["target_tokens"] = translator.generated_tokens - tokens_before
            work["sentences"] = len(sentences)
    else:
        translator.translate(sentences, **EXACT)
    seconds, cpu_seconds = time.perf_counter() - t0, time.process_time() - cpu0
    tokens = translator.generated_tokens - tokens_before
    energy = _energy(meter, cpu_seconds, tokens, args["watts_per_core"])
    queue.put({
        "backend": backend,
        "label": "marian fp32" if backend == "marian" else "ctranslate2 int8",
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "sentences_per_s": len(sentences) / seconds,
        "target_tokens": tokens,
        "tokens_per_s": tokens / seconds,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "model_rss_mb": rss_loaded - rss_start,
        **energy,
        "signature": translator.signature(),
    })


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=500)
    parser.add_argument("--beams", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--threads", type=int, default=0, help="0: every core this process may use")
    parser.add_argument("--workdir", type=Path, default=Path(os.environ.get("BITEXT_CACHE_DIR") or Path.home() / ".cache/bitext") / "bench")
    parser.add_argument("--watts-per-core", type=float, default=15.0, help="only when pipeline.energy is absent")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)

    from pipeline.mt.ct2 import CTranslate2Translator, available_cores

    threads = args.threads or available_cores()
    model = str(build_model(args.workdir))
    cache_dir = str(args.workdir / "ct2")
    print("converting to CTranslate2 int8 (once) ...", flush=True)
    converter = CTranslate2Translator(model, device="cpu", compute_type="int8", cache_dir=cache_dir)
    converter.convert()
    sentences = pick_sentences(args.sentences, converter.max_input_tokens, converter.source_tokens)
    settings = {"beams": args.beams, "batch_size": args.batch_size, "threads": threads, "watts_per_core": args.watts_per_core}
    results = []
    context = multiprocessing.get_context("spawn")
    for backend in ("marian", "ctranslate2"):
        print(f"translating {len(sentences)} sentences with {backend} ...", flush=True)
        queue = context.Queue()
        process = context.Process(target=run_backend, args=(backend, model, cache_dir, sentences, settings, queue))
        process.start()
        results.append(queue.get())
        process.join()
    _report(results, sentences, converter, settings)
    if args.json:
        args.json.write_text(json.dumps({"settings": settings, "results": results}, indent=2, default=str))
    return 0


def _report(results: list[dict], sentences: list[str], converter, settings: dict) -> None:
    import ctranslate2
    import torch
    import transformers

    source_tokens = sum(converter.source_tokens(s) for s in sentences)
    print()
    print(f"{len(sentences)} sentences, {source_tokens} source tokens; output forced to ceil(1.15 x longest source in batch)")
    print(f"beams {settings['beams']}, batch {settings['batch_size']}, threads {settings['threads']}; "
          f"CPU {platform.processor() or platform.machine()}, load average {os.getloadavg()[0]:.2f}; "
          f"torch {torch.__version__}, transformers {transformers.__version__}, ctranslate2 {ctranslate2.__version__}")
    print(f"{'backend':18} {'sent/s':>8} {'tok/s':>8} {'target tok':>10} {'peak RSS MB':>11} {'model MB':>9} {'J/token':>9}")
    for r in results:
        print(f"{r['label']:18} {r['sentences_per_s']:8.2f} {r['tokens_per_s']:8.1f} {r['target_tokens']:10d} "
              f"{r['peak_rss_mb']:11.0f} {r['model_rss_mb']:9.0f} {r['joules_per_token']:9.4f}")
    marian, ct2 = results
    print(f"ratio ctranslate2/marian: {ct2['tokens_per_s'] / marian['tokens_per_s']:.2f}x tokens/s, "
          f"{marian['joules_per_token'] / ct2['joules_per_token']:.2f}x less energy per token, "
          f"{marian['peak_rss_mb'] / ct2['peak_rss_mb']:.2f}x less peak RSS")
    if marian["target_tokens"] != ct2["target_tokens"]:
        print("warning: the backends produced different token counts", file=sys.stderr)
    for r in results:
        print(f"energy ({r['label']}): {r['energy_method']}")


if __name__ == "__main__":
    sys.exit(main())

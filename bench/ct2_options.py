"""CTranslate2 options on this CPU: compute type, threads, batching, vocabulary shortlist size.

    python bench/ct2_options.py                       # every sweep, 64 sentences, 2 rounds (~8 min quiet)
    python bench/ct2_options.py --sweep vmap --sentences 128
    python bench/ct2_options.py --sweep compute,threads --beams 2

Calls ``ctranslate2.Translator`` directly on the opus-mt-shaped random model
of ``bench/translate_speed.py`` (same sentences, outputs forced to
``ceil(1.15 x longest source in batch)``), so it measures the library's
options, not the pipeline's code. Configurations run in rounds (A B C, A B
C, ...) and the best round of each is printed, so a burst of load from
other work hurts every configuration alike; the load is printed with each,
and tokens per CPU second (steadier than tokens/s when the machine is shared,
but blind to threads left waiting).

Sweeps:

- ``compute``: every compute type ``get_supported_compute_types("cpu")`` lists,
  on weights converted to that type (float32 on float32 weights);
- ``threads``: intra_threads x inter_threads splits of the cores, batches submitted
  asynchronously so ``inter_threads`` replicas work on different batches at once;
- ``batch``: ``max_batch_size`` in examples and in tokens (``batch_type="tokens"``);
- ``vmap``: a vocabulary map (``use_vmap``) whose always-allowed set has N
  tokens: the tokens the model produced for these sentences without a map,
  then the corpus's most frequent pieces up to N. Prints tokens/s and the
  share of outputs identical to the full-vocabulary run. Greedy search gives
  the same argmax whenever the produced tokens are allowed (``--beams 1``
  shows it); beam search renormalises scores over the allowed set, so beams
  can rank differently, the more so as the model's distribution is flat (as
  a random model's is).
"""
from __future__ import annotations

import argparse
import math
import os
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "support"), str(ROOT / "bench")]

from reference import LoadWatch, gemm_gflops, machine_cores, read_shape, reliability_note, usable_cores  # noqa: E402
from translate_speed import build_model, default_workdir, pick_sentences  # noqa: E402

SWEEPS = ("compute", "threads", "batch", "vmap")
LENGTH_RATIO = 1.15


def converted(model: Path, workdir: Path, quantization: str) -> Path:
    """The model converted to CTranslate2 with ``quantization`` weights (once)."""
    out = workdir / "ct2-options" / quantization
    if not (out / "model.bin").is_file():
        from ctranslate2.converters import TransformersConverter

        print(f"converting to CTranslate2 {quantization} ...", flush=True)
        TransformersConverter(str(model)).convert(str(out), quantization=quantization, force=True)
    return out


def with_vmap(model_dir: Path, tokens: list[str], workdir: Path) -> Path:
    """A model folder that shares ``model_dir``'s files (symlinks) and adds a ``vmap.txt``
    whose only line is the always-allowed set (the empty source n-gram)."""
    out = workdir / "ct2-options" / f"vmap-{len(tokens)}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    for item in model_dir.iterdir():
        (out / item.name).symlink_to(item.resolve())
    (out / "vmap.txt").write_text("\t" + " ".join(tokens) + "\n", encoding="utf-8")
    return out


def batches(lengths: list[int], max_size: int, by_tokens: bool) -> list[list[int]]:
    """Indices sorted longest first, cut so that a batch's padded size stays within ``max_size``
    (examples, or examples x longest length when ``by_tokens``), as CTranslate2 cuts them."""
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    out: list[list[int]] = []
    for i in order:
        if out:
            size = (len(out[-1]) + 1) * (lengths[out[-1][0]] if by_tokens else 1)
            if size <= max_size:
                out[-1].append(i)
                continue
        out.append([i])
    return out


def run(model_dir: Path, pieces: list[list[str]], compute_type: str, *, intra: int, inter: int, beams: int,
        max_size: int = 16, by_tokens: bool = False, use_vmap: bool = False) -> dict:
    """Translate ``pieces`` once (after a warm-up); tokens/s, outputs and the load."""
    import ctranslate2

    translator = ctranslate2.Translator(str(model_dir), device="cpu", compute_type=compute_type,
                                        intra_threads=intra, inter_threads=inter)
    translator.translate_batch(pieces[:2], beam_size=beams, max_decoding_length=8, use_vmap=use_vmap)
    watch = LoadWatch().start()
    cpu = time.process_time()
    pending = []
    for batch in batches([len(p) for p in pieces], max_size, by_tokens):
        length = math.ceil(LENGTH_RATIO * max(len(pieces[i]) for i in batch))
        pending.append((batch, translator.translate_batch(
            [pieces[i] for i in batch], beam_size=beams, max_decoding_length=length, min_decoding_length=length,
            use_vmap=use_vmap, asynchronous=True)))
    outputs: list[list[str]] = [[] for _ in pieces]
    for batch, results in pending:
        for i, result in zip(batch, results):
            outputs[i] = result.result().hypotheses[0]
    cpu = time.process_time() - cpu
    watch.stop()
    tokens = sum(len(o) for o in outputs)
    return {"tokens_per_s": tokens / watch.wall_s, "tokens_per_cpu_s": tokens / max(cpu, 1e-9), "tokens": tokens,
            "outputs": outputs, "load": watch.as_dict()}


def configurations(sweep: str, cores: int, supported: set[str]) -> list[dict]:
    """(label, settings) of one sweep."""
    base = {"compute_type": "int8", "intra": cores, "inter": 1, "max_size": 16, "by_tokens": False}
    if sweep == "compute":
        order = ["int8", "int8_float32", "int8_bfloat16", "bfloat16", "float32"]
        return [{**base, "label": t, "compute_type": t} for t in order if t in supported]
    if sweep == "threads":
        splits = [(intra, cores // intra) for intra in range(cores, 0, -1) if cores % intra == 0]
        return [{**base, "label": f"intra {a} x inter {b}", "intra": a, "inter": b,
                 "max_size": 2048, "by_tokens": True} for a, b in splits]
    if sweep == "batch":
        return ([{**base, "label": f"{n} examples", "max_size": n} for n in (8, 16, 32, 64)]
                + [{**base, "label": f"{n} tokens", "max_size": n, "by_tokens": True} for n in (1024, 2048, 4096, 8192)])
    raise ValueError(sweep)


def vmap_configurations(full_outputs: list[list[str]], vocabulary: list[str],
                        model_dir: Path, workdir: Path, cores: int) -> list[dict]:
    produced = list(dict.fromkeys(t for out in full_outputs for t in out))
    seen = set(produced)
    filler = [p for p in vocabulary if p not in seen]  # id order: the SentencePiece pieces come first
    configs = [{"label": "full vocabulary", "compute_type": "int8", "intra": cores, "inter": 1,
                "max_size": 2048, "by_tokens": True, "model_dir": model_dir}]
    for size in (1000, 2000, 4000, 8000, 16000):
        if size >= len(vocabulary):
            break
        allowed = (produced + filler)[:size]
        configs.append({**configs[0], "label": f"vmap {len(allowed)} tokens"
                        + (" (misses produced ones)" if len(allowed) < len(produced) else ""),
                        "model_dir": with_vmap(model_dir, allowed, workdir), "use_vmap": True})
    return configs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sweep", default=",".join(SWEEPS), help=f"comma-separated, from: {', '.join(SWEEPS)}")
    parser.add_argument("--sentences", type=int, default=64)
    parser.add_argument("--beams", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--threads", type=int, default=0, help="0: every core this process may use")
    parser.add_argument("--workdir", type=Path, default=default_workdir())
    args = parser.parse_args(argv)
    import ctranslate2

    from pipeline.mt.marian import load_tokenizer

    cores = args.threads or usable_cores()
    model = build_model(args.workdir)
    tokenizer = load_tokenizer(model)
    sentences = pick_sentences(args.sentences, 254, lambda s: len(tokenizer.spm_source.encode(s)) + 1)
    pieces = [tokenizer.convert_ids_to_tokens(tokenizer(s)["input_ids"]) for s in sentences]
    shape = read_shape(model)
    supported = set(ctranslate2.get_supported_compute_types("cpu"))
    load_at_start = os.getloadavg()[0]
    gemm = gemm_gflops(cores)
    print(f"{len(sentences)} sentences, {sum(map(len, pieces))} source tokens, beams {args.beams}, {cores} threads; "
          f"ctranslate2 {ctranslate2.__version__}, supported on cpu: {sorted(supported)}")
    print(f"load average {load_at_start:.2f} ({machine_cores()} cores); fp32 GEMM {gemm:.1f} GFLOP/s")
    int8_dir = converted(model, args.workdir, "int8")
    for sweep in args.sweep.split(","):
        if sweep == "vmap":
            full = run(int8_dir, pieces, "int8", intra=cores, inter=1, beams=args.beams, max_size=2048, by_tokens=True)
            vocabulary = tokenizer.convert_ids_to_tokens(list(range(shape.vocab)))
            configs = vmap_configurations(full["outputs"], vocabulary, int8_dir, args.workdir, cores)
        else:
            configs = configurations(sweep, cores, supported)
        best: dict[str, dict] = {}
        for _ in range(args.rounds):
            for config in configs:
                settings = {k: v for k, v in config.items() if k not in ("label", "model_dir", "compute_type")}
                model_dir = config.get("model_dir") or (converted(model, args.workdir, "float32")
                                                        if config["compute_type"] == "float32" else int8_dir)
                result = run(model_dir, pieces, config["compute_type"], beams=args.beams, **settings)
                if config["label"] not in best or result["tokens_per_s"] > best[config["label"]]["tokens_per_s"]:
                    best[config["label"]] = result
        print(f"\n== {sweep} (best of {args.rounds} rounds)")
        reference = best[configs[0]["label"]]
        for config in configs:
            r = best[config["label"]]
            same = sum(a == b for a, b in zip(r["outputs"], reference["outputs"]))
            print(f"{config['label']:34} {r['tokens_per_s']:7.1f} tok/s  {r['tokens_per_s'] / reference['tokens_per_s']:5.2f}x  "
                  f"{r['tokens_per_cpu_s']:6.1f} tok/CPU-s  "
                  f"identical to first {same}/{len(pieces)}  others {r['load']['others_cores']:.2f} cores")
        note = reliability_note([best[c["label"]]["load"] for c in configs], load_at_start)
        if note:
            print(note)
    return 0


if __name__ == "__main__":
    sys.exit(main())

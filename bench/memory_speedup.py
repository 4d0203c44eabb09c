"""Translation memory: how much faster the translate stage is the second time (issue 4 target: >= 20x).

Translates the sample article twice into two fresh run folders that share one
translation memory, with a Marian model (``--model``; default: the tiny model the
tests build, 4 beams), and compares the translate stage's duration in the two
runs' energy logs. The second run must make 0 model calls.

    python bench/memory_speedup.py [--model PATH_OR_HUB_ID] [--article FILE]
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "support")]
SAMPLE = ROOT.parent / "shared" / "corpus" / "considerations-energetiques.fr.md"


def translate_seconds(out: Path) -> float:
    records = [json.loads(line) for line in (out / "energy.jsonl").read_text().splitlines()]
    return sum(r["duration_s"] for r in records if r["stage"] == "translate")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model")
    ap.add_argument("--article", type=Path, default=SAMPLE)
    args = ap.parse_args()
    import os

    from pipeline.cli import main as bitext

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        os.environ["BITEXT_CACHE_DIR"] = str(tmp_path / "cache")
        model = args.model
        if model is None:
            from tiny_marian import build_tiny_marian, corpus_texts

            model = str(build_tiny_marian(tmp_path / "tiny", corpus_texts()))
        results = []
        for n in range(2):
            out = tmp_path / f"run{n}"
            code = bitext(["run", str(args.article), "--to", "en", "--model", model, "--out", str(out), "--quiet"])
            if code:
                raise SystemExit(code)
            manifest = json.loads((out / "run.json").read_text())
            results.append((translate_seconds(out), manifest["model_calls"], manifest["cache_hits"]))
            print(f"run {n + 1}: translate stage {results[-1][0]:.3f} s, model_calls {results[-1][1]}, cache_hits {results[-1][2]}")
    ratio = results[0][0] / max(results[1][0], 1e-9)
    print(f"second run faster by {ratio:.0f}x (target >= 20x): {'OK' if ratio >= 20 and results[1][1] == 0 else 'NOT MET'}")


if __name__ == "__main__":
    main()

"""Batch throughput and memory: N synthetic articles through `bitext run` with the identity backend.

Issue 6's target: memory stays flat, i.e. peak RSS for 1,000 articles is less
than 1.5x that for 100. Each size runs in a fresh process (its own peak RSS),
with the energy meter on, as a user would run it. Prints articles/s and peak
RSS for each size, and the ratio.

    python bench/batch_memory.py [--sizes 100 1000]
"""
from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from extract_speed import article  # noqa: E402

CHILD = """
import resource, sys
from pipeline.cli import main
code = main(sys.argv[1:])
print("PEAK_RSS_KB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
raise SystemExit(code)
"""


def run(size: int, tmp: Path) -> tuple[float, float]:
    content = tmp / f"content{size}"
    content.mkdir()
    rng = random.Random(size)
    for n in range(size):
        (content / f"a{n:05d}.fr.md").write_text(article(rng), encoding="utf-8")
    out = tmp / f"out{size}"
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, "run", str(content), "--to", "en", "--backend", "identity", "--out", str(out), "--quiet"],
        cwd=ROOT, capture_output=True, text=True,
    )
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    peak_kb = int(proc.stdout.split("PEAK_RSS_KB")[1].split()[0])
    manifest = json.loads((out / "run.json").read_text())
    assert sum(a["status"] == "done" for a in manifest["articles"]) == size
    return size / elapsed, peak_kb / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    args = ap.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            rate, peak = run(size, Path(tmp))
            results[size] = peak
            print(f"{size:6d} articles: {rate:6.1f} articles/s (whole run, identity, energy meter on), peak RSS {peak:.0f} MB")
    if len(results) >= 2:
        small, large = min(results), max(results)
        ratio = results[large] / results[small]
        verdict = "OK" if ratio < 1.5 else "NOT MET"
        print(f"peak RSS {large} / {small} articles: {ratio:.2f}x (target < 1.5x): {verdict}")


if __name__ == "__main__":
    main()

"""Two-version alignment of two synthetic 5,000-paragraph articles: time and peak memory.

Why: ``bitext align`` must cope with very long pages (a documentation site
exported as one file, a book chapter), so the DP keeps only a band around
the diagonal and each row is computed with numpy. Target: under 10 s and
under 500 MB for 5,000 paragraphs a side.

Two articles are generated (``tests/support/align_synthetic.synthetic_pair``):
made-up words, a fixed word mapping as the "translation", names and numbers
kept, headings, lists and code blocks, and drift on side B (3 % of the
paragraphs split, 3 % merged, 3 % deleted). The timings are of
``align_documents`` without QA flags and sentence pairs (the alignment
itself), then with them (what ``bitext align`` does). Link F1 against the
generated gold is printed too, so a faster change that aligns worse shows.

    python bench/align_speed.py [--paragraphs 5000] [--seed 1] [--full]

Run by hand, never in CI. Exit status 1 if the alignment misses a target.
"""
from __future__ import annotations

import argparse
import platform
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parents[1] / "tests")]

import numpy as np  # noqa: E402

from pipeline import __version__  # noqa: E402
from support.align_synthetic import synthetic_pair  # noqa: E402
from pipeline.align.twoversions import align_documents, prf  # noqa: E402
from pipeline.config import load_config  # noqa: E402
from pipeline.markdown.extract import extract_text  # noqa: E402

TARGET_S = 10.0
TARGET_MB = 500.0


def _rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _f1(pairs, a, b, gold) -> float:
    ia = {u.id: i - 1 for i, u in enumerate(a.units)}  # unit 0 is the front matter title
    ib = {u.id: i - 1 for i, u in enumerate(b.units)}
    found = {(ia[x], ib[y]) for p in pairs for x in p.unit_ids for y in p.target_unit_ids if ia[x] >= 0}
    return prf(found, gold)[2]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--paragraphs", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--full", action="store_true", help="also time QA flags and sentence pairs (spaCy loads)")
    args = ap.parse_args()

    t0 = time.perf_counter()
    text_a, text_b, gold = synthetic_pair(args.paragraphs, seed=args.seed, drift=(0.03, 0.03, 0.03))
    cfg = load_config()
    a = extract_text(text_a, "synthetic.fr.md", cfg, "fr")
    b = extract_text(text_b, "synthetic.en.md", cfg, "en")
    t_extract = time.perf_counter() - t0
    base_mb = _rss_mb()

    t1 = time.perf_counter()
    pairs = align_documents(a, b, qa=False, sentences=False)
    t_align = time.perf_counter() - t1
    peak_mb = _rss_mb()

    tracemalloc.start()
    align_documents(a, b, qa=False, sentences=False)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    sig = (
        f"bitext-align-bench|bitext:{__version__}|paragraphs:{args.paragraphs}|seed:{args.seed}|drift:3/3/3%"
        f"|python:{platform.python_version()}|numpy:{np.__version__}|cpu:{platform.machine()}"
    )
    print(sig)
    print(f"blocks            A {len(a.units)}  B {len(b.units)}  (generated + extracted in {t_extract:.2f} s)")
    print(f"align             {t_align:.2f} s   (target < {TARGET_S:.0f} s)")
    print(f"peak memory       {peak_mb:.0f} MB process RSS (before aligning: {base_mb:.0f} MB); "
          f"{traced_peak / 2**20:.0f} MB allocated by the alignment itself   (target < {TARGET_MB:.0f} MB)")
    print(f"link F1           {_f1(pairs, a, b, gold):.4f} against the generated gold")
    ok = t_align < TARGET_S and peak_mb < TARGET_MB
    if args.full:
        t2 = time.perf_counter()
        full = align_documents(a, b)
        t_full = time.perf_counter() - t2
        sentences = sum(len(p.sentences) for p in full)
        print(f"with QA + sentence pairs  {t_full:.2f} s ({sentences} sentence pairs, {sum(1 for p in full if p.flags)} flagged pairs); "
              f"peak {_rss_mb():.0f} MB")
    print("OK" if ok else "OVER TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

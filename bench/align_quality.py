"""Two-version alignment quality against block-level gold: link F1 per article pair, as an outside
evaluator scores it from ``pairs.jsonl``.

Each gold file (``tests/support/align_gold/<set>/*.json``, format in
``pipeline/align/gold.py``) names every block of both versions (prose, code,
shortcodes, HTML, comments, link definitions) and the links a reader found
between them. For each pair of articles this runs ``bitext align A B`` (the
same function the command calls, in this process), reads the
``pairs.jsonl`` it wrote, maps each pair's ``src_lines`` / ``tgt_lines``
onto the gold's blocks and prints precision, recall and F1 over all blocks
and over prose blocks, then each set's mean and worst.

Sets:

- ``shared``: the real EN/FR pairs of ``../shared/corpus/real`` (read from there).
- ``drift``: hand-made drifted copies of those pairs (paragraphs deleted or
  added on one side, moved sections, a lagging translation, a freer
  translator, code and shortcodes changed on one side), stored as edits of
  the shared articles, never as copies.
- ``dev``: more hand-drifted copies of the shared pairs, made for the second round
  (a table row dropped on each side, short similar list items dropped, reordered
  items, an added notice, a section folded into another, a moved section that
  lost list items, a deleted ``<details>`` block whose twin stays, a list
  rewritten as one paragraph, a lagging translation).
- ``heldout``: real EN/FR pairs from other public Hugo sites, and drifted
  copies of some, never used to tune the aligner. Their articles are not in
  the repository (see ``tests/support/align_gold/heldout/SOURCES.md``): give
  their folder with ``--heldout-dir`` (default ``$BITEXT_HELDOUT`` or
  ``/work/heldout-align``); the set is skipped when it is absent. This first
  held-out set was looked at while the aligner's second round was tuned.
- ``heldout2``: a second held-out set, built before that round's tuning and
  measured once at its end (kubernetes.io, the CNCF glossary, regisphilibert.com
  translated by jamstatic.fr, a Fedora translator's blog, and hand-drifted
  copies): ``--heldout2-dir`` (default ``$BITEXT_HELDOUT2`` or ``/work/heldout-align2``).

    python bench/align_quality.py [--set shared --set drift ...] [--name SUBSTRING] [-v] [--calibration]
    python bench/align_quality.py --fit-confidence [--set drift --set dev]   # refit confidence.CONFIDENCE

``--calibration`` adds, per set, how often the pairs of each score band are
right (a pair is right when every link it gives is a gold link): what a
reviewer sorting by ``score`` can expect. ``--fit-confidence`` fits the
weights of ``pipeline/align/confidence.py`` on the chosen sets (both
directions of each pair) and prints them.

Run by hand; the tests check the same gold with thresholds
(``tests/test_align_gold.py``). Prints the load average: figures are
quality, not speed, but the time per article is shown too.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
import time
from contextlib import redirect_stderr
from pathlib import Path
from statistics import mean

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.align.gold import check_text, gold_texts, load_gold, score_pairs, swapped  # noqa: E402

GOLD_DIR = ROOT / "tests" / "support" / "align_gold"
REAL = ROOT.parent / "shared" / "corpus" / "real"
SETS = ("shared", "drift", "dev", "heldout", "heldout2")


def set_base(name: str, gold_name: str, heldout_dir: Path, heldout2_dir: Path | None = None) -> Path:
    """The folder a gold's article paths are relative to."""
    if name == "shared":
        return REAL / gold_name
    if name in ("drift", "dev"):
        return REAL
    if name == "heldout2":
        return heldout2_dir
    return heldout_dir


def run_pair(gold, base: Path, config: dict, verbose: bool):
    """Align one pair through ``bitext align``'s own function; returns the rows of its pairs.jsonl."""
    from pipeline.align.command import align_command

    text_a, text_b = gold_texts(gold, base)
    check_text(gold, text_a, text_b)
    with tempfile.TemporaryDirectory() as tmp:
        a, b = Path(tmp) / "a" / gold.a["file"], Path(tmp) / "b" / gold.b["file"]
        for path, text in ((a, text_a), (b, text_b)):
            path.parent.mkdir(parents=True)
            path.write_text(text, encoding="utf-8")
        out = Path(tmp) / "out"
        sink = io.StringIO()
        with redirect_stderr(sink if not verbose else sys.stderr):
            align_command(a, b, out, "paragraph", config, quiet=not verbose)
        with open(out / "pairs.jsonl", encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.strip()]


def describe_errors(gold, found: set, want: set, limit: int = 12) -> list[str]:
    miss = sorted(want - found, key=str)
    extra = sorted(found - want, key=str)
    out = []
    if miss:
        out.append("    missed: " + ", ".join(f"{x or '-'}={y or '-'}" for x, y in miss[:limit]) + (" ..." if len(miss) > limit else ""))
    if extra:
        out.append("    wrong:  " + ", ".join(f"{x or '-'}={y or '-'}" for x, y in extra[:limit]) + (" ..." if len(extra) > limit else ""))
    return out


BANDS = ((0.0, 0.8), (0.8, 0.9), (0.9, 0.95), (0.95, 0.99), (0.99, 1.01))


def pair_rightness(rows, gold) -> list[tuple[float, bool]]:
    """(score, right) for every pairs.jsonl row that links gold blocks."""
    from pipeline.align.gold import pair_links

    want = gold.link_set()
    out = []
    for row in rows:
        links = pair_links([row], gold)
        if links:
            out.append((float(row.get("score", 0.0)), links <= want))
    return out


def reliability(bands: list[tuple[float, bool]]) -> str:
    lines = []
    for lo, hi in BANDS:
        hits = [ok for score, ok in bands if lo <= score < hi]
        if hits:
            lines.append(f"    score {lo:.2f}-{min(hi, 1.0):.2f}: {len(hits):5d} pairs, {sum(hits) / len(hits):6.1%} right")
    return "\n".join(lines)


def fit_confidence(sets, config, heldout_dir: Path, heldout2_dir: Path) -> int:
    """Fit ``confidence.CONFIDENCE`` on the gold of ``sets`` (both directions of every pair)."""
    from pipeline.align import confidence, twoversions
    from pipeline.align.command import align_config
    from pipeline.align.gold import pair_links
    from pipeline.markdown.extract import extract_text

    cfg = align_config(config)
    rows = []
    for set_name in sets:
        for path in sorted((GOLD_DIR / set_name).glob("*.json")):
            gold = load_gold(path)
            text_a, text_b = gold_texts(gold, set_base(set_name, gold.name, heldout_dir, heldout2_dir))
            sink = io.StringIO()
            with redirect_stderr(sink):
                doc_a = extract_text(text_a, gold.a["file"], cfg, gold.a["lang"])
                doc_b = extract_text(text_b, gold.b["file"], cfg, gold.b["lang"])
            for g, x, y in ((gold, doc_a, doc_b), (swapped(gold), doc_b, doc_a)):
                features: list = []
                real = twoversions.pair_confidence
                twoversions.pair_confidence = lambda al, it: features.append(confidence.confidence_features(al, it)) or len(features) - 1.0
                try:
                    with redirect_stderr(sink):
                        pairs = twoversions.align_documents(x, y, qa=False, sentences=False)
                finally:
                    twoversions.pair_confidence = real
                want = g.link_set()
                for p in pairs:
                    links = pair_links([p.to_dict()], g)
                    if links:
                        rows.append((features[int(round(p.score))], links <= want))
    print(f"{len(rows)} pairs, {sum(ok for _, ok in rows) / len(rows):.1%} right; CONFIDENCE = {confidence.fit(rows)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    from pipeline.config import load_config

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", action="append", choices=SETS, help="sets to score (default: all present)")
    ap.add_argument("--name", help="only gold files whose name contains this")
    ap.add_argument("--heldout-dir", type=Path, default=Path(os.environ.get("BITEXT_HELDOUT", "/work/heldout-align")))
    ap.add_argument("--heldout2-dir", type=Path, default=Path(os.environ.get("BITEXT_HELDOUT2", "/work/heldout-align2")))
    ap.add_argument("--swap", action="store_true", help="align B with A (bitext align B A): the other direction")
    ap.add_argument("--calibration", action="store_true", help="how often pairs of each score band are right")
    ap.add_argument("--fit-confidence", action="store_true", help="fit confidence.CONFIDENCE on the sets and print it")
    ap.add_argument("-v", "--verbose", action="store_true", help="print the links each pair missed or got wrong")
    args = ap.parse_args(argv)
    config = load_config()
    if args.fit_confidence:
        return fit_confidence(args.set or ["drift", "dev"], config, args.heldout_dir, args.heldout2_dir)
    load = os.getloadavg()
    print(f"bench/align_quality.py  load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}  ({os.cpu_count()} CPUs)")
    print("link F1 from pairs.jsonl line spans against block gold; null links (1-0 / 0-1) count; "
          "'prose' keeps the links that touch a prose block")
    summary = []
    status = 0
    for set_name in args.set or SETS:
        files = sorted((GOLD_DIR / set_name).glob("*.json"))
        if args.name:
            files = [f for f in files if args.name in f.stem]
        where = {"heldout": args.heldout_dir, "heldout2": args.heldout2_dir}.get(set_name)
        if where is not None and not where.is_dir():
            print(f"\n[{set_name}] skipped: no held-out articles at {where} (see {GOLD_DIR / set_name / 'SOURCES.md'})")
            continue
        if not files:
            continue
        print(f"\n[{set_name}] {len(files)} pairs")
        print(f"  {'pair':<46} {'blocks':>9} {'F1 all':>7} {'P':>6} {'R':>6} {'F1 prose':>9} {'sec':>5}")
        f_all, f_prose, bands = [], [], []
        for path in files:
            gold = load_gold(path)
            if args.swap:
                gold = swapped(gold)
            base = set_base(set_name, gold.name, args.heldout_dir, args.heldout2_dir)
            started = time.perf_counter()
            try:
                rows = run_pair(gold, base, config, args.verbose)
            except FileNotFoundError as exc:
                print(f"  {gold.name:<46} missing article: {exc}")
                status = 1
                continue
            elapsed = time.perf_counter() - started
            s_all, s_prose, found, want = score_pairs(rows, gold)
            bands.extend(pair_rightness(rows, gold))
            f_all.append((s_all.f1, gold.name))
            f_prose.append((s_prose.f1, gold.name))
            blocks = f"{len(gold.blocks_a)}+{len(gold.blocks_b)}"
            print(f"  {gold.name:<46} {blocks:>9} {s_all.f1:7.3f} {s_all.precision:6.3f} {s_all.recall:6.3f} {s_prose.f1:9.3f} {elapsed:5.1f}")
            if args.verbose and s_all.f1 < 1.0:
                print("\n".join(describe_errors(gold, found, want)))
        if f_all:
            worst = min(f_all)
            line = (f"  {set_name}: mean F1 {mean(x for x, _ in f_all):.3f} (worst {worst[0]:.3f}, {worst[1]}); "
                    f"prose mean {mean(x for x, _ in f_prose):.3f} (worst {min(f_prose)[0]:.3f})")
            print(line)
            summary.append(line)
            if args.calibration:
                print(reliability(bands))
    print("\nsummary (load average now %.2f)" % os.getloadavg()[0])
    for line in summary:
        print(line)
    return status


if __name__ == "__main__":
    raise SystemExit(main())

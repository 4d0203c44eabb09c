"""Sentence alignment of two human versions, scored strict against gold read by hand.

Why: a translation memory seeded from a site's existing translations
(``bitext align A B --into-memory``) is only as good as its sentence links.
This script scores, in one run and on the same input:

- ``gale-church``: the classic length-only aligner (Gale & Church 1993, 1-1,
  1-0, 0-1, 2-1, 1-2, 2-2 beads, their priors, s² = 6.8, the length ratio of
  the two texts), written out below in 30 lines as the yardstick;
- ``bitext``: ``pipeline.align.sentence_align`` without a model;
- ``bitext+model``: the same with ``--model DIR`` (a MarianMT folder; chrF of
  its translation, Bleualign's idea) when given;
- ``bitext-align`` (``--cli-path``): ``align_documents(level="sentence")``, what
  ``bitext align A.md B.md --level sentence`` runs, on the blocks written as
  markdown, its pairs mapped back to block ids by their line spans (as an
  outside measurer would); it must score as ``bitext``. (Before this
  aligner, that path scored 0.633 mean / 0.249 worst on dev.)

Data (gold links in ``bench/sentence_gold/``; the literary texts are kept outside
the repository, in ``$BITEXT_SENTENCE_TEXTS``, default ``../heldout-sent/``; sources
and licences in the gold's README):

- literary EN/FR, pre-segmented (one sentence per block): Maupassant and Poe
  stories with gold links read by hand. Dev (tuning): ``snipe``,
  ``blind_man``, ``oval_portrait``, and harder variants made from them
  (``+edited``: 8 % of the French sentences dropped and 8 % of the English
  ones merged with their successor; ``+moved``: a run of French sentences
  moved elsewhere, so some gold links cross). Held-out (reported, never
  tuned on): ``kiss``, ``corsican_bandit``, ``tell_tale_heart``;
- three of the shared real Hugo article pairs at sentence level
  (``--real``; needs ``../shared/corpus/real``).

Scores are vecalign's strict precision / recall / F1 (Thompson & Koehn 2019,
after Véronis & Langlais): a link counts only if its two id sets are exactly
the gold's; precision counts every link (1-0 and 0-1 too), recall the gold
links with both sides non-empty. Mean and worst over the books of a set.

    python bench/sentence_align.py [--set dev|heldout|all] [--real] [--cli-path] [--model DIR] [--tune]

Run by hand, never in CI. Prints the load average: timings here are noisy.
"""
from __future__ import annotations

import argparse
import math
import os
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.align.sentence_align import SentenceSide, align_sentences  # noqa: E402

GOLD = ROOT / "bench" / "sentence_gold"
# The literary texts are not in the repository (see bench/sentence_gold/README.md): only the gold links are.
TEXTS = Path(os.environ.get("BITEXT_SENTENCE_TEXTS", ROOT.parent / "heldout-sent"))
DEV = ("snipe", "blind_man", "oval_portrait")
HELDOUT = ("kiss", "corsican_bandit", "tell_tale_heart")
REAL = ROOT.parent / "shared" / "corpus" / "real"


@dataclass
class Book:
    name: str
    src: list[str]
    tgt: list[str]
    gold: list[tuple[tuple[int, ...], tuple[int, ...]]]
    src_lang: str = "en"
    tgt_lang: str = "fr"
    paths: tuple[Path, Path] | None = None  # a real article pair: aligned through the documents


# ------------------------------------------------------------------ data
def read_blocks(path: Path) -> list[str]:
    return [" ".join(b.split()) for b in path.read_text(encoding="utf-8").split("\n\n") if b.strip()]


def read_gold(path: Path) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    links = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("  #", 1)[0]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        left, right = line.split("|")
        links.append((tuple(int(x) for x in left.split()), tuple(int(x) for x in right.split())))
    return links


def load_book(name: str) -> Book:
    d = TEXTS / name
    if not (d / f"{name}.en.md").is_file():
        raise SystemExit(f"{d}: the literary texts are missing; set BITEXT_SENTENCE_TEXTS to the folder that holds "
                         f"<name>/<name>.en.md and .fr.md (bench/sentence_gold/README.md says where they come from)")
    book = Book(name, read_blocks(d / f"{name}.en.md"), read_blocks(d / f"{name}.fr.md"), read_gold(GOLD / name / "gold.txt"))
    _check_cover(book)
    return book


def _check_cover(book: Book) -> None:
    """Gold must cover every sentence of both sides exactly once (a typo in gold.txt shows here)."""
    src = sorted(i for s, _ in book.gold for i in s)
    tgt = sorted(j for _, t in book.gold for j in t)
    if src != list(range(len(book.src))) or tgt != list(range(len(book.tgt))):
        raise SystemExit(f"{book.name}: gold does not cover the sentences exactly once")


def edited(book: Book, seed: int = 7, rate: float = 0.08) -> Book:
    """Drop ``rate`` of the target sentences and merge ``rate`` of the source ones with their successor."""
    rng = random.Random(seed)
    drop = {j for j in range(len(book.tgt)) if rng.random() < rate}
    new_tgt = {j: k for k, j in enumerate(j for j in range(len(book.tgt)) if j not in drop)}
    merge = {i for i in range(len(book.src) - 1) if rng.random() < rate}
    groups: list[list[int]] = []
    for i in range(len(book.src)):
        if groups and (i - 1) in merge and (i - 1) == groups[-1][-1] and len(groups[-1]) < 2:
            groups[-1].append(i)
        else:
            groups.append([i])
    new_src = {i: k for k, g in enumerate(groups) for i in g}
    src_texts = [" ".join(book.src[i] for i in g) for g in groups]
    tgt_texts = [book.tgt[j] for j in range(len(book.tgt)) if j not in drop]
    # gold: map ids; links whose source sentences were merged into one block are merged
    merged: dict[tuple[int, ...], set[int]] = {}
    order: list[tuple[int, ...]] = []
    for s, t in book.gold:
        ns = tuple(sorted({new_src[i] for i in s}))
        nt = {new_tgt[j] for j in t if j in new_tgt}
        hit = [k for k in order if set(k) & set(ns)] if ns else []
        if hit:
            key = hit[0]
            union = tuple(sorted(set(key) | set(ns)))
            merged[union] = merged.pop(key) | nt
            order[order.index(key)] = union
        elif ns:
            merged[ns] = nt
            order.append(ns)
        else:
            merged[(-len(order) - 1,)] = nt  # a 0-1 link: keep it (a placeholder key)
            order.append((-len(order) - 1,))
    gold = []
    for k in order:
        s = tuple(x for x in k if x >= 0)
        gold.append((s, tuple(sorted(merged[k]))))
    gold = [(s, t) for s, t in gold if s or t]
    out = Book(book.name + "+edited", src_texts, tgt_texts, gold)
    _check_cover(out)
    return out


def moved(book: Book, seed: int = 3) -> Book:
    """Move a run of 4-6 target sentences (whole gold links) about a quarter of the book away."""
    rng = random.Random(seed)
    links = list(book.gold)
    start = rng.randrange(len(links) // 4, len(links) // 2)
    run = links[start : start + rng.randint(3, 4)]
    rest = links[:start] + links[start + len(run) :]
    dest = min(len(rest), start + len(links) // 4)
    tgt_order = [j for _, t in rest[:dest] for j in t] + [j for _, t in run for j in t] + [j for _, t in rest[dest:] for j in t]
    new_id = {j: k for k, j in enumerate(tgt_order)}
    gold = [(s, tuple(new_id[j] for j in t)) for s, t in links]
    out = Book(book.name + "+moved", list(book.src), [book.tgt[j] for j in tgt_order], gold)
    _check_cover(out)
    return out


def _docs(paths: tuple[Path, Path]):
    from pipeline.config import load_config
    from pipeline.markdown.extract import extract_file

    cfg = load_config()
    return extract_file(paths[0], cfg, "en"), extract_file(paths[1], cfg, "fr")


def _sentence_pairs(paths: tuple[Path, Path], model_translate=None):
    from pipeline.align.twoversions import align_documents

    a, b = _docs(paths)
    return [p for p in align_documents(a, b, model_translate=model_translate, level="sentence", qa=False)
            if p.sentence_ids is not None]


def real_books(names=("learn-home", "mastodon-privacy", "wallabag-pocket-alternative")) -> list[Book]:
    """Three shared real pairs through ``align_documents(level="sentence")``; gold keys checked against
    the sentences it found."""
    books = []
    for name in names:
        paths = (REAL / name / f"{name}.en.md", REAL / name / f"{name}.fr.md")
        src: dict[int, str] = {}
        tgt: dict[int, str] = {}
        for p in _sentence_pairs(paths):  # one text per link: the first sentence's start is enough
            if p.sentence_ids["src"]:
                src[p.sentence_ids["src"][0]] = p.src
            if p.sentence_ids["tgt"]:
                tgt[p.sentence_ids["tgt"][0]] = p.tgt
        gold_path = GOLD / "real" / f"{name}.gold.txt"
        gold = read_gold(gold_path)
        n_src = 1 + max(i for s, _ in gold for i in s)
        n_tgt = 1 + max(j for _, t in gold for j in t)
        book = Book(name, [src.get(i, "") for i in range(n_src)], [tgt.get(j, "") for j in range(n_tgt)], gold, paths=paths)
        _check_cover(book)
        for line in gold_path.read_text(encoding="utf-8").splitlines():
            if "  # " in line and not line.startswith("#"):
                ids, keys = line.split("  # ", 1)
                first = ids.split("|")[0].split()
                if first and int(first[0]) in src and not keys.startswith(repr(src[int(first[0])][:16])):
                    raise SystemExit(f"{name}: the segmentation changed at EN sentence {first[0]}; redo the gold")
        books.append(book)
    return books


# ------------------------------------------------------------------ scoring
def strict_prf(test, gold) -> tuple[float, float, float]:
    """vecalign's strict precision (all test links), recall (gold links with both sides), F1."""
    test_set = {(tuple(s), tuple(t)) for s, t in test if s or t}
    gold_set = {(tuple(s), tuple(t)) for s, t in gold if s or t}
    p = len(test_set & gold_set) / len(test_set) if test_set else 0.0
    gold_full = {x for x in gold_set if x[0] and x[1]}
    test_full = {x for x in test_set if x[0] and x[1]}
    r = len(gold_full & test_full) / len(gold_full) if gold_full else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


# ------------------------------------------------------------------ the yardstick
_GC_BEADS = {(1, 1): 0.89, (1, 0): 0.0099, (0, 1): 0.0099, (2, 1): 0.089, (1, 2): 0.089, (2, 2): 0.011}


def gale_church(src: list[str], tgt: list[str], variance: float = 6.8):
    """Gale & Church (1993): DP over beads, cost -log P(bead) - log P(|delta|), delta on character lengths."""
    ls, lt = [len(s) for s in src], [len(t) for t in tgt]
    c = sum(lt) / max(sum(ls), 1)
    n, m = len(src), len(tgt)
    cost = [[math.inf] * (m + 1) for _ in range(n + 1)]
    back = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            for (di, dj), prior in _GC_BEADS.items():
                if i < di or j < dj or cost[i - di][j - dj] == math.inf:
                    continue
                a, b = sum(ls[i - di : i]), sum(lt[j - dj : j])
                delta = (b - a * c) / math.sqrt(max((a + b / c) / 2, 1) * variance)
                tail = max(math.erfc(abs(delta) / math.sqrt(2)), 1e-300)
                total = cost[i - di][j - dj] - math.log(prior) - math.log(tail)
                if total < cost[i][j]:
                    cost[i][j], back[i][j] = total, (di, dj)
    links, i, j = [], n, m
    while i or j:
        di, dj = back[i][j]
        links.append((tuple(range(i - di, i)), tuple(range(j - dj, j))))
        i, j = i - di, j - dj
    return links[::-1]


def bitext(book: Book, model_translate=None):
    if book.paths is not None:
        return [(tuple(p.sentence_ids["src"]), tuple(p.sentence_ids["tgt"])) for p in _sentence_pairs(book.paths, model_translate)]
    links = align_sentences(SentenceSide(book.src, book.src_lang), SentenceSide(book.tgt, book.tgt_lang),
                            model_translate=model_translate)
    return [(tuple(lk.src), tuple(lk.tgt)) for lk in links]


def paragraph_path(book: Book):
    """``align_documents(level="sentence")`` on the blocks as markdown, pairs mapped back to block ids by line."""
    from pipeline.align.twoversions import align_documents
    from pipeline.config import load_config
    from pipeline.markdown.extract import extract_text

    cfg = load_config()
    docs = []
    for texts, lang in ((book.src, book.src_lang), (book.tgt, book.tgt_lang)):
        doc = extract_text("\n\n".join(texts) + "\n", f"{book.name}.{lang}.md", cfg, lang)
        doc.source_lang = lang
        docs.append(doc)
    pairs = align_documents(docs[0], docs[1], level="sentence", qa=False)
    line_to_id = lambda line: (line - 1) // 2  # noqa: E731  one block a line, a blank line between
    links = []
    for p in pairs:
        s = tuple(range(line_to_id(p.src_lines[0]), line_to_id(p.src_lines[1]) + 1)) if p.src_lines else ()
        t = tuple(range(line_to_id(p.tgt_lines[0]), line_to_id(p.tgt_lines[1]) + 1)) if p.tgt_lines else ()
        links.append((s, t))
    return links


# ------------------------------------------------------------------ report
def books_for(which: str) -> list[Book]:
    dev = [load_book(n) for n in DEV]
    if which == "dev":
        return dev + [edited(b) for b in dev] + [moved(b) for b in dev]
    return [load_book(n) for n in HELDOUT]


def report(books: list[Book], systems: dict, title: str) -> dict[str, list[float]]:
    print(f"\n{title}: strict F1 (P/R) per book")
    names = list(systems)
    print(f"{'book':28s}" + "".join(f"{n:>24s}" for n in names))
    scores: dict[str, list[float]] = {n: [] for n in names}
    for book in books:
        row = f"{book.name:28s}"
        for n, fn in systems.items():
            t0 = time.perf_counter()
            p, r, f = strict_prf(fn(book), book.gold)
            scores[n].append(f)
            row += f"{f:.3f} ({p:.2f}/{r:.2f}) {time.perf_counter() - t0:4.1f}s".rjust(24)
        print(row)
    print(f"{'mean':28s}" + "".join(f"{sum(v) / len(v):24.3f}" for v in scores.values()))
    print(f"{'worst':28s}" + "".join(f"{min(v):24.3f}" for v in scores.values()))
    return scores


# ------------------------------------------------------------------ tuning (dev only)
TUNE_GRID = {
    "variance": (6.8, 10.0, 14.0, 20.0),
    "skip": (1.0, 1.5, 2.0, 2.5, 3.0),
    "alpha": (11.0, 15.0, 20.0, 28.0, 40.0),
    "sim_mid": (-0.05, 0.0, 0.02, 0.05, 0.08),
    "evidence": (0.5, 1.0, 2.0, 4.0),
    "smooth": (0.5, 1.0, 2.0, 3.0),
    "merge_prior": (0.7, 1.0, 1.4, 1.8, 2.3),
    "w.cognate": (0.3, 0.5, 0.8, 1.2),
    "w.lexicon": (0.2, 0.4, 0.6, 0.9),
    "w.punct": (0.3, 0.5, 0.8, 1.2),
    "w.dialogue": (0.5, 1.0, 1.5, 2.0),
    "w.name": (0.8, 1.5, 2.5),
}


def _configured(settings: dict):
    """An ``align`` function with these settings replacing the defaults."""
    from dataclasses import replace

    from pipeline.align.sentence_align import length_ratio, sentence_params
    from pipeline.align.sentence_costs import DEFAULT_WEIGHTS

    weights = replace(DEFAULT_WEIGHTS, **{k[2:]: v for k, v in settings.items() if k.startswith("w.")})

    def run(book: Book):
        params = sentence_params(length_ratio(book.src, book.tgt))
        plain = {k: v for k, v in settings.items() if not k.startswith("w.") and k != "merge_prior"}
        params = replace(params, **plain)
        if "merge_prior" in settings:
            mp = settings["merge_prior"]
            params.priors = {(1, 1): 0.0, (2, 1): mp, (1, 2): mp, (2, 2): 2 * mp, (3, 1): 2 * mp, (1, 3): 2 * mp}
        links = align_sentences(SentenceSide(book.src, book.src_lang), SentenceSide(book.tgt, book.tgt_lang),
                                params=params, weights=weights)
        return links

    return run


def tune(books: list[Book], rounds: int = 2) -> dict:
    """Coordinate descent over ``TUNE_GRID`` on the dev books: mean strict F1 + 0.5 x worst."""
    settings: dict = {}

    def objective(st):
        run = _configured(st)
        fs = [strict_prf([(tuple(x.src), tuple(x.tgt)) for x in run(b)], b.gold)[2] for b in books]
        return sum(fs) / len(fs) + 0.5 * min(fs)

    best = objective(settings)
    print(f"start: {best:.4f}")
    for _ in range(rounds):
        for key, values in TUNE_GRID.items():
            for v in values:
                trial = dict(settings, **{key: v})
                score = objective(trial)
                if score > best + 1e-6:
                    best, settings = score, trial
                    print(f"  {key}={v}: {best:.4f}", flush=True)
    print("tuned settings:", settings, f"objective {best:.4f}")
    return settings


def fit_confidence(books: list[Book]) -> None:
    """Logistic fit of link correctness on ``confidence_features`` over the dev books' links."""
    import numpy as np

    from pipeline.align.sentence_align import CONFIDENCE
    import pipeline.align.sentence_align as sa

    rows, labels = [], []
    for b in books:
        gold = {(tuple(s), tuple(t)) for s, t in b.gold}
        params = sa.sentence_params(sa.length_ratio(b.src, b.tgt))
        a, c = sa._side(SentenceSide(b.src, b.src_lang), sa.DEFAULT_WEIGHTS, 1.0), sa._side(SentenceSide(b.tgt, b.tgt_lang), sa.DEFAULT_WEIGHTS, 1.0)
        sa.weigh_features(a, c)
        aligner = sa.Aligner(a, c, params, beads=sa.SENTENCE_BEADS)
        for bd in aligner.align():
            rows.append(sa.confidence_features(aligner, bd))
            labels.append(((tuple(range(bd.i0, bd.i1)), tuple(range(bd.j0, bd.j1))) in gold))
    X, y = np.array(rows), np.array(labels, dtype=float)
    w = np.zeros(X.shape[1])
    for _ in range(50):  # Newton's method with a little L2
        p = 1 / (1 + np.exp(-X @ w))
        grad = X.T @ (p - y) + 0.01 * w
        hess = (X * (p * (1 - p))[:, None]).T @ X + 0.01 * np.eye(X.shape[1])
        w -= np.linalg.solve(hess, grad)
    p = 1 / (1 + np.exp(-X @ w))
    print(f"confidence fit on {len(y)} dev links ({y.mean():.2%} correct): CONFIDENCE = "
          f"({', '.join(f'{x:.3f}' for x in w)}) (in use: {CONFIDENCE})")
    for lo, hi in ((0, .5), (.5, .7), (.7, .8), (.8, .9), (.9, .95), (.95, 1.01)):
        sel = (p >= lo) & (p < hi)
        if sel.any():
            print(f"  predicted {lo:.2f}-{hi:.2f}: {sel.sum():4d} links, {y[sel].mean():.2%} correct")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", choices=("dev", "heldout", "all"), default="dev")
    ap.add_argument("--cli-path", action="store_true", help="also score align_documents(level='sentence') via line spans")
    ap.add_argument("--model", help="a MarianMT folder EN->FR: adds the chrF pass")
    ap.add_argument("--real", action="store_true", help="also the real Hugo pairs at sentence level")
    ap.add_argument("--tune", action="store_true", help="grid-search the settings and fit the confidence on dev")
    ap.add_argument("--confidence-only", action="store_true", help="with --tune: only refit the confidence")
    args = ap.parse_args()
    if args.tune:
        dev = books_for("dev")
        if not args.confidence_only:
            tune(dev)
        fit_confidence(dev)
        return 0
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}  (cpus: {os.cpu_count()})")
    systems = {"gale-church": lambda b: gale_church(b.src, b.tgt), "bitext": bitext}
    if args.cli_path:
        systems["bitext-align"] = paragraph_path
    if args.model:
        from pipeline.mt.registry import build_translator

        translate = build_translator("marian", args.model, "en", "fr", {}, None).translate
        systems["bitext+model"] = lambda b: bitext(b, translate)
    if args.set in ("dev", "all"):
        report(books_for("dev"), systems, "literary EN/FR, dev (tuned on)")
    if args.set in ("heldout", "all"):
        report(books_for("heldout"), systems, "literary EN/FR, held-out (never tuned on)")
    if args.real:
        real = {k: v for k, v in systems.items() if k not in ("bitext-align", "gale-church")}
        report(real_books(), real, "real Hugo pairs, sentence level, through align_documents (dev)")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

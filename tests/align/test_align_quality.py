"""Two-version alignment quality: gold links on the real EN/FR pairs, and synthetic paragraph drift.

Gold links (``tests/support/gold/<name>.json``) were made by reading both versions
unit by unit. Each unit is named by the first 40 characters of its plain
text (``#k`` for the k-th repeat), so the gold survives extractor changes
that renumber units. Drift tests edit one side's markdown the way a person
writing the other version does (``support.align_synthetic.drift_markdown``:
split a paragraph at a sentence boundary, merge two neighbours, delete
one), re-extract it, and carry the gold over; the target is link F1 >= 0.97
with no model.
"""
from __future__ import annotations

import json
import random
import zlib

import pytest
from support.align_synthetic import drift_markdown, drifted_gold, synthetic_pair
from support.paths import ROOT, SHARED

from pipeline.align.twoversions import align_documents, prf
from pipeline.config import load_config
from pipeline.markdown.encoding import read_article
from pipeline.markdown.extract import extract_text

REAL = SHARED / "real"
GOLD = ROOT / "tests" / "support" / "gold"
NAMES = sorted(p.stem for p in GOLD.glob("*.json"))

pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason="the shared corpus of real EN/FR pairs is not here")


def _keys(units):
    seen: dict[str, int] = {}
    out = []
    for u in units:
        k = " ".join(u.text.split())[:40]
        seen[k] = seen.get(k, 0) + 1
        out.append(k if seen[k] == 1 else f"{k}#{seen[k]}")
    return out


def _load(name):
    cfg = load_config()
    texts, docs = {}, {}
    for side, lang in (("a", "fr"), ("b", "en")):
        path = REAL / name / f"{name}.{lang}.md"
        texts[side], _ = read_article(path)
        docs[side] = extract_text(texts[side], str(path), cfg, lang)
    return texts, docs


def _gold_links(name, doc_a, doc_b):
    """Gold link groups resolved to unit indices: (a, b) links and the unaligned units."""
    gold = json.loads((GOLD / f"{name}.json").read_text(encoding="utf-8"))
    ka = {k: i for i, k in enumerate(_keys(doc_a.units))}
    kb = {k: i for i, k in enumerate(_keys(doc_b.units))}
    links, covered_a, covered_b = set(), set(), set()
    for group_a, group_b in gold["links"]:
        ia = [ka[k] for k in group_a]
        ib = [kb[k] for k in group_b]
        covered_a.update(ia)
        covered_b.update(ib)
        links.update((x, y) for x in ia for y in ib)
    # the gold names every unit of both versions exactly once
    assert covered_a == set(range(len(doc_a.units))) and covered_b == set(range(len(doc_b.units)))
    return links


def _found(pairs, doc_a, doc_b):
    ia = {u.id: i for i, u in enumerate(doc_a.units)}
    ib = {u.id: i for i, u in enumerate(doc_b.units)}
    return {(ia[x], ib[y]) for p in pairs for x in p.unit_ids for y in p.target_unit_ids}


def _align(doc_a, doc_b, **kw):
    return align_documents(doc_a, doc_b, qa=False, sentences=False, **kw)


def test_there_is_gold_for_every_real_pair():
    assert len(NAMES) >= 3
    assert set(NAMES) == {p.name for p in REAL.iterdir() if p.is_dir()}


@pytest.mark.parametrize("name", NAMES)
def test_gold_links(name):
    _, docs = _load(name)
    gold = _gold_links(name, docs["a"], docs["b"])
    p, r, f = prf(_found(_align(docs["a"], docs["b"]), docs["a"], docs["b"]), gold)
    assert f >= 0.97, (name, p, r, f)


def _drift_cases(seeds, probs):
    for name in NAMES:
        texts, docs = _load(name)
        gold = _gold_links(name, docs["a"], docs["b"])
        for side, lang in (("a", "fr"), ("b", "en")):
            for seed in seeds:
                rng = random.Random(zlib.crc32(f"{name}{side}{seed}".encode()))
                drift = drift_markdown(texts[side], docs[side], rng, *probs)
                new = extract_text(drift.text, f"drifted.{lang}.md", load_config(), lang)
                assert len(new.units) == len(drift.origins)
                pair = dict(docs)
                pair[side] = new
                yield name, side, seed, drift, pair["a"], pair["b"], drifted_gold(gold, drift.origins, side)


@pytest.mark.parametrize(
    "probs",
    [(0.15, 0.15, 0.1), (0.3, 0.0, 0.0), (0.0, 0.3, 0.0), (0.0, 0.0, 0.25)],
    ids=["mixed", "splits", "merges", "deletions"],
)
def test_synthetic_drift_on_real_pairs(probs):
    tp = n_found = n_gold = 0
    worst = []
    for name, side, seed, drift, doc_a, doc_b, gold in _drift_cases(range(3), probs):
        found = _found(_align(doc_a, doc_b), doc_a, doc_b)
        tp += len(found & gold)
        n_found += len(found)
        n_gold += len(gold)
        worst.append((prf(found, gold)[2], name, side, seed, drift.ops))
    precision, recall = tp / n_found, tp / n_gold
    f1 = 2 * precision * recall / (precision + recall)
    assert f1 >= 0.97, (precision, recall, f1, sorted(worst)[:3])
    assert min(worst)[0] >= 0.85, sorted(worst)[:3]


def test_direction_and_unnamed_languages_do_not_matter():
    """A=EN, B=FR, and files whose names do not say the language (guessed from the words)."""
    probs = (0.15, 0.15, 0.1)
    scores = []
    for name, side, seed, drift, doc_a, doc_b, gold in _drift_cases([7], probs):
        doc_a.path, doc_b.path = "a.md", "b.md"
        doc_a.source_lang = doc_b.source_lang = None
        pairs = _align(doc_b, doc_a)
        flipped = {(y, x) for x, y in _found(pairs, doc_b, doc_a)}
        scores.append(prf(flipped, gold)[2])
    assert min(scores) >= 0.85 and sum(scores) / len(scores) >= 0.97, scores


def test_long_synthetic_articles_with_drift():
    text_a, text_b, gold = synthetic_pair(800, seed=11, drift=(0.05, 0.05, 0.05))
    cfg = load_config()
    a = extract_text(text_a, "a.fr.md", cfg, "fr")
    b = extract_text(text_b, "b.en.md", cfg, "en")
    pairs = _align(a, b)
    # gold indexes body blocks (the front matter title is unit 0)
    found = {(i - 1, j - 1) for i, j in _found(pairs, a, b) if i and j}
    assert prf(found, gold)[2] >= 0.98

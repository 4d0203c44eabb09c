"""The yardstick of bench/markup_transfer.py: its scores and its code correspondence must be right
before any figure it prints is believed."""
from __future__ import annotations

import importlib.util
import sys

import pytest
from support.paths import ROOT

from pipeline.markdown.inline import scan_inline


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("markup_transfer", ROOT / "bench" / "markup_transfer.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["markup_transfer"] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _span(text: str, words: str) -> tuple[int, int]:
    at = text.index(words)
    return at, at + len(words)


def test_exact_is_over_words_not_punctuation_or_spaces(bench):
    text = "Lisez la documentation. Puis partez."
    ref = _span(text, "la documentation")
    assert bench.score(_span(text, "la documentation."), ref, text).exact
    assert bench.score(_span(text, " la documentation"), ref, text).exact
    miss = bench.score(_span(text, "documentation"), ref, text)
    assert not miss.exact and miss.f1 == pytest.approx(2 * 1 / 3)
    assert bench.score((0, 0), ref, text).f1 == 0.0


def test_points_score_by_word_boundary(bench):
    text = "Avant. Après"
    assert bench.score((6, 6), (7, 7), text).exact  # "Avant.|" and ". |Après" are one boundary
    assert not bench.score((0, 0), (7, 7), text).exact
    assert not bench.score((0, 3), (7, 7), text).exact  # a span where a point was


def test_correspondence_by_link_target_then_order(bench):
    src, src_codes = scan_inline("[un](https://a.org/fr/x) et [deux](https://b.org) puis **gras** et **fort**")
    tgt, tgt_codes = scan_inline("[two](https://b.org) and [one](https://a.org/en/x) then **bold** and **strong**")
    match = bench.correspondence(src, src_codes, tgt, tgt_codes)
    pairs = {src[src_codes[i].start:src_codes[i].end]: tgt[tgt_codes[j].start:tgt_codes[j].end] for i, j in match.items()}
    assert pairs == {"un": "one", "deux": "two", "gras": "bold", "fort": "strong"}


def test_codes_without_a_clear_counterpart_are_not_scored(bench):
    src, src_codes = scan_inline("**a** et **b** et *c*")
    tgt, tgt_codes = scan_inline("**a** and b and _c_")
    match = bench.correspondence(src, src_codes, tgt, tgt_codes)
    assert [src_codes[i].kind for i in match] == ["italic"]  # two bold for one: which is which is unknown


def test_relative_baseline_lands_on_word_boundaries(bench):
    src, codes = scan_inline("Un **mot** ici")
    pair = bench.UnitPair("x", "fr-en", src, codes, "One word here", [], 1)
    (placed,), flagged = bench.relative_placer(pair)
    assert pair.tgt_text[placed[0]:placed[1]] == "word" and not flagged

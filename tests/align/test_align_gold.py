"""Block-level alignment gold (``tests/support/align_gold``) and its scorer (``pipeline.align.gold``).

The gold must fit its articles (a key that no longer matches its line fails
here, not as a silently wrong score), and the scorer must read
``pairs.jsonl`` spans the way an outside evaluator would: null links count,
an uncovered block costs recall, a table row whose cells pair apart is still
one link.
"""
from __future__ import annotations

import pytest
from support.paths import ROOT, SHARED

from pipeline.align.command import align_config
from pipeline.align.gold import (
    Gold, GoldBlock, GoldError, apply_edits, check_text, gold_from_dict, gold_texts, load_gold, pair_links,
    score_pairs, segment,
)
from pipeline.align.twoversions import align_documents
from pipeline.config import load_config
from pipeline.markdown.extract import extract_text

GOLD = ROOT / "tests" / "support" / "align_gold"
REAL = SHARED / "real"


def _gold_files(set_name):
    return sorted((GOLD / set_name).glob("*.json"))


@pytest.mark.skipif(not REAL.is_dir(), reason="the shared corpus of real EN/FR pairs is not here")
@pytest.mark.parametrize("path", _gold_files("shared") + _gold_files("drift") + _gold_files("dev"), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_gold_fits_its_articles(path):
    gold = load_gold(path)  # every block in exactly one link group
    base = REAL / gold.name if path.parent.name == "shared" else REAL
    text_a, text_b = gold_texts(gold, base)
    check_text(gold, text_a, text_b)
    assert gold.blocks_a and gold.blocks_b


def _scores(set_name):
    """Link F1 (all blocks, prose) of every gold pair of a set, scored from the pairs' line spans as
    ``bench/align_quality.py`` does (which runs ``bitext align`` itself)."""
    config = align_config(load_config())
    out = {}
    for path in _gold_files(set_name):
        gold = load_gold(path)
        text_a, text_b = gold_texts(gold, REAL / gold.name if set_name == "shared" else REAL)
        a = extract_text(text_a, gold.a["file"], config, gold.a["lang"])
        b = extract_text(text_b, gold.b["file"], config, gold.b["lang"])
        pairs = align_documents(a, b, qa=False, sentences=False)
        s_all, s_prose, _, _ = score_pairs([p.to_dict() for p in pairs], gold)
        out[gold.name] = (round(s_all.f1, 3), round(s_prose.f1, 3))
    return out


@pytest.mark.skipif(not REAL.is_dir(), reason="the shared corpus of real EN/FR pairs is not here")
@pytest.mark.parametrize("set_name, mean_min, worst_min", [("shared", 0.99, 0.97), ("drift", 0.98, 0.93), ("dev", 0.97, 0.94)])
def test_alignment_quality_on_the_block_gold(set_name, mean_min, worst_min):
    """Every block of both versions, drift included (figures: bench/align_quality.py, README)."""
    scores = _scores(set_name)
    for k in (0, 1):  # all blocks, then prose blocks
        values = [v[k] for v in scores.values()]
        assert sum(values) / len(values) >= mean_min and min(values) >= worst_min, scores


def test_every_real_pair_has_block_gold():
    if not REAL.is_dir():
        pytest.skip("the shared corpus of real EN/FR pairs is not here")
    assert {p.stem for p in _gold_files("shared")} == {p.name for p in REAL.iterdir() if p.is_dir()}


def test_heldout_gold_parses_and_names_its_sources():
    files = _gold_files("heldout")
    assert len(files) >= 10
    for path in files:
        load_gold(path)
    sources = (GOLD / "heldout" / "SOURCES.md").read_text(encoding="utf-8")
    for path in files:
        if not path.stem.startswith("drift-"):
            assert f"## {path.stem}" in sources


def test_second_heldout_gold_parses_and_names_its_sources():
    """The second held-out set (built before round 2's tuning): every gold parses, every real pair is sourced."""
    files = _gold_files("heldout2")
    assert len(files) >= 12
    sources = (GOLD / "heldout2" / "SOURCES.md").read_text(encoding="utf-8")
    for path in files:
        load_gold(path)
        if not path.stem.startswith("drift2-"):
            assert f"## {path.stem}" in sources


def _tiny_gold(links):
    blocks_a = [GoldBlock("a1", "paragraph", 1, 1, True, "x"), GoldBlock("a2", "code", 3, 5, False, "```"),
                GoldBlock("a3", "table_row", 7, 7, True, "|")]
    blocks_b = [GoldBlock("b1", "paragraph", 1, 2, True, "y"), GoldBlock("b2", "code", 4, 6, False, "```"),
                GoldBlock("b3", "table_row", 8, 8, True, "|")]
    return Gold("t", {"file": "a.fr.md"}, {"file": "b.en.md"}, blocks_a, blocks_b, links)


def test_scorer_counts_null_links_and_uncovered_blocks():
    gold = _tiny_gold([(["a1"], ["b1"]), (["a2"], []), ([], ["b2"]), (["a3"], ["b3"])])
    perfect = [
        {"src_lines": [1, 1], "tgt_lines": [1, 2]},
        {"src_lines": [3, 5], "tgt_lines": None},
        {"src_lines": None, "tgt_lines": [4, 6]},
        {"src_lines": [7, 7], "tgt_lines": [8, 8]},
    ]
    assert score_pairs(perfect, gold)[0].f1 == 1.0
    # the code blocks paired with each other: two wrong links, two missed null links
    glued = [perfect[0], {"src_lines": [3, 5], "tgt_lines": [4, 6]}, perfect[3]]
    s = score_pairs(glued, gold)[0]
    assert (s.correct, s.found, s.gold) == (2, 3, 4)
    # no pair for the code blocks at all: recall only
    s = score_pairs([perfect[0], perfect[3]], gold)[0]
    assert (s.precision, s.correct, s.gold) == (1.0, 2, 4)
    # prose score ignores the code blocks' links
    assert score_pairs(glued, gold)[1].f1 == 1.0


def test_a_row_whose_cells_pair_apart_is_one_link():
    gold = _tiny_gold([(["a1"], ["b1"]), (["a2"], ["b2"]), (["a3"], ["b3"])])
    cells = [{"src_lines": [7, 7], "tgt_lines": [8, 8]}, {"src_lines": [7, 7], "tgt_lines": None}]
    assert pair_links(cells, gold) == {("a3", "b3")}


def test_gold_that_misses_a_block_or_names_one_twice_is_refused():
    data = {"a": {"file": "a"}, "b": {"file": "b"},
            "blocks": {"a": [["a1", "paragraph", 1, 1, True, "x"], ["a2", "paragraph", 3, 3, True, "y"]],
                       "b": [["b1", "paragraph", 1, 1, True, "z"]]},
            "links": ["a1 = b1"]}
    with pytest.raises(GoldError, match="a2"):
        gold_from_dict(data)
    data["links"] = ["a1 = b1", "a1 a2 ="]
    with pytest.raises(GoldError, match="a1"):
        gold_from_dict(data)


def test_a_key_that_no_longer_fits_fails_loudly():
    gold = _tiny_gold([(["a1"], ["b1"]), (["a2"], ["b2"]), (["a3"], ["b3"])])
    with pytest.raises(GoldError, match="expected"):
        check_text(gold, "x\n\n```\ncode\n```\n\n|\n", "changed\n")


def test_edits_delete_insert_move_join_split_and_check_what_they_edit():
    text = "one\n\ntwo three\n\nfour\n\nfive\n"
    ops = [
        {"op": "delete", "lines": [1, 2], "expect": "one"},
        {"op": "split", "lines": [3, 3], "at": "three"},
        {"op": "move", "lines": [7, 7], "after": 4},
        {"op": "insert", "after": 5, "text": "\nnew"},
    ]
    origins: list = []
    assert apply_edits(text, ops, origins) == "two\n\nthree\n\nfive\nfour\n\nnew\n\n"
    assert origins[:5] == [3, None, 3, 4, 7]
    assert apply_edits("a\nb\n\nc\n", [{"op": "join", "lines": [1, 4]}]) == "a b c\n"
    with pytest.raises(GoldError):
        apply_edits(text, [{"op": "delete", "lines": [3, 3], "expect": "one"}])


def test_segment_reads_markdown_blocks_of_every_kind():
    text = (
        "---\ntitle: T\ndate: 2020-01-01\n---\n\n# Head\n\nPara one\ncontinued.\n\n- item one\n- item two\n\n"
        "```sh\nls\n```\n\n{{< figure src=\"x.png\" caption=\"A cat\" >}}\n\n{{% notice %}}\nInside.\n{{% /notice %}}\n\n"
        "<!-- a comment -->\n\n<div>\n<b>Hi</b>\n</div>\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[ref]: https://x.y\n"
    )
    got = [(b.kind, b.first, b.last, b.prose) for b in segment(text)]
    assert got == [
        ("front_matter", 2, 2, True), ("heading", 6, 6, True), ("paragraph", 8, 9, True),
        ("list_item", 11, 11, True), ("list_item", 12, 12, True), ("code", 14, 16, False),
        ("shortcode", 18, 18, True), ("shortcode", 20, 20, False), ("paragraph", 21, 21, True),
        ("shortcode", 22, 22, False), ("comment", 24, 24, False), ("html", 26, 28, True),
        ("table_row", 30, 30, True), ("table_row", 32, 32, True), ("linkdef", 34, 34, False),
    ]

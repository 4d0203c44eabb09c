"""The align stage of a translation run: every unit in exactly one pair, lines in both files, flags."""
from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from lxml import etree
from support.paths import SAMPLE

from pipeline.cli import main
from pipeline.config import load_config
from pipeline.document import Document
from pipeline.formats.tmx import read_tmx
from pipeline.markdown.extract import extract_text
from pipeline.markdown.render import fill_skeleton, render_unit
from pipeline.pairs import read_pairs_jsonl
from pipeline.align.pairs import translation_pairs
from pipeline.markdown.render import render_article
from pipeline.stages.align import AlignStage

ARTICLE = """---
title: "Un **petit** article"
tags: [énergie, Hugo]
---

# Premier titre

Un paragraphe avec un [lien](https://example.org/a) et 42 kWh.
Il est coupé sur deux lignes.

- un élément de liste
- un autre élément, avec `du code`

{{< figure src="x.png" caption="Une légende pour GitHub." >}}

| Nom | Valeur |
| --- | ------ |
| Mastodon | 3 |
"""


def _run(tmp_path: Path, backend: str, src: Path | None = None) -> tuple[Path, dict]:
    if src is None:
        src = tmp_path / "post.fr.md"
        src.write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / f"out-{backend}"
    assert main(["run", str(src), "--to", "en", "--backend", backend, "--out", str(out)]) == 0
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    [entry] = manifest["articles"]
    return out, entry


@pytest.mark.parametrize("backend", ["identity", "pseudo"])
def test_run_writes_pairs_for_every_unit_with_lines_in_both_files(tmp_path, backend):
    out, entry = _run(tmp_path, backend)
    assert {"pairs", "tmx"} <= set(entry["outputs"])
    pairs = read_pairs_jsonl(out / entry["outputs"]["pairs"])
    doc = Document.from_dict(json.loads((out / entry["outputs"]["translated"]).read_text(encoding="utf-8")))
    # every text unit is in exactly one pair
    assert sorted(u for p in pairs for u in p.unit_ids) == sorted(u.id for u in doc.units)
    assert all(p.type == "1-1" for p in pairs)
    written = (out / entry["outputs"]["article"]).read_text(encoding="utf-8").split("\n")
    source = (tmp_path / "post.fr.md").read_text(encoding="utf-8").split("\n")
    for p in pairs:
        unit = doc.unit(p.unit_ids[0])
        a, b = p.tgt_lines
        assert render_unit(unit) in "\n".join(written[a - 1 : b]), p
        a, b = p.src_lines
        assert unit.text.split()[0] in "\n".join(source[a - 1 : b]).replace("**", ""), p
        assert p.sentences and all(s["src"] for s in p.sentences)
    if backend == "identity":
        assert all(p.tgt_lines == p.src_lines for p in pairs)
        # the identity "translation" is flagged where it is prose
        assert any(f["code"] == "untranslated" for p in pairs for f in p.flags)
    heading = [p for p in pairs if p.kind == "paragraph"][0]
    assert heading.heading_path == ["Premier titre"]
    assert heading.src.startswith("Un paragraphe avec un [lien](https://example.org/a)")
    tmx = read_tmx(out / entry["outputs"]["tmx"])
    assert [(t.id, t.src, t.tgt) for t in tmx] == [(p.id, p.src, p.tgt) for p in pairs]


def test_real_article_pairs_and_tmx(tmp_path):
    if not SAMPLE.exists():
        pytest.skip("shared sample article not here")
    out, entry = _run(tmp_path, "pseudo", SAMPLE)
    pairs = read_pairs_jsonl(out / entry["outputs"]["pairs"])
    document = json.loads((out / entry["outputs"]["document"]).read_text(encoding="utf-8"))
    assert len(pairs) == len(document["units"])
    etree.parse(str(out / entry["outputs"]["tmx"]))  # well-formed


def _doc(text: str = ARTICLE) -> Document:
    return extract_text(text, "post.fr.md", load_config(), "fr")


def test_target_lines_follow_the_filled_skeleton_and_the_hugo_keys():
    from pipeline.markdown.hugo_keys import add_keys

    doc = _doc()
    for u in doc.units:  # a "translation" that changes line counts: every unit twice as long
        u.target, u.target_codes = u.text + " " + u.text, list(u.codes)
    lines = render_article(doc)[1]
    text = fill_skeleton(doc).split("\n")
    for u in doc.units:
        a, b = lines[u.id]
        assert render_unit(u) in "\n".join(text[a - 1 : b])
    doc.hugo_keys = {"translationKey": "post", "draft": True}
    shifted = render_article(doc)[1]
    keyed = add_keys(fill_skeleton(doc), doc.hugo_keys).split("\n")
    moved = 0
    for u in doc.units:
        a, b = shifted[u.id]
        # the keys go after the root keys of the front matter: units below move down by two lines
        if u.kind == "front_matter":
            assert shifted[u.id] == lines[u.id]
        else:
            assert shifted[u.id] == [lines[u.id][0] + 2, lines[u.id][1] + 2]
            moved += 1
        assert render_unit(u) in "\n".join(keyed[a - 1 : b])
    assert moved


def test_flags_from_the_translate_stage_pass_through_and_lower_the_score():
    doc = _doc()
    for u in doc.units:
        u.target, u.target_codes = "Translated text number 42.", []
    doc.units[3].flags = [{"code": "markup_uncertain", "reason": "could not place the link"}]
    doc.units[4].target = None  # left without a translation
    pairs = translation_pairs(doc, "post.fr.md", "fr", "en", sentences=False)
    assert {"code": "markup_uncertain", "reason": "could not place the link"} in pairs[3].flags
    assert pairs[3].score < 1.0
    assert pairs[4].type == "1-0" and pairs[4].tgt_lines is None
    assert [f["code"] for f in pairs[4].flags] == ["unaligned"]


def test_stage_records_outputs_and_work(tmp_path):
    doc = _doc()
    for u in doc.units:
        u.target, u.target_codes = u.text, list(u.codes)
    outputs = {}
    ctx = SimpleNamespace(
        source=tmp_path / "post.fr.md", source_lang="fr", target_lang="en", work_dir=tmp_path / "w", work={},
        record_output=lambda key, path: outputs.__setitem__(key, path), translator=SimpleNamespace(changes_language=True),
    )
    assert AlignStage().run(doc, ctx) is doc
    assert AlignStage.name == "align"
    assert outputs == {"pairs": tmp_path / "w" / "pairs.jsonl", "tmx": tmp_path / "w" / "pairs.tmx"}
    assert ctx.work["units"] == ctx.work["pairs"] == len(doc.units)
    assert len(read_pairs_jsonl(outputs["pairs"])) == len(doc.units)

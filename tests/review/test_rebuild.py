"""``bitext reinsert RUN_DIR``: the articles rebuilt with the editors' work, markup kept, TMX and JSONL annotated."""
from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from support.review_run import ARTICLE, EDIT, make_run
from support.structure import assert_structure_kept

from pipeline.errors import BitextError
from pipeline.pairs import read_pairs_jsonl
from pipeline.formats.run_folder import RunFolder, load_article
from pipeline.formats.tmx import read_tmx
from pipeline.review.rebuild import reinsert_command
from pipeline.review.store import DB_NAME, ReviewStore

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _article(run: Path) -> Path:
    return run / json.loads((run / "run.json").read_text())["articles"][0]["outputs"]["article"]


def _pair(run: Path, text: str):
    folder = RunFolder(run)
    data = load_article(folder, folder.article(0))
    [pair] = [p for p in data.pairs if text in p.src]
    return data.article.source, pair


def _tus(path: Path) -> dict[str, ET.Element]:
    root = ET.parse(path).getroot()
    assert root.tag == "tmx" and root.find("header").get("srclang") == "fr"
    return {tu.get("tuid"): tu for tu in root.iter("tu")}


def test_without_review_the_rebuild_gives_the_run_article_back(tmp_path):
    run = make_run(tmp_path)
    machine = _article(run).read_bytes()
    assert reinsert_command(run) == 0
    assert _article(run).read_bytes() == machine
    outputs = json.loads((run / "run.json").read_text())["articles"][0]["outputs"]
    pairs = read_pairs_jsonl(run / outputs["pairs"])
    assert {p.status for p in pairs} == {"pending"}
    assert len(_tus(run / outputs["tmx"])) == len(pairs)


def test_edits_notes_and_statuses_reach_the_article_jsonl_and_tmx(tmp_path):
    run = make_run(tmp_path)
    machine = _article(run).read_text(encoding="utf-8")
    store = ReviewStore(run / DB_NAME)
    article, pair = _pair(run, "l'objectif reste")
    store.update(article, pair, {"tgt": EDIT, "status": "approved", "note": "Titre exact de l'adjoint ?"})
    article, other = _pair(run, "Printemps 2020")
    store.update(article, other, {"status": "rejected", "note": "Trop littéral."})

    assert reinsert_command(run) == 0
    text = _article(run).read_text(encoding="utf-8")
    assert EDIT in text and text != machine
    assert_structure_kept(ARTICLE, text)  # every shortcode, URL, tag and front matter key still there
    outputs = json.loads((run / "run.json").read_text())["articles"][0]["outputs"]
    by_id = {p.id: p for p in read_pairs_jsonl(run / outputs["pairs"])}
    assert (by_id[pair.id].tgt, by_id[pair.id].status, by_id[pair.id].note) == (EDIT, "approved", "Titre exact de l'adjoint ?")
    assert (by_id[other.id].status, by_id[other.id].note) == ("rejected", "Trop littéral.")
    assert text.splitlines()[by_id[pair.id].tgt_lines[0] - 1] == EDIT  # tgt_lines point at the rebuilt file
    tu = _tus(run / outputs["tmx"])[pair.id]
    assert tu.find("note").text == "Titre exact de l'adjoint ?"
    assert {p.get("type"): p.text for p in tu.findall("prop")}["x-status"] == "approved"
    segs = {tuv.get(XML_LANG): "".join(tuv.find("seg").itertext()) for tuv in tu.findall("tuv")}  # inline <bpt>/<ept> hold the markup
    assert segs == {"fr": pair.src, "en": EDIT}

    # Rebuilding again changes nothing; taking the edit back gives the machine article again.
    assert reinsert_command(run) == 0
    assert _article(run).read_text(encoding="utf-8") == text
    store.update(article, pair, {"tgt": None})
    assert reinsert_command(run) == 0
    assert _article(run).read_text(encoding="utf-8") == machine


def test_a_stored_edit_that_lost_markup_is_flagged_not_applied(tmp_path, capsys):
    run = make_run(tmp_path)
    machine = _article(run).read_bytes()
    article, pair = _pair(run, "l'objectif reste")
    # Straight into the database (the page would have refused it): the rebuild must still not lose markup.
    ReviewStore(run / DB_NAME).update(article, pair, {"tgt": "For the city, the goal is every street by 2026."})
    assert reinsert_command(run) == 1
    assert "NOT applied" in capsys.readouterr().err
    assert _article(run).read_bytes() == machine
    outputs = json.loads((run / "run.json").read_text())["articles"][0]["outputs"]
    [flagged] = [p for p in read_pairs_jsonl(run / outputs["pairs"]) if p.id == pair.id]
    [flag] = [f for f in flagged.flags if f["code"] == "edit_not_applied"]
    assert "{{<hl>}}…{{</hl>}}" in flag["reason"]


def test_an_edit_made_on_another_source_text_is_not_applied(tmp_path):
    run = make_run(tmp_path)
    machine = _article(run).read_bytes()
    article, pair = _pair(run, "l'objectif reste")
    older = copy.copy(pair)  # as if the article was re-run with a changed paragraph since the edit
    older.src = "an older source text"
    ReviewStore(run / DB_NAME).update(article, older, {"tgt": EDIT})
    assert reinsert_command(run) == 0
    assert _article(run).read_bytes() == machine


def test_bad_run_folder(tmp_path):
    with pytest.raises(BitextError, match="run.json"):
        reinsert_command(tmp_path)
    with pytest.raises(BitextError, match="not a folder"):
        reinsert_command(tmp_path / "missing")
    (tmp_path / "run.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(BitextError, match="not readable JSON"):
        reinsert_command(tmp_path)


def test_tmx_keeps_notes_and_markup_and_survives_odd_characters(tmp_path):
    """The rebuilt TMX comes from the one TMX writer (``formats.tmx``): an editor's note with
    markup-like text and a control character survives as text, and every pair keeps its source."""
    run = make_run(tmp_path)
    article, pair = _pair(run, "l'objectif reste")
    ReviewStore(run / DB_NAME).update(article, pair, {"note": "a <b>note</b> & a control char \x07"})
    assert reinsert_command(run) == 0
    folder = RunFolder(run)
    back = read_tmx(folder.tmx_path(folder.article(0)))
    [noted] = [p for p in back if p.id == pair.id]
    assert noted.note == "a <b>note</b> & a control char \ufffd"  # XML cannot hold U+0007
    assert [p.src for p in back] == [p.src for p in load_article(folder, folder.article(0)).pairs]


def test_in_place_runs_rebuild_the_article_in_the_content_tree(tmp_path):
    """With --in-place the translation lives beside its source: run.json names it by absolute path."""
    run = make_run(tmp_path)
    content = tmp_path / "content"
    content.mkdir()
    target = content / "velo.en.md"
    target.write_bytes(_article(run).read_bytes())
    manifest = json.loads((run / "run.json").read_text())
    manifest["articles"][0]["outputs"]["article"] = str(target)
    manifest["in_place"] = False
    (run / "run.json").write_text(json.dumps(manifest), encoding="utf-8")
    article, pair = _pair(run, "l'objectif reste")
    ReviewStore(run / DB_NAME).update(article, pair, {"tgt": EDIT})
    assert reinsert_command(run) == 1  # not an in-place run: a path outside the folder is refused
    assert EDIT not in target.read_text(encoding="utf-8")
    manifest["in_place"] = True
    (run / "run.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert reinsert_command(run) == 0
    assert EDIT in target.read_text(encoding="utf-8")


@pytest.mark.parametrize("front_matter", [True, False])
def test_hugo_keys_added_by_the_run_are_kept(tmp_path, front_matter):
    """A model run adds translationKey/draft to the translated front matter after the skeleton is filled."""
    text = ARTICLE if front_matter else ARTICLE.split("---\n", 2)[2].lstrip("\n")
    run = make_run(tmp_path, text)
    machine = _article(run).read_text(encoding="utf-8")
    keys = 'translationKey: "velo"\ndraft: true\ntranslatedBy: "Helsinki-NLP/opus-mt-fr-en"\n'
    with_keys = machine.replace("---\n", "---\n" + keys, 1) if front_matter else "---\n" + keys + "---\n\n" + machine
    _article(run).write_text(with_keys, encoding="utf-8")
    manifest = json.loads((run / "run.json").read_text())
    manifest["config"]["hugo"]["translated_by_key"] = "translatedBy"
    (run / "run.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert reinsert_command(run) == 0
    assert _article(run).read_text(encoding="utf-8") == with_keys
    article, pair = _pair(run, "l'objectif reste")
    ReviewStore(run / DB_NAME).update(article, pair, {"tgt": EDIT})
    assert reinsert_command(run) == 0
    rebuilt = _article(run).read_text(encoding="utf-8")
    assert rebuilt.startswith("---\n" + keys) and EDIT in rebuilt and rebuilt.count("translationKey") == 1

"""Editors' work is never lost (issue 11), end to end through the command line and the review HTTP API.

A newsroom's day: an editor edits and approves a paragraph in ``bitext review``, the author adds a
paragraph at the top, and the same ``bitext run`` runs again; another article repeats two approved
paragraphs; a TMX from another tool seeds the memory; a JSONL run's edit goes back into its record.
The runs use the tiny Marian model the tests build, so "no model call" is counted, not assumed.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from pipeline.cli import main
from pipeline.pairs import read_pairs_jsonl
from pipeline.review.app import create_app

FRONT = "---\ntitle: Les nouvelles du quartier\n---\n\n"
FIRST = "Premier paragraphe : la mairie a ouvert **trois pistes** cyclables en 2023."
SECOND = "Le second paragraphe parle du [marché couvert](https://example.org/marche) et de ses horaires."
THIRD = "Un troisième paragraphe, que personne ne relit, sur la météo du week-end."
ARTICLE = FRONT + "\n\n".join([FIRST, SECOND, THIRD]) + "\n"
EDIT = "First paragraph: the town hall opened **three cycle lanes** in 2023."
SECOND_EDIT = None  # approved as the machine wrote it


@pytest.fixture
def config(tmp_path) -> Path:
    path = tmp_path / "run.yaml"
    path.write_text("translate:\n  num_beams: 1\n  threads: 1\nenergy:\n  enabled: false\n", encoding="utf-8")
    return path


def run(source: Path, out: Path, model: Path, config: Path, capsys=None, *extra: str) -> dict:
    """``bitext run SOURCE --to en`` with the tiny model; run.json (and, with capsys, the stderr lines)."""
    code = main(["run", str(source), "--to", "en", "--model", str(model), "--config", str(config), "--out", str(out),
                 "--quiet", *extra])
    assert code == 0
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    if capsys is not None:
        manifest["_stderr"] = capsys.readouterr().err
    return manifest


def first_run(tmp_path: Path, model: Path, config: Path) -> tuple[Path, Path, "Review"]:
    """The article run once into ``tmp_path/out``, and the review API of that run."""
    source, out = tmp_path / "news.fr.md", tmp_path / "out"
    source.write_text(ARTICLE, encoding="utf-8")
    run(source, out, model, config)
    return source, out, Review(out)


class Review:
    """The review HTTP API of one run folder, as the page uses it."""

    def __init__(self, out: Path):
        self.client = TestClient(create_app(out), base_url="http://127.0.0.1")
        page = self.client.get("/articles/0")
        self.client.headers["X-CSRF-Token"] = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)

    def article(self, n: int = 0) -> dict:
        r = self.client.get(f"/api/articles/{n}")
        assert r.status_code == 200, r.text
        return r.json()

    def pair(self, text: str, n: int = 0) -> dict:
        [pair] = [p for p in self.article(n)["pairs"] if text in p["src"]]
        return pair

    def save(self, pair: dict, n: int = 0, **changes) -> dict:
        r = self.client.post(f"/api/articles/{n}/pairs", json={"pair": pair["id"], **changes})
        assert r.status_code == 200, r.text
        return r.json()


def test_edit_survives_a_paragraph_inserted_at_the_top(tmp_path, tiny_marian_dir, config, capsys):
    source, out, review = first_run(tmp_path, tiny_marian_dir, config)
    first = review.pair("Premier paragraphe")
    assert re.fullmatch(re.escape(str(source)) + r"#p-[0-9a-f]{10}", first["id"])  # content-addressed
    saved = review.save(first, tgt=EDIT)
    saved = review.save(first, status="approved", note="checked by the desk", version=saved["pair"]["version"])
    assert saved["pair"]["status"] == "approved" and saved["memory"] == "added"

    # the author adds a paragraph at the top; the same command runs again
    source.write_text(FRONT + "Un paragraphe ajouté en tête par l'auteur.\n\n" + ARTICLE[len(FRONT):], encoding="utf-8")
    manifest = run(source, out, tiny_marian_dir, config, capsys)
    summary = [line for line in manifest["_stderr"].splitlines() if "editors' work" in line]
    assert summary == ["bitext: editors' work (review.sqlite): 1 review(s) kept, 1 edit(s) in the rebuilt "
                       "article(s); 0 stale (source changed: see bitext review); 0 lost (paragraph gone, kept in review.sqlite)"]
    assert EDIT in (out / "news.en.md").read_text(encoding="utf-8")
    assert manifest["memory_hits"]["human"] == 1  # the approved paragraph came from the memory, not the model

    pairs = Review(out).article()["pairs"]
    approved = [p for p in pairs if p["status"] == "approved"]
    assert [(p["id"], p["src"], p["tgt"], p["note"]) for p in approved] == [(first["id"], FIRST, EDIT, "checked by the desk")]
    assert all(p["status"] == "pending" for p in pairs if p["id"] != first["id"])  # nobody reviewed them
    assert [p["status_label"] for p in approved] == ["approved"]
    stored = {p.id: p for p in read_pairs_jsonl(out / "news.fr.md.bitext" / "pairs.jsonl")}
    assert stored[first["id"]].status == "approved" and stored[first["id"]].note == "checked by the desk"
    assert [p.id for p in stored.values() if p.status == "approved"] == [first["id"]]


def test_changed_source_is_stale_with_old_and_new_side_by_side_and_the_old_edit_offered(tmp_path, tiny_marian_dir,
                                                                                       config, capsys):
    source, out, review = first_run(tmp_path, tiny_marian_dir, config)
    first = review.pair("Premier paragraphe")
    review.save(first, tgt=EDIT, status="approved")
    changed = FIRST.replace("en 2023", "en 2024")
    source.write_text(ARTICLE.replace(FIRST, changed), encoding="utf-8")
    manifest = run(source, out, tiny_marian_dir, config, capsys)
    assert "0 review(s) kept, 0 edit(s) in the rebuilt article(s); 1 stale" in manifest["_stderr"]
    assert EDIT not in (out / "news.en.md").read_text(encoding="utf-8")  # an edit for another source is not applied
    pair = Review(out).pair("Premier paragraphe")
    assert pair["status"] == "stale" and pair["stale"] and pair["id"] != first["id"]
    old = pair["stale_from"]
    assert (old["src"], old["tgt"], old["status"]) == (FIRST, EDIT, "approved")
    assert ["-", "2023."] in old["diff"] and ["+", "2024."] in old["diff"]
    assert any(f["code"] == "review_stale" for f in pair["flags"])
    assert pair["suggestions"] == []  # the memory's fuzzy match is the old edit, offered above already
    # the editor takes the old edit over to the new source: approved again, and no longer stale
    fixed = Review(out).save(pair, tgt=EDIT.replace("2023", "2024"), status="approved", version=pair["version"])
    assert fixed["pair"]["status"] == "approved" and not fixed["pair"]["stale"]
    again = Review(out).pair("Premier paragraphe")
    assert again["status"] == "approved" and again["stale_from"] is None and again["tgt"] == EDIT.replace("2023", "2024")


def test_a_second_article_repeating_approved_paragraphs_costs_no_model_call(tmp_path, tiny_marian_dir, config):
    source, out, review = first_run(tmp_path, tiny_marian_dir, config)
    review.save(review.pair("Premier paragraphe"), tgt=EDIT, status="approved")
    second = review.pair("second paragraphe")
    review.save(second, status="approved")
    other = tmp_path / "autre" / "recap.fr.md"
    other.parent.mkdir()
    other.write_text(f"{SECOND}\n\n{FIRST}\n", encoding="utf-8")
    manifest = run(other, tmp_path / "other-out", tiny_marian_dir, config)
    assert manifest["model_calls"] == 0
    assert manifest["memory_hits"] == {"human": 2, "imported": 0, "machine": 0}
    assert manifest["articles"][0]["memory_hits"] == {"human": 2}
    text = (tmp_path / "other-out" / "recap.en.md").read_text(encoding="utf-8")
    assert EDIT in text and second["tgt"] in text
    pairs = Review(tmp_path / "other-out").article()["pairs"]
    assert [p["status_label"] for p in pairs] == ["approved (memory)", "approved (memory)"]
    assert {p["memory"]["origin"] for p in pairs} == {"human"} and pairs[1]["memory"]["article"] == str(source)
    # with a paragraph the memory does not have, only that one goes to the model
    other.write_text(f"{SECOND}\n\nUne phrase toute nouvelle sur la bibliothèque municipale.\n\n{FIRST}\n", encoding="utf-8")
    manifest = run(other, tmp_path / "third-out", tiny_marian_dir, config)
    assert manifest["memory_hits"]["human"] == 2 and manifest["model_calls"] > 0
    pairs = Review(tmp_path / "third-out").article()["pairs"]
    assert [p["status_label"] for p in pairs] == ["approved (memory)", "pending", "approved (memory)"]


def test_a_source_like_an_approved_one_gets_it_as_a_fuzzy_suggestion(tmp_path, tiny_marian_dir, config):
    source, out, review = first_run(tmp_path, tiny_marian_dir, config)
    review.save(review.pair("Premier paragraphe"), tgt=EDIT, status="approved")
    other = tmp_path / "autre.fr.md"
    other.write_text(FIRST.replace("trois pistes", "quatre pistes") + "\n\n" + THIRD + "\n", encoding="utf-8")
    manifest = run(other, tmp_path / "other-out", tiny_marian_dir, config)
    assert manifest["memory_hits"]["human"] == 0  # not the same source: the model translates it
    pairs = Review(tmp_path / "other-out").article()["pairs"]
    assert pairs[0]["status"] == "pending" and pairs[0]["tgt"] != EDIT
    [suggestion] = pairs[0]["suggestions"]  # the approved translation, as a CAT tool's fuzzy match
    assert suggestion["tgt"] == EDIT and 85 <= suggestion["similarity"] < 100 and suggestion["origin"] == "human"
    assert ["-", "**trois "] in suggestion["diff"] and ["+", "**quatre "] in suggestion["diff"]
    assert pairs[1]["suggestions"] == []  # nothing like it in the memory (below the threshold)
    page = Review(tmp_path / "other-out").client.get("/articles/0").text
    assert f"Memory {round(suggestion['similarity'])}% · human" in page and "<ins>**quatre </ins>" in page


def _tmx_from_translate_toolkit(path: Path, units: list[tuple[str, str]]) -> None:
    from translate.storage.tmx import tmxfile

    store = tmxfile(sourcelanguage="fr", targetlanguage="en")
    for src, tgt in units:
        store.addtranslation(src, "fr", tgt, "en")
    store.savefile(str(path))


IMPORTED = [
    (FIRST, "First paragraph: the town hall opened **three cycle lanes** in 2024."),  # a wrong year: QA must see it
    (SECOND, "The second paragraph is about the [covered market](https://example.org/marche) and its hours."),
]


def test_an_imported_tmx_costs_no_model_call_and_qa_still_checks_it(tmp_path, tiny_marian_dir, config, capsys):
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / ".bitext").mkdir()  # the team's memory, next to the content (kept in git)
    source = site / "content" / "news.fr.md"
    source.write_text(f"{FIRST}\n\n{SECOND}\n", encoding="utf-8")
    tmx = tmp_path / "from-another-tool.tmx"
    _tmx_from_translate_toolkit(tmx, IMPORTED)
    assert main(["memory", "import", str(tmx), "--memory", str(site / ".bitext" / "memory.sqlite")]) == 0
    assert "imported 2 entries" in capsys.readouterr().err
    manifest = run(source, tmp_path / "out", tiny_marian_dir, config)
    assert manifest["memory"] == str(site / ".bitext" / "memory.sqlite")
    assert manifest["model_calls"] == 0 and manifest["memory_hits"]["imported"] == 2
    text = (tmp_path / "out" / "news.en.md").read_text(encoding="utf-8")
    assert IMPORTED[0][1] in text and IMPORTED[1][1] in text
    pairs = Review(tmp_path / "out").article()["pairs"]
    assert [p["status_label"] for p in pairs] == ["approved (memory)"] * 2
    assert [f["code"] for f in pairs[0]["flags"]] == ["numbers_mismatch"]  # memory hits never bypass QA
    assert main(["memory", "stats", "--memory", str(site / ".bitext" / "memory.sqlite"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["counts"]["imported"] == 2


def test_an_omegat_project_memory_seeds_a_run(tmp_path, tiny_marian_dir, config):
    omegat = f"""<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.1"><header creationtool="OmegaT" o-tmf="OmegaT TMX" adminlang="EN-US" datatype="plaintext"
 segtype="sentence" srclang="FR-FR"/><body>
<tu><tuv lang="FR-FR"><seg>Premier paragraphe : la mairie a ouvert &lt;b0&gt;trois pistes&lt;/b0&gt; cyclables en 2023.</seg></tuv>
<tuv lang="EN-GB"><seg>First paragraph: the town hall opened &lt;b0&gt;three cycle lanes&lt;/b0&gt; in 2023.</seg></tuv></tu>
</body></tmx>"""
    tmx = tmp_path / "project_save.tmx"
    tmx.write_text(omegat, encoding="utf-8")
    memory = tmp_path / "team.sqlite"
    assert main(["memory", "import", str(tmx), "--memory", str(memory), "--quiet"]) == 0
    cfg = tmp_path / "team.yaml"
    cfg.write_text(config.read_text().replace("translate:\n", f"translate:\n  cache_path: {memory}\n"), encoding="utf-8")
    source = tmp_path / "news.fr.md"
    source.write_text(FIRST + "\n", encoding="utf-8")
    manifest = run(source, tmp_path / "out", tiny_marian_dir, cfg)
    assert manifest["model_calls"] == 0 and manifest["memory_hits"]["imported"] == 1
    assert (tmp_path / "out" / "news.en.md").read_text(encoding="utf-8").endswith("---\n\n" + EDIT + "\n")  # <b0>: **


def test_a_jsonl_runs_edit_reaches_the_output_record(tmp_path, capsys):
    records = [{"id": "a1", "body": "Bonjour tout le monde."}, {"id": "a2", "body": "Le **marché** ouvre à huit heures."}]
    source = tmp_path / "news.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", str(source), "--text-field", "body", "--to", "en", "--backend", "pseudo", "--out", str(out),
                 "--quiet"]) == 0
    review = Review(out)
    pair = review.pair("marché", n=1)
    review.save(pair, n=1, tgt="The **market** opens at eight.", status="approved")
    assert main(["reinsert", str(out)]) == 0
    rows = [json.loads(line) for line in (out / "news.en.jsonl").read_text(encoding="utf-8").splitlines()]
    assert rows[1]["body_en"] == "The **market** opens at eight." and rows[1]["id"] == "a2"
    assert rows[0]["body_en"] != "Bonjour tout le monde." and rows[0]["id"] == "a1"  # the other record as the run wrote it
    assert "record 1 of news.en.jsonl rebuilt, 1 edit(s) applied" in capsys.readouterr().err
    # and through the page's "Rebuild articles"
    review.save(pair, n=1, tgt="The **market** opens at 8 a.m.")
    assert review.client.post("/api/rebuild", json={}).status_code == 200
    rows = [json.loads(line) for line in (out / "news.en.jsonl").read_text(encoding="utf-8").splitlines()]
    assert rows[1]["body_en"] == "The **market** opens at 8 a.m."


def test_a_review_of_a_deleted_paragraph_is_listed_not_dropped(tmp_path, tiny_marian_dir, config, capsys):
    source, out, review = first_run(tmp_path, tiny_marian_dir, config)
    review.save(review.pair("troisième"), status="rejected", note="météo : à couper")
    source.write_text(ARTICLE.replace("\n\n" + THIRD, ""), encoding="utf-8")
    manifest = run(source, out, tiny_marian_dir, config, capsys)
    assert "0 stale (source changed: see bitext review); 1 lost" in manifest["_stderr"]
    review = Review(out)
    article = review.article()
    assert article["progress"]["lost"] == 1
    assert [(r["src"], r["status"], r["note"]) for r in article["lost_reviews"]] == [(THIRD, "rejected", "météo : à couper")]
    page = review.client.get("/articles/0").text
    assert "no longer in the article (1)" in page and "météo : à couper" in page


def test_in_place_the_rebuilt_article_stays_bitexts_to_rewrite(tmp_path):
    """--in-place never writes over a file bitext did not write; an article rebuilt with an editor's edit
    is bitext's, so the next in-place run after the author's change updates it (with the edit)."""
    content = tmp_path / "content"
    content.mkdir()
    (content / "news.fr.md").write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "out"
    command = ["run", str(content), "--to", "en", "--backend", "pseudo", "--out", str(out), "--in-place", "--quiet"]
    assert main(command) == 0
    review = Review(out)
    edit = "The **three cycle lanes** of 2023: an editor's sentence."
    review.save(review.pair("Premier paragraphe"), tgt=edit, status="approved")
    assert main(["reinsert", str(out)]) == 0
    translated = content / "news.en.md"
    assert edit in translated.read_text(encoding="utf-8")
    (content / "news.fr.md").write_text(FRONT + "Un paragraphe ajouté.\n\n" + ARTICLE[len(FRONT):], encoding="utf-8")
    assert main(command) == 0
    [entry] = json.loads((out / "run.json").read_text(encoding="utf-8"))["articles"]
    assert entry["status"] == "done" and "reason" not in entry
    text = translated.read_text(encoding="utf-8")
    assert edit in text and "⟦" in text.split(edit)[0].split("---")[-1]  # the new paragraph (pseudo) above the edit


def test_a_dataset_runs_edit_reaches_the_output_record(tmp_path):
    import datasets

    source = tmp_path / "news-dataset"
    datasets.Dataset.from_list([{"id": "a1", "body": "Bonjour tout le monde."},
                                {"id": "a2", "body": "Le **marché** ouvre à huit heures."}]).save_to_disk(str(source))
    out = tmp_path / "out"
    assert main(["run", "--dataset", str(source), "--text-field", "body", "--to", "en", "--backend", "pseudo",
                 "--out", str(out), "--quiet"]) == 0
    review = Review(out)
    review.save(review.pair("marché", n=1), n=1, tgt="The **market** opens at eight.", status="approved")
    assert main(["reinsert", str(out)]) == 0
    rows = datasets.load_from_disk(str(out / "news-dataset.en")).to_list()
    assert [r["id"] for r in rows] == ["a1", "a2"] and rows[1]["body_en"] == "The **market** opens at eight."
    assert rows[0]["body_en"].startswith("⟦")

"""Batch runs over Hugo content trees: discovery, resume, failures that stay alone, records."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import yaml
from support.paths import ROOT

from pipeline.cli import main


def _article(title: str, body: str) -> str:
    return f"---\ntitle: {title}\n---\n\n{body}\n"


def _site_by_filename(root: Path) -> None:
    root.mkdir(parents=True)
    (root / "hugo.toml").write_text('defaultContentLanguage = "fr"\n', encoding="utf-8")
    content = root / "content"
    (content / "blog" / "bundle").mkdir(parents=True)
    (content / "blog" / "premier.fr.md").write_text(_article("Premier", "Un premier billet."), encoding="utf-8")
    (content / "blog" / "bundle" / "index.fr.md").write_text(_article("Paquet", "Un paquet de page."), encoding="utf-8")
    (content / "blog" / "_index.md").write_text(_article("Blogue", "La section, sans suffixe."), encoding="utf-8")
    (content / "blog" / "deja.fr.md").write_text(_article("Déjà", "Déjà traduit."), encoding="utf-8")
    (content / "blog" / "deja.en.md").write_text(_article("Already", "Translated by a person."), encoding="utf-8")
    (content / "blog" / "english.en.md").write_text(_article("English", "Only English."), encoding="utf-8")
    (root / "archetypes").mkdir()  # not content: never translated
    (root / "archetypes" / "default.md").write_text(_article("{{ .Name }}", "Gabarit."), encoding="utf-8")


def _site_by_content_dir(root: Path) -> None:
    root.mkdir(parents=True)
    (root / "hugo.yaml").write_text(
        "defaultContentLanguage: en\nlanguages:\n  en:\n    contentDir: content/en\n  fr:\n    contentDir: content/fr\n",
        encoding="utf-8",
    )
    (root / "content" / "fr" / "docs").mkdir(parents=True)
    (root / "content" / "en").mkdir(parents=True)
    (root / "content" / "fr" / "docs" / "guide.md").write_text(_article("Guide", "Lisez-moi."), encoding="utf-8")
    (root / "content" / "fr" / "a-propos.md").write_text(_article("À propos", "Qui sommes-nous."), encoding="utf-8")


def _run(*args: str) -> int:
    return main(["run", *map(str, args), "--quiet"])


def test_translation_by_filename(tmp_path):
    site = tmp_path / "site"
    _site_by_filename(site)
    out = tmp_path / "out"
    assert _run(site, "--to", "en", "--backend", "pseudo", "--out", out) == 0
    manifest = json.loads((out / "run.json").read_text())
    by_source = {Path(a["source"]).name: a for a in manifest["articles"]}
    assert set(by_source) == {"premier.fr.md", "index.fr.md", "_index.md", "deja.fr.md"}
    assert by_source["deja.fr.md"]["status"] == "skipped" and "already exists" in by_source["deja.fr.md"]["reason"]
    assert (out / "content" / "blog" / "premier.en.md").exists()
    assert (out / "content" / "blog" / "bundle" / "index.en.md").exists()
    assert (out / "content" / "blog" / "_index.en.md").exists()
    assert not (out / "content" / "blog" / "deja.en.md").exists()
    # --force translates the one a person already translated (into OUT, never over theirs)
    assert _run(site, "--to", "en", "--backend", "pseudo", "--out", out, "--force") == 0
    assert (out / "content" / "blog" / "deja.en.md").exists()
    assert "Translated by a person." in (site / "content" / "blog" / "deja.en.md").read_text()


def test_translation_by_content_dir(tmp_path):
    site = tmp_path / "site"
    _site_by_content_dir(site)
    out = tmp_path / "out"
    assert _run(site, "--to", "en", "--backend", "pseudo", "--out", out) == 0
    assert (out / "content" / "en" / "docs" / "guide.md").exists()
    assert (out / "content" / "en" / "a-propos.md").exists()


def test_in_place_never_overwrites_a_file_it_did_not_write(tmp_path):
    site = tmp_path / "site"
    _site_by_content_dir(site)
    human = site / "content" / "en" / "a-propos.md"
    human.write_text(_article("About", "Written by a person."), encoding="utf-8")
    out = tmp_path / "out"
    assert _run(site, "--to", "en", "--backend", "pseudo", "--out", out, "--in-place") == 0
    assert "Written by a person." in human.read_text()
    written = site / "content" / "en" / "docs" / "guide.md"
    assert "⟦" in written.read_text()
    # its own file may be rewritten by a later run, even with --force, but a person's file never
    assert _run(site, "--to", "en", "--backend", "pseudo", "--out", out, "--in-place", "--force") == 0
    assert "Written by a person." in human.read_text()


def test_one_broken_article_fails_alone(tmp_path, capsys):
    content = tmp_path / "content"
    content.mkdir()
    for n in range(20):
        (content / f"a{n:02d}.fr.md").write_text(_article(f"Article {n}", f"Texte numéro {n}."), encoding="utf-8")
    (content / "a07.fr.md").write_text("---\ntitle: [cassé\n---\n\nTexte.\n", encoding="utf-8")
    out = tmp_path / "out"
    assert _run(content, "--to", "en", "--backend", "pseudo", "--out", out) == 1
    manifest = json.loads((out / "run.json").read_text())
    statuses = [a["status"] for a in manifest["articles"]]
    assert statuses.count("done") == 19 and statuses.count("failed") == 1
    [failed] = [a for a in manifest["articles"] if a["status"] == "failed"]
    assert failed["source"].endswith("a07.fr.md") and "\n" not in failed["error"]
    assert "a07.fr.md:" in failed["error"] and "YAML" in failed["error"]
    err = capsys.readouterr().err
    assert sum("a07.fr.md" in line for line in err.splitlines()) == 1


def test_rerun_skips_finished_articles_and_redoes_a_changed_one(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    for n in range(3):
        (content / f"a{n}.fr.md").write_text(_article(f"Titre {n}", f"Texte {n}."), encoding="utf-8")
    out = tmp_path / "out"
    assert _run(content, "--to", "en", "--backend", "pseudo", "--out", out) == 0
    (content / "a1.fr.md").write_text(_article("Titre 1", "Texte changé."), encoding="utf-8")
    assert _run(content, "--to", "en", "--backend", "pseudo", "--out", out) == 0
    manifest = json.loads((out / "run.json").read_text())
    resumed = {Path(a["source"]).name: a.get("resumed", False) for a in manifest["articles"]}
    assert resumed == {"a0.fr.md": True, "a1.fr.md": False, "a2.fr.md": True}
    assert "ĉĥåñĝé" in (out / "a1.en.md").read_text() or "çĥåñĝé" in (out / "a1.en.md").read_text()


def test_jsonl_records_keep_fields_and_order(tmp_path):
    src = tmp_path / "news.jsonl"
    rows = [{"id": "n1", "body": "Premier **article**.", "section": "monde"}, {"id": "n2", "body": "Second article.", "n": 2}]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out"
    assert _run(src, "--text-field", "body", "--to", "en", "--backend", "pseudo", "--out", out) == 0
    result = [json.loads(line) for line in (out / "news.en.jsonl").read_text().splitlines()]
    assert [r["id"] for r in result] == ["n1", "n2"]
    assert result[0]["section"] == "monde" and result[1]["n"] == 2
    assert "**" in result[0]["body_en"] and "⟦" in result[0]["body_en"]
    manifest = json.loads((out / "run.json").read_text())
    assert manifest["outputs"]["records"] == "news.en.jsonl"
    assert (out / "energy.jsonl").exists()


def test_dataset_records(tmp_path):
    import datasets

    data = datasets.Dataset.from_list([{"article": "Bonjour.", "k": 1}, {"article": "Au revoir.", "k": 2}])
    data.save_to_disk(str(tmp_path / "ds"))
    out = tmp_path / "out"
    assert main(["run", "--dataset", str(tmp_path / "ds"), "--text-field", "article", "--to", "en", "--from", "fr",
                 "--backend", "pseudo", "--out", str(out), "--quiet"]) == 0
    result = datasets.load_from_disk(str(out / "ds.en"))
    assert result["k"] == [1, 2]
    assert all("⟦" in t for t in result["article_en"])


def _fast_tiny_config(tmp_path: Path) -> Path:
    """Greedy decoding and a short output budget: random weights never stop on their own."""
    cfg = tmp_path / "tiny.yaml"
    cfg.write_text("translate:\n  num_beams: 1\n  threads: 1\n", encoding="utf-8")
    return cfg


def test_tiny_model_both_conventions_then_zero_model_calls(tmp_path, tiny_marian_dir, monkeypatch):
    monkeypatch.setenv("BITEXT_CACHE_DIR", str(tmp_path / "cache"))
    cfg = _fast_tiny_config(tmp_path)
    for make in (_site_by_filename, _site_by_content_dir):
        site = tmp_path / make.__name__
        make(site)
        out = tmp_path / f"out-{make.__name__}"
        args = [site, "--to", "en", "--model", tiny_marian_dir, "--config", cfg, "--out", out, "--force"]
        assert _run(*args) == 0
        first = json.loads((out / "run.json").read_text())
        assert first["model_calls"] > 0
        assert all(a["status"] in ("done", "skipped") for a in first["articles"])
        # again (forced, so nothing is skipped): every sentence comes from the translation memory
        assert _run(*args) == 0
        again = json.loads((out / "run.json").read_text())
        assert again["model_calls"] == 0 and again["cache_hits"] > 0
    # change one article: only its new sentence reaches the model
    changed = tmp_path / "_site_by_content_dir" / "content" / "fr" / "docs" / "guide.md"
    changed.write_text(_article("Guide", "Lisez-moi. Une phrase toute nouvelle."), encoding="utf-8")
    out = tmp_path / "out-_site_by_content_dir"
    assert _run(tmp_path / "_site_by_content_dir", "--to", "en", "--model", tiny_marian_dir, "--config", cfg, "--out", out, "--force") == 0
    third = json.loads((out / "run.json").read_text())
    assert third["model_calls"] == 1  # "Une phrase toute nouvelle." only
    # without --force, an unchanged tree resumes: nothing is redone at all
    assert _run(tmp_path / "_site_by_content_dir", "--to", "en", "--model", tiny_marian_dir, "--config", cfg, "--out", out) == 0
    fourth = json.loads((out / "run.json").read_text())
    assert all(a.get("resumed") for a in fourth["articles"]) and fourth["model_calls"] == 0


def test_kill_and_resume(tmp_path, tiny_marian_dir):
    """SIGKILL a run over 50 articles halfway; the same command finishes the rest, translating nothing twice."""
    content = tmp_path / "content"
    content.mkdir()
    for n in range(50):
        (content / f"a{n:02d}.fr.md").write_text(_article(f"Titre {n}", f"Un texte assez court, numéro {n}."), encoding="utf-8")
    out = tmp_path / "out"
    cfg = _fast_tiny_config(tmp_path)
    cmd = [sys.executable, "-m", "pipeline", "run", str(content), "--to", "en", "--model", str(tiny_marian_dir),
           "--config", str(cfg), "--out", str(out), "--quiet"]
    env = dict(os.environ, BITEXT_CACHE_DIR=str(tmp_path / "cache"))
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        if out.exists() and len(list(out.rglob("done.json"))) >= 20:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the run ended before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    finished_before = {p.parent.name.removesuffix(".bitext") for p in out.rglob("done.json")}
    assert 0 < len(finished_before) < 50
    rerun = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    manifest = json.loads((out / "run.json").read_text())
    assert len(manifest["articles"]) == 50 and all(a["status"] == "done" for a in manifest["articles"])
    resumed = {Path(a["source"]).name for a in manifest["articles"] if a.get("resumed")}
    assert resumed == finished_before
    # each unfinished article has two units (title, paragraph): at most those reached the model again
    assert 0 < manifest["model_calls"] <= 2 * (50 - len(finished_before)) + 2
    for n in range(50):
        text = (out / f"a{n:02d}.en.md").read_text()
        assert yaml.safe_load(text.split("---")[1])["translationKey"] == f"a{n:02d}"
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]

"""A run writes the translated file and a manifest that says what it wrote."""
from __future__ import annotations

import json
from pathlib import Path

import yaml
from support.paths import ROOT

from pipeline.cli import main


def _article(tmp_path: Path, name: str = "post.fr.md") -> Path:
    p = tmp_path / name
    p.write_text("---\ntitle: Bonjour le monde\n---\n\nUn **petit** article.\n", encoding="utf-8")
    return p


def test_run_json_lists_outputs_relative_to_out(tmp_path):
    src = _article(tmp_path)
    out = tmp_path / "out"
    assert main(["run", str(src), "--to", "en", "--backend", "identity", "--out", str(out)]) == 0
    manifest = json.loads((out / "run.json").read_text())
    assert manifest["tool"] == "bitext" and manifest["version"]
    assert manifest["backend"] == "identity"
    assert manifest["started_at"] < manifest["ended_at"]
    assert manifest["config"]["extract"]["front_matter_keys"][0] == "title"
    [entry] = manifest["articles"]
    assert entry["source"] == str(src) and entry["status"] == "done"
    assert entry["outputs"]["article"] == "post.en.md"
    assert (out / entry["outputs"]["article"]).read_bytes() == src.read_bytes()
    document = json.loads((out / entry["outputs"]["document"]).read_text())
    assert [u["text"] for u in document["units"]] == ["Bonjour le monde", "Un petit article."]


def test_index_bundle_and_file_without_language(tmp_path):
    bundle = tmp_path / "index.fr.md"
    bundle.write_text("Texte.\n", encoding="utf-8")
    plain = tmp_path / "notes.md"
    plain.write_text("Text.\n", encoding="utf-8")
    assert main(["run", str(bundle), "--to", "en", "--backend", "identity", "--out", str(tmp_path / "o1")]) == 0
    assert (tmp_path / "o1" / "index.en.md").exists()
    assert main(["run", str(plain), "--from", "en", "--to", "fr", "--backend", "identity", "--out", str(tmp_path / "o2")]) == 0
    assert (tmp_path / "o2" / "notes.fr.md").exists()


def test_same_language_is_an_error(tmp_path, capsys):
    src = _article(tmp_path, "post.en.md")
    assert main(["run", str(src), "--to", "en", "--backend", "identity", "--out", str(tmp_path / "o")]) == 2
    assert "already in 'en'" in capsys.readouterr().err


def test_python_m_pipeline_is_the_same_cli(tmp_path):
    import subprocess
    import sys

    src = _article(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "run", str(src), "--to", "en", "--backend", "pseudo", "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    out = (tmp_path / "o" / "post.en.md").read_text()
    front = yaml.safe_load(out.split("---")[1])
    assert front["title"] != "Bonjour le monde" and "⟦" in front["title"]
    assert "**" in out

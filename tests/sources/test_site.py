"""Which files of a folder a run reads: never bitext's own outputs (issue 14, item 1)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from support.paths import ROOT

from pipeline.sources.site import discover


def _bitext(*args, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


def test_a_folder_translated_back_and_forth_never_translates_its_own_outputs(tmp_path):
    """`bitext run . --to en`, then `--to fr`, then `--to en` again: outputs/ was read as input."""
    folder = tmp_path / "loop"
    folder.mkdir()
    shutil.copy(ROOT / "corpus" / "velo-en-ville.fr.md", folder / "a.fr.md")
    assert _bitext("run", ".", "--to", "en", "--backend", "pseudo", cwd=folder).returncode == 0
    assert (folder / "outputs" / "loop.en" / "a.en.md").is_file()
    custom = _bitext("run", "a.fr.md", "--to", "en", "--backend", "pseudo", "--out", "translated", cwd=folder)
    assert custom.returncode == 0, custom.stderr  # a run elsewhere: known by its run.json

    back = _bitext("run", ".", "--to", "fr", "--backend", "pseudo", cwd=folder)
    assert back.returncode == 2, back.stderr  # nothing in English here but bitext's outputs
    lines = back.stderr.splitlines()
    said = [line for line in lines if "bitext's own outputs" in line]
    assert len(said) == 1 and "outputs" in said[0] and "translated" in said[0], back.stderr
    assert "no articles" in lines[-1]
    assert not (folder / "outputs" / "loop.fr").exists()

    again = _bitext("run", ".", "--to", "en", "--backend", "pseudo", cwd=folder)
    assert again.returncode == 0, again.stderr
    manifest = json.loads((folder / "outputs" / "loop.en" / "run.json").read_text())
    assert [Path(a["source"]).name for a in manifest["articles"]] == ["a.fr.md"]
    assert not [p for p in (folder / "outputs").rglob("outputs")]  # no outputs/loop.fr/outputs/loop.en/...

    quiet = _bitext("run", ".", "--to", "en", "--backend", "pseudo", "--quiet", cwd=folder)
    assert quiet.returncode == 0 and quiet.stderr == "", quiet.stderr  # the notice is not said under --quiet


def test_discovery_lists_the_output_folders_it_skipped(tmp_path):
    site = tmp_path / "site"
    (site / "blog").mkdir(parents=True)
    (site / "blog" / "a.fr.md").write_text("---\ntitle: A\n---\n\nTexte.\n", encoding="utf-8")
    (site / "elsewhere" / "x.en").mkdir(parents=True)
    (site / "elsewhere" / "x.en" / "run.json").write_text(json.dumps({"tool": "bitext", "articles": []}))
    (site / "elsewhere" / "x.en" / "a.en.md").write_text("---\ntitle: A\n---\n\nText.\n", encoding="utf-8")
    (site / "notes").mkdir()
    (site / "notes" / "run.json").write_text('{"tool": "other"}')  # not ours: read as usual
    (site / "notes" / "b.fr.md").write_text("---\ntitle: B\n---\n\nTexte.\n", encoding="utf-8")
    (site / "out").mkdir()
    (site / "out" / "c.fr.md").write_text("---\ntitle: C\n---\n\nTexte.\n", encoding="utf-8")
    articles, found = discover(site, None, "en", "fr", (site / "out",))
    assert sorted(a.source.name for a in articles) == ["a.fr.md", "b.fr.md"]
    assert sorted(p.name for p in found.skipped_outputs) == ["out", "x.en"]
    back, _ = discover(site, None, "fr", "fr", ())
    assert back == []  # the English file inside the run folder is no article of the site

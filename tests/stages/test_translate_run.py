"""Whole runs with a model backend (the tiny Marian model the tests build): every unit
translated, all structure kept, inline codes carried, the translation memory used."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import ftfy
import pytest
from support.paths import ROOT, SHARED
from support.structure import assert_structure_kept

from pipeline.cli import main

pytestmark = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/corpus is not here")


def _flat_copy(lang: str, dest: Path) -> list[Path]:
    """The sample and the real articles of one language, side by side in one content folder."""
    dest.mkdir(parents=True, exist_ok=True)
    sources = sorted(SHARED.glob(f"real/*/*.{lang}.md"))
    if lang == "fr":
        sources.append(SHARED / "considerations-energetiques.fr.md")
    copies = []
    for src in sources:
        copies.append(dest / src.name)
        shutil.copyfile(src, copies[-1])
    return copies


@pytest.fixture(scope="module")
def greedy_config(tmp_path_factory) -> Path:
    cfg = tmp_path_factory.mktemp("cfg") / "greedy.yaml"
    # greedy, one thread (two threads are slower on a busy 2-core machine), and no translationKey:
    # the structure check compares front matter keys exactly (tests/test_batch.py checks the key)
    cfg.write_text("translate:\n  num_beams: 1\n  threads: 1\nhugo:\n  translation_key: false\n", encoding="utf-8")
    return cfg


@pytest.mark.parametrize("backend", ["marian", "ctranslate2"])
@pytest.mark.parametrize("source_lang,target_lang", [("fr", "en"), ("en", "fr")])
def test_every_unit_translated_and_structure_kept(tmp_path, tiny_marian_dir, greedy_config, backend, source_lang, target_lang):
    sources = _flat_copy(source_lang, tmp_path / "content")
    out = tmp_path / "out"
    code = main(["run", str(tmp_path / "content"), "--to", target_lang, "--backend", backend, "--model", str(tiny_marian_dir),
                 "--config", str(greedy_config), "--out", str(out), "--quiet"])
    assert code == 0
    manifest = json.loads((out / "run.json").read_text())
    assert manifest["model_calls"] > 0
    entries = {Path(a["source"]).name: a for a in manifest["articles"]}
    assert set(entries) == {s.name for s in sources}
    for src in sources:
        entry = entries[src.name]
        assert entry["status"] == "done", entry
        translated = json.loads((out / entry["outputs"]["translated"]).read_text())
        for unit in translated["units"]:
            assert unit["target"] is not None and unit["target_codes"] is not None, unit["id"]
            if any(ch.isalpha() for ch in unit["text"]):
                assert unit["target"].strip(), f"{src.name} {unit['id']} has an empty translation"
        source_text = ftfy.fix_encoding(src.read_text(encoding="utf-8-sig"))
        output = (out / entry["outputs"]["article"]).read_text(encoding="utf-8-sig")
        assert_structure_kept(source_text, output, ordered=False)
        pairs = (out / entry["outputs"]["pairs"]).read_text().splitlines()
        assert len(pairs) == len(translated["units"])  # every unit in exactly one pair


def test_second_run_makes_no_model_call(tmp_path, tiny_marian_dir, greedy_config):
    sample = tmp_path / "considerations-energetiques.fr.md"
    shutil.copyfile(SHARED / "considerations-energetiques.fr.md", sample)
    runs = []
    for n in range(2):
        out = tmp_path / f"out{n}"  # a new run folder: only the translation memory is shared
        assert main(["run", str(sample), "--to", "en", "--model", str(tiny_marian_dir), "--config", str(greedy_config),
                     "--out", str(out), "--quiet"]) == 0
        runs.append(json.loads((out / "run.json").read_text()))
    assert runs[0]["model_calls"] > 0
    assert runs[1]["model_calls"] == 0 and runs[1]["cache_hits"] > 0  # whole units from the memory
    first = (tmp_path / "out0" / "considerations-energetiques.en.md").read_text()
    assert (tmp_path / "out1" / "considerations-energetiques.en.md").read_text() == first
    # an edited article retranslates only its changed sentence
    repaired = ftfy.fix_encoding(sample.read_text(encoding="utf-8"))  # the same text the runs above translated
    sample.write_text(repaired.replace("Printemps 2019.", "Été 2019."), encoding="utf-8")
    assert main(["run", str(sample), "--to", "en", "--model", str(tiny_marian_dir), "--config", str(greedy_config),
                 "--out", str(tmp_path / "out2"), "--quiet"]) == 0
    third = json.loads((tmp_path / "out2" / "run.json").read_text())
    assert third["model_calls"] == 1


def test_no_cache_bypasses_the_memory(tmp_path, tiny_marian_dir, greedy_config):
    sample = tmp_path / "a.fr.md"
    sample.write_text("---\ntitle: Un titre\n---\n\nUne phrase. Une autre phrase.\n", encoding="utf-8")
    for n in range(2):
        assert main(["run", str(sample), "--to", "en", "--model", str(tiny_marian_dir), "--config", str(greedy_config),
                     "--out", str(tmp_path / f"o{n}"), "--no-cache", "--quiet"]) == 0
        manifest = json.loads((tmp_path / f"o{n}" / "run.json").read_text())
        assert manifest["model_calls"] == 3 and manifest["cache_hits"] == 0


def test_missing_model_is_one_line_exit_2(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    sample = tmp_path / "a.fr.md"
    sample.write_text("Bonjour.\n", encoding="utf-8")
    assert main(["run", str(sample), "--to", "en", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "Helsinki-NLP/opus-mt-fr-en" in err[0] and "huggingface-cli download" in err[0] and "--model" in err[0]


def test_energy_record_of_translate_has_rates(tmp_path, tiny_marian_dir, greedy_config):
    sample = tmp_path / "a.fr.md"
    sample.write_text("Une phrase courte. Et une autre.\n", encoding="utf-8")
    out = tmp_path / "o"
    assert main(["run", str(sample), "--to", "en", "--model", str(tiny_marian_dir), "--config", str(greedy_config),
                 "--out", str(out), "--quiet"]) == 0
    records = [json.loads(line) for line in (out / "energy.jsonl").read_text().splitlines()]
    [translate] = [r for r in records if r["stage"] == "translate"]
    assert translate["target_tokens"] > 0 and translate["tokens_per_s"] > 0
    assert translate["joules_per_target_token"] >= 0
    assert translate["signature"]["backend"] == "marian" and translate["signature"]["beams"] == 1
    assert [r["stage"] for r in records] == ["extract", "translate", "hugo", "reinsert", "align", "total"]


NO_NETWORK_CHILD = r"""
import socket, sys
import urllib3  # its import-time IPv6 loopback probe is not ours
attempts = []
class NoSocket(socket.socket):
    def __init__(self, *a, **k):
        attempts.append(("socket", a)); raise OSError("network forbidden in this test")
def refuse(name):
    def _refuse(*a, **k):
        attempts.append((name, a)); raise OSError("network forbidden in this test")
    return _refuse
socket.socket = NoSocket
socket.create_connection = refuse("create_connection")
socket.getaddrinfo = refuse("getaddrinfo")
from pipeline.cli import main
code = main(sys.argv[1:])
if attempts:
    sys.exit(f"network access attempted: {attempts}")
sys.exit(code)
"""


def test_whole_run_makes_no_network_access(tmp_path, tiny_marian_dir, greedy_config):
    """Sockets forbidden in the process: a whole model run (extract, translate, hugo, align,
    reinsert, energy meter) never tries the network."""
    import subprocess
    import sys

    sample = tmp_path / "considerations-energetiques.fr.md"
    shutil.copyfile(SHARED / "considerations-energetiques.fr.md", sample)
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-c", NO_NETWORK_CHILD, "run", str(sample), "--to", "en", "--model", str(tiny_marian_dir),
         "--config", str(greedy_config), "--out", str(out), "--quiet"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    manifest = json.loads((out / "run.json").read_text())
    assert manifest["articles"][0]["status"] == "done" and manifest["model_calls"] > 0
    stages = [json.loads(line)["stage"] for line in (out / "energy.jsonl").read_text().splitlines()]
    assert stages == ["extract", "translate", "hugo", "reinsert", "align", "total"]

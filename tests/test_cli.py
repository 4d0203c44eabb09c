"""What the command line says to a new user: help, one-line errors, progress and summaries (issue 14)."""
from __future__ import annotations

import pytest

from pipeline.cli import main


def test_run_help_gives_the_real_default_output_folder(capsys):
    """Issue 14, item 11: the help said outputs/<run id>; the folder is named after the input and the language."""
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "<run id>" not in help_text
    assert "outputs/<input name>.<lang>/" in help_text


@pytest.mark.parametrize("command", ["run", "align"])
@pytest.mark.parametrize("out", ["afile", "afile/below", "/proc/nope"])
def test_an_out_that_cannot_be_a_folder_is_one_line_and_exit_2(tmp_path, capsys, monkeypatch, command, out):
    """Issue 14, item 3: --out naming a file, or a path that cannot be created, printed a traceback (exit 1)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("not a folder\n")
    src = tmp_path / "a.fr.md"
    src.write_text("---\ntitle: Titre\n---\n\nUn paragraphe.\n", encoding="utf-8")
    other = tmp_path / "a.en.md"
    other.write_text("---\ntitle: Title\n---\n\nA paragraph.\n", encoding="utf-8")
    args = ["run", str(src), "--to", "en", "--backend", "pseudo"] if command == "run" else ["align", str(src), str(other)]
    assert main([*args, "--out", out, "--quiet"] if command == "run" else [*args, "--out", out]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert err.startswith(f"bitext: {out}: --out") and "give" in err, err


def _bitext(*args, cwd):
    import os
    import subprocess
    import sys

    from support.paths import ROOT

    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


def _no_energy(folder):
    config = folder / "fast.yaml"
    config.write_text("energy:\n  enabled: false\n", encoding="utf-8")
    return config


def test_a_model_run_says_a_missing_spacy_model_once_with_a_way_that_works_and_nothing_under_quiet(tmp_path, tiny_marian_dir):
    """Issue 14, item 10: two notices, one of them saying `pip install en-core-web-sm` (not on PyPI), even under --quiet."""
    import importlib.util

    if importlib.util.find_spec("en_core_web_sm") is not None:
        pytest.skip("en_core_web_sm is installed: nothing to say")
    from support.paths import ROOT

    src = tmp_path / "v.fr.md"
    src.write_bytes((ROOT / "corpus" / "velo-en-ville.fr.md").read_bytes())
    run = ["run", src, "--to", "en", "--model", tiny_marian_dir, "--config", _no_energy(tmp_path)]
    result = _bitext(*run, "--out", tmp_path / "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    notices = [line for line in result.stderr.splitlines() if "en_core_web_sm" in line]
    assert len(notices) == 1, result.stderr
    assert "en-core-web-sm" not in result.stderr
    assert "python -m spacy download en_core_web_sm" in notices[0]
    assert "https://github.com/explosion/spacy-models/releases/download/en_core_web_sm-" in notices[0]
    quiet = _bitext(*run, "--out", tmp_path / "quiet", "--quiet", cwd=tmp_path)
    assert quiet.returncode == 0 and quiet.stderr == "", quiet.stderr


def test_a_dataset_run_under_quiet_has_no_progress_bars(tmp_path):
    import datasets

    datasets.Dataset.from_list([{"body": "Un."}, {"body": "Deux."}]).save_to_disk(str(tmp_path / "ds"))
    result = _bitext("run", "--dataset", tmp_path / "ds", "--text-field", "body", "--to", "en", "--backend", "pseudo",
                     "--out", tmp_path / "out", "--quiet", "--config", _no_energy(tmp_path), cwd=tmp_path)
    assert result.returncode == 0 and result.stderr == "", result.stderr

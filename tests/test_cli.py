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

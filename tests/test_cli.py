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

"""Files a run writes: the user's umask for new files, an existing file's own mode (issue 14, item 2)."""
from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

from support.paths import ROOT

SAMPLE = ROOT / "corpus" / "velo-en-ville.fr.md"


def _bitext(*args, cwd: Path, umask: int) -> subprocess.CompletedProcess:
    """``bitext`` in a process of its own: the umask is the process's."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], cwd=cwd, env=env, capture_output=True,
                          text=True, preexec_fn=lambda: os.umask(umask), timeout=600)


def _modes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): oct(stat.S_IMODE(p.stat().st_mode)) for p in folder.rglob("*") if p.is_file()}


def test_new_files_follow_the_umask(tmp_path):
    """Atomic writes went through mkstemp, which makes every file 0600 whatever the umask."""
    src = tmp_path / "a.fr.md"
    shutil.copy(SAMPLE, src)
    for umask, expected in ((0o022, "0o644"), (0o002, "0o664")):
        out = tmp_path / f"out-{umask:o}"
        result = _bitext("run", src, "--to", "en", "--backend", "pseudo", "--out", out, cwd=tmp_path, umask=umask)
        assert result.returncode == 0, result.stderr
        modes = _modes(out)
        assert "run.json" in modes and "a.en.md" in modes
        assert modes == dict.fromkeys(modes, expected)


def test_in_place_keeps_the_mode_of_the_source_it_rewrites(tmp_path, tiny_marian_dir):
    site = tmp_path / "site"
    site.mkdir()
    src = site / "a.fr.md"
    src.write_text("---\ntitle: Un titre\n---\n\nUn paragraphe.\n", encoding="utf-8")
    src.chmod(0o640)
    result = _bitext("run", site, "--to", "en", "--model", tiny_marian_dir, "--in-place", "--quiet",
                     "--out", tmp_path / "out", cwd=tmp_path, umask=0o022)
    assert result.returncode == 0, result.stderr
    assert "translationKey" in src.read_text(encoding="utf-8")  # the source was rewritten...
    assert stat.S_IMODE(src.stat().st_mode) == 0o640  # ...and kept its mode
    assert stat.S_IMODE((site / "a.en.md").stat().st_mode) == 0o644

"""The seams of the architecture hold: who may know what (issue 10).

Backends are told apart only inside ``pipeline/mt/`` (and in the CLI's help);
executors know no stage by name; ``bitext reinsert`` does not load the web app.
"""
from __future__ import annotations

import re
import subprocess
import sys

from support.paths import ROOT
from support.review_run import make_run

PIPELINE = ROOT / "pipeline"
BACKEND_NAME = re.compile(r"[\"'](identity|pseudo|marian|ctranslate2)[\"']")
STAGE_NAME = re.compile(r"[\"'](extract|translate|hugo|align|reinsert)[\"']")


def _lines(paths, pattern):
    return [f"{p.relative_to(ROOT)}:{n}: {line.strip()}" for p in paths
            for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)]


def test_no_backend_name_outside_the_translators_and_the_cli():
    paths = [p for p in PIPELINE.rglob("*.py") if "mt" not in p.relative_to(PIPELINE).parts[:1] and p.name != "cli.py"]
    assert len(paths) > 30
    assert _lines(paths, BACKEND_NAME) == []


def test_executors_name_no_stage():
    paths = list((PIPELINE / "executors").rglob("*.py"))
    assert len(paths) >= 3
    assert _lines(paths, STAGE_NAME) == []


def test_bitext_reinsert_does_not_load_the_web_app(tmp_path):
    run = make_run(tmp_path)
    code = (
        "import sys\n"
        "from pipeline.cli import main\n"
        f"assert main(['reinsert', {str(run)!r}]) == 0\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('starlette', 'jinja2', 'uvicorn', 'httpx')"
        " or m == 'pipeline.review.app'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"

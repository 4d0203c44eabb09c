"""Runs through the CLI and the articles they run on, shared by the round-trip, pseudo and extract tests."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.markdown.filenames import language_of
from support.paths import ROOT, SHARED

OWN = sorted(p for p in (ROOT / "corpus").rglob("*.md") if p.name != "README.md")
REAL = sorted((SHARED / "real").glob("*/*.md")) if (SHARED / "real").is_dir() else []
# our corpus article written as mojibake on purpose (UTF-8 read as Windows-1252)
OWN_MOJIBAKE = {"marche-de-nuit.fr.md"}

needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason=f"{SHARED} is absent (the shared corpus lives beside the repo)")


def _id(p: Path) -> str:
    return str(p.relative_to(p.parents[1]))


@pytest.fixture(autouse=True)
def _without_align(monkeypatch):
    """Runs here skip the align stage: it loads spaCy (seconds) and pairs sentences,
    which has nothing to do with extract -> reinsert; its own tests cover it."""
    import pipeline.stages as stages

    original = stages.default_stages
    monkeypatch.setattr(stages, "default_stages", lambda: [s for s in original() if s.name != "align"])


@pytest.fixture(scope="module")
def quiet_config(tmp_path_factory) -> Path:
    """A run configuration with the energy meter off: it costs 0.5 s a run and is tested elsewhere."""
    path = tmp_path_factory.mktemp("config") / "fast.yaml"
    path.write_text("energy:\n  enabled: false\n", encoding="utf-8")
    return path


def run_cli(source: Path, out: Path, backend: str, config: Path, target: str | None = None) -> Path:
    """``bitext run SOURCE --backend B``; returns the translated article it wrote."""
    target = target or ("en" if (language_of(source) or "fr") == "fr" else "fr")
    args = ["run", str(source), "--to", target, "--backend", backend, "--out", str(out), "--quiet", "--config", str(config)]
    if language_of(source) is None:
        args += ["--from", "fr" if target == "en" else "en"]
    assert main(args) == 0
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    [entry] = manifest["articles"]
    assert entry["status"] == "done", entry
    return out / entry["outputs"]["article"]

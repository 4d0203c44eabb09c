"""Golden outputs of pseudo and identity runs: what a run writes must not change by accident.

``tests/support/expected/`` holds, for every article of ``corpus/`` and of
``../shared/corpus/``:

- ``pseudo/<name>.<src>-to-<tgt>.md``: the pseudo-translated article of each article of our own
  ``corpus/`` (readable, so a failing test shows what changed);
- ``golden.json``: per backend and article, the SHA-256 of the translated
  article, of ``pairs.jsonl`` and of ``pairs.tmx`` (its ``creationdate``
  removed). The shared corpus is only hashed: it is not ours to copy into the
  project.

The runs go through the CLI (``bitext run ARTICLE --backend B``) from the
repository root with the article's relative path, as ``/work/baseline/make.sh``
and ``bench/compare_runs.py`` do, so the pair ids and TMX props are the same
strings. Update the golden files only on purpose, when a change of output is
wanted, and say so in the commit:

    PYTHONPATH=$PWD python tests/support/golden.py --update
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = Path(__file__).resolve().parent / "expected"
GOLDEN = EXPECTED / "golden.json"
BACKENDS = ("pseudo", "identity")
_CREATIONDATE = re.compile(rb' creationdate="[^"]*"')


def golden_articles() -> list[str]:
    """Every article of corpus/ and ../shared/corpus/ (when present), relative to the repository root."""
    found = sorted(p for p in (ROOT / "corpus").rglob("*.md") if p.name != "README.md")
    shared = ROOT.parent / "shared" / "corpus"
    if shared.is_dir():
        found += sorted(p for p in shared.rglob("*.md") if p.name != "README.md")
    return [os.path.relpath(p, ROOT) for p in found]


def is_own(article: str) -> bool:
    return article.startswith("corpus/")


def target_of(article: str) -> str:
    return "fr" if article.endswith(".en.md") else "en"


def run_article(article: str, backend: str, out: Path, config: Path) -> dict[str, bytes]:
    """Run one article through the CLI from the repository root; the files the golden data covers."""
    from pipeline.cli import main

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        code = main(["run", article, "--to", target_of(article), "--backend", backend, "--out", str(out),
                     "--quiet", "--config", str(config)])
    finally:
        os.chdir(cwd)
    if code != 0:
        raise AssertionError(f"bitext run {article} --backend {backend} exited with {code}")
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    [entry] = manifest["articles"]
    outputs = entry["outputs"]
    return {
        "article": (out / outputs["article"]).read_bytes(),
        "pairs": (out / outputs["pairs"]).read_bytes(),
        "tmx": _CREATIONDATE.sub(b"", (out / outputs["tmx"]).read_bytes()),
    }


def digests(files: dict[str, bytes]) -> dict[str, str]:
    return {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}


def expected_article_path(article: str) -> Path:
    """Where the pseudo translation of one of our own articles is kept: ``velo-en-ville.fr-to-en.md``."""
    name = article.removeprefix("corpus/").replace("/", "_")
    source = "en" if name.endswith(".en.md") else "fr"
    return EXPECTED / "pseudo" / (name.removesuffix(f".{source}.md") + f".{source}-to-{target_of(article)}.md")


def load_golden() -> dict[str, dict[str, dict[str, str]]]:
    return json.loads(GOLDEN.read_text(encoding="utf-8"))


def update(work: Path) -> None:
    """Rewrite the golden files from the current code (on purpose only)."""
    config = work / "fast.yaml"
    config.write_text("energy:\n  enabled: false\n", encoding="utf-8")
    golden: dict[str, dict[str, dict[str, str]]] = {}
    for backend in BACKENDS:
        for n, article in enumerate(golden_articles()):
            files = run_article(article, backend, work / f"{backend}-{n}", config)
            golden.setdefault(backend, {})[article] = digests(files)
            if backend == "pseudo" and is_own(article):
                path = expected_article_path(article)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(files["article"])
    GOLDEN.write_text(json.dumps(golden, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN} ({sum(len(v) for v in golden.values())} runs)")


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit("usage: PYTHONPATH=$PWD python tests/support/golden.py --update   (rewrites the golden files)")
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        update(Path(tmp))

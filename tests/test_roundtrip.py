"""Identity round trip: extract then reinsert gives back the article byte for byte.

This is the first invariant of the skeleton + text units model (issue 2,
"Must show"): filling the skeleton with the source units must reproduce the
source exactly, for our own corpus, for the real articles in
``../shared/corpus/real/``, and for tricky inputs that real Hugo sites
contain. The sample article is the one exception by design: its mojibake is
repaired, so the output must equal ``ftfy.fix_encoding`` of its text.

The runs go through the CLI (``pipeline.cli.main`` in process: the same code
as ``bitext run``), with the energy meter off to keep the suite fast.
"""
from __future__ import annotations

import json
from pathlib import Path

import ftfy
import pytest

from pipeline.cli import main
from pipeline.config import load_config
from pipeline.extract import extract_file, language_of
from pipeline.inline import render_inline, scan_inline

from tricky import TRICKY

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpus"
SAMPLE = SHARED / "considerations-energetiques.fr.md"
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
    import pipeline.runner as runner

    original = getattr(runner, "default_stages", None)
    if original is not None:
        monkeypatch.setattr(runner, "default_stages", lambda: [s for s in original() if getattr(s, "name", "") != "align"])


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


def test_corpus_is_there():
    """The corpus must hold at least 3 French and 3 English articles (issue 2)."""
    assert sum(1 for p in OWN if language_of(p) == "fr") >= 3
    assert sum(1 for p in OWN if language_of(p) == "en") >= 3


@pytest.mark.parametrize("source", OWN, ids=_id)
def test_identity_own_corpus(source, tmp_path, quiet_config):
    out = run_cli(source, tmp_path, "identity", quiet_config)
    if source.name in OWN_MOJIBAKE:
        expected = ftfy.fix_encoding(source.read_text(encoding="utf-8")).encode("utf-8")
        assert expected != source.read_bytes(), "the mojibake article should need a repair"
    else:
        expected = source.read_bytes()
    assert out.read_bytes() == expected


@needs_shared
@pytest.mark.parametrize("source", REAL, ids=_id)
def test_identity_real_articles(source, tmp_path, quiet_config):
    out = run_cli(source, tmp_path, "identity", quiet_config)
    assert out.read_bytes() == source.read_bytes()


@needs_shared
def test_identity_sample_is_the_repaired_text(tmp_path, quiet_config):
    out = run_cli(SAMPLE, tmp_path, "identity", quiet_config)
    assert out.read_text(encoding="utf-8") == ftfy.fix_encoding(SAMPLE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_identity_tricky_inputs(name, tmp_path, quiet_config):
    """Constructs that real Hugo sites (Docsy, Blowfish, Book, Relearn, kubernetes...) use."""
    source = tmp_path / f"{name}.en.md"
    source.write_bytes(TRICKY[name].encode("utf-8"))
    out = run_cli(source, tmp_path / "out", "identity", quiet_config)
    assert out.read_bytes() == source.read_bytes()


def _all_articles() -> list[Path]:
    arts = list(OWN)
    if SHARED.is_dir():
        arts += REAL + [SAMPLE]
    return arts


@pytest.mark.parametrize("source", _all_articles(), ids=_id)
def test_render_inline_inverts_scan_inline(source, monkeypatch):
    """Every unit's raw markup, as the extractor reads it, renders back to the same bytes.

    The raw runs are caught on their way into ``scan_inline`` during a real
    extraction, with the same reference labels and code shortcodes.
    """
    import pipeline.extract as extract_module

    seen: list[tuple[str, dict]] = []

    def spy(raw, **kwargs):
        seen.append((raw, kwargs))
        return scan_inline(raw, **kwargs)

    monkeypatch.setattr(extract_module, "scan_inline", spy)
    doc = extract_file(source, load_config())
    assert len(seen) >= len(doc.units) > 0
    for raw, kwargs in seen:
        assert render_inline(*scan_inline(raw, **kwargs)) == raw


@pytest.mark.parametrize(
    "raw",
    [
        "plain text",
        "*a* **b** ***c*** _d_ __e__ ~~f~~ `g` ``h ` i``",
        "_under_score_ and snake_case_words and 2*3*4 and a * lone star",
        "[link](http://x.com 'title') ![img *alt*](i.png) [full][r] [r] [r][] [^1]",
        "<b>bold</b> <br> <!-- c --> &amp; &#8217; &nbsp; \\* \\_ end\\",
        "line  \nbreak\\\nagain",
        "{{<hl>}}high **lit**{{</hl>}} {{< x a=\"}}\" >}} {{</* esc */>}} {{% k %}}",
        "https://example.com/a_(b). and www.x.org, <https://auto.link> <me@x.org>",
        "unclosed ** and [bracket and `tick and <tag and {{< broken",
        "***strong emph*** and *emph **nested** emph* and **a *b* c**",
        "{{< katex >}}\\pi(x){{< /katex >}} inline math",
    ],
)
def test_render_inline_inverts_scan_inline_on_edge_cases(raw):
    text, codes = scan_inline(raw, refs={"r"}, verbatim={"katex"})
    assert render_inline(text, codes) == raw

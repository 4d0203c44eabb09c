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

from pathlib import Path

import ftfy
import pytest
from support.paths import SAMPLE, SHARED
from support.runs import OWN, OWN_MOJIBAKE, REAL, _id, _without_align, needs_shared, quiet_config, run_cli  # noqa: F401 (fixtures)
from support.tricky import TRICKY

from pipeline.config import load_config
from pipeline.markdown.extract import extract_file
from pipeline.markdown.filenames import language_of
from pipeline.markdown.inline import render_inline, scan_inline


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
    import pipeline.markdown.extract as extract_module

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

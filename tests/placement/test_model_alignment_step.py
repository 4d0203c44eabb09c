"""Placement step 4 (the model's word alignment) inside the chain, and the geometry that keeps
structure whatever a step proposes (zero-length codes stay on their side of a span, links never nest).

The alignment comes from the tiny copying model, whose cross-attention is set by hand
(decoder position t looks at encoder position t), through both backends; the codes are
ones the cheaper steps cannot place (the target shares no word with the span).
"""
from __future__ import annotations

import pytest

from pipeline.markdown.inline import render_inline, scan_inline
from pipeline.mt.alignment import AlignedSpan, ModelAligner
from pipeline.placement import place_codes


@pytest.fixture(scope="module")
def translators(tiny_marian_dir, tmp_path_factory):
    from pipeline.mt.ct2 import CTranslate2Translator
    from pipeline.mt.marian import MarianTranslator

    return {
        "marian": MarianTranslator(str(tiny_marian_dir), num_beams=1),
        "ctranslate2": CTranslate2Translator(str(tiny_marian_dir), compute_type="float32",
                                             cache_dir=tmp_path_factory.mktemp("ct2"), num_beams=1),
    }


@pytest.mark.parametrize("backend", ["marian", "ctranslate2"])
def test_a_code_no_cheap_step_finds_takes_the_aligned_words(translators, backend):
    source, codes = scan_inline("Le chat **noir** dort")
    target = "important important important important we rouge"  # no word in common, no shared stem
    without = place_codes(source, codes, target)
    assert without.methods[0] == "fallback"
    aligner = ModelAligner(translators[backend], source, target)
    placed = place_codes(source, codes, target, align=aligner)
    assert placed.methods[0] == "attention"
    # the hand-set attention: "noir" is source pieces 4-6 ("▁no", "i", "r"), so target pieces 4-6:
    # "▁we", "▁", "r" of "we rouge"; its words, whole
    assert render_inline(target, placed.codes) == "important important important important **we rouge**"


def test_a_weak_alignment_is_used_but_flagged():
    source, codes = scan_inline("un **deux** trois")
    target = "one two three"
    weak = lambda start, end: AlignedSpan(4, 7, 0.3, "weak model alignment (0.30 of the attention inside the span)")  # noqa: E731
    placed = place_codes(source, codes, target, align=weak)
    assert placed.methods[0] == "attention" and placed.uncertain == [0]
    assert "weak model alignment" in placed.flags[0]["reason"]
    strong = lambda start, end: AlignedSpan(4, 7, 0.9)  # noqa: E731
    assert place_codes(source, codes, target, align=strong).uncertain == []


def test_no_model_no_step_four():
    source, codes = scan_inline("un **deux** trois")
    assert place_codes(source, codes, "uno dos tres").methods[0] == "fallback"


def test_a_shortcode_after_a_span_stays_after_it():
    source, codes = scan_inline('{{< hl >}}encore{{< /hl >}}{{< icon "warn" >}} ici')
    target = "xxxx yyyy zzzz"  # nothing in common: every code falls back
    placed = place_codes(source, codes, target)
    out = render_inline(target, placed.codes)
    assert out.index('{{< icon "warn" >}}') > out.index("{{< /hl >}}"), out


def test_two_links_never_nest():
    source, codes = scan_inline("[un](https://a.fr) et [deux](https://b.fr)")
    for target in ("x", "x y", "un deux", "zzzz"):
        out = render_inline(target, place_codes(source, codes, target).codes)
        reread = [c.close for c in scan_inline(out)[1] if c.kind == "link"]
        assert reread == ["](https://a.fr)", "](https://b.fr)"], out

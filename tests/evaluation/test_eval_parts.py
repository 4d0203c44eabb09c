"""``bitext eval``'s parts without a model: test-set readers, segments as articles, the reader's view, reasons, span accounting."""
from __future__ import annotations

import random

import pytest

from pipeline.config import load_config
from pipeline.document import Document, InlineCode, ModelTrace, Slot, TextUnit
from pipeline.errors import BitextError
from pipeline.evaluation.articles import markup_article, plain_article, reader_text, reads_back
from pipeline.evaluation.compare import markup_summary, reasons, span_outcomes
from pipeline.evaluation.data import read_dataset, read_plain, read_tsv
from pipeline.evaluation.passes import SegmentResult

CONFIG = load_config()

# Segments markdown would read otherwise, and what must stay as it is.
AS_IS = ["Bonjour le monde.", "x [y] z", "AT&T a 3 < 4 filiales.", "| a | b |", "...", "42", "a_b_c", "===",
         "Va sur www.example.org/x demain.", "Le 1er janvier, M. Dupont a dit « bonjour ». Puis il est parti."]
ESCAPED = ["1990. Une année", "# Titre", "- item", "> citation", "+ plus", "a *b* c", "a **b** c", "`code`",
           "[lien](x)", "&amp; co", "<b>gras</b>", "~~barré~~", "***", "---", "{{< x >}} y", "a \\* b",
           "![image](x)", "```", "1) un"]


@pytest.mark.parametrize("segment", AS_IS + ESCAPED)
def test_every_segment_is_a_one_paragraph_article_that_reads_back_as_itself(segment):
    article = plain_article(segment, CONFIG)
    assert reader_text(article.markdown) == segment  # CommonMark, read by markdown-it-py
    assert reads_back(article, CONFIG)  # and bitext's own reader: one paragraph, the segment as its text
    assert article.escaped == (segment in ESCAPED)
    if segment in AS_IS:
        assert article.markdown == segment  # no escape where none is needed


def test_reader_text_removes_markup_and_resolves_escapes():
    assert reader_text("Un **gras** et [un lien](https://x.org) et `du code`.") == "Un gras et un lien et du code."
    assert reader_text("1990\\. A \\*star\\* &amp; <b>tag</b>") == "1990. A *star* & tag"
    assert reader_text("line one\nline two") == "line one line two"


def test_markup_spans_are_seeded_whole_words_that_never_touch_and_read_back():
    segment = "Les élus de la commune ont voté le budget hier soir, après un long débat sur les pistes cyclables."
    first = markup_article(segment, CONFIG, random.Random("1:0"), "https://example.org/0-{n}")
    again = markup_article(segment, CONFIG, random.Random("1:0"), "https://example.org/0-{n}")
    other = [markup_article(segment, CONFIG, random.Random(f"{seed}:0"), "https://example.org/0-{n}").markdown
             for seed in range(2, 8)]
    assert first.markdown == again.markdown and any(o != first.markdown for o in other)
    assert 1 <= len(first.spans) <= 3 and reader_text(first.markdown) == segment and reads_back(first, CONFIG)
    for a, b in zip(first.spans, first.spans[1:]):
        assert segment[a.end:b.start].strip(), "spans never touch"
    for span in first.spans:
        text = segment[span.start:span.end]
        assert text == text.strip(".,;: ") and text.split()[0].isalpha()
    kinds = {s.kind for seed in range(12)
             for s in markup_article(segment, CONFIG, random.Random(f"{seed}:0"), "https://e.org/{n}").spans}
    assert kinds == {"bold", "link", "code"}


def test_a_segment_without_words_gets_no_markup():
    article = markup_article("2019 …", CONFIG, random.Random(1), "https://e.org/{n}")
    assert article.spans == [] and article.markdown == "2019 …"


def test_plain_files_must_be_parallel(tmp_path):
    src, ref = tmp_path / "s.txt", tmp_path / "r.txt"
    src.write_text("Un.\n  Deux.  \n\nQuatre.\n", encoding="utf-8")
    ref.write_text("One.\nTwo.\n\nFour.\n", encoding="utf-8")
    data = read_plain(src, ref)
    assert data.sources == ["Un.", "Deux.", "", "Quatre."] and data.references[3] == "Four."
    assert data.limited(2).sources == ["Un.", "Deux."]
    ref.write_text("One.\nTwo.\n", encoding="utf-8")
    with pytest.raises(BitextError, match="4 source lines but 2 reference lines"):
        read_plain(src, ref)


def test_tsv_columns_as_in_the_tatoeba_challenge(tmp_path):
    path = tmp_path / "test.txt"
    path.write_text("fra\teng\tBonjour.\tHello.\nfra\teng\tMerci.\tThanks.\n", encoding="utf-8")
    data = read_tsv(path, (3, 4))
    assert data.sources == ["Bonjour.", "Merci."] and data.references == ["Hello.", "Thanks."]
    with pytest.raises(BitextError, match=r"test.txt:1: .*column 5"):
        read_tsv(path, (3, 5))


def test_a_saved_dataset_with_nested_fields_like_wmt(tmp_path):
    import datasets

    rows = [{"translation": {"fr": "Bonjour.", "en": "Hello."}}, {"translation": {"fr": "Merci.", "en": "Thanks."}}]
    datasets.DatasetDict({"test": datasets.Dataset.from_list(rows)}).save_to_disk(str(tmp_path / "wmt"))
    data = read_dataset(str(tmp_path / "wmt"), "test", "translation.fr", "translation.en")
    assert data.sources == ["Bonjour.", "Merci."] and data.references == ["Hello.", "Thanks."]
    with pytest.raises(BitextError, match="choose a split"):
        read_dataset(str(tmp_path / "wmt"), None, "translation.fr", "translation.en")
    with pytest.raises(BitextError, match=r"'translation.de' is missing .*translation.fr, translation.en"):
        read_dataset(str(tmp_path / "wmt"), "test", "translation.de", "translation.en")


# -- reasons and spans, read from what the pipeline recorded -------------------------


def _result(unit: TextUnit, markdown: str = "") -> SegmentResult:
    doc = Document("segment.md", "fr", [Slot(unit.id), "\n"], [unit])
    return SegmentResult("done", markdown, reader_text(markdown), doc)


def test_reasons_come_from_the_units_trace_and_flags():
    unit = TextUnit("u1", "paragraph", "Un. Deux.", target="One. Two.",
                    mt=ModelTrace(sentences=2, pieces=3, copied=1, placeholders=1, retried=["repetition"]))
    article = plain_article("Un. Deux.", CONFIG)
    found = {(r.kind, r.text) for r in reasons(article, _result(unit, "One. Two."), "One two.")}
    assert ("split", "split into 2 sentences") in found
    assert any(kind == "split" and "3 pieces" in text for kind, text in found)
    assert any(kind == "guard" and "repetition loop" in text for kind, text in found)
    assert any(kind == "placeholder" for kind, _ in found) and any("without words" in text for _, text in found)
    plain = TextUnit("u1", "paragraph", "Un.", target="One.", mt=ModelTrace(sentences=1, pieces=1))
    assert reasons(plain_article("Un.", CONFIG), _result(plain, "One."), "One.") == []
    assert reasons(plain_article("", CONFIG), SegmentResult("empty"), "I don't know.")[0].kind == "guard"


def test_span_accounting_reads_the_output_and_the_placement_record():
    segment = "Le chat dort sur la table."
    article = markup_article(segment, CONFIG, random.Random(3), "https://e.org/{n}")
    assert article.spans
    codes = [InlineCode(k, s.kind, "**", "**", s.start, s.end) for k, s in enumerate(article.spans)]
    unit = TextUnit("u1", "paragraph", segment, codes=codes, target=segment,
                    mt=ModelTrace(placed_by={str(k): "verbatim" for k in range(len(codes))}))
    kept = span_outcomes(0, article, _result(unit, article.markdown))
    assert [o.in_output for o in kept] == [True] * len(codes) and not any(o.lost for o in kept)
    summary = markup_summary(kept)
    assert summary["by_step"] == {"verbatim": {"spans": len(codes), "flagged": 0}} and summary["lost"] == 0
    # the output without its markup: every span lost, unless a flag names its code
    unit.flags = [{"code": "markup_uncertain", "reason": "...", "codes": "0"}]
    dropped = span_outcomes(0, article, _result(unit, segment))
    assert dropped[0].flagged and not dropped[0].lost
    assert all(o.lost for o in dropped[1:])
    assert markup_summary(dropped)["lost"] == len(codes) - 1


def test_a_difference_without_a_recorded_reason_is_checked_against_the_model_alone():
    from pipeline.evaluation.compare import SegmentComparison, diagnose_batches

    batch = SegmentComparison(0, "Un chat.", "A cat.", bare="A cat cat.", pipeline="A cat.")
    defect = SegmentComparison(1, "Un chien.", "A dog.", bare="A dog.", pipeline="A  dog!")
    assert batch.unexplained and defect.unexplained
    alone = {"Un chat.": "A cat.", "Un chien.": "A dog."}
    assert diagnose_batches([batch, defect], alone.__getitem__) == 1
    assert not batch.unexplained and batch.reasons[0].kind == "batch"
    assert defect.unexplained  # bitext's own doing: stays listed as such

"""Each QA flag: one pair that raises it, one that does not, and a reason an editor can read."""
from __future__ import annotations

import logging

import pytest

from pipeline import spacy_models
from pipeline.align import qa
from pipeline.align.qa import check_pair


def codes(src, tgt, src_lang="fr", tgt_lang="en", **kw):
    return {f["code"]: f["reason"] for f in check_pair(src, tgt, src_lang, tgt_lang, **kw)}


def test_numbers_mismatch():
    reason = codes("Il a émis 35 tonnes en 2019.", "It emitted 53 tonnes in 2019.")["numbers_mismatch"]
    assert "35" in reason and "53" in reason
    # French decimal comma and thousands spaces are the same numbers as the English ones
    assert "numbers_mismatch" not in codes("Il pèse 1,5 kg et coûte 10 000 € en 2019.", "It weighs 1.5 kg and costs €10,000 in 2019.")
    # numbers inside URLs are the URL check's business
    assert "numbers_mismatch" not in codes("Voir [ici](https://x.org/2019).", "See [here](https://x.org/2019).")


@pytest.mark.parametrize(
    "src, src_lang, tgt, tgt_lang, flagged",
    [
        ("4 789 vélos", "fr", "4,789 bikes", "en", False),
        ("4\u202f789 vélos et 12\u00a0000 bus", "fr", "4,789 bikes and 12,000 buses", "en", False),
        ("4 789 vélos", "fr", "4 789 bikes", "en", False),  # kept in the source's convention
        ("1,200 bikes", "en", "1 200 vélos", "fr", False),
        ("1,200 bikes", "en", "1,200 vélos", "fr", False),  # kept as written: 1200, not 1.2
        ("2,5 %", "fr", "2.5%", "en", False),
        ("4 789 vélos", "fr", "4,780 bikes", "en", True),
        ("1,200 bikes", "en", "1,3 vélo", "fr", True),
        ("1,5 kg et 1,5 kg", "fr", "1.5 kg", "en", True),  # each number is matched once
    ],
)
def test_numbers_compare_by_value_in_both_conventions(src, src_lang, tgt, tgt_lang, flagged):
    """Issue 14, item 14: a number kept in the other language's convention is the same number."""
    assert ("numbers_mismatch" in codes(src, tgt, src_lang, tgt_lang)) == flagged


def test_urls_mismatch():
    reason = codes("Lisez [la doc](https://a.org/fr).", "Read [the docs](https://a.org/en).")["urls_mismatch"]
    assert "https://a.org/fr" in reason and "https://a.org/en" in reason
    assert "urls_mismatch" not in codes(
        "Lisez [la doc](https://a.org/doc/) et <https://b.org>.", "Read [the docs](https://a.org/doc) and <https://b.org>."
    )


def test_markup_mismatch():
    reason = codes("Un **mot** et {{< hl >}}ceci{{< /hl >}}.", "A word and this.")["markup_mismatch"]
    assert "bold" in reason and "shortcode hl" in reason
    assert "markup_mismatch" not in codes("Un **mot** et `code`.", "A **word** and `code`.")


def test_untranslated():
    assert "untranslated" in codes("Le chat dort sur le canapé.", "Le chat dort sur le canapé.")
    # names, numbers, code and single words are legitimately the same in both languages
    for same in ("GitHub", "Mastodon 4.2", "`dotnet run`", "Public", "https://example.org", "TLS-ALPN-01"):
        assert "untranslated" not in codes(same, same), same
    assert "untranslated" not in codes("Le chat dort.", "The cat sleeps.")


def test_length_ratio():
    reason = codes("Une phrase assez longue pour être mesurée correctement.", "Yes.")["length_ratio"]
    assert "shorter" in reason
    assert "longer" in codes("Une phrase courte ici.", "A sentence that runs on and on and on, far longer than its source ever was.")["length_ratio"]
    assert "length_ratio" not in codes("Une phrase assez longue pour être mesurée.", "A sentence long enough to be measured.")
    assert "length_ratio" not in codes("Oui.", "Yes, indeed.")  # too short to judge


def test_repetition():
    reason = codes("Le modèle est rapide.", "The model is is is is fast.")["repetition"]
    assert "“is”" in reason
    assert "repetition" in codes("Il part.", "He leaves the house and leaves the house and leaves the house.")
    assert "repetition" not in codes("Le modèle est très rapide.", "The model is very, very fast.")
    # a repetition the source has too is the author's
    assert "repetition" not in codes("Non, non, non et non.", "No, no, no and no.")


def test_markup_uncertain_passes_through_from_the_unit():
    flags = [{"code": "markup_uncertain", "reason": "the link could not be placed: kept at the sentence end"}]
    assert codes("Un [lien](https://a.org).", "A link [.](https://a.org)", unit_flags=flags)["markup_uncertain"].startswith("the link")
    assert "markup_uncertain" not in codes("Un [lien](https://a.org).", "A [link](https://a.org).")


def test_unaligned():
    assert "no counterpart in the target" in codes("Un paragraphe en trop.", "", pair_type="1-0")["unaligned"]
    assert "no counterpart in the source" in codes("", "An extra paragraph.", pair_type="0-1")["unaligned"]
    assert "unaligned" not in codes("Un paragraphe.", "A paragraph.", pair_type="1-1")
    assert "unaligned" not in codes("Deux. Paragraphes.", "Two paragraphs.", pair_type="2-1")


def test_entities_mismatch_with_french_ner():
    pytest.importorskip("fr_core_news_sm")
    reason = codes("Emma Strubell travaille au MIT avec Ananya Ganesh.", "She works at the institute with a colleague.")["entities_mismatch"]
    assert "Strubell" in reason
    assert "entities_mismatch" not in codes(
        "Emma Strubell travaille au MIT avec Ananya Ganesh.", "Emma Strubell works at MIT with Ananya Ganesh."
    )
    # a cognate is the same name: Europe / européennes
    assert "entities_mismatch" not in codes("Les lois européennes protègent les données.", "Data is protected by Europe's laws.")


def test_entities_mismatch_english_fallback_is_said_once(caplog):
    qa._ner.cache_clear()
    spacy_models._said.discard("en")
    with caplog.at_level(logging.INFO, logger="bitext"):
        reason = codes("The page links to GitHub and Netlify.", "La page renvoie vers un dépôt.", "en", "fr")["entities_mismatch"]
        codes("Deploys with Netlify.", "Déployé avec Netlify.", "en", "fr")
    assert "GitHub" in reason and "Netlify" in reason
    warnings = [r for r in caplog.records if "en_core_web_sm" in r.getMessage()]
    if warnings:  # en_core_web_sm is not installed here: the fallback is announced, once
        assert len(warnings) == 1 and "capitalised" in warnings[0].getMessage()
    assert "entities_mismatch" not in codes("The page links to GitHub and Netlify.", "La page renvoie vers GitHub et Netlify.", "en", "fr")
    # a capitalised word that starts a sentence, or that the document writes in lower case, is not a name
    vocab = qa.vocabulary(["the government of the day"])
    assert "entities_mismatch" not in codes("Government of Canada staff.", "Le personnel du Canada.", "en", "fr", src_vocab=vocab)


def test_flags_are_ordered_unique_and_readable():
    flags = check_pair(
        "Un **mot** en 2019.", "A word in 2020.", "fr", "en",
        unit_flags=[{"code": "numbers_mismatch", "reason": "dup"}, {"code": "markup_uncertain", "reason": "x"}],
    )
    got = [f["code"] for f in flags]
    assert got == ["numbers_mismatch", "markup_mismatch", "markup_uncertain"]
    assert all(f["reason"] and f["reason"][0].islower() for f in flags)

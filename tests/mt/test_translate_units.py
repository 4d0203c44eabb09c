"""The translate stage's care around inline codes, with fake translators written for the tests."""
from __future__ import annotations

from pipeline.config import load_config
from pipeline.markdown.extract import extract_text
from pipeline.markdown.inline import render_inline, scan_inline
from pipeline.markdown.render import fill_skeleton
from pipeline.mt.base import Translator
from pipeline.mt.guards import TranslationResult
from pipeline.mt.units import _keep_edge_whitespace, _never_empty, protected_texts, repair_boundaries


class FakeScriptedTranslator(Translator):
    """Known sentence -> known translation; anything else comes back unchanged. Counts calls."""

    name = "fake"
    model_id = "fake-scripted"

    def __init__(self, script: dict[str, str]):
        self.script = script
        self.model_calls = 0
        self.seen: list[str] = []

    def translate(self, batch: list[str]) -> list[str]:
        self.model_calls += len(batch)
        self.seen.extend(batch)
        return [self.script.get(s, s) for s in batch]

    def signature(self) -> dict[str, object]:
        return {"backend": self.name, "model": self.model_id}


def _translate(markdown: str, script: dict[str, str]):
    config = load_config()
    doc = extract_text(markdown, "a.fr.md", config, "fr")
    translator = FakeScriptedTranslator(script)
    translator.translate_units(doc.units, "fr", config)
    return doc, translator


def test_code_like_spans_and_urls_reach_the_model_as_placeholders():
    doc, translator = _translate("Lancez `pip install -e .` puis voyez https://ex.org/a :smile:\n", {})
    assert protected_texts(doc.units) == ["pip install -e .", "https://ex.org/a", ":smile:"]
    assert all("pip install" not in s and "https://" not in s for s in translator.seen)
    assert fill_skeleton(doc) == "Lancez `pip install -e .` puis voyez https://ex.org/a :smile:\n"


def test_a_plain_word_code_span_is_left_to_the_model():
    doc, translator = _translate("Le `process` démarre.\n", {})
    assert protected_texts(doc.units) == []
    assert any("process" in s for s in translator.seen)


def test_glued_emoji_and_url_get_their_boundary_back():
    text, codes = scan_inline("voir :smile: et https://ex.org/a ici")
    glued = "voir:smile: et https://ex.org/aici"
    for c in codes:  # the same codes over the glued text
        if c.kind == "emoji":
            c.start, c.end = 4, 11
        else:
            c.start, c.end = 15, 31
    fixed, fixed_codes = repair_boundaries(glued, codes)
    assert render_inline(fixed, fixed_codes) == "voir :smile: et https://ex.org/a ici"


def test_html_block_keeps_its_lines_and_the_tag_around_everything():
    source = '<div>\n<a class="btn" href="/docs/">\n  Learn More <i class="fas"></i>\n</a>\n</div>\n'
    doc, _ = _translate(source, {"Learn More": "En savoir plus"})
    out = fill_skeleton(doc)
    assert '<a class="btn" href="/docs/">\n' in out and "\n</a>\n" in out
    assert "En savoir plus" in out


def test_edge_whitespace_is_the_sources():
    assert _keep_edge_whitespace("\nLearn More\n", " En savoir plus ") == "\nEn savoir plus\n"
    assert _keep_edge_whitespace("Titre", "Title") == "Title"


def test_an_empty_model_output_keeps_the_source_and_flags_it():
    result = _never_empty("Un titre", TranslationResult(""))
    assert result.target == "Un titre" and result.flags[0]["code"] == "untranslated"
    assert _never_empty("2019", TranslationResult("")).target == ""  # nothing to translate there


def test_each_line_of_an_html_block_is_translated_on_its_own():
    source = "<p>\nPremière ligne\nDeuxième ligne\n</p>\n"
    doc, translator = _translate(source, {"Première ligne": "First line", "Deuxième ligne": "Second line"})
    assert "Première ligne" in translator.seen and "Deuxième ligne" in translator.seen
    assert fill_skeleton(doc) == "<p>\nFirst line\nSecond line\n</p>\n"


def test_a_translated_item_of_a_flow_list_keeps_the_front_matter_valid():
    """``:x`` is a plain YAML string alone but a syntax error inside ``[...]``: such an item is quoted."""
    import yaml

    doc, _ = _translate("---\ntags: [vie locale, été]\n---\n\nTexte.\n", {"vie locale": ":8080 local life", "été": "summer, hot"})
    front = fill_skeleton(doc).split("---")[1]
    assert yaml.safe_load(front)["tags"] == [":8080 local life", "summer, hot"]


def test_codes_the_placement_left_side_by_side_are_written_apart():
    """The model dropped the words between two code spans: both fall back to one place, and the
    written markup still holds two code spans, not ```js``scss``."""
    doc, _ = _translate("Les fichiers `js` `scss` compilés.\n", {"Les fichiers js scss compilés.": "Compiled files."})
    out = fill_skeleton(doc)
    assert scan_inline(out.strip())[1] and [c.open for c in scan_inline(out.strip())[1]] == ["`js`", "`scss`"], out


def test_emoji_reach_the_model_as_placeholders_even_glued_to_a_word():
    doc, translator = _translate("🚨Alerte au 🇮🇹 drapeau.\n", {})
    assert not any("🚨" in s or "🇮🇹" in s for s in translator.seen)  # placeholders, copied back by the fake
    assert fill_skeleton(doc) == "🚨Alerte au 🇮🇹 drapeau.\n"
    assert not doc.units[0].flags


def test_emoji_the_model_dropped_are_put_back_by_their_words_and_flagged():
    """The model loses the placeholders (and, translated again with the emoji in, the emoji):
    each comes back next to the word it stood by, and the unit says so."""

    class DropsEverythingButWords(FakeScriptedTranslator):
        def translate(self, batch):
            self.seen.extend(batch)
            return ["Alert in the Italian flag." for _ in batch]

    config = load_config()
    doc = extract_text("🚨 Alerte au drapeau 🇮🇹.\n", "a.fr.md", config, "fr")
    DropsEverythingButWords({}).translate_units(doc.units, "fr", config)
    unit = doc.units[0]
    assert unit.target.count("🚨") == 1 and unit.target.count("🇮🇹") == 1
    assert unit.target.startswith("🚨")  # before the first word, as in the source
    [flag] = [f for f in unit.flags if f["code"] == "characters_restored"]
    assert "🚨" in flag["reason"] and "🇮🇹" in flag["reason"]


def test_emoji_are_whole_graphemes():
    from pipeline.mt.unwritable import unwritable_spans

    text = "a 🇮🇹🇺🇸 b 👨‍👩‍👧 c 👍🏽 d ❤️ e 1️⃣ f ✓"
    found = [text[a:b] for a, b in unwritable_spans(text)]
    assert found == ["🇮🇹", "🇺🇸", "👨‍👩‍👧", "👍🏽", "❤️", "1️⃣"]

"""Decide by rendering: a translated unit is written so that it reads back as its codes.

Each case puts codes where a translation may leave them (side by side, glued to
words) or puts markup characters in the translated text, as a model may; the
result is judged by the project's scanner (``reread``) and, independently, by
markdown-it (the reader of tests/support/structure.py), counting code spans,
emphasis, links, tags and shortcodes.
"""
from __future__ import annotations

from dataclasses import replace

import pytest
from markdown_it import MarkdownIt

from pipeline.document import InlineCode
from pipeline.markdown.inline import render_inline, scan_inline
from pipeline.markdown.reparse import reading, reread, secure_markup

_MD = MarkdownIt("commonmark", {"html": True}).enable("strikethrough")


def _census(markup: str) -> dict[str, int]:
    """What markdown-it sees in one inline run (shortcodes: what Hugo sees first)."""
    counts: dict[str, int] = {"shortcodes": markup.count("{{<") + markup.count("{{%")}
    for tok in _MD.parseInline(markup)[0].children or []:
        if tok.type in ("code_inline", "em_open", "strong_open", "link_open", "html_inline", "s_open"):
            counts[tok.type] = counts.get(tok.type, 0) + 1
    return counts


def _secured(text: str, codes: list[InlineCode], **kw) -> tuple[str, list]:
    s = secure_markup(text, codes, **kw)
    assert reread(s.text, s.codes) == reading(s.text, s.codes), "reads back differently"
    return render_inline(s.text, s.codes), s.flags


def _codes_of(markup: str) -> list[InlineCode]:
    return scan_inline(markup)[1]


def _at(codes: list[InlineCode], *spans: tuple[int, int]) -> list[InlineCode]:
    """The codes moved to these target spans; a substitution moved to a point is inserted whole."""
    out = []
    for c, (s, e) in zip(codes, spans):
        out.append(replace(c, start=s, end=e, replaces_text=c.replaces_text and e > s))
    return out


def test_two_code_spans_at_one_place_stay_two():
    codes = _at(_codes_of("Les `js` `scss` ici"), (4, 4), (4, 4))  # both fell back to the same word boundary
    assert render_inline("Les ici", codes) == "Les `js``scss`ici"  # what was written before: one code span
    markup, flags = _secured("Les ici", codes)
    assert _census(markup)["code_inline"] == 2 and not flags
    assert "`js`" in markup and "`scss`" in markup


@pytest.mark.parametrize("first,second", [("`a`", "`bb`"), ("``a`b``", "`c`"), ("`x`", "``y``")])
def test_adjacent_code_spans_of_any_backtick_width(first, second):
    codes = _at(_codes_of(f"{first} {second}"), (2, 2), (2, 2))
    markup, flags = _secured("xyz", codes)
    assert _census(markup)["code_inline"] == 2 and not flags


def test_emphasis_runs_that_would_merge_or_not_close():
    bold, italic = _codes_of("**a** *b*")
    # italic then bold glued: "*a***b**" reads as one italic run with stars inside
    markup, flags = _secured("ab", [replace(italic, start=0, end=1), replace(bold, start=1, end=2)])
    assert _census(markup).get("em_open") == 1 and _census(markup).get("strong_open") == 1 and not flags
    # a closing ** after punctuation and before a letter does not close
    [bold] = _codes_of("**mot.** suite")
    markup, flags = _secured("mot.suite", [replace(bold, start=0, end=4)])
    assert _census(markup).get("strong_open") == 1 and not flags


def test_links_shortcodes_and_tags_side_by_side_need_nothing():
    markup = "[un](https://a.fr)[deux](https://b.fr) {{< hl >}}x{{< /hl >}}{{< icon >}} <b>a</b><i>b</i>"
    text, codes = scan_inline(markup)
    s = secure_markup(text, codes)
    assert render_inline(s.text, s.codes) == markup and not s.changes and not s.flags


def test_a_url_or_emoji_code_glued_to_a_word_gets_its_boundary():
    [url] = _codes_of("https://ex.org/a")
    markup, flags = _secured("https://ex.org/amot", [replace(url, start=0, end=16)])
    assert markup == "https://ex.org/a mot" and not flags
    [emoji] = _codes_of(":smile:")
    markup, flags = _secured("mot:smile:", [replace(emoji, start=3, end=10)])
    assert markup == "mot :smile:" and not flags


@pytest.mark.parametrize("model_text,what", [
    ("un `tick` ici", "code_inline"),
    ("du *gras* ici", "em_open"),
    ("un [lien](x.html) ici", "link_open"),
    ("une <b>balise</b> ici", "html_inline"),
    ("une ~~rature~~ ici", "s_open"),
])
def test_markup_written_by_the_model_stays_text(model_text, what):
    markup, flags = _secured(model_text, [])
    assert what not in _census(markup) and not flags
    assert scan_inline(markup)[0] == model_text  # the reader still sees the model's characters


def test_shortcode_openings_by_the_model_are_literal_even_unpaired():
    """Hugo pairs ``{{%`` here with a ``%}}`` in another paragraph: never leave one."""
    markup, _ = _secured("texte {{% notice", [])
    assert _census(markup)["shortcodes"] == 0 and "{{%" not in markup


def test_emoji_codes_and_web_addresses_by_the_model_are_neutralised():
    markup, _ = _secured("voir :smile: et https://invente.fr", [])
    assert ":smile:" not in markup and "https://" not in markup
    assert scan_inline(markup)[1] and all(c.kind in ("entity", "escape") for c in scan_inline(markup)[1])


def test_a_backslash_from_the_model_does_not_escape_the_next_code():
    [code] = _codes_of("`x`")
    markup, flags = _secured("fin\\x", [replace(code, start=4, end=5)])
    assert _census(markup)["code_inline"] == 1 and not flags


def test_text_of_an_html_block_is_made_literal_with_entities():
    markup, _ = _secured("un `tick` ici", [], html=True)
    assert "\\" not in markup and "&#96;" in markup


def test_already_right_units_are_not_touched():
    for markup in ["**Gras** et `code`, [lien](u).", "a * b et snake_case", "l'**article**", "Un `a`b"]:
        text, codes = scan_inline(markup)
        s = secure_markup(text, codes)
        assert render_inline(s.text, s.codes) == markup and not s.changes and not s.flags


def test_what_cannot_be_kept_is_flagged():
    [bold] = _codes_of("**a**")
    s = secure_markup("mot", [replace(bold, start=1, end=1)])  # an empty bold is no bold at all
    assert [f["code"] for f in s.flags] == ["markup_changed"]

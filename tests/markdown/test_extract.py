"""extract: what becomes a text unit, with which inline codes, and what stays skeleton.

One small input per feature of issue 2 §2 (front matter, CommonMark + GFM,
Hugo shortcodes, encodings), the sample article's "Must show" facts, and bad
input through the CLI. The skeleton is shown with ``{u1}``-style slots, so
each test reads as "this markup stays, this text is a unit".
"""
from __future__ import annotations

import copy
import json
import logging
from pathlib import Path

import pytest
from support.paths import SAMPLE

from pipeline.cli import main
from pipeline.config import load_config
from pipeline.document import Document
from pipeline.errors import BitextError
from pipeline.markdown.encoding import encode_article
from pipeline.markdown.extract import extract_file, extract_text
from pipeline.markdown.render import fill_skeleton

needs_sample = pytest.mark.skipif(not SAMPLE.exists(), reason=f"{SAMPLE} is absent (the shared corpus lives beside the repo)")


def extract(md: str, config: dict | None = None) -> Document:
    return extract_text(md, "test.md", config or load_config(), "fr")


def skeleton(doc: Document) -> str:
    """The skeleton with each slot shown as ``{uN}``, N the unit's place in the document (ids are content hashes)."""
    place = {u.id: n for n, u in enumerate(doc.units, 1)}
    return "".join(p if isinstance(p, str) else "{u" + str(place[p.unit_id]) + "}" for p in doc.skeleton)


def texts(doc: Document) -> list[str]:
    return [u.text for u in doc.units]


def codes(doc: Document, unit: int = 0) -> list[tuple[str, str, str]]:
    return [(c.kind, c.open, c.close) for c in doc.units[unit].codes]


# ------------------------------------------------------------------ the sample


@pytest.fixture(scope="module")
def sample() -> Document:
    return extract_file(SAMPLE, load_config())


@needs_sample
def test_sample_title_is_repaired(sample):
    [title] = [u for u in sample.units if u.context.get("key") == "title"]
    assert title.text == "Considérations énergétiques et politiques"


@needs_sample
def test_sample_emoji_are_restored(sample):
    """🚨 lost its first byte in the Mac Roman mojibake (``üö®``); ftfy still restores it."""
    everything = "\n".join(texts(sample))
    for emoji in ("🚨", "🇮🇹", "🇺🇸"):
        assert emoji in everything
    assert "üö" not in everything and "√" not in everything
    assert any(u.text.startswith("🚨 Le 5 juin 2019") for u in sample.units)


@needs_sample
def test_sample_mojibake_repair_is_recorded(sample):
    repair = sample.encoding.mojibake
    assert repair["repaired"] is True
    assert 2 in repair["lines"]  # the title line
    assert any("macroman" in "".join(step).replace("_", "") for step in repair["steps"])


@needs_sample
def test_sample_hl_span_callouts_captions_links(sample):
    [hl] = [u for u in sample.units if any(c.open == "{{<hl>}}" for c in u.codes)]
    code = next(c for c in hl.codes if c.open == "{{<hl>}}")
    assert code.close == "{{</hl>}}"
    assert hl.text[code.start : code.end].startswith("Comme son homologue")
    # the callout bodies are ordinary paragraph units
    callouts = [u for u in sample.units if u.text.startswith(("Le lendemain de l'alerte", "Février 2023"))]
    assert [u.kind for u in callouts] == ["paragraph", "paragraph"]
    # figure captions are units; src and numbered are not
    captions = [u for u in sample.units if u.kind == "shortcode_param"]
    assert captions and all(u.context["shortcode"] == "figure" and u.context["param"] == "caption" for u in captions)
    assert "MIT Technology Review, juin 2019." in [u.text for u in captions]
    sk = skeleton(sample)
    assert 'src="desinfo/2019-06 MIT.jpg"' in sk and 'numbered="true"' in sk
    assert not any("desinfo/" in t or t == "true" for t in texts(sample))
    # link texts are in the units, the URLs in the codes
    [strubell] = [u for u in sample.units if u.text.startswith("🚨")]
    link = next(c for c in strubell.codes if c.kind == "link")
    assert strubell.text[link.start : link.end] == "Energy and Policy Considerations for Deep Learning in NLP"
    assert link.close == "](https://arxiv.org/abs/1906.02243)"
    assert not any("https://" in t for t in texts(sample))


# ------------------------------------------------------------------ front matter


def test_yaml_front_matter_keys_and_quoting():
    doc = extract(
        "---\ntitle: Plain title\nsubtitle: 'Single'\ndescription: \"Double\"\nslug: keep-me\n"
        "tags:\n  - un\n  - 'deux'\ncategories: [a, \"b\"]\nsummary: >-\n  Folded block\n  on two lines.\n---\n\nBody.\n"
    )
    fm = [u for u in doc.units if u.kind == "front_matter"]
    assert [(u.context["key"], u.text) for u in fm] == [
        ("title", "Plain title"),
        ("subtitle", "Single"),
        ("description", "Double"),
        ("tags[0]", "un"),
        ("tags[1]", "deux"),
        ("categories[0]", "a"),
        ("categories[1]", "b"),
        ("summary", "Folded block on two lines."),
    ]
    sk = skeleton(doc)
    assert "slug: keep-me" in sk
    assert "subtitle: '{u2}'" in sk and 'description: "{u3}"' in sk  # the quotes are skeleton
    assert "summary: >-\n  {u8}\n" in sk


def test_translated_values_keep_their_quoting_style():
    """A translation with a quote or a colon in it must leave the front matter valid YAML."""
    import yaml

    doc = extract("---\ntitle: Plain\nsubtitle: 'Single'\ndescription: \"Double\"\ntags: [a, b]\n---\n")
    new = {"title": "Avec : deux-points", "subtitle": "l'apostrophe", "description": 'des "guillemets"', "tags[0]": "x, y"}
    for u in doc.units:
        u.target, u.target_codes = new.get(u.context["key"], u.text + "!"), []
    out = fill_skeleton(doc)
    data = yaml.safe_load(out.split("---")[1])
    assert data == {"title": "Avec : deux-points", "subtitle": "l'apostrophe", "description": 'des "guillemets"', "tags": ["x, y", "b!"]}
    assert "subtitle: 'l''apostrophe'" in out


def test_block_scalar_keeps_its_indentation():
    import yaml

    doc = extract("---\ndescription: |\n    Line one\n    Line two\nweight: 2\n---\n")
    [u] = doc.units
    u.target, u.target_codes = "Ligne un\nLigne deux", []
    out = fill_skeleton(doc)
    assert out == "---\ndescription: |\n    Ligne un\n    Ligne deux\nweight: 2\n---\n"
    assert yaml.safe_load(out.split("---")[1])["description"] == "Ligne un\nLigne deux\n"


def test_toml_front_matter():
    doc = extract(
        '+++\ntitle = "Titre"\ndescription = \'Littéral\'\ntags = ["a", \'b\']\nweight = 3\n[params]\nsubtitle = "Sous-titre"\n+++\n\nCorps.\n'
    )
    assert [(u.context["key"], u.text) for u in doc.units if u.kind == "front_matter"] == [
        ("title", "Titre"),
        ("description", "Littéral"),
        ("tags[0]", "a"),
        ("tags[1]", "b"),
    ]
    assert "weight = 3" in skeleton(doc) and 'subtitle = "Sous-titre"' in skeleton(doc)


def test_nested_front_matter_keys_by_dotted_path():
    """``params.subtitle`` is translated only when the config names it (YAML and TOML)."""
    cfg = load_config()
    yaml_md = "---\nparams:\n  subtitle: Sous-titre\n  author: Claire\n---\n"
    toml_md = '+++\n[params]\nsubtitle = "Sous-titre"\nauthor = "Claire"\n+++\n'
    assert texts(extract(yaml_md, cfg)) == [] and texts(extract(toml_md, cfg)) == []
    cfg = copy.deepcopy(cfg)
    cfg["extract"]["front_matter_keys"].append("params.subtitle")
    for md in (yaml_md, toml_md):
        doc = extract(md, cfg)
        assert [(u.context["key"], u.text) for u in doc.units] == [("params.subtitle", "Sous-titre")]


def test_json_front_matter_is_kept_verbatim():
    md = '{\n  "title": "JSON",\n  "tags": ["a"]\n}\n\nBody text.\n'
    doc = extract(md)
    assert skeleton(doc) == '{\n  "title": "JSON",\n  "tags": ["a"]\n}\n\n{u1}\n'
    assert texts(doc) == ["Body text."]


def test_front_matter_only_and_no_front_matter():
    assert texts(extract("---\ntitle: Seul\n---\n")) == ["Seul"]
    assert texts(extract("---\ntitle: Seul\n---")) == ["Seul"]
    doc = extract("Just text.\n")
    assert doc.front_matter is None and texts(doc) == ["Just text."]


# ------------------------------------------------------------------ markdown blocks


def test_headings_atx_setext_and_ids():
    doc = extract("## Title ##\n\n# Other {#custom-id}\n\nSetext\n======\n\nSub\n---\n")
    assert skeleton(doc) == "## {u1} ##\n\n# {u2} {#custom-id}\n\n{u3}\n======\n\n{u4}\n---\n"
    assert [(u.kind, u.context["level"]) for u in doc.units] == [("heading", 2), ("heading", 1), ("heading", 1), ("heading", 2)]


def test_hard_wrapped_paragraph_is_one_unit():
    doc = extract("A paragraph wrapped\nover three\nlines.\n\nNext.\n")
    assert texts(doc) == ["A paragraph wrapped\nover three\nlines.", "Next."]
    assert doc.units[0].layout.wrap_width == 19


def test_lists_nested_ordered_and_tasks():
    doc = extract("1. one\n2. two\n   - nested *a*\n\n- [x] done\n- [ ] todo\n")
    assert skeleton(doc) == "1. {u1}\n2. {u2}\n   - {u3}\n\n- [x] {u4}\n- [ ] {u5}\n"
    assert {u.kind for u in doc.units} == {"list_item"}
    assert doc.units[2].context["container"] == "list_item/list_item"


def test_blockquote_with_a_list():
    doc = extract("> Quote\n> on two lines.\n>\n> - item one\n> - item two\n")
    assert skeleton(doc) == "> {u1}\n>\n> - {u2}\n> - {u3}\n"
    assert texts(doc) == ["Quote\non two lines.", "item one", "item two"]
    assert doc.units[0].layout.line_prefixes == ["\n> "]


def test_table_cells_with_code_links_and_shortcodes():
    doc = extract('| A | `b` c |\n|---|--:|\n| [l](http://x) | {{< icon "x" >}} cell |\n| `only code` | https://x.org |\n')
    assert skeleton(doc) == "| {u1} | {u2} |\n|---|--:|\n| {u3} | {u4} |\n| `only code` | https://x.org |\n"
    assert [u.kind for u in doc.units] == ["table_cell"] * 4
    assert codes(doc, 1) == [("code", "`b`", "")]
    assert codes(doc, 2) == [("link", "[", "](http://x)")]
    assert codes(doc, 3) == [("shortcode", '{{< icon "x" >}}', "")]


def test_nothing_to_translate_stays_skeleton():
    """A run holding only code, a URL, an emoji code or a shortcut link is not a unit."""
    md = "`kubectl apply`\n\nhttps://example.com\n\n- :smile:\n- [docs]\n\n[docs]: /docs\n"
    doc = extract(md)
    assert texts(doc) == [] and skeleton(doc) == md


def test_table_without_leading_pipes():
    doc = extract("Name | Value\n--- | ---\n`port` | the *default*\n")
    assert skeleton(doc) == "{u1} | {u2}\n--- | ---\n`port` | {u3}\n"


def test_code_is_never_a_unit():
    md = "```go\nfmt.Println(\"hi\")\n```\n\n~~~\ntilde fence\n~~~\n\n    indented code\n\n- item\n\n  ```\n  in a list\n  ```\n"
    doc = extract(md)
    assert texts(doc) == ["item"]
    assert skeleton(doc).replace("{u1}", "item") == md


def test_inline_codes_of_a_paragraph():
    doc = extract("a **b** _c_ ~~d~~ `e` [f](http://g \"t\") ![h](i.png) <http://k> http://l.com &amp; \\* x  \ny\n")
    assert doc.units[0].text == "a b c d e f h  http://l.com & * x\ny"
    assert codes(doc) == [
        ("bold", "**", "**"),
        ("italic", "_", "_"),
        ("strike", "~~", "~~"),
        ("code", "`e`", ""),
        ("link", "[", '](http://g "t")'),
        ("image", "![", "](i.png)"),
        ("autolink", "<http://k>", ""),
        ("url", "http://l.com", ""),
        ("entity", "&amp;", ""),
        ("escape", "\\*", ""),
        ("hardbreak", "  ", ""),
    ]


def test_entities_and_backslash_hard_break():
    doc = extract("L&#8217;été,&nbsp;ici\\\nla suite.\n")
    assert doc.units[0].text == "L’été,\xa0ici\nla suite."
    assert [c.kind for c in doc.units[0].codes] == ["entity", "entity", "hardbreak"]


def test_reference_links_and_definitions():
    md = "[full][r] and [r] and [r][] here.\n\n[r]: https://example.com \"Title\"\n[next]:\n  https://example.com/next\n"
    doc = extract(md)
    assert skeleton(doc) == "{u1}\n\n[r]: https://example.com \"Title\"\n[next]:\n  https://example.com/next\n"
    assert codes(doc) == [("link", "[", "][r]"), ("reflink", "[r]", ""), ("reflink", "[r][]", "")]
    # a shortcut link's text is its label: it must not be translated, it stands for its words
    assert all(c.replaces_text for c in doc.units[0].codes if c.kind == "reflink")


def test_html_blocks_comments_and_inline_tags():
    doc = extract('Intro.\n\n<!--more-->\n\n<div class="x">\n<p>Para <b>bold</b></p>\n</div>\n\n<div>\n\n**Markdown** inside.\n\n</div>\n')
    assert skeleton(doc) == 'Intro.\n\n<!--more-->\n\n<div class="x">\n<p>{u2}</p>\n</div>\n\n<div>\n\n{u3}\n\n</div>\n'.replace("Intro.", "{u1}")
    assert codes(doc, 1) == [("html", "<b>", "</b>")]
    assert codes(doc, 2) == [("bold", "**", "**")]


def test_footnotes():
    doc = extract("Text[^1] and more[^n].\n\n[^1]: First note.\n[^n]: Second note.\n")
    assert skeleton(doc) == "{u1}\n\n[^1]: {u2}\n[^n]: {u3}\n"
    assert [c.kind for c in doc.units[0].codes] == ["footnote", "footnote"]


def test_table_interrupts_a_paragraph_and_rows_need_no_pipe():
    """GFM: a header row + delimiter row ends the paragraph above; rows go on to a blank line."""
    doc = extract("Intro line.\n| a | b |\n|---|---|\n| 1 | 2 |\nlazy row\n\nAfter.\n")
    assert skeleton(doc) == "{u1}\n| {u2} | {u3} |\n|---|---|\n| {u4} | {u5} |\n{u6}\n\n{u7}\n"
    assert [u.kind for u in doc.units] == ["paragraph"] + ["table_cell"] * 5 + ["paragraph"]


def test_reference_definition_inside_a_list_counts():
    doc = extract("- see [docs]\n- [docs]: https://example.com/docs\n")
    assert codes(doc) == [("reflink", "[docs]", "")]
    assert len(doc.units) == 1


def test_task_item_starts_with_a_paragraph():
    """``- [ ] ~~~`` is text in GFM: the box is read inside the item's first paragraph."""
    doc = extract("- [ ] ~~~ not a fence\n- [x] # not a heading\n")
    assert [(u.kind, u.text) for u in doc.units] == [("list_item", "~~~ not a fence"), ("list_item", "# not a heading")]


def test_lazy_lines_only_continue_a_paragraph():
    """After a fence or an HTML block in a quote, an unmarked line is not part of the quote."""
    doc = extract("> ```\n> code\n> ```\n    indented code\n\n> <div>\n> x\n    also code\n")
    assert [u.text for u in doc.units] == ["x"]
    assert "    indented code\n" in skeleton(doc) and "    also code\n" in skeleton(doc)


def test_html_block_ends_at_a_shortcode_line_and_keeps_quote_prefixes():
    doc = extract('{{< tab >}}\n<div class="x">\n<p>Inside</p>\n</div>\n{{< /tab >}}\nAfter the tab.\n\n> <p>One\n> two</p>\n')
    assert texts(doc) == ["Inside", "After the tab.", "One\ntwo"]
    assert doc.units[2].layout.line_prefixes == ["\n> "]


def test_blockquote_alert_marker_is_skeleton():
    """``> [!NOTE]`` (Hugo blockquote alerts): the marker stays, the title is its own unit."""
    doc = extract("> [!NOTE]\n> Body text.\n\n> [!WARNING]+ Custom title\n> More body.\n")
    assert skeleton(doc) == "> [!NOTE]\n> {u1}\n\n> [!WARNING]+ {u2}\n> {u3}\n"
    assert [u.kind for u in doc.units] == ["paragraph", "alert_title", "paragraph"]


def test_emoji_codes_attributes_and_math_are_kept():
    doc = extract("I :heart: Hugo :+1:.\n\n## Title {id=\"x\" class=\"y\"}\n\nPara.\n{.note}\n\n$$\nx^2\n$$\n")
    assert skeleton(doc) == "{u1}\n\n## {u2} {id=\"x\" class=\"y\"}\n\n{u3}\n{.note}\n\n$$\nx^2\n$$\n"
    assert [(c.kind, c.open) for c in doc.units[0].codes] == [("emoji", ":heart:"), ("emoji", ":+1:")]


# ------------------------------------------------------------------ shortcodes


def test_self_closing_shortcode_prose_params():
    doc = extract('{{< figure src="a.png" caption="Cap" alt="Alt" class="wide" />}}\n')
    assert skeleton(doc) == '{{< figure src="a.png" caption="{u1}" alt="{u2}" class="wide" />}}\n'
    assert [(u.kind, u.context["param"]) for u in doc.units] == [("shortcode_param", "caption"), ("shortcode_param", "alt")]


def test_paired_shortcode_body_is_markdown():
    doc = extract("{{< callout warning >}}\nBody *x*.\n\n- item\n{{< /callout >}}\n\n{{% notice tip \"Title\" %}}\nN.\n{{% /notice %}}\n")
    assert skeleton(doc) == '{{< callout warning >}}\n{u1}\n\n- {u2}\n{{< /callout >}}\n\n{{% notice tip "{u3}" %}}\n{u4}\n{{% /notice %}}\n'


def test_inline_shortcode_in_a_sentence():
    doc = extract("A {{<hl>}}highlighted **part**{{</hl>}} and {{< kbd \"Ctrl\" >}}.\n")
    assert texts(doc) == ["A highlighted part and ."]
    assert codes(doc) == [("shortcode", "{{<hl>}}", "{{</hl>}}"), ("bold", "**", "**"), ("shortcode", '{{< kbd "Ctrl" >}}', "")]


def test_nested_shortcodes_tabpane_tab():
    doc = extract('{{< tabpane text=true >}}\n{{% tab header="Linux" lang="sh" %}}\nOn Linux.\n{{% /tab %}}\n{{< /tabpane >}}\n')
    assert skeleton(doc) == '{{< tabpane text=true >}}\n{{% tab header="{u1}" lang="sh" %}}\n{u2}\n{{% /tab %}}\n{{< /tabpane >}}\n'


def test_named_positional_quoted_and_backtick_params():
    doc = extract('{{< gallery caption=`Say "hi"` columns=3 >}}\n\n{{< button "Download" href="/f" >}}\n\n{{< x "pos" key=bare >}}\n')
    assert skeleton(doc) == '{{< gallery caption=`{u1}` columns=3 >}}\n\n{{< button "{u2}" href="/f" >}}\n\n{{< x "pos" key=bare >}}\n'
    assert texts(doc) == ['Say "hi"', "Download"]


def test_a_named_param_is_not_a_position():
    """``button: [0]`` names the first *positional* parameter, not the first named one."""
    doc = extract('{{< button href="#top" target="_self" >}}\n')
    assert texts(doc) == []


def test_shortcode_inside_a_link_url():
    doc = extract('See [the guide]({{< relref "guide.md#setup" >}}) now.\n')
    assert texts(doc) == ["See the guide now."]
    assert codes(doc) == [("link", "[", ']({{< relref "guide.md#setup" >}})')]


def test_escaped_shortcodes_are_kept_verbatim():
    doc = extract('Write `{{</* relref "x" */>}}` or {{%/* notice */%}} in docs.\n\n{{</* figure src="e" */>}}\n')
    assert skeleton(doc).endswith('\n\n{{</* figure src="e" */>}}\n')
    assert ("shortcode", "{{%/* notice */%}}", "") in codes(doc)


def test_code_shortcodes_keep_their_body():
    doc = extract('{{< highlight go "linenos=table" >}}\nfunc main() {}\n{{< /highlight >}}\n\nInline {{< katex >}}\\pi(x){{< /katex >}} math.\n')
    assert texts(doc) == ["Inline  math."]
    assert codes(doc, 0) == [("shortcode", "{{< katex >}}\\pi(x){{< /katex >}}", "")]


def test_shortcode_spanning_lines():
    doc = extract('{{< figure\n    src="/a.png"\n    caption="A caption" >}}\n\nAfter.\n')
    assert skeleton(doc) == '{{< figure\n    src="/a.png"\n    caption="{u1}" >}}\n\n{u2}\n'


# ------------------------------------------------------------------ encodings


def _roundtrip(path: Path) -> bytes:
    doc = extract_file(path, load_config())
    return encode_article(fill_skeleton(doc), doc.encoding)


@pytest.mark.parametrize(
    "data",
    [
        b"---\r\ntitle: CRLF\r\n---\r\n\r\nLine one\r\nline two.\r\n",
        b"\xef\xbb\xbf---\ntitle: BOM\n---\n\nText.\n",
        b"---\ntitle: x\n---\n\nNo final newline",
        b"---\r\ntitle: mixed\r\n---\n\nOne\r\ntwo\n",
    ],
    ids=["crlf", "bom", "no-final-newline", "mixed-line-ends"],
)
def test_line_ends_bom_and_final_newline_are_kept(tmp_path, data):
    path = tmp_path / "a.fr.md"
    path.write_bytes(data)
    assert _roundtrip(path) == data
    assert extract_file(path, load_config()).front_matter == "yaml"


def test_crlf_article_units_have_no_carriage_returns(tmp_path):
    path = tmp_path / "a.fr.md"
    path.write_bytes(b"---\r\ntitle: CRLF\r\n---\r\n\r\nLine one\r\nline two.\r\n")
    doc = extract_file(path, load_config())
    assert texts(doc) == ["CRLF", "Line one\nline two."]
    assert doc.encoding.newline == "\r\n"


def test_windows_1252_file_is_decoded_with_a_warning(tmp_path, caplog):
    path = tmp_path / "ancien.fr.md"
    path.write_bytes("---\ntitle: Été à Noël\n---\n\nCafé « crème » – 5 €.\n".encode("cp1252"))
    with caplog.at_level(logging.WARNING, logger="bitext"):
        doc = extract_file(path, load_config())
    assert texts(doc) == ["Été à Noël", "Café « crème » – 5 €."]
    assert doc.encoding.decoded_as == "windows-1252"
    assert any("Windows-1252" in r.getMessage() for r in caplog.records)
    assert "ancien.fr.md:2" in caplog.text


def test_mojibake_is_repaired_and_recorded(tmp_path):
    path = tmp_path / "m.fr.md"
    path.write_text("---\ntitle: Le marchÃ© de nuit\n---\n\nÃ‰tÃ© comme hiver.\n", encoding="utf-8")
    doc = extract_file(path, load_config())
    assert texts(doc) == ["Le marché de nuit", "Été comme hiver."]
    assert doc.encoding.mojibake["lines"] == [2, 5]


def test_clean_curly_quotes_and_ligatures_stay_as_written(tmp_path):
    """fix_encoding only: the author's typography is not "normalised"."""
    text = "---\ntitle: « L’œuvre » ﬁnale\n---\n\nＷｉｄｅ and “curly”.\n"
    path = tmp_path / "t.fr.md"
    path.write_text(text, encoding="utf-8")
    assert _roundtrip(path).decode("utf-8") == text


# ------------------------------------------------------------------ bad input through the CLI


BAD = {
    "empty": (b"", "is empty"),
    "binary": (bytes(range(256)) * 4, "binary"),
    "broken-yaml": (b"---\ntitle: \"unclosed\nfoo: [\n---\n\nText.\n", "not valid YAML"),
    "broken-toml": (b"+++\ntitle = \n+++\n\nText.\n", "not valid TOML"),
    "unclosed-shortcode": (b"---\ntitle: x\n---\n\nIntro.\n\n{{< callout >}}\nNever closed.\n", "never closed"),
    "stray-closing": (b"Text.\n\n{{< /notice >}}\n", "no opening tag"),
}


from support.runs import _without_align  # noqa: E402,F401 (fixture: bad input fails before align anyway)


def _run_bad(tmp_path: Path, name: str, extra: list[str]) -> tuple[int, list[str], Path, Path]:
    src = tmp_path / f"{name}.fr.md"
    if name != "missing":
        src.write_bytes(BAD[name][0])
    out = tmp_path / "out"
    config = tmp_path / "fast.yaml"
    config.write_text("energy:\n  enabled: false\n", encoding="utf-8")
    return src, out, ["run", str(src), "--to", "en", "--backend", "identity", "--out", str(out), "--config", str(config), *extra]


@pytest.mark.parametrize("name", [*BAD, "missing"])
def test_bad_input_exits_2_with_one_line(tmp_path, capsys, name):
    src, out, args = _run_bad(tmp_path, name, ["--quiet"])
    assert main(args) == 2
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert str(src) in lines[0] and "Traceback" not in err
    if name != "missing":
        assert BAD[name][1] in lines[0]
    if name in ("broken-yaml", "unclosed-shortcode", "stray-closing"):
        assert f"{src}:" in lines[0] and lines[0].split(f"{src}:")[1].split(":")[0].isdigit(), "line number"
    assert not list(out.rglob("*.md")) if out.exists() else True


@pytest.mark.parametrize("name", ["empty", "broken-yaml"])
def test_bad_input_error_line_comes_first_without_quiet(tmp_path, capsys, name):
    src, out, args = _run_bad(tmp_path, name, [])
    assert main(args) == 2
    lines = capsys.readouterr().err.splitlines()
    assert str(src) in lines[0] and BAD[name][1] in lines[0]
    assert sum(BAD[name][1] in line for line in lines) == 1
    assert not list(out.rglob("*.md"))


def test_bad_input_single_line_without_quiet(tmp_path, capsys):
    _, _, args = _run_bad(tmp_path, "empty", [])
    assert main(args) == 2
    assert len(capsys.readouterr().err.splitlines()) == 1


def test_extract_command_on_bad_input(tmp_path, capsys):
    src = tmp_path / "b.fr.md"
    src.write_bytes(BAD["broken-yaml"][0])
    assert main(["extract", str(src)]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and f"{src}:" in err


def test_extract_command_prints_the_document(tmp_path, capsys):
    src = tmp_path / "ok.fr.md"
    src.write_text("---\ntitle: Titre\n---\n\nTexte.\n", encoding="utf-8")
    assert main(["extract", str(src)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [u["text"] for u in doc["units"]] == ["Titre", "Texte."]


def test_errors_are_bitext_errors():
    with pytest.raises(BitextError, match="never closed"):
        extract("{{< callout >}}\nOpen.\n")


_SHORTCODE_FRONT = "---\ntitle: Un titre\ndate: 2024-01-01\ntags: [a, b]\nauthor: x\n---\n\n"


@pytest.mark.parametrize(
    "body, line, words",
    [
        ('Premier.\n\nDeuxième.\n\n{{< figure src="a.png" caption="Une légende >}}\n\nFin.\n', 12, "unterminated quoted parameter"),
        ('Premier.\n\n{{< figure src="a.png"\n\nFin.\n', 10, "is not closed: end it with '>}}'"),
        ('Premier.\n\n{{< figure src="a.png" caption="x"\n\nSuite.\n\n{{< callout >}}\nDedans.\n{{< /callout >}}\n',
         10, "is not closed: end it with '>}}'"),
    ],
    ids=["unterminated-quote", "unclosed-at-the-end", "unclosed-before-the-next"],
)
def test_shortcode_errors_name_the_line_of_the_file(tmp_path, capsys, body, line, words):
    """Issue 14, item 6: lines were counted from the start of the body, and an unclosed tag was called a quote."""
    src = tmp_path / "bad.fr.md"
    src.write_text(_SHORTCODE_FRONT + body, encoding="utf-8")
    code = main(["run", str(src), "--to", "en", "--backend", "identity", "--out", str(tmp_path / "out"), "--quiet"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "\n" not in err, err
    assert err.startswith(f"bitext: {src}:{line}: shortcode 'figure' "), err
    assert words in err, err


@pytest.mark.parametrize("codec, bom", [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"),
                                         ("utf-32-le", b"\xff\xfe\x00\x00"), ("utf-32-be", b"\x00\x00\xfe\xff")])
def test_utf16_and_utf32_articles_are_read_and_their_translation_written_in_utf8(tmp_path, codec, bom):
    """Issue 14, item 7: a UTF-16 file with a BOM was refused as binary."""
    text = "---\r\ntitle: Été à Noël\r\n---\r\n\r\nCafé « crème » – 5 € et 🚲.\r\n"
    src = tmp_path / "a.fr.md"
    src.write_bytes(bom + text.encode(codec))
    doc = extract_file(src, load_config())
    assert texts(doc) == ["Été à Noël", "Café « crème » – 5 € et 🚲."]
    assert doc.encoding.decoded_as == codec and doc.encoding.warnings
    out = tmp_path / "out"
    assert main(["run", str(src), "--to", "en", "--backend", "identity", "--out", str(out), "--quiet"]) == 0
    assert (out / "a.en.md").read_bytes() == text.encode("utf-8")  # the same text, in UTF-8, CRLF kept
    entry = json.loads((out / "run.json").read_text(encoding="utf-8"))["articles"][0]
    assert entry["decoded_as"] == codec


def test_utf16_source_keeps_its_encoding_when_in_place_adds_its_translation_key(tmp_path, tiny_marian_dir):
    site = tmp_path / "site"
    site.mkdir()
    src = site / "a.fr.md"
    src.write_bytes(b"\xff\xfe" + "---\ntitle: Été\n---\n\nUn paragraphe.\n".encode("utf-16-le"))
    assert main(["run", str(site), "--to", "en", "--model", str(tiny_marian_dir), "--in-place", "--quiet",
                 "--out", str(tmp_path / "out")]) == 0
    data = src.read_bytes()
    assert data.startswith(b"\xff\xfe") and 'translationKey: "a"' in data[2:].decode("utf-16-le")
    assert "translationKey" in (site / "a.en.md").read_text(encoding="utf-8")

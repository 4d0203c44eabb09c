"""TMX 1.4b export: header, one <tu> per pair, inline markup as tags, and every text back exactly."""
from __future__ import annotations

import pytest
from lxml import etree
from support.paths import SHARED

from pipeline import __version__
from pipeline.config import load_config
from pipeline.formats.tmx import XML_LANG, read_tmx, seg_text, write_tmx
from pipeline.markdown.extract import extract_file
from pipeline.markdown.inline import render_inline
from pipeline.pairs import Pair

REAL = SHARED

TRICKY = [
    "Plain text with < and > and & and \"quotes\".",
    "Un **gras** et *italique* et [un lien](https://a.org/?q=1&b=2 \"titre\").",
    "{{< hl >}}Surligné{{< /hl >}} puis {{< relref \"docs/x.md\" >}} et {{% notice %}}.",
    "Du `code <b>` et &mdash; une entité, \\*échappé\\*, <br> et <span class=\"x\">html</span>.",
    "![Une image](img/a.png) et <https://example.org> et https://bare.example.org/path.",
    "***gras italique*** et **[lien gras](https://a.org)** et [**gras** dans un lien](https://b.org)",
    "Ligne une  \nligne deux\\\net trois",
    "",
]


def _pair(n, src, tgt, **kw):
    base = dict(
        id=f"a.fr.md#{n}", article="a.fr.md", kind="paragraph", heading_path=["Titre", "Sous-titre"], src=src, tgt=tgt,
        src_lines=[n, n + 1], tgt_lines=[n, n], type="1-1", score=0.75,
        flags=[{"code": "numbers_mismatch", "reason": "numbers differ; in the source only: 3"}],
        unit_ids=[f"u{n}"], target_unit_ids=[f"u{n}"], status="pending", note="", src_lang="fr", tgt_lang="en",
    )
    base.update(kw)
    return Pair(**base)


def test_header_and_structure(tmp_path):
    path = tmp_path / "pairs.tmx"
    pairs = [_pair(1, "Bonjour", "Hello", note="vérifier le ton"), _pair(2, "Seul", "", type="1-0", tgt_lines=None)]
    write_tmx(path, pairs, "fr", "en", segtype="sentence")
    root = etree.parse(str(path)).getroot()
    assert root.tag == "tmx" and root.get("version") == "1.4"
    header = root.find("header")
    for attr, value in {
        "creationtool": "bitext", "creationtoolversion": __version__, "segtype": "sentence",
        "adminlang": "en", "srclang": "fr", "datatype": "plaintext",
    }.items():
        assert header.get(attr) == value
    assert header.get("o-tmf")
    tus = root.findall("body/tu")
    assert [tu.get("tuid") for tu in tus] == ["a.fr.md#1", "a.fr.md#2"]
    first = tus[0]
    assert [t.get(XML_LANG) for t in first.findall("tuv")] == ["fr", "en"]
    props = {p.get("type"): p.text for p in first.findall("prop")}
    assert props["x-status"] == "pending" and props["x-type"] == "1-1" and props["x-src-lines"] == "1-2"
    assert first.find("prop[@type='x-flag']").text.startswith("numbers_mismatch: numbers differ")
    assert first.find("note").text == "vérifier le ton"
    assert [t.get(XML_LANG) for t in tus[1].findall("tuv")] == ["fr"]  # a 1-0 pair: no target <tuv>
    # TMX element order: note/prop before tuv
    tags = [c.tag for c in first]
    assert tags.index("tuv") > max(i for i, t in enumerate(tags) if t in ("prop", "note"))


def test_inline_markup_becomes_tags_and_round_trips(tmp_path):
    path = tmp_path / "pairs.tmx"
    pairs = [_pair(n, src, src[::-1]) for n, src in enumerate(TRICKY, start=1)]
    write_tmx(path, pairs, "fr", "en")
    back = read_tmx(path)
    assert [(p.id, p.src, p.tgt) for p in back] == [(p.id, p.src, p.tgt) for p in pairs]
    assert [(p.src_lines, p.tgt_lines, p.flags, p.heading_path, p.unit_ids, p.score, p.type, p.status) for p in back] == [
        (p.src_lines, p.tgt_lines, p.flags, p.heading_path, p.unit_ids, p.score, p.type, p.status) for p in pairs
    ]
    root = etree.parse(str(path)).getroot()
    seg = root.findall("body/tu")[1].find("tuv/seg")
    kinds = [(c.tag, c.get("type")) for c in seg]
    assert ("bpt", "bold") in kinds and ("ept", None) in kinds and ("bpt", "link") in kinds
    # every bpt has its ept in the same seg
    for seg in root.iter("seg"):
        opened = sorted(c.get("i") for c in seg if c.tag == "bpt")
        closed = sorted(c.get("i") for c in seg if c.tag == "ept")
        assert opened == closed
    shortcode_seg = root.findall("body/tu")[2].find("tuv/seg")
    assert any(c.tag == "bpt" and c.text == "{{< hl >}}" for c in shortcode_seg)


def test_control_characters_cannot_go_into_xml(tmp_path):
    path = tmp_path / "pairs.tmx"
    write_tmx(path, [_pair(1, "bell\x07here", "ok")], "fr", "en")
    assert read_tmx(path)[0].src == "bell\ufffdhere"


def test_write_is_atomic_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "pairs.tmx"
    write_tmx(path, [_pair(1, "a", "b")], "fr", "en")
    write_tmx(path, [_pair(1, "c", "d"), _pair(2, "e", "f")], "fr", "en")
    assert [p.src for p in read_tmx(path)] == ["c", "e"]
    assert [p.name for p in tmp_path.iterdir()] == ["pairs.tmx"]


@pytest.mark.skipif(not (REAL / "real").is_dir(), reason="shared corpus not here")
def test_every_unit_of_the_real_articles_round_trips(tmp_path):
    cfg = load_config()
    pairs = []
    for path in sorted((REAL / "real").glob("*/*.md")) + [REAL / "considerations-energetiques.fr.md"]:
        for u in extract_file(path, cfg).units:
            markup = render_inline(u.text, u.codes)
            pairs.append(_pair(len(pairs) + 1, markup, markup))
    write_tmx(tmp_path / "all.tmx", pairs, "fr", "en")
    back = read_tmx(tmp_path / "all.tmx")
    assert [p.src for p in back] == [p.src for p in pairs]
    assert [p.tgt for p in back] == [p.tgt for p in pairs]


def test_translate_toolkit_reads_the_same_texts(tmp_path):
    tmx = pytest.importorskip("translate.storage.tmx")
    path = tmp_path / "pairs.tmx"
    pairs = [_pair(n, src, src.upper()) for n, src in enumerate(TRICKY[:-1], start=1)]
    write_tmx(path, pairs, "fr", "en")
    store = tmx.tmxfile.parsefile(str(path))
    assert [(str(u.source), str(u.target)) for u in store.units] == [(p.src, p.tgt) for p in pairs]


# TMX 1.4b, section 3.6: the values of ``type``; anything else must start with ``x-``.
TMX_BPT_TYPES = {"bold", "color", "dulined", "font", "italic", "link", "scap", "struct", "ulined"}
TMX_PH_TYPES = {"index", "date", "time", "fnote", "enote", "alt", "image", "pb", "lb", "cb", "inset"}


def test_inline_types_are_tmx_values_or_x_prefixed(tmp_path):
    """Issue 14, item 15: ``~~struck~~`` was ``type="struck"``, neither a TMX 1.4b value nor ``x-``."""
    src = "Un ~~barré~~, **gras**, *it*, [lien](https://a.org), <span>html</span>, ![](i.png), fin  \nligne[^1] {{< badge >}}"
    path = tmp_path / "t.tmx"
    write_tmx(path, [_pair(1, src, src)], "fr", "en")
    root = etree.parse(str(path)).getroot()
    types = {(el.tag, el.get("type")) for el in root.iter("bpt", "ph")}
    assert ("bpt", "x-strike") in types and ("bpt", "bold") in types and ("ph", "lb") in types, types
    for tag, value in types:
        allowed = TMX_BPT_TYPES if tag == "bpt" else TMX_PH_TYPES
        assert value in allowed or value.startswith("x-"), (tag, value)


def test_one_sided_pairs_have_no_empty_tuv(tmp_path):
    """Issue 14, item 15: a 1-0 pair wrote an empty target ``<seg/>``, which a CAT tool takes as a translation."""
    pairs = [
        _pair(1, "Seul.", "", type="1-0", tgt_lines=None, target_unit_ids=[]),
        _pair(2, "", "Alone.", type="0-1", src_lines=None, unit_ids=[]),
        _pair(3, "Deux.", "Two."),
    ]
    path = tmp_path / "t.tmx"
    write_tmx(path, pairs, "fr", "en")
    tus = {tu.get("tuid"): [t.get(XML_LANG) for t in tu.findall("tuv")] for tu in etree.parse(str(path)).getroot().iter("tu")}
    assert tus == {"a.fr.md#1": ["fr"], "a.fr.md#2": ["en"], "a.fr.md#3": ["fr", "en"]}
    back = {p.id: (p.src, p.tgt, p.type) for p in read_tmx(path)}
    assert back == {"a.fr.md#1": ("Seul.", "", "1-0"), "a.fr.md#2": ("", "Alone.", "0-1"), "a.fr.md#3": ("Deux.", "Two.", "1-1")}

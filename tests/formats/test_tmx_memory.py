"""TMX 1.4b into and out of the translation memory: files written by other tools (translate-toolkit,
OmegaT's project memory and its level-2 export, a Trados-style export), every entry round-tripping, and
the ``bitext memory`` commands."""
from __future__ import annotations

import json

import pytest
from lxml import etree

from pipeline.cli import main
from pipeline.document import TextUnit
from pipeline.errors import BitextError
from pipeline.formats.tmx import read_memory_tmx, write_memory_tmx
from pipeline.markdown.inline import render_inline, scan_inline
from pipeline.mt.memory import MemoryEntry, TranslationMemory
from pipeline.mt.segments import apply, link, markup_segment

FR = "Le **vélo** est [le plus rapide](https://velo.example/etude) en ville."
EN = "The **bicycle** is [the fastest](https://velo.example/etude) in town."

# OmegaT's project memory (omegat/project_save.tmx): TMX 1.1, its tag shortcuts kept as escaped text
OMEGAT_PROJECT_SAVE = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx11.dtd">
<tmx version="1.1">
  <header creationtool="OmegaT" o-tmf="OmegaT TMX" adminlang="EN-US" datatype="plaintext"
          creationtoolversion="6.0.1_0_1e6b5d0e" segtype="sentence" srclang="FR-FR"/>
  <body>
<!-- Default translations -->
    <tu>
      <tuv lang="FR-FR">
        <seg>Le &lt;b0&gt;vélo&lt;/b0&gt; est &lt;g1&gt;le plus rapide&lt;/g1&gt; en ville.</seg>
      </tuv>
      <tuv lang="EN-GB" changeid="marie" changedate="20240312T101500Z" creationid="marie" creationdate="20240312T101500Z">
        <seg>The &lt;b0&gt;bicycle&lt;/b0&gt; is &lt;g1&gt;the fastest&lt;/g1&gt; in town.</seg>
      </tuv>
    </tu>
    <tu>
      <tuv lang="FR-FR">
        <seg>Une phrase sans balise.</seg>
      </tuv>
      <tuv lang="EN-GB" changeid="marie" changedate="20240312T101600Z">
        <seg>A sentence without tags.</seg>
      </tuv>
    </tu>
    <tu>
      <tuv lang="FR-FR">
        <seg>Pas encore traduit.</seg>
      </tuv>
      <tuv lang="EN-GB">
        <seg></seg>
      </tuv>
    </tu>
  </body>
</tmx>
"""

# OmegaT's level-2 export (*-level2.tmx): the same tags as bpt/ept
OMEGAT_LEVEL2 = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx14.dtd">
<tmx version="1.4">
  <header creationtool="OmegaT" o-tmf="OmegaT TMX" adminlang="EN-US" datatype="plaintext" segtype="sentence" srclang="fr-FR"/>
  <body>
    <tu>
      <tuv xml:lang="fr-FR">
        <seg>Le <bpt i="1" x="0">&lt;b0&gt;</bpt>vélo<ept i="1">&lt;/b0&gt;</ept> est <bpt i="2" x="1">&lt;g1&gt;</bpt>le plus rapide<ept i="2">&lt;/g1&gt;</ept> en ville.</seg>
      </tuv>
      <tuv xml:lang="en-GB">
        <seg>The <bpt i="1" x="0">&lt;b0&gt;</bpt>bicycle<ept i="1">&lt;/b0&gt;</ept> is <bpt i="2" x="1">&lt;g1&gt;</bpt>the fastest<ept i="2">&lt;/g1&gt;</ept> in town.</seg>
      </tuv>
    </tu>
  </body>
</tmx>
"""

# Trados exports: their own codes inside bpt/ept, placeholders as <ph>, <ut> in older files, <hi> around terms;
# here the target puts the tags in another order than the source.
TRADOS = """<?xml version="1.0" encoding="utf-8"?>
<tmx version="1.4">
  <header creationtool="SDL Language Platform" creationtoolversion="8.1" o-tmf="SDL TM8 Format" datatype="xml"
          segtype="sentence" adminlang="en-US" srclang="fr-FR"/>
  <body>
    <tu creationid="ACME\\jdoe" creationdate="20230102T080910Z">
      <tuv xml:lang="fr-FR"><seg>Lire <bpt i="1" type="bold" x="1">&lt;cf bold="True"&gt;</bpt>ce guide<ept i="1">&lt;/cf&gt;</ept> et <ph x="2" type="x-code">{2}</ph> <hi type="term">avant</hi> de rouler.</seg></tuv>
      <tuv xml:lang="en-US"><seg>Read <ph x="2" type="x-code">{2}</ph> and <bpt i="1" type="bold" x="1">&lt;cf bold="True"&gt;</bpt>this guide<ept i="1">&lt;/cf&gt;</ept> before riding.</seg></tuv>
    </tu>
  </body>
</tmx>
"""


def _unit(markup: str) -> TextUnit:
    text, codes = scan_inline(markup)
    return TextUnit(id="u1", kind="paragraph", text=text, codes=codes)


def _applied(entry: MemoryEntry, unit_markup: str) -> str | None:
    check = apply(entry.source, entry.target, _unit(unit_markup), set(), extra_tags=entry.origin == "human")
    return None if check is None else render_inline(check.text, check.codes)


def test_translate_toolkit_tmx_imports_with_markdown_as_tags(tmp_path):
    from translate.storage.tmx import tmxfile

    store = tmxfile(sourcelanguage="fr", targetlanguage="en")
    store.addtranslation(FR, "fr", EN, "en", comment="relu par la rédaction")
    store.addtranslation("Deux & trois <b>balises</b>.", "fr", "Two & three <b>tags</b>.", "en")
    path = tmp_path / "tt.tmx"
    store.savefile(str(path))
    read = read_memory_tmx(path)
    assert "Translate Toolkit" in read.tool and not read.skipped
    first = read.entries[0]
    assert (first.src_lang, first.tgt_lang, first.origin, first.note) == ("fr", "en", "imported", "relu par la rédaction")
    assert [t.role for t in first.source.tags] == ["open", "close", "open", "close"]  # markdown read as tags
    assert first.source.key == markup_segment(FR).key
    assert _applied(first, FR) == EN
    assert _applied(read.entries[1], "Deux & trois <b>balises</b>.") == "Two & three <b>tags</b>."


@pytest.mark.parametrize("text", [OMEGAT_PROJECT_SAVE, OMEGAT_LEVEL2], ids=["project_save", "level2"])
def test_omegat_tags_become_the_articles_markup(tmp_path, text):
    path = tmp_path / "omegat.tmx"
    path.write_text(text, encoding="utf-8")
    read = read_memory_tmx(path)
    bold = read.entries[0]
    assert (bold.src_lang, bold.tgt_lang) == ("fr", "en")
    assert _applied(bold, FR) == EN  # <b0> stands for **, <g1> for the link: the article's markup goes back
    if text is OMEGAT_PROJECT_SAVE:
        assert bold.author == "marie" and bold.updated.startswith("2024-03-12T10:15")
        assert _applied(read.entries[1], "Une phrase sans balise.") == "A sentence without tags."
        assert read.skipped == ["tu #3: the en translation is empty"]


def test_trados_codes_placeholders_and_reordered_tags(tmp_path):
    path = tmp_path / "trados.tmx"
    path.write_text(TRADOS, encoding="utf-8")
    read = read_memory_tmx(path)
    [entry] = read.entries
    assert entry.author == "ACME\\jdoe" and entry.created.startswith("2023-01-02")
    source = "Lire **ce guide** et `bitext --help` avant de rouler."
    assert entry.source.key == markup_segment(source).key
    assert _applied(entry, source) == "Read `bitext --help` and **this guide** before riding."


def test_export_then_import_round_trips_every_entry(tmp_path):
    pairs = [
        (FR, EN, "human", {"article": "velo.fr.md", "pair": "velo.fr.md#p-1", "unit": "p-1"}),
        ("Un {{< hl >}}surligné{{< /hl >}} et `du code` &mdash; ***gras italique***.",
         "A {{< hl >}}highlight{{< /hl >}} and `du code` &mdash; ***bold italic***.", "human", {}),
        ("Plain < and > & \"quotes\".", "Du texte < et > & « guillemets ».", "imported", {"tuid": "t-7"}),
        ("Une image ![alt](a.png) et <br> une ligne.", "An image ![alt](a.png) and <br> a line.", "imported", {}),
    ]
    entries = []
    for n, (src, tgt, origin, context) in enumerate(pairs):
        s, t = markup_segment(src), markup_segment(tgt)
        entries.append(MemoryEntry("fr", "en", s, link(s, t), origin, note=f"note {n}" if n % 2 else "", context=context,
                                   author="ed" if n else "", created="2024-05-01T10:00:00+00:00",
                                   updated="2024-05-02T11:00:00+00:00"))
    memory = TranslationMemory(tmp_path / "a.sqlite")
    memory.add(entries)
    path = tmp_path / "out.tmx"
    write_memory_tmx(path, memory.entries())
    etree.parse(str(path))  # well-formed
    back = TranslationMemory(tmp_path / "b.sqlite")
    back.add(read_memory_tmx(path).entries)

    def comparable(e: MemoryEntry):
        ctx = {k: v for k, v in e.context.items() if k != "tuid"}
        return (e.src_lang, e.tgt_lang, e.source.key, e.source.markup, e.target.markup, e.origin, e.note, ctx,
                e.author, e.created, e.updated)

    assert sorted(map(comparable, back.entries())) == sorted(map(comparable, memory.entries()))
    for e in back.entries():  # and every entry still goes back into its unit
        assert _applied(e, e.source.markup) == e.target.markup


def test_bad_files_say_what_is_wrong(tmp_path):
    broken = tmp_path / "broken.tmx"
    broken.write_text("<tmx version='1.4'><body><tu>\n<tuv></tmx>")
    with pytest.raises(BitextError, match=r"broken\.tmx:2: not valid XML"):
        read_memory_tmx(broken)
    other = tmp_path / "other.tmx"
    other.write_text("<xliff version='1.2'><file/></xliff>")
    with pytest.raises(BitextError, match="not a TMX file"):
        read_memory_tmx(other)


def test_memory_commands(tmp_path, capsys):
    tmx = tmp_path / "omegat.tmx"
    tmx.write_text(OMEGAT_PROJECT_SAVE, encoding="utf-8")
    db = tmp_path / ".bitext" / "memory.sqlite"
    assert main(["memory", "import", str(tmx), "--memory", str(db)]) == 0
    err = capsys.readouterr().err
    assert "imported 2 entries" in err and "OmegaT" in err and "1 unit(s) skipped" in err and "translation is empty" in err
    assert main(["memory", "stats", "--memory", str(db), "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["counts"] == {"human": 0, "imported": 2, "machine": 0}
    assert main(["memory", "stats", "--memory", str(db)]) == 0
    out = capsys.readouterr().out
    assert "imported        2" in out and "fr-en: imported 2" in out
    exported = tmp_path / "export.tmx"
    assert main(["memory", "export", str(exported), "--memory", str(db)]) == 0
    assert "exported 2 approved entries" in capsys.readouterr().err
    assert len(etree.parse(str(exported)).getroot().findall("body/tu")) == 2
    assert main(["memory", "import", str(tmp_path / "missing.tmx"), "--memory", str(db)]) == 2
    assert "missing.tmx: file not found" in capsys.readouterr().err

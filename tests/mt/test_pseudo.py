"""Pseudo run: every word of every unit transformed, every piece of structure kept.

Pseudo-localization (issue 2) shows editors and theme designers what will be
translated before any MT runs. For that to be worth anything, the run must
(1) keep every shortcode, URL, HTML tag, code block and span, front matter
key and non-translatable value, unchanged and in order, with the front
matter still parsing and paired shortcodes balanced: checked by
``tests/support/structure.py``, which reads both files with its own tools; (2)
visibly transform every word of every text unit; (3) make the text about
30% longer, like French or German text would.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import ftfy
import pytest
from support.paths import SAMPLE, SHARED
from support.runs import OWN, REAL, _id, _without_align, run_cli  # noqa: F401 (fixture)
from support.structure import assert_structure_kept, structure_problems
from support.tricky import TRICKY

from pipeline.document import Document
from pipeline.mt.pseudo import pseudo_words


@pytest.fixture(scope="module")
def quiet_config(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("config") / "fast.yaml"
    path.write_text("energy:\n  enabled: false\n", encoding="utf-8")
    return path


def _source_text(path: Path) -> str:
    """The text the output is compared with: repaired when the file is mojibake."""
    return ftfy.fix_encoding(path.read_bytes().decode("utf-8"))


def _pseudo(source: Path, out: Path, config: Path) -> tuple[str, Document]:
    article = run_cli(source, out, "pseudo", config)
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    translated = out / manifest["articles"][0]["outputs"]["translated"]
    doc = Document.from_dict(json.loads(translated.read_text(encoding="utf-8")))
    return article.read_bytes().decode("utf-8"), doc


def _words(text: str, codes) -> list[str]:
    """Words of the plain text outside substitution codes (code spans, URLs, entities)."""
    keep = list(text)
    for c in codes:
        if c.replaces_text:
            for i in range(c.start, c.end):
                keep[i] = " "
    return [w for w in re.findall(r"\w+", "".join(keep)) if not w.isdigit()]  # numbers are kept as they are


def _check_units(doc: Document) -> None:
    for u in doc.units:
        assert u.target is not None and u.target != u.text, (u.id, u.text)
        before = set(_words(u.text, u.codes))
        after = set(_words(u.target, u.target_codes or []))
        assert not before & after, (u.id, sorted(before & after)[:5])


_ARTICLES = OWN + ((REAL + [SAMPLE]) if SHARED.is_dir() else [])


@pytest.mark.parametrize("source", _ARTICLES, ids=_id)
def test_pseudo_keeps_structure_and_transforms_every_unit(source, tmp_path, quiet_config):
    out, doc = _pseudo(source, tmp_path, quiet_config)
    assert_structure_kept(_source_text(source), out, emphasis=True)
    _check_units(doc)


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_pseudo_tricky_inputs(name, tmp_path, quiet_config):
    source = tmp_path / f"{name}.en.md"
    source.write_bytes(TRICKY[name].encode("utf-8"))
    out, doc = _pseudo(source, tmp_path / "out", quiet_config)
    assert_structure_kept(TRICKY[name], out, emphasis=True)
    _check_units(doc)


def test_pseudo_is_about_thirty_percent_longer(tmp_path, quiet_config):
    """Over the whole corpus the units grow by 25 to 45%: room for French or German."""
    before = after = 0
    for n, source in enumerate(OWN):
        _, doc = _pseudo(source, tmp_path / str(n), quiet_config)
        before += sum(len(u.text) for u in doc.units)
        after += sum(len(u.target) for u in doc.units)
    assert 1.25 <= after / before <= 1.45, after / before


def test_pseudo_words_are_letters_only():
    """Padding with letters keeps emphasis intact: ``**word**s`` and ``~~gone~~`` still parse."""
    assert pseudo_words("word") != "word"
    assert re.fullmatch(r"\w+", pseudo_words("word"))
    assert pseudo_words("2019") == "2019"  # numbers are not translated
    src = "Some **bold**s, ~~gone~~ and 太字**強調**です."
    from support.structure import read_structure

    from pipeline.document import TextUnit
    from pipeline.markdown.inline import render_inline, scan_inline
    from pipeline.mt.pseudo import pseudo_unit

    text, codes = scan_inline(src)
    out = render_inline(*pseudo_unit(TextUnit("u1", "paragraph", text, codes)))
    assert read_structure(out).emphasis == read_structure(src).emphasis


# ------------------------------------------------------------ the checker itself


def test_checker_catches_changes():
    """The structure checker must fail on each kind of damage it is meant to see."""
    src = (
        "---\ntitle: Hello\nweight: 3\ntags: [a, b]\n---\n\n"
        "Text [link](https://a.example/x) and `code` and <b>bold</b>.\n\n"
        '{{< figure src="a.png" caption="Cap" >}}\n\n'
        "{{< callout >}}\nInside.\n{{< /callout >}}\n\n"
        "```sh\nls -l\n```\n"
    )
    assert structure_problems(src, src) == []
    translated = src.replace("Hello", "Bonjour").replace("Cap", "Légende").replace("Inside", "Dedans")
    assert structure_problems(src, translated) == []
    damaged = {
        "URL": src.replace("https://a.example/x", "https://a.example/y"),
        "code span": src.replace("`code`", "`kode`"),
        "HTML tag": src.replace("<b>bold</b>", "<i>bold</i>"),
        "shortcode": src.replace('src="a.png"', 'src="b.png"'),
        "code block": src.replace("ls -l", "ls -la"),
        "front matter": src.replace("weight: 3", "weight: 4"),
        "no longer parses": src.replace("title: Hello", "title: Hello: world"),
        "closing shortcode": src.replace("{{< callout >}}", "{{< note >}}"),
        "keys": src.replace("weight: 3\n", ""),
    }
    for what, text in damaged.items():
        problems = structure_problems(src, text)
        assert problems, what
        assert any(what.split()[0].lower() in p.lower() for p in problems), (what, problems)


# ------------------------------------------------------------ re-wrapping a translation


def _translated(md: str, target: str) -> str:
    from pipeline.config import load_config
    from pipeline.markdown.extract import extract_text
    from pipeline.markdown.inline import scan_inline
    from pipeline.markdown.render import fill_skeleton

    doc = extract_text(md, "t.md", load_config(), "en")
    unit = doc.units[0]
    unit.target, unit.target_codes = scan_inline(target)
    return fill_skeleton(doc)


def test_rewrap_never_starts_a_line_with_block_markup():
    """A wrapped translation must not turn ``- 3`` or ``1990.`` at a line start into a list."""
    md = "one two three four five six\nseven eight nine ten eleven\n"
    risky = "aaaa bbbb cccc dddd eeee - ffff gggg 1990. hhhh iiii # jjjj kkkk > llll mmmm | nnnn oooo === pppp"
    out = _translated(md, risky)
    assert len(out.splitlines()) > 2
    for line in out.splitlines()[1:]:
        assert not re.match(r"(?:[-+*#>|]|=+|\d+[.)])(?: |$)", line), line
    assert_structure_kept(md, out)


def test_rewrap_keeps_links_and_shortcodes_whole():
    md = "Read the [long guide](https://x.example/guide) today,\nor {{< icon \"x\" >}} later on.\n"
    out = _translated(md, "Lisez le [très long guide de référence](https://x.example/guide) aujourd'hui, ou {{< icon \"x\" >}} plus tard.")
    assert "[très long guide de référence](https://x.example/guide)" in out
    assert not any(re.fullmatch(r"\s*\{\{<.*>\}\}\s*", line) for line in out.splitlines())
    assert_structure_kept(md, out)


def test_rewrap_in_a_list_item_keeps_its_indentation():
    md = "- first line of the item\n  second line of the item\n- next\n"
    out = _translated(md, "première ligne de l'élément, assez longue pour être coupée en deux")
    lines = out.splitlines()
    assert lines[0].startswith("- ") and lines[1].startswith("  ") and lines[-1] == "- next"
    assert_structure_kept(md, out)


def test_translation_starting_like_a_block_is_escaped():
    """``1990. ...`` or ``# ...`` at the start of a translated paragraph must stay text."""
    assert _translated("Intro.\n", "1990. Une année") == "1990\\. Une année\n"
    assert _translated("- item\n", "# pas un titre") == "- \\# pas un titre\n"
    md = "Intro.\n"
    assert_structure_kept(md, _translated(md, "- pas une liste"))


def test_pipe_in_a_translated_cell_is_escaped():
    md = "| a | b |\n|---|---|\n"
    out = _translated(md, "x | y")
    assert out.startswith("| x \\| y | b |")
    assert_structure_kept(md, out)


def test_shortcode_values_with_backslashes_round_trip_and_quotes_are_escaped():
    md = '{{< figure src="a.png" caption="C:\\Users and \\"quoted\\"" >}}\n'
    from pipeline.config import load_config
    from pipeline.markdown.extract import extract_text
    from pipeline.markdown.render import fill_skeleton

    doc = extract_text(md, "t.md", load_config(), "en")
    assert fill_skeleton(doc) == md
    out = _translated(md, 'Un "vrai" chemin')
    assert 'caption="Un \\"vrai\\" chemin"' in out
    assert_structure_kept(md, out)


def test_random_articles_round_trip_and_keep_structure():
    """300 random articles mixing every construct, glued with and without blank lines.

    Seeds are fixed (the same articles every run). A failure names its seed:
    ``tricky.random_article(seed)`` gives the article back to look at.
    """
    from support.tricky import random_article

    from pipeline.config import load_config
    from pipeline.errors import BitextError
    from pipeline.markdown.extract import extract_text
    from pipeline.markdown.render import fill_skeleton
    from pipeline.mt.pseudo import pseudo_unit

    cfg = load_config()
    failures = []
    for seed in range(300):
        md = random_article(seed)
        try:
            doc = extract_text(md, f"random-{seed}.md", cfg, "en")
        except BitextError:
            continue  # e.g. a shortcode left open: reported, not translated
        if fill_skeleton(doc) != md:
            failures.append((seed, "identity"))
            continue
        for u in doc.units:
            u.target, u.target_codes = pseudo_unit(u)
        problems = structure_problems(md, fill_skeleton(doc), emphasis=True)
        if problems:
            failures.append((seed, problems[0]))
    assert not failures, failures[:5]


def test_pseudo_keeps_numbers_so_qa_raises_no_numbers_flag(tmp_path, quiet_config):
    """Issue 14, item 14: French thousands separators (space, U+00A0, U+202F) came out as several numbers."""
    source = tmp_path / "chiffres.fr.md"
    source.write_text("---\ntitle: Chiffres 2024\n---\n\nIl y a 4 789 vélos, 1 200 voitures, 3\u202f500 piétons, "
                      "12\u00a0000 bus et 2,5 % de plus.\n", encoding="utf-8")
    out, doc = _pseudo(source, tmp_path / "out", quiet_config)
    assert all(n in out for n in ("4 789", "1 200", "3\u202f500", "12\u00a0000", "2,5", "2024")), out
    from pipeline.align.qa import check_numbers
    from pipeline.markdown.inline import render_inline

    for u in doc.units:  # the align stage's check, on each pair (the stage itself is skipped here)
        assert check_numbers(render_inline(u.text, u.codes), render_inline(u.target, u.target_codes), "fr", "en") is None

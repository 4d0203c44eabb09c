"""Content-addressed unit ids: inserting, deleting, moving or editing one unit leaves every other id as it was."""
from __future__ import annotations

import random

import pytest
from support.paths import ROOT

from pipeline.config import load_config
from pipeline.markdown.extract import extract_text
from pipeline.markdown.ids import stable_ids

ARTICLE = (ROOT / "corpus" / "velo-en-ville.fr.md").read_text(encoding="utf-8")


def ids_of(text: str) -> list[str]:
    doc = extract_text(text, "a.fr.md", load_config(), "fr")
    return stable_ids(doc.units)


def _kinds(block: str) -> list[str]:
    return [u.kind for u in extract_text(block + "\n", "a.fr.md", load_config(), "fr").units]


def _paragraphs(text: str) -> tuple[str, list[str]]:
    """Front matter and the body's blank-line-separated blocks."""
    head, _, body = text.partition("\n---\n")
    return head + "\n---\n", body.split("\n\n")


def test_ids_are_unique_and_carry_the_kind():
    ids = ids_of(ARTICLE)
    assert len(set(ids)) == len(ids)
    assert ids[0].startswith("fm-") and any(i.startswith("p-") for i in ids) and any(i.startswith("td-") for i in ids)


@pytest.mark.parametrize("change", ["insert_top", "insert_middle", "delete", "edit", "move"])
def test_one_change_leaves_every_other_id(change):
    head, blocks = _paragraphs(ARTICLE)
    before = ids_of(ARTICLE)
    prose = [n for n, b in enumerate(blocks) if b.strip() and _kinds(b) == ["paragraph"]]
    n = random.Random(change).choice(prose[1:])
    if change == "insert_top":
        blocks.insert(1, "Un paragraphe tout neuf, ajouté en tête par l'auteur.")
    elif change == "insert_middle":
        blocks.insert(n, "Un paragraphe tout neuf, ajouté au milieu.")
    elif change == "delete":
        del blocks[n]
    elif change == "edit":
        blocks[n] = blocks[n].replace(" ", "  ", 1).replace("e", "é", 1)
    else:
        blocks.insert(len(blocks) - 1, blocks.pop(n))
    after = ids_of(head + "\n\n".join(blocks))
    gone, new = set(before) - set(after), set(after) - set(before)
    expected = {"insert_top": (0, 1), "insert_middle": (0, 1), "delete": (1, 0), "edit": (1, 1), "move": (0, 0)}[change]
    # a moved paragraph keeps its id unless it moved under another heading (its heading path is part of it)
    if change == "move" and gone:
        expected = (len(gone), len(gone))
    assert (len(gone), len(new)) == expected, (gone, new)


def test_identical_units_are_numbered_in_order_and_whitespace_does_not_count():
    text = "---\ntitle: T\n---\n\nVoir aussi.\n\nAutre chose.\n\nVoir  aussi.\n"
    ids = ids_of(text)
    assert ids[1] + "-2" == ids[3]
    assert ids_of(text.replace("Autre chose.\n\n", "")) == [ids[0], ids[1], ids[3]]


def test_a_changed_link_target_is_a_changed_source():
    a = ids_of("Lire [le guide](https://a.org).\n")
    b = ids_of("Lire [le guide](https://b.org).\n")
    assert a != b


def test_removing_one_tag_keeps_the_other_tags_ids():
    text = "---\ntitle: T\ntags:\n  - vélo\n  - ville\n---\n\nTexte.\n"
    before, after = ids_of(text), ids_of(text.replace("  - vélo\n", ""))
    assert set(after) <= set(before) and len(before) - len(after) == 1

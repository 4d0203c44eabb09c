"""Saved reviews follow their text: kept by id or by the same source, stale on a changed source, lost (and
listed) when the paragraph is gone; nothing nobody reviewed gets a state."""
from __future__ import annotations

from pipeline.pairs import Pair
from pipeline.review.follow import diff_pieces, follow
from pipeline.review.store import State


def pair(pid: str, src: str) -> Pair:
    return Pair(id=pid, article="a.fr.md", kind="paragraph", heading_path=[], src=src, tgt=src.upper(),
                src_lines=None, tgt_lines=None, type="1-1", score=1.0)


def state(src: str, status="approved", tgt=None, note="") -> State:
    return State(status=status, note=note, tgt=tgt, src=src, version=1)


def test_kept_by_id_moved_by_text_stale_by_likeness_lost_otherwise():
    states = {
        "a.fr.md#p-1": state("Premier paragraphe.", tgt="First paragraph."),
        "a.fr.md#3": state("Deuxième paragraphe, inchangé.", note="vu"),  # an old positional id
        "a.fr.md#p-9": state("Le trafic a triplé rue de Rivoli entre 2019 et 2023.", tgt="Traffic tripled."),
        "a.fr.md#p-7": state("Un paragraphe supprimé par l'auteur, avec une note.", status="rejected"),
        "a.fr.md#p-8": state("Rien fait ici.", status="pending"),  # no work: nothing to follow
    }
    pairs = [
        pair("a.fr.md#p-0", "Un paragraphe ajouté en tête."),
        pair("a.fr.md#p-1", "Premier  paragraphe."),
        pair("a.fr.md#p-2", "Deuxième paragraphe, inchangé."),
        pair("a.fr.md#p-10", "Le trafic a quadruplé rue de Rivoli entre 2019 et 2024."),
        pair("a.fr.md#h-1", "Tout autre chose"),
    ]
    result = follow(states, pairs)
    assert {k: (f.from_id, f.how) for k, f in result.by_pair.items()} == {
        "a.fr.md#p-1": ("a.fr.md#p-1", "id"),
        "a.fr.md#p-2": ("a.fr.md#3", "text"),
        "a.fr.md#p-10": ("a.fr.md#p-9", "stale"),
    }
    assert 50 <= result.by_pair["a.fr.md#p-10"].similarity < 100
    assert [i for i, _ in result.lost] == ["a.fr.md#p-7"]
    assert "a.fr.md#p-0" not in result.by_pair  # the new paragraph: nobody reviewed it


def test_a_replaced_review_is_not_offered_again():
    states = {"a.fr.md#p-9": state("Le trafic a triplé en 2023."), "a.fr.md#p-10": state("Le trafic a quadruplé en 2024.")}
    pairs = [pair("a.fr.md#p-10", "Le trafic a quadruplé en 2024.")]
    result = follow(states, pairs, replaced={"a.fr.md#p-9"})
    assert result.by_pair["a.fr.md#p-10"].how == "id" and result.lost == []


def test_identical_paragraphs_each_keep_their_own_review():
    states = {"a.fr.md#p-5": state("Voir aussi.", tgt="See also."), "a.fr.md#p-5-2": state("Voir aussi.", tgt="Also see.")}
    pairs = [pair("a.fr.md#p-0", "Nouveau."), pair("a.fr.md#p-5", "Voir aussi."), pair("a.fr.md#p-5-2", "Voir aussi.")]
    result = follow(states, pairs)
    assert result.by_pair["a.fr.md#p-5"].state.tgt == "See also." and result.by_pair["a.fr.md#p-5-2"].state.tgt == "Also see."


def test_diff_marks_words():
    pieces = diff_pieces("Le trafic a triplé en 2023.", "Le trafic a quadruplé en 2024.")
    assert ("-", "triplé ") in pieces and ("+", "quadruplé ") in pieces and ("-", "2023.") in pieces
    assert "".join(t for op, t in pieces if op != "+") == "Le trafic a triplé en 2023."
    assert "".join(t for op, t in pieces if op != "-") == "Le trafic a quadruplé en 2024."

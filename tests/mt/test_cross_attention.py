"""Word alignment from the model's cross-attention (placement step 4).

The tiny copying model's attention is set by hand (tests/support/tiny_marian.py):
decoder position t attends encoder position t, so the attention of any forced
translation is known exactly: target piece k looks at source piece k. Both
backends must return that attention; the word alignment built from it must
keep a word's pieces together and follow the attention, not the characters'
relative position. A hand-made attention matrix (a known permutation) checks
the alignment on its own.
"""
from __future__ import annotations

import re

import pytest

from pipeline.mt.alignment import PieceAttention, WordAlignment, char_offsets


@pytest.fixture(scope="module")
def translators(tiny_marian_dir, tmp_path_factory):
    from pipeline.mt.ct2 import CTranslate2Translator
    from pipeline.mt.marian import MarianTranslator

    cache = tmp_path_factory.mktemp("ct2")
    return {
        "marian": MarianTranslator(str(tiny_marian_dir), num_beams=1),
        "ctranslate2": CTranslate2Translator(str(tiny_marian_dir), compute_type="float32", cache_dir=cache, num_beams=1),
    }


@pytest.mark.parametrize("backend", ["marian", "ctranslate2"])
def test_both_backends_return_the_hand_set_attention(translators, backend):
    translator = translators[backend]
    source = "Le chat noir dort sur le tapis rouge."
    target = "The black cat is sleeping on a red rug."  # forced: any text, not what the model would write
    [attention] = translator.cross_attention([source], [target])
    assert len(attention.source_pieces) == translator.source_tokens(source) - 1  # EOS left out
    assert len(attention.rows) == translator.target_tokens(target) - 1
    for k, row in enumerate(attention.rows[: len(attention.source_pieces)]):
        best = max(range(len(row)), key=row.__getitem__)
        assert best == k and row[best] > 0.9, (k, row)  # target pieces past the source's look at its EOS
    assert all(source[a:b] or a == b for a, b in attention.source_pieces)


@pytest.mark.parametrize("backend", ["marian", "ctranslate2"])
def test_alignment_follows_attention_not_relative_position(translators, backend):
    """Short words cut into many pieces on one side, long one-piece words on the other: the
    diagonal attention puts the source's second word where its pieces' positions fall, far from
    where the relative character position would."""
    translator = translators[backend]
    source = "Le chat noir dort"
    target = "important important important important we rouge"
    [attention] = translator.cross_attention([source], [target])
    alignment = WordAlignment.from_pieces(source, target, attention)
    start, end = source.index("chat"), source.index("chat") + 4
    # the oracle: the target words holding the pieces at the indices of "chat"'s pieces
    indices = [k for k, (a, b) in enumerate(attention.source_pieces) if a < end and start < b]
    words = [(m.start(), m.end()) for m in re.finditer(r"\w+", target)]
    held = [w for w in words if any(w[0] <= attention.target_pieces[k][1] - 1 < w[1] for k in indices)]
    span = alignment.span_for(start, end)
    assert (span.start, span.end) == (held[0][0], held[-1][1]) and not span.weak
    relative = int(start / len(source) * len(target))
    assert not span.start <= relative < span.end  # the case tells the two apart


def test_a_words_pieces_stay_together():
    source, target = "aa bb", "xxxx yy"
    # source pieces: "aa", "bb"; target pieces: "xx", "xx" (one word), "yy"
    attention = PieceAttention([(0, 2), (3, 5)], [(0, 2), (2, 4), (5, 7)], [[0.9, 0.1], [0.2, 0.8], [0.1, 0.9]])
    alignment = WordAlignment.from_pieces(source, target, attention)
    span = alignment.span_for(0, 2)
    assert target[span.start:span.end] == "xxxx"  # never half a word, even if one piece looks elsewhere


def test_a_known_permutation_and_weak_alignments():
    source = "un deux trois quatre"
    target = "four three two one"
    src = [(m, m + len(w)) for w, m in ((w, source.index(w)) for w in source.split())]
    tgt = [(m, m + len(w)) for w, m in ((w, target.index(w)) for w in target.split())]
    reverse = [[0.97 if s == 3 - t else 0.01 for s in range(4)] for t in range(4)]
    alignment = WordAlignment.from_pieces(source, target, PieceAttention(src, tgt, reverse))
    for word, expected in (("un", "one"), ("deux", "two"), ("deux trois", "three two")):
        start = source.index(word)
        span = alignment.span_for(start, start + len(word))
        assert target[span.start:span.end] == expected and not span.weak
    flat = [[0.25] * 4 for _ in range(4)]  # the model looked everywhere: no evidence
    span = WordAlignment.from_pieces(source, target, PieceAttention(src, tgt, flat)).span_for(0, 2)
    assert span is None or span.weak


def test_byte_offsets_become_character_offsets():
    text = "Été à 🚨 ok"
    spans = [(0, 2), (2, 3), (3, 5), (6, 8), (9, 13), (14, 16)]
    assert [text[a:b] for a, b in char_offsets(text, spans)] == ["É", "t", "é", "à", "🚨", "ok"]


def test_translators_without_a_model_have_no_attention():
    from pipeline.mt.identity import IdentityTranslator

    assert IdentityTranslator().cross_attention(["a"], ["b"]) == [None]

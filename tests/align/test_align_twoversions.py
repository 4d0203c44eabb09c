"""Two-version alignment: the pair format, front matter by key, sentence level, MT, and the command."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.align.command import align_command, default_out
from pipeline.align.sentences import rule_split
from pipeline.align.twoversions import align_documents, guess_language
from pipeline.config import load_config
from pipeline.errors import BitextError
from pipeline.formats.tmx import read_tmx
from pipeline.markdown.extract import extract_text
from pipeline.pairs import read_pairs_jsonl

FR = """---
title: Les défis d'ACME
description: Une page qui n'existe qu'en français.
tags: [sécurité, ACME]
---

# Les défis

Lorsque vous obtenez un certificat de Let's Encrypt, nos serveurs valident que vous contrôlez les noms de domaine. La plupart du temps, cette validation est automatique.

Ce paragraphe n'a pas de traduction anglaise et parle de Kubernetes 1.29 en détail.

## HTTP-01

C'est le défi le plus courant. Le client ACME place un fichier sur le port 80 de votre serveur web. Il suit jusqu'à 10 redirections.

- Facile à automatiser.
- Fonctionne avec les serveurs web courants.
"""

EN = """---
title: ACME challenges
tags: [security, ACME]
---

# Challenges

When you get a certificate from Let's Encrypt, our servers validate that you control the domain names.

Most of the time, this validation is automatic.

## HTTP-01

This is the most common challenge. The ACME client puts a file on port 80 of your web server. It follows up to 10 redirects.

- Easy to automate.
- Works with common web servers.
"""


def _docs(fr=FR, en=EN, fr_name="post.fr.md", en_name="post.en.md"):
    cfg = load_config()
    return extract_text(fr, fr_name, cfg, "fr"), extract_text(en, en_name, cfg, "en")


def _texts(pair):
    return pair.src[:20], pair.tgt[:20]


def test_pairs_cover_every_unit_once_with_types_lines_and_flags():
    a, b = _docs()
    pairs = align_documents(a, b, splitter="rules")
    assert sorted(u for p in pairs for u in p.unit_ids) == sorted(u.id for u in a.units)
    assert sorted(u for p in pairs for u in p.target_unit_ids) == sorted(u.id for u in b.units)
    by_type = {}
    for p in pairs:
        by_type.setdefault(p.type, []).append(p)
    # the first French paragraph became two English paragraphs
    [split] = by_type["1-2"]
    assert split.src.startswith("Lorsque") and split.tgt.startswith("When you get") and "Most of the time" in split.tgt
    assert split.tgt_lines == [8, 10] and split.src_lines == [9, 9]
    assert split.heading_path == ["Les défis"]
    # the paragraph with no English counterpart
    lonely = [p for p in by_type["1-0"] if p.kind == "paragraph"]
    assert [p.src[:18] for p in lonely] == ["Ce paragraphe n'a "]
    assert lonely[0].tgt_lines is None and [f["code"] for f in lonely[0].flags] == ["unaligned"]
    assert all(p.id == "post.fr.md#" + ("+".join(p.unit_ids) or "~" + "+".join(p.target_unit_ids)) for p in pairs)
    assert all(0.0 <= p.score <= 1.0 for p in pairs)
    assert all(p.src_lang == "fr" and p.tgt_lang == "en" for p in pairs)


def test_front_matter_aligns_by_key():
    a, b = _docs()
    fm = [p for p in align_documents(a, b, qa=False, sentences=False) if p.kind == "front_matter"]
    assert [(p.src, p.tgt, p.type) for p in fm] == [
        ("Les défis d'ACME", "ACME challenges", "1-1"),
        ("Une page qui n'existe qu'en français.", "", "1-0"),
        ("sécurité", "security", "1-1"),
        ("ACME", "ACME", "1-1"),
    ]


def test_paragraph_pairs_carry_sentence_pairs_and_sentence_level_gives_one_pair_each():
    a, b = _docs()
    pairs = align_documents(a, b, splitter="rules")
    assert all(isinstance(p.sentences, list) for p in pairs)
    http = next(p for p in pairs if p.src.startswith("C'est le défi"))
    assert [(s["type"], s["src"][:12], s["tgt"][:12]) for s in http.sentences] == [
        ("1-1", "C'est le déf", "This is the "),
        ("1-1", "Le client AC", "The ACME cli"),
        ("1-1", "Il suit jusq", "It follows u"),
    ]
    assert http.sentences[1]["src_lines"] == http.src_lines
    sentences = align_documents(a, b, level="sentence", splitter="rules")
    assert len(sentences) == sum(max(len(p.sentences), 1) for p in pairs if p.sentences) + sum(1 for p in pairs if not p.sentences)
    assert {s.id for s in sentences} >= {f"{http.id}.1", f"{http.id}.2", f"{http.id}.3"}
    split = [s for s in sentences if s.id.startswith(pairs[5].id + ".")]
    assert all(not s.sentences for s in sentences)
    assert split


def test_spacy_sentence_splitter_when_installed():
    pytest.importorskip("spacy")
    a, b = _docs()
    http = next(p for p in align_documents(a, b, qa=False) if p.src.startswith("C'est le défi"))
    assert [s["type"] for s in http.sentences] == ["1-1", "1-1", "1-1"]


def test_rule_splitter_keeps_abbreviations_and_initials():
    text = "M. Dupont arrive. Il voit J. R. R. Tolkien, cf. p. 12. Puis il part! Fin?"
    assert [text[a:b] for a, b in rule_split(text)] == ["M. Dupont arrive.", "Il voit J. R. R. Tolkien, cf. p. 12.", "Puis il part!", "Fin?"]


def test_model_translate_adds_chrf_and_is_called_once_with_every_sentence():
    """A "model" that knows the translation: chrF settles what lengths and anchors leave open."""
    from pipeline.align.sentences import split_many

    a, b = _docs()
    english = {
        "Lorsque vous obtenez un certificat de Let's Encrypt, nos serveurs valident que vous contrôlez les noms de domaine.":
            "When you get a certificate from Let's Encrypt, our servers validate that you control the domain names.",
        "La plupart du temps, cette validation est automatique.": "Most of the time, this validation is automatic.",
    }
    calls = []

    def fake_mt(sentences):
        calls.append(list(sentences))
        return [english.get(s, "something else entirely") for s in sentences]

    pairs = align_documents(a, b, model_translate=fake_mt, qa=False, sentences=False, splitter="rules")
    body = [u.text for u in a.units if u.kind != "front_matter"]
    assert len(calls) == 1 and len(calls[0]) == sum(len(s) for s in split_many(body, "fr"))
    split = next(p for p in pairs if p.src.startswith("Lorsque"))
    assert split.type == "1-2"
    lonely = next(p for p in pairs if p.src.startswith("Ce paragraphe"))
    assert lonely.type == "1-0"


def test_language_is_guessed_when_the_file_name_does_not_say():
    a, b = _docs(fr_name="a.md", en_name="b.md")
    a.source_lang = b.source_lang = None
    assert (guess_language(a), guess_language(b)) == ("fr", "en")


def test_align_command_writes_jsonl_and_tmx(tmp_path, capsys):
    fr, en = tmp_path / "post.fr.md", tmp_path / "post.en.md"
    fr.write_text(FR, encoding="utf-8")
    en.write_text(EN, encoding="utf-8")
    out = tmp_path / "aligned"
    assert align_command(fr, en, out, "paragraph", load_config()) == 0
    pairs = read_pairs_jsonl(out / "pairs.jsonl")
    assert [(p.id, p.src, p.tgt) for p in read_tmx(out / "pairs.tmx")] == [(p.id, p.src, p.tgt) for p in pairs]
    err = capsys.readouterr().err
    assert "1-2" in err and "pairs.jsonl" in err and "flagged" in err
    assert align_command(fr, en, out / "s", "sentence", load_config(), quiet=True) == 0
    first = (out / "s" / "pairs.tmx").read_text(encoding="utf-8")
    assert 'segtype="sentence"' in first
    first_id = json.loads((out / "s" / "pairs.jsonl").read_text(encoding="utf-8").splitlines()[0])["id"]
    assert first_id == pairs[0].id + ".1"  # a sentence pair: its paragraph pair's id and its number


def test_align_command_errors_and_default_folder(tmp_path):
    cfg = load_config()
    with pytest.raises(BitextError, match="not found"):
        align_command(tmp_path / "missing.fr.md", tmp_path / "x.en.md", None, "paragraph", cfg)
    f = tmp_path / "post.fr.md"
    f.write_text(FR, encoding="utf-8")
    with pytest.raises(BitextError, match="same file"):
        align_command(f, f, None, "paragraph", cfg)
    with pytest.raises(BitextError, match="--level"):
        align_command(f, f, None, "word", cfg)
    assert default_out(Path("content/post.fr.md"), cfg) == Path("outputs/align-post")
    assert default_out(Path("content/my-post/index.fr.md"), cfg) == Path("outputs/align-my-post-index")

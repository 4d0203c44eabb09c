"""``bitext align A B --level sentence`` on pre-segmented prose, ``--into-memory`` and its threshold,
and the model (chrF) path with tiny Marian models: hand-set weights and random weights."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.align.command import align_command
from pipeline.cli import main
from pipeline.config import load_config
from pipeline.errors import BitextError
from pipeline.pairs import read_pairs_jsonl

# One sentence per block. English 2 and 3 are one French sentence; English 5 has no French.
EN = [
    "The old baron had been the best hunter of his province for forty years.",
    "He loved stories, and above all true stories.",
    "Every evening he asked his friends:",
    "“Well, what is new?”",
    "Joseph, his servant, loaded the guns.",
    "The weather was grey that autumn, and nobody went out much.",
    "In the evening, they stayed three hours at table.",
]
FR = [
    "Le vieux baron avait été pendant quarante ans le meilleur chasseur de sa province.",
    "Il adorait les histoires, et surtout les histoires vraies.",
    "Chaque soir il demandait à ses amis : « Eh bien, quoi de nouveau ? »",
    "Joseph, son domestique, chargeait les fusils.",
    "Le soir, on restait trois heures à table.",
]
GOLD = [([0], [0]), ([1], [1]), ([2, 3], [2]), ([4], [3]), ([5], []), ([6], [4])]


@pytest.fixture()
def prose(tmp_path):
    a, b = tmp_path / "story.en.md", tmp_path / "story.fr.md"
    a.write_text("\n\n".join(EN) + "\n", encoding="utf-8")
    b.write_text("\n\n".join(FR) + "\n", encoding="utf-8")
    return a, b


def _config(tmp_path, **align):
    path = tmp_path / "bitext.yaml"
    lines = ["energy:", "  enabled: false"]
    if align:
        lines += ["align:"] + [f"  {k}: {v}" for k, v in align.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _body(pairs):
    return [p for p in pairs if p.sentence_ids is not None]


def test_presegmented_prose_aligns_sentences_by_block_order(prose, tmp_path):
    a, b = prose
    assert main(["align", str(a), str(b), "--level", "sentence", "--out", str(tmp_path / "out"),
                 "--config", str(_config(tmp_path))]) == 0
    pairs = _body(read_pairs_jsonl(tmp_path / "out" / "pairs.jsonl"))
    assert [(p.sentence_ids["src"], p.sentence_ids["tgt"]) for p in pairs] == GOLD
    assert [p.type for p in pairs] == ["1-1", "1-1", "2-1", "1-1", "1-0", "1-1"]
    assert all(0.0 <= p.score <= 1.0 for p in pairs)
    # one block a sentence: the line spans give the same ids (line = 2 * id + 1)
    merged = pairs[2]
    assert merged.src_lines == [5, 7] and merged.tgt_lines == [5, 5]
    assert merged.src == EN[2] + " " + EN[3]
    lines = json.loads((tmp_path / "out" / "pairs.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert lines["sentence_ids"] == {"src": [0], "tgt": [0]}


def test_paragraph_level_pairs_have_no_sentence_ids(prose, tmp_path):
    a, b = prose
    align_command(a, b, tmp_path / "p", "paragraph", load_config(_config(tmp_path)), quiet=True)
    text = (tmp_path / "p" / "pairs.jsonl").read_text(encoding="utf-8")
    assert "sentence_ids" not in text  # run outputs keep their exact shape


def _memory_counts(path: Path) -> dict:
    from pipeline.mt.memory import TranslationMemory

    with TranslationMemory(path) as tm:
        return tm.stats()["counts"]


def test_into_memory_keeps_links_above_the_threshold_and_lists_the_others(prose, tmp_path, capsys):
    a, b = prose
    memory = tmp_path / "tm.sqlite"
    assert main(["align", str(a), str(b), "--level", "sentence", "--out", str(tmp_path / "o1"), "--into-memory",
                 "--memory", str(memory), "--config", str(_config(tmp_path, memory_min_confidence=0.0))]) == 0
    err = capsys.readouterr().err
    assert "kept 5 of 5 links" in err  # the 1-0 pair is no translation: never a memory entry
    assert _memory_counts(memory)["imported"] == 5
    pairs = _body(read_pairs_jsonl(tmp_path / "o1" / "pairs.jsonl"))
    scores = sorted(p.score for p in pairs if p.src and p.tgt)
    threshold = (scores[0] + scores[1]) / 2  # between the least sure link and the next one
    memory2 = tmp_path / "tm2.sqlite"
    assert main(["align", str(a), str(b), "--level", "sentence", "--out", str(tmp_path / "o2"), "--into-memory",
                 "--memory", str(memory2), "--config", str(_config(tmp_path, memory_min_confidence=threshold))]) == 0
    err = capsys.readouterr().err
    assert "kept 4 of 5 links" in err and "1 below it left out" in err
    assert _memory_counts(memory2)["imported"] == 4
    left = [json.loads(x) for x in (tmp_path / "o2" / "memory_left_out.jsonl").read_text().splitlines()]
    assert len(left) == 1 and left[0]["confidence"] == scores[0]
    assert left[0]["id"] in err  # listed on stderr too


def test_memory_entries_are_the_links_text(prose, tmp_path):
    from pipeline.mt.memory import TranslationMemory
    from pipeline.mt.segments import markup_segment

    a, b = prose
    memory = tmp_path / "tm.sqlite"
    align_command(a, b, tmp_path / "o", "sentence", load_config(_config(tmp_path, memory_min_confidence=0.0)),
                  quiet=True, into_memory=True, memory=memory)
    key = markup_segment(EN[2] + " " + EN[3]).key
    with TranslationMemory(memory) as tm:
        hit = tm.exact("en", "fr", [key])
    assert hit[key].target.text == FR[2] and hit[key].origin == "imported"


@pytest.mark.parametrize("value", ["1.5", "-0.1", "high"])
def test_memory_min_confidence_is_validated(tmp_path, value):
    with pytest.raises(BitextError, match="align.memory_min_confidence"):
        load_config(_config(tmp_path, memory_min_confidence=value))


@pytest.mark.parametrize("kind", ["hand-set", "random"])
def test_model_path_completes_and_logs_the_translation_energy(prose, tmp_path, kind, tiny_marian_dir, random_marian_dir):
    from pipeline.mt.registry import build_translator

    model = tiny_marian_dir if kind == "hand-set" else random_marian_dir
    translator = build_translator("marian", str(model), "en", "fr", {}, None)
    calls = []

    def translate(texts):
        calls.append(len(texts))
        return translator.translate(texts)

    a, b = prose
    config = load_config()  # energy on: CodeCarbon's offline tracker, estimated
    out = tmp_path / "m"
    assert align_command(a, b, out, "sentence", config, model_translate=translate, quiet=True,
                         model_signature=translator.signature()) == 0
    assert calls == [len(EN)]  # one batch: every English sentence once
    pairs = _body(read_pairs_jsonl(out / "pairs.jsonl"))
    assert sorted(i for p in pairs for i in p.sentence_ids["src"]) == list(range(len(EN)))
    if kind == "hand-set":  # a model that keeps names and numbers cannot make it worse here
        assert [(p.sentence_ids["src"], p.sentence_ids["tgt"]) for p in pairs] == GOLD
    records = [json.loads(x) for x in (out / "energy.jsonl").read_text().splitlines()]
    translate_records = [r for r in records if r.get("stage") == "translate"]
    assert len(translate_records) == 1 and translate_records[0]["article"] == str(a)
    assert translate_records[0]["sentences"] == len(EN)

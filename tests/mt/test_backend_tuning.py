"""Backend tuning that can be checked without a clock: compute type choice, thread split,
token batches, and the vocabulary shortlist (built from the model's own translations, used,
and leaving the tiny model's outputs unchanged), marian's token batches and bfloat16. Speed itself:
bench/translate_speed.py."""
from __future__ import annotations

import json
import random
import shutil

import pytest
from support.paths import ROOT

from pipeline.cli import main
from pipeline.mt.base import ModelUnavailable
from pipeline.mt.ct2 import CTranslate2Translator, pick_compute_type, split_threads
from pipeline.mt.registry import build_translator
from pipeline.mt.marian import token_batches
from pipeline.mt.shortlist_command import build_for
from pipeline.mt.vocab_map import VocabMap, build_vocab_map

SENTENCES = [
    "La consommation énergétique des centres de données augmente depuis 2019.",
    "Bonjour.",
    "Hugo est un générateur de sites statiques écrit en Go, rapide et simple à déployer sur un serveur.",
    "Le MIT a publié une étude.",
    "Les modèles de langue consomment beaucoup d'électricité pendant leur entraînement.",
    "Le vélo en ville demande des pistes sûres et des arceaux pour stationner.",
    "Une sauvegarde que personne n'a jamais restaurée n'est pas une sauvegarde.",
    "Le marché de nuit ouvre à 19 h sur la place de la mairie.",
]
CPU = {"float32", "int8", "int8_float32"}
CUDA = {"float32", "float16", "bfloat16", "int8", "int8_float16", "int8_bfloat16", "int8_float32"}


# -- compute type and threads ------------------------------------------------


def test_auto_compute_type_is_the_fastest_the_device_supports():
    assert pick_compute_type("cpu", "auto", CPU) == "int8"
    assert pick_compute_type("cpu", None, {"float32"}) == "float32"
    assert pick_compute_type("cuda", "auto", CUDA) == "int8_float16"
    assert pick_compute_type("cuda", "auto", {"float32", "float16"}) == "float16"


def test_an_explicit_compute_type_is_kept_or_refused_with_the_supported_ones():
    assert pick_compute_type("cpu", "float32", CPU) == "float32"
    with pytest.raises(ValueError, match=r"'float16' is not supported on cpu here; supported: float32, int8, int8_float32"):
        pick_compute_type("cpu", "float16", CPU)


def test_cores_are_split_into_batches_in_parallel():
    assert split_threads(2) == (1, 2)
    assert split_threads(8, 2) == (4, 2)
    assert split_threads(4, 1) == (4, 1)
    assert split_threads(1) == (1, 1)
    assert split_threads(2, 5) == (1, 2)  # never more translators than cores


def test_unsupported_compute_type_in_a_config_is_one_line(tmp_path, tiny_marian_dir, capsys):
    cfg = tmp_path / "c.yaml"
    cfg.write_text("translate:\n  compute_type: float16\n", encoding="utf-8")
    code = main(["run", str(ROOT / "corpus" / "marche-de-nuit.fr.md"), "--to", "en", "--backend", "ctranslate2",
                 "--model", str(tiny_marian_dir), "--config", str(cfg), "--out", str(tmp_path / "out"), "--quiet"])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["bitext: compute_type 'float16' is not supported on cpu here; supported: float32, int8, int8_float32 (or auto)"]


@pytest.mark.parametrize("bad", ["inter_threads: 0", "inter_threads: 1.5", "batch_tokens: 0"])
def test_bad_batching_settings_are_config_errors(tmp_path, bad, capsys):
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"translate:\n  {bad}\n", encoding="utf-8")
    code = main(["run", str(ROOT / "corpus" / "marche-de-nuit.fr.md"), "--to", "en", "--backend", "pseudo",
                 "--config", str(cfg), "--out", str(tmp_path / "out"), "--quiet"])
    assert code == 2
    assert bad.split(":")[0] in capsys.readouterr().err


# -- token batches -----------------------------------------------------------


def test_token_batches_cover_every_sentence_once_within_the_budget():
    rng = random.Random(3)
    lengths = [rng.randint(1, 120) for _ in range(300)]
    batches = token_batches(lengths, max_tokens=1000, max_examples=32)
    assert sorted(i for b in batches for i in b) == list(range(300))
    for batch in batches:
        longest = max(lengths[i] for i in batch)
        assert lengths[batch[0]] == longest  # longest first inside a batch
        assert len(batch) <= 32 and (len(batch) * longest <= 1000 or len(batch) == 1)
    firsts = [lengths[b[0]] for b in batches]
    assert firsts == sorted(firsts, reverse=True)  # the longest batch first
    assert token_batches([500], 100, 8) == [[0]]  # a sentence over the budget still goes, alone
    assert token_batches([], 100, 8) == []


def test_small_inputs_are_cut_so_every_parallel_translator_gets_work():
    assert len(token_batches([10] * 6, 2048, 64)) == 1
    batches = token_batches([10] * 6, 2048, 64, min_batches=2)
    assert len(batches) == 2 and sorted(len(b) for b in batches) == [3, 3]


@pytest.fixture(scope="module")
def ct2_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("ct2-tuning-cache")


def _ct2(model, cache, **settings):
    return CTranslate2Translator(str(model), device="cpu", threads=2, cache_dir=cache, **settings)


def test_many_small_batches_in_parallel_keep_the_order(tiny_marian_dir, ct2_cache):
    """Two translators, batches of ~2 sentences submitted at once: each output is its own sentence's."""
    sentences = SENTENCES * 3
    one_by_one = [_ct2(tiny_marian_dir, ct2_cache, inter_threads=1).translate([s])[0] for s in SENTENCES]
    batched = _ct2(tiny_marian_dir, ct2_cache, inter_threads=2, batch_tokens=40, batch_size=2)
    assert batched.intra_threads == 1 and batched.inter_threads == 2
    assert batched.translate(sentences) == one_by_one * 3


# -- vocabulary shortlist ----------------------------------------------------


def _corpus_sentences(translator, limit=120):
    from support.tiny_marian import corpus_texts

    found = []
    for text in corpus_texts("fr"):
        for line in text.splitlines():
            line = " ".join(line.split())
            if len(line.split()) >= 4 and not line.startswith(("---", "{{", "<", "|", "```", "[")):
                if translator.source_tokens(line) < 100:
                    found.append(line)
    return list(dict.fromkeys(found))[:limit]


@pytest.fixture(scope="module")
def own_map(tiny_marian_dir, ct2_cache, tmp_path_factory):
    """A map built from the tiny model's own translations of corpus sentences (4 beams)."""
    full = _ct2(tiny_marian_dir, ct2_cache)
    sentences = _corpus_sentences(full)
    outputs = full.translate(sentences)
    path = build_for(full, list(zip(sentences, outputs))).write(tmp_path_factory.mktemp("vmap") / "own.vmap")
    return path, sentences, outputs


def test_shortlist_file_is_written_in_ctranslate2_format(own_map, tiny_marian_dir):
    path, _, _ = own_map
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("\t") and len(lines[0].split()) >= 50  # the always-allowed pieces
    vocab = set(json.loads((tiny_marian_dir / "vocab.json").read_text(encoding="utf-8")))
    for line in lines[1:]:
        source, targets = line.split("\t")
        assert source in vocab and targets and set(targets.split()) <= vocab
    assert VocabMap.read(path).rules  # reads back


def test_shortlist_is_used_and_outputs_stay_identical_on_the_tiny_model(own_map, tiny_marian_dir, ct2_cache):
    path, sentences, full_outputs = own_map
    short = _ct2(tiny_marian_dir, ct2_cache, shortlist=path)
    assert short.translate(sentences) == full_outputs  # 4 beams, as the pipeline runs
    model_dir = short._model_dir()
    assert (model_dir / "vmap.txt").read_bytes() == path.read_bytes()
    assert short.output_vocab_sizes and max(short.output_vocab_sizes) < len(short.tokenizer.get_vocab())
    greedy = _ct2(tiny_marian_dir, ct2_cache, shortlist=path, num_beams=1)
    assert greedy.translate(sentences[:40]) == _ct2(tiny_marian_dir, ct2_cache, num_beams=1).translate(sentences[:40])


def test_a_map_too_small_changes_the_output(tiny_marian_dir, ct2_cache, tmp_path):
    """Proof the map is applied: allowing only punctuation, the model can say nothing else."""
    path = VocabMap(always=[".", ","]).write(tmp_path / "tiny.vmap")
    out = _ct2(tiny_marian_dir, ct2_cache, shortlist=path).translate(SENTENCES[:3])
    assert out != _ct2(tiny_marian_dir, ct2_cache).translate(SENTENCES[:3])
    assert all(not any(ch.isalpha() for ch in o.replace("unk", "")) for o in out), out


def test_shortlist_keys_its_own_memory_entries(own_map, tiny_marian_dir, ct2_cache):
    path, _, _ = own_map
    plain = _ct2(tiny_marian_dir, ct2_cache).signature()
    short = _ct2(tiny_marian_dir, ct2_cache, shortlist=path).signature()
    assert "shortlist" not in plain and str(short["shortlist"]).startswith("sha256:")


def test_coverage_makes_every_produced_piece_reachable_from_its_sentence():
    pairs = [(["▁a", "▁b"], ["▁x", "▁y"]), (["▁a", "▁c"], ["▁x", "▁z"]), (["▁d"], ["▁w"])]
    vmap = build_vocab_map(pairs, always=1, per_source=0)
    assert vmap.always == ["▁x"]
    for source, target in pairs:
        assert set(target) <= vmap.candidates([source])


def test_missing_shortlist_says_how_to_build_it(tiny_marian_dir, ct2_cache):
    with pytest.raises(ModelUnavailable, match="bitext shortlist CORPUS --to LANG"):
        _ct2(tiny_marian_dir, ct2_cache, shortlist="auto")


def test_shortlist_command_then_a_run_with_it(tmp_path, tiny_marian_dir, capsys):
    """`bitext shortlist ARTICLE` translates it (full vocabulary) and builds the map; a run with
    `shortlist: auto` then uses it and gives the same article as a full-vocabulary run."""
    article = tmp_path / "content" / "marche-de-nuit.fr.md"
    article.parent.mkdir()
    shutil.copyfile(ROOT / "corpus" / "marche-de-nuit.fr.md", article)
    model = str(tiny_marian_dir)
    assert main(["shortlist", str(article), "--to", "en", "--model", model]) == 0
    err = capsys.readouterr().err
    assert "use it with `translate.shortlist: auto`" in err
    built = CTranslate2Translator(model, device="cpu").default_shortlist_path
    assert built.is_file() and f"wrote {built}" in err
    runs = {}
    for name, shortlist in (("full", "null"), ("short", "auto")):
        cfg = tmp_path / f"{name}.yaml"
        cfg.write_text(f"translate:\n  shortlist: {shortlist}\n  cache: false\n", encoding="utf-8")
        out = tmp_path / name
        assert main(["run", str(article), "--to", "en", "--backend", "ctranslate2", "--model", model,
                     "--config", str(cfg), "--out", str(out), "--quiet"]) == 0
        runs[name] = (out / "marche-de-nuit.en.md").read_text(encoding="utf-8")
    assert runs["short"] == runs["full"]


def test_shortlist_command_without_translations_is_one_line(tmp_path, tiny_marian_dir, capsys):
    code = main(["shortlist", "--to", "en", "--model", str(tiny_marian_dir), "--memory", str(tmp_path / "m.sqlite")])
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("bitext: the translation memory") and "bitext shortlist CORPUS --to en" in err


def test_factory_passes_ct2_settings(tiny_marian_dir, ct2_cache):
    t = build_translator("ctranslate2", str(tiny_marian_dir), "fr", "en",
                         {"threads": 2, "inter_threads": 1, "batch_tokens": 512, "ct2_cache_dir": str(ct2_cache)}, None)
    assert (t.intra_threads, t.inter_threads, t.batch_tokens, t.compute_type) == (2, 1, 512, "int8")


# -- marian (transformers) ---------------------------------------------------


def test_marian_token_batches_keep_the_order(tiny_marian_dir):
    from pipeline.mt.marian import MarianTranslator

    one_by_one = MarianTranslator(str(tiny_marian_dir), device="cpu", threads=1)
    expected = [one_by_one.translate([s])[0] for s in SENTENCES]
    batched = MarianTranslator(str(tiny_marian_dir), device="cpu", threads=1, batch_tokens=40, batch_size=3)
    assert batched.translate(SENTENCES + SENTENCES[::-1]) == expected + expected[::-1]


def test_marian_bfloat16_where_the_cpu_computes_it(tiny_marian_dir):
    import torch

    from pipeline.mt.marian import MarianTranslator

    if not torch.ops.mkldnn._is_mkldnn_bf16_supported():
        with pytest.raises(ValueError, match="not computed natively"):
            MarianTranslator(str(tiny_marian_dir), device="cpu", dtype="bfloat16")
        return
    bf16 = MarianTranslator(str(tiny_marian_dir), device="cpu", threads=1, dtype="bfloat16")
    out = bf16.translate(SENTENCES)
    assert next(bf16._load_model().parameters()).dtype == torch.bfloat16
    assert len(out) == len(SENTENCES) and all(o.strip() for o in out)
    assert bf16.signature()["dtype"] == "bfloat16"  # its own memory entries


def test_unknown_dtype_is_refused(tiny_marian_dir):
    from pipeline.mt.marian import MarianTranslator

    with pytest.raises(ValueError, match="'float16' is not one of float32, bfloat16"):
        MarianTranslator(str(tiny_marian_dir), device="cpu", dtype="float16")

"""Model backends (transformers, CTranslate2), sentence splitting, guards, translation memory.

The model is the session's tiny Marian (``conftest.tiny_marian_dir``): real
SentencePiece files, ``save_pretrained`` output, loaded by the same code as
a hub model. Its hand-set weights copy the source, shuffling word-initial
lowercase pieces, so outputs are deterministic and as long as the source.
Guards are tested with scripted translators whose names say they are fakes.
"""
from __future__ import annotations

import json
import logging
import math
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support.paths import ROOT

from pipeline import spacy_models
from pipeline.mt import segment
from pipeline.mt.base import ModelUnavailable, Translator
from pipeline.mt.registry import build_translator
from pipeline.mt.guards import protect, restore, translate_texts
from pipeline.mt.marian import Decoding, default_model
from pipeline.mt.memory import CachedTranslator, TranslationMemory
from pipeline.mt.segment import SentenceSplitter, chunk_for_model

BACKENDS = ("marian", "ctranslate2")
SENTENCES = [
    "La consommation énergétique des centres de données augmente depuis 2019.",
    "Bonjour.",
    "Hugo est un générateur de sites statiques écrit en Go, rapide et simple à déployer sur un serveur.",
    "Le MIT a publié une étude.",
    "Les modèles de langue consomment beaucoup d'électricité pendant leur entraînement.",
]


def _fr_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("fr_core_news_sm") is not None


@pytest.fixture(scope="module")
def ct2_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("ct2-cache")


@pytest.fixture(scope="module")
def translators(tiny_marian_dir, ct2_cache):
    """One translator per backend, loaded once for the module (one thread: tiny matrices)."""
    settings = {"threads": 1, "ct2_cache_dir": str(ct2_cache)}
    return {b: build_translator(b, str(tiny_marian_dir), "fr", "en", settings, None) for b in BACKENDS}


@pytest.fixture(scope="module")
def fr_splitter():
    return SentenceSplitter("fr")


# -- scripted translators ---------------------------------------------------


class FakeRecordingTranslator(Translator):
    """Wraps a real translator and records every string sent to it."""

    accepts_decoding_overrides = True

    def __init__(self, inner):
        self.inner, self.name, self.model_id = inner, "fake-recording", inner.model_id
        self.model_calls, self.sent = 0, []
        self.max_input_tokens = inner.max_input_tokens
        self.source_tokens, self.target_tokens = inner.source_tokens, inner.target_tokens

    def translate(self, batch, **overrides):
        self.sent.extend(batch)
        self.model_calls += len(batch)
        return self.inner.translate(batch, **overrides)

    def signature(self):
        return {"backend": self.name}


class FakeScriptedTranslator(Translator):
    """Answers from ``script(text, overrides)``; records the calls."""

    accepts_decoding_overrides = True

    name = "fake-scripted"
    model_id = "fake"

    def __init__(self, script):
        self.script, self.calls, self.model_calls = script, [], 0

    def translate(self, batch, **overrides):
        self.calls.append((list(batch), dict(overrides)))
        self.model_calls += len(batch)
        return [self.script(text, overrides) for text in batch]

    def signature(self):
        return {"backend": self.name, "model": self.model_id, "revision": "1", "decoding": {"num_beams": 4}}


class FakeLoopingTranslator(FakeScriptedTranslator):
    """Loops ("the the the ...") unless called with no_repeat_ngram_size, as beam search can."""

    def __init__(self, loops_on_retry=False):
        def script(text, overrides):
            if overrides.get("no_repeat_ngram_size") and not loops_on_retry:
                return f"EN {text}"
            return "The data " + "the data " * 12

        super().__init__(script)


class FakeNoOverridesTranslator(Translator):
    """A backend without decoding settings (like pseudo): translate(batch) only."""

    name, model_id = "fake-no-overrides", "fake"

    def __init__(self):
        self.model_calls = 0

    def translate(self, batch):
        self.model_calls += len(batch)
        return [t + "".join(f" w{i}" for i in range(50)) for t in batch]  # far too long

    def signature(self):
        return {"backend": self.name}


# -- loading and translating with both backends ------------------------------


def test_default_model_follows_the_direction():
    assert default_model("fr", "en") == "Helsinki-NLP/opus-mt-fr-en"
    assert default_model("en", "fr") == "Helsinki-NLP/opus-mt-en-fr"


@pytest.mark.parametrize("backend", BACKENDS)
def test_backend_loads_tiny_model_and_keeps_order(translators, tiny_marian_dir, backend):
    translator = translators[backend]
    before = translator.model_calls
    batch = translator.translate(SENTENCES)
    one_by_one = [translator.translate([s])[0] for s in SENTENCES]
    assert batch == one_by_one  # sorted by length inside, order restored
    assert all(out.strip() for out in batch)
    assert batch != SENTENCES  # the tiny model shuffles lowercase words: something was translated
    assert "2019" in batch[0] and "MIT" in batch[3]  # numbers and capitalised names come through
    assert translator.model_calls - before == 2 * len(SENTENCES)
    sig = translator.signature()
    assert sig["backend"] == backend and sig["model"] == str(tiny_marian_dir)
    assert str(sig["revision"]).startswith("sha256:") and sig["device"] == "cpu" and sig["beams"] == 4


def test_backends_agree_and_conversion_is_cached(translators, tiny_marian_dir, ct2_cache, monkeypatch):
    marian, ct2 = translators["marian"], translators["ctranslate2"]
    assert ct2.translate(SENTENCES) == marian.translate(SENTENCES)
    converted = ct2.converted_dir
    assert converted.parent == ct2_cache and (converted / "model.bin").is_file()
    assert ct2.compute_type == "int8"

    import ctranslate2.converters

    def no_conversion(*args, **kwargs):
        raise AssertionError("converted again")

    monkeypatch.setattr(ctranslate2.converters, "TransformersConverter", no_conversion)
    again = build_translator("ctranslate2", str(tiny_marian_dir), "fr", "en", {"threads": 1, "ct2_cache_dir": str(ct2_cache)}, None)
    assert again.translate(SENTENCES[:2]) == ct2.translate(SENTENCES[:2])


def test_decoding_overrides_are_checked(translators):
    with pytest.raises(ValueError, match="unknown decoding setting"):
        translators["marian"].translate(["Bonjour."], num_beam=2)
    assert Decoding(max_length_ratio=2.0, max_length_extra=16).max_new_tokens(10, 512) == 36
    assert Decoding().max_new_tokens(400, 512) == 512  # never past the model's positions
    marian, ct2 = translators["marian"], translators["ctranslate2"]
    exact = {"exact_length": True, "max_length_ratio": 1.5, "max_length_extra": 0}
    before = (marian.generated_tokens, ct2.generated_tokens)
    marian.translate(SENTENCES, **exact)  # past the source's end, int8 and fp32 outputs differ: count only
    ct2.translate(SENTENCES, **exact)
    longest = max(marian.source_tokens(s) for s in SENTENCES)  # one batch: all get its budget
    expected = len(SENTENCES) * math.ceil(1.5 * longest)
    assert marian.generated_tokens - before[0] == ct2.generated_tokens - before[1] == expected


# -- guards on the way to the model ------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_untranslatable_inputs_never_reach_the_model(translators, fr_splitter, backend):
    spy = FakeRecordingTranslator(translators[backend])
    texts = ["", " ", "\n\n", "...", "🚨", "2019", "— 42 —", "https://gohugo.io/", "contact@example.org",
             "  Bonjour le monde.  ", "« Oui ! »"]
    results = translate_texts(texts, spy, fr_splitter)
    assert spy.sent == ["Bonjour le monde.", "« Oui ! »"]
    assert [r.target for r in results[:9]] == texts[:9]
    assert results[9].target.startswith("  ") and results[9].target.endswith("  ")
    assert all(r.flags == [] for r in results)


def test_whitespace_between_sentences_is_kept(translators, fr_splitter):
    text = "  Bonjour le monde.   Le MIT a publié une étude.\n"
    result = translate_texts([text], translators["ctranslate2"], fr_splitter)[0]
    assert result.sentences == 2
    assert result.target.startswith("  ") and result.target.endswith(".\n")
    assert "   " in result.target and "MIT" in result.target
    assert result.source_tokens > 0 and result.target_tokens > 0


@pytest.mark.parametrize("punctuated", [True, False])
def test_a_2000_word_paragraph_translates_completely(translators, fr_splitter, punctuated):
    import re

    from support.tiny_marian import corpus_texts

    words = re.sub(r"[^\w\s'’,]", " ", corpus_texts("fr")[0]).split()
    words = (words * 3)[:2000]
    if punctuated:  # sentences of ~25 words, one of them 600 words long
        words = [w + ("." if i % 25 == 24 and not 700 < i < 1300 else "") for i, w in enumerate(words)]
    paragraph = " ".join(words)
    marian = translators["marian"]
    spy = FakeRecordingTranslator(marian)
    result = translate_texts([paragraph], spy, fr_splitter)[0]
    limit = marian.max_input_tokens
    assert limit < marian.max_positions
    assert max(marian.source_tokens(s) for s in spy.sent) <= limit
    sent_words = " ".join(spy.sent).split()
    assert sent_words == paragraph.split() or set(paragraph.split()) <= set(sent_words)
    # The tiny model maps every piece to one piece: a complete translation has as many words.
    assert abs(len(result.target.split()) - 2000) <= 20
    assert not [f for f in result.flags if f["code"] == "length_ratio"]


def test_chunking_cuts_at_clauses_then_whitespace_then_inside_a_token():
    count = lambda text: len(text.split()) + 1  # noqa: E731
    sentence = "un deux trois, quatre cinq six; sept huit neuf dix onze douze treize quatorze"
    chunks = chunk_for_model(sentence, count, 5)
    assert "".join(chunks) == sentence
    assert all(count(c) <= 5 for c in chunks)
    assert chunks[0] == "un deux trois,"
    url = "https://example.org/" + "a" * 3000
    pieces = chunk_for_model(url, lambda t: len(t) // 4 + 1, 100)
    assert "".join(pieces) == url and all(len(p) // 4 + 1 <= 100 for p in pieces)
    assert chunk_for_model("court", count, 5) == ["court"]


def test_repetition_is_retried_with_other_decoding_settings(fr_splitter):
    fake = FakeLoopingTranslator()
    result = translate_texts(["Les données du centre sont publiées chaque année."], fake, fr_splitter)[0]
    assert result.target == "EN Les données du centre sont publiées chaque année."
    assert result.flags == []
    assert len(fake.calls) == 2 and fake.calls[1][1]["no_repeat_ngram_size"] == 3


def test_repetition_still_there_after_retry_is_flagged(fr_splitter):
    fake = FakeLoopingTranslator(loops_on_retry=True)
    result = translate_texts(["Les données du centre sont publiées chaque année."], fake, fr_splitter)[0]
    codes = [f["code"] for f in result.flags]
    assert "repetition" in codes
    assert "after a retry" in result.flags[0]["reason"]


def test_length_ratio_is_flagged_after_retry(fr_splitter):
    padding = " ".join(f"word{i}" for i in range(60))
    long_fake = FakeScriptedTranslator(lambda text, o: f"{text} {padding}")
    dropped_fake = FakeScriptedTranslator(lambda text, o: "Yes." if o else "")
    text = "Le premier paragraphe décrit la méthode. Le second donne les résultats obtenus."
    long = translate_texts([text], long_fake, fr_splitter)[0]
    dropped = translate_texts([text], dropped_fake, fr_splitter)[0]
    assert [f["code"] for f in long.flags] == ["length_ratio", "length_ratio"]
    assert [f["code"] for f in dropped.flags] == ["length_ratio", "length_ratio"]
    assert all("after a retry" in f["reason"] for f in long.flags + dropped.flags)
    assert len(long_fake.calls) == 2 and long_fake.calls[1][1]  # the retry had overrides


def test_backend_without_decoding_settings_is_flagged_without_retry(fr_splitter):
    fake = FakeNoOverridesTranslator()
    result = translate_texts(["Une phrase assez longue pour le contrôle."], fake, fr_splitter)[0]
    assert fake.model_calls == 1
    assert result.flags[0]["code"] == "length_ratio" and "no retry" in result.flags[0]["reason"]


def test_identical_sentences_are_translated_once(fr_splitter):
    fake = FakeScriptedTranslator(lambda text, o: f"EN {text}")
    texts = ["Bonjour le monde. Bonjour le monde.", "Bonjour le monde."]
    results = translate_texts(texts, fake, fr_splitter)
    assert fake.calls[0][0] == ["Bonjour le monde."]
    assert results[0].target == "EN Bonjour le monde. EN Bonjour le monde."


# -- do-not-translate terms ---------------------------------------------------


def test_placeholders_protect_terms_and_survive_the_tiny_model(translators, fr_splitter):
    protected, terms = protect("Hugo et GoHugo utilisent Hugo.", ["Hugo", "GoHugo"])
    assert protected == "XZ0Q et XZ1Q utilisent XZ2Q." and terms == ["Hugo", "GoHugo", "Hugo"]
    assert restore("xz0q and XZ 1Q use XZ2Q.", terms) == "Hugo and GoHugo use Hugo."
    assert restore("and use.", terms) is None
    text = "Le générateur hugo est simple et le code de hugo est ouvert."
    for backend in BACKENDS:
        result = translate_texts([text], translators[backend], fr_splitter, dnt_terms=["hugo"])[0]
        assert result.target.count("hugo") == 2, result.target  # lowercase: the model alone would shuffle it
        assert result.flags == []


def test_units_made_of_terms_only_are_copied(fr_splitter):
    fake = FakeScriptedTranslator(lambda text, o: f"EN {text}")
    results = translate_texts(["Hugo", "Hugo, Mastodon !", "Hugo et Mastodon"], fake, fr_splitter, dnt_terms=["Hugo", "Mastodon"])
    assert [r.target for r in results] == ["Hugo", "Hugo, Mastodon !", "EN Hugo et Mastodon"]
    assert fake.calls == [(["XZ0Q et XZ1Q"], {})]


def test_lost_placeholder_falls_back_to_the_term_then_flags(fr_splitter):
    keeps_terms = FakeScriptedTranslator(lambda text, o: text.replace("XZ0Q", "").replace("est", "is"))
    result = translate_texts(["Signal est une messagerie chiffrée."], keeps_terms, fr_splitter, dnt_terms=["Signal"])[0]
    assert result.target == "Signal is une messagerie chiffrée." and result.flags == []
    assert keeps_terms.calls[1][0] == ["Signal est une messagerie chiffrée."]  # retranslated with the term in
    drops_terms = FakeScriptedTranslator(lambda text, o: text.replace("XZ0Q", "X").replace("Signal", "Sign"))
    flagged = translate_texts(["Signal est une messagerie chiffrée."], drops_terms, fr_splitter, dnt_terms=["Signal"])[0]
    assert [f["code"] for f in flagged.flags] == ["dnt"] and "Signal" in flagged.flags[0]["reason"]


# -- translation memory -----------------------------------------------------


def test_memory_second_run_makes_no_model_call(translators, fr_splitter, tmp_path):
    article = ["Bonjour le monde. Le MIT a publié une étude.", "Les modèles consomment de l'électricité."]
    memory = TranslationMemory(tmp_path / "tm.sqlite")
    first = CachedTranslator(translators["ctranslate2"], memory, "fr-en")
    one = translate_texts(article, first, fr_splitter)
    assert first.model_calls == 3 and first.cache_hits == 0
    second = CachedTranslator(translators["ctranslate2"], TranslationMemory(tmp_path / "tm.sqlite"), "fr-en")
    two = translate_texts(article, second, fr_splitter)
    assert second.model_calls == 0 and second.cache_hits == 3
    assert [r.target for r in one] == [r.target for r in two]
    edited = ["Bonjour le monde. Le MIT a publié deux études.", article[1]]
    third = CachedTranslator(translators["ctranslate2"], memory, "fr-en")
    translate_texts(edited, third, fr_splitter)
    assert third.model_calls == 1 and third.cache_hits == 2


def test_memory_key_separates_models_directions_and_settings(tmp_path):
    memory = TranslationMemory(tmp_path / "tm.sqlite")
    fake = FakeScriptedTranslator(lambda text, o: f"EN {text}")
    cached = CachedTranslator(fake, memory, "fr-en")
    cached.translate(["Bonjour."])
    cached.translate(["Bonjour."], num_beams=6)  # other decoding settings: a miss
    CachedTranslator(fake, memory, "en-fr").translate(["Bonjour."])  # other direction: a miss
    assert fake.model_calls == 3 and len(memory) == 3
    assert memory._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_memory_is_shared_by_two_processes(tmp_path):
    path = tmp_path / "tm.sqlite"
    TranslationMemory(path).store(("m", "r", "fr-en", "{}"), [("a", "A")])
    code = (
        "import sys; sys.path.insert(0, %r)\n"
        "from pipeline.mt.memory import TranslationMemory\n"
        "m = TranslationMemory(%r)\n"
        "assert m.lookup(('m', 'r', 'fr-en', '{}'), ['a']) == {'a': 'A'}\n"
        "m.store(('m', 'r', 'fr-en', '{}'), [('b', 'B')])\n"
    ) % (str(ROOT), str(path))
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    assert TranslationMemory(path).lookup(("m", "r", "fr-en", "{}"), ["a", "b"]) == {"a": "A", "b": "B"}


# -- a model that cannot be had ---------------------------------------------


def _assert_one_helpful_line(message: str) -> None:
    assert "\n" not in message
    assert "huggingface-cli download" in message and "--model" in message and "HF_HUB_OFFLINE=1" in message


@pytest.mark.parametrize("backend", BACKENDS)
def test_missing_folder_is_one_helpful_line(backend, tmp_path):
    with pytest.raises(ModelUnavailable) as err:
        build_translator(backend, str(tmp_path / "no" / "such-model"), "fr", "en", {}, None)
    _assert_one_helpful_line(str(err.value))


def test_folder_without_weights_names_what_is_missing(tiny_marian_dir, tmp_path):
    for name in ("config.json", "vocab.json", "source.spm", "target.spm"):
        (tmp_path / name).write_bytes((tiny_marian_dir / name).read_bytes())
    with pytest.raises(ModelUnavailable, match="model.safetensors or pytorch_model.bin") as err:
        build_translator("marian", str(tmp_path), "fr", "en", {}, None)
    _assert_one_helpful_line(str(err.value))


@pytest.mark.parametrize("backend", BACKENDS)
def test_uncached_hub_model_offline_fails_fast(backend, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_CACHE", str(tmp_path / "hub"))
    start = time.monotonic()
    with pytest.raises(ModelUnavailable) as err:
        build_translator(backend, None, "fr", "en", {}, None)
    assert time.monotonic() - start < 5
    _assert_one_helpful_line(str(err.value))
    assert "Helsinki-NLP/opus-mt-fr-en" in str(err.value) and "HF_HUB_OFFLINE=1" in str(err.value)


def test_unreachable_hub_fails_fast_without_retries(tmp_path, monkeypatch):
    import socket

    def refuse(*args, **kwargs):
        raise OSError("Name or service not known")

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    for proxy in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(proxy, raising=False)
    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_CACHE", str(tmp_path / "hub"))
    monkeypatch.setattr(socket, "create_connection", refuse)
    start = time.monotonic()
    with pytest.raises(ModelUnavailable, match="unreachable") as err:
        build_translator("marian", "Helsinki-NLP/opus-mt-en-fr", "en", "fr", {}, None)
    assert time.monotonic() - start < 5
    _assert_one_helpful_line(str(err.value))


# -- factory -------------------------------------------------------------------


def test_factory_rejects_unknown_backends_and_settings(tiny_marian_dir, tmp_path):
    with pytest.raises(ValueError, match="identity, pseudo, marian, ctranslate2"):
        build_translator("opennmt", None, "fr", "en", {}, None)
    with pytest.raises(ValueError, match="num_beam"):
        build_translator("marian", str(tiny_marian_dir), "fr", "en", {"num_beam": 2}, None)
    assert build_translator("pseudo", None, "fr", "en", {}, tmp_path / "tm.sqlite").name == "pseudo"
    cached = build_translator("marian", str(tiny_marian_dir), "fr", "en", {"compute_type": "int8", "threads": 1},
                              tmp_path / "tm.sqlite")
    assert isinstance(cached, CachedTranslator) and cached.max_input_tokens == 62


def test_heavy_libraries_load_only_when_a_backend_is_built():
    code = (
        "import sys\n"
        "import pipeline.mt.marian, pipeline.mt.ct2, pipeline.mt.registry, pipeline.mt.guards\n"
        "import pipeline.mt.memory, pipeline.mt.segment\n"
        "print(sorted(m for m in ('torch', 'transformers', 'ctranslate2', 'spacy') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "[]"


# -- sentence splitting ---------------------------------------------------------


@pytest.mark.skipif(not _fr_installed(), reason="fr_core_news_sm is not installed (pip install fr-core-news-sm)")
def test_french_sentences_with_fr_core_news_sm(fr_splitter):
    assert fr_splitter.method == "fr_core_news_sm"
    text = "M. Dupont est arrivé à 9 h. Il a dit : « Bonjour ! »  Puis il est parti. Voir la fig. 2 de J. Martin."
    pieces = fr_splitter.sentences(text)
    assert "".join(pieces) == text
    assert [p.strip() for p in pieces] == [
        "M. Dupont est arrivé à 9 h.", "Il a dit : « Bonjour ! »", "Puis il est parti.", "Voir la fig. 2 de J. Martin.",
    ]


def test_missing_spacy_model_falls_back_and_says_so_once(monkeypatch, caplog):
    monkeypatch.setitem(segment.MODELS, "fr", "fr_no_such_model_sm")
    segment._pipeline.cache_clear()
    monkeypatch.setattr(spacy_models, "_said", set())
    try:
        with caplog.at_level(logging.INFO, logger="bitext"):
            first = SentenceSplitter("fr")
            SentenceSplitter("fr")
        assert first.method == "sentencizer"
        messages = [r.getMessage() for r in caplog.records if "fr_no_such_model_sm" in r.getMessage()]
        assert len(messages) == 1 and "python -m spacy download fr_no_such_model_sm" in messages[0]
        assert first.sentences("Une phrase. Une autre !") == ["Une phrase. ", "Une autre !"]
    finally:
        segment._pipeline.cache_clear()


def test_english_without_en_core_web_sm_names_it(caplog):
    import importlib.util

    if importlib.util.find_spec("en_core_web_sm") is not None:
        pytest.skip("en_core_web_sm is installed")
    spacy_models._said.discard("en")
    segment._pipeline.cache_clear()
    with caplog.at_level(logging.INFO, logger="bitext"):
        splitter = SentenceSplitter("en")
    assert splitter.method == "sentencizer"
    assert any("en_core_web_sm" in r.getMessage() for r in caplog.records)
    assert splitter.sentences("Mr. Smith is here. He left (again).") == ["Mr. Smith is here. ", "He left (again)."]


# -- the real model, when it is in the local cache ------------------------------


def _cached(repo: str) -> bool:
    from huggingface_hub import try_to_load_from_cache

    return all(isinstance(try_to_load_from_cache(repo, f), str) for f in ("config.json", "source.spm", "vocab.json"))


@pytest.mark.real_model
def test_real_opus_mt_fr_en_translates(monkeypatch):
    if not _cached("Helsinki-NLP/opus-mt-fr-en"):
        pytest.skip("Helsinki-NLP/opus-mt-fr-en is not in the local Hugging Face cache "
                    "(huggingface-cli download Helsinki-NLP/opus-mt-fr-en)")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    translator = build_translator("marian", None, "fr", "en", {}, None)
    results = translate_texts([" ", "Le chat dort sur la table. Il fait beau aujourd'hui."], translator, SentenceSplitter("fr"))
    assert results[0].target == " "  # never "I don't know."
    assert "cat" in results[1].target.lower() and "table" in results[1].target.lower()
    assert translator.signature()["revision"] and json.dumps(translator.signature())

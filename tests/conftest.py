"""Shared pytest fixtures."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture(scope="session")
def tiny_marian_dir(tmp_path_factory) -> Path:
    """A tiny Marian model folder (SentencePiece trained on the corpus, hand-set weights).

    Loads through the same code as a hub model. Its weights copy the source
    token by token, shuffling word-initial lowercase pieces (see
    ``tests/support/tiny_marian.py``): outputs have the source's length, numbers,
    names and placeholders come through, and every sentence ends at EOS.
    """
    from support.tiny_marian import build_tiny_marian, corpus_texts

    return build_tiny_marian(tmp_path_factory.mktemp("tiny-marian"), corpus_texts())


@pytest.fixture(scope="session")
def random_marian_dir(tmp_path_factory) -> Path:
    """A tiny Marian model with seeded random weights: the most hostile translator there is.

    Its output is garbage of the corpus vocabulary (markup characters included),
    looping to the length limit; the tests that use it cut outputs short.
    """
    from support.tiny_marian import build_tiny_marian, corpus_texts

    return build_tiny_marian(tmp_path_factory.mktemp("random-marian"), corpus_texts(), behaviour="random")


@pytest.fixture(autouse=True)
def own_translation_memory(tmp_path_factory, monkeypatch):
    """Every test starts with an empty translation memory of its own, never the user's."""
    monkeypatch.setenv("BITEXT_CACHE_DIR", str(tmp_path_factory.mktemp("bitext-cache")))

"""spaCy's trained pipelines (``fr_core_news_sm``, ``en_core_web_sm``): loaded once, missing said once.

Sentence splitting (``mt/segment.py``) and the QA names check (``align/qa.py``)
both use them and both fall back without them (spaCy's rule-based
sentencizer; capitalised words for names). A missing model is said in one
notice per language and run, naming both fallbacks and the ways that
really install it: ``en_core_web_sm`` is not on PyPI, so ``pip install
en-core-web-sm`` fails; spaCy's own downloader does (with network), or pip
with the release wheel's URL. The notice is logged at INFO: ``--quiet``
hides it.
"""
from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger("bitext")

MODELS = {"fr": "fr_core_news_sm", "en": "en_core_web_sm"}
_LANGUAGES = {"fr": "French", "en": "English"}
_said: set[str] = set()


def load(lang: str | None, exclude: list[str]) -> Any | None:
    """spaCy's pipeline for ``lang`` without the ``exclude`` components, or None if it is not installed."""
    name = MODELS.get(lang or "")
    if name is None:
        return None
    try:
        import spacy

        return spacy.load(name, exclude=exclude)
    except (ImportError, OSError):
        _say_missing(lang)
        return None


def install_advice(name: str) -> str:
    """How to install a spaCy model package: spaCy's downloader, or pip with the wheel of this spaCy's release."""
    try:
        import spacy

        major, minor = spacy.__version__.split(".")[:2]
        version = f"{major}.{minor}.0"
    except ImportError:
        version = "3.8.0"
    wheel = f"https://github.com/explosion/spacy-models/releases/download/{name}-{version}/{name}-{version}-py3-none-any.whl"
    return f"`python -m spacy download {name}` (needs network) or `pip install {wheel}`"


def _say_missing(lang: str) -> None:
    if lang in _said:
        return
    _said.add(lang)
    name, language = MODELS[lang], _LANGUAGES[lang]
    log.info(
        "spaCy's %s model %s is not installed: %s sentences are split by spaCy's rules and %s names found by "
        "capitalised words instead; to install it: %s", language, name, language, language, install_advice(name),
    )

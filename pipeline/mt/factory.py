"""Build the translator a run asks for: backend, model, settings, translation memory."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.mt.base import Translator

BACKENDS = ("identity", "pseudo", "marian", "ctranslate2")

# Settings each model backend takes (the names of configs/default.yaml's translate section).
_COMMON = {"device", "num_beams", "batch_size", "max_length_ratio", "max_new_tokens_cap", "revision", "threads",
           "max_length_extra", "no_repeat_ngram_size", "repetition_penalty"}
_ONLY = {"marian": set(), "ctranslate2": {"compute_type", "ct2_cache_dir"}}
KNOWN_SETTINGS = _COMMON | {k for keys in _ONLY.values() for k in keys}


def build_translator(
    backend: str,
    model: str | None,
    src: str,
    tgt: str,
    settings: dict[str, Any],
    cache_path: Path | None,
) -> Translator:
    """The translator for ``backend``, behind a translation memory when ``cache_path`` is set.

    ``model`` defaults to ``Helsinki-NLP/opus-mt-{src}-{tgt}``. ``settings``
    with a key no backend knows is an error (a typo must not do nothing);
    keys of the other model backend (``compute_type`` for ``marian``) are
    ignored so one config serves both. identity and pseudo call no model,
    so they are never cached. Raises ``ModelUnavailable`` when the model
    cannot be had, ``ValueError`` for an unknown backend or setting.
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose one of: {', '.join(BACKENDS)}")
    unknown = sorted(set(settings) - KNOWN_SETTINGS)
    if unknown:
        raise ValueError(f"unknown translate setting(s) {unknown}; known: {sorted(KNOWN_SETTINGS)}")
    if backend in ("identity", "pseudo"):
        from pipeline.mt.identity import IdentityTranslator
        from pipeline.mt.pseudo import PseudoTranslator

        return IdentityTranslator() if backend == "identity" else PseudoTranslator()
    from pipeline.mt.marian import default_model

    model = model or default_model(src, tgt)
    kwargs = {k: v for k, v in settings.items() if k in _COMMON | _ONLY[backend]}
    translator: Any
    if backend == "marian":
        from pipeline.mt.marian import MarianTranslator

        translator = MarianTranslator(model, **kwargs)
    else:
        from pipeline.mt.ct2 import CTranslate2Translator

        if "ct2_cache_dir" in kwargs:
            kwargs["cache_dir"] = kwargs.pop("ct2_cache_dir")
        translator = CTranslate2Translator(model, **kwargs)
    if cache_path is None:
        return translator
    from pipeline.mt.memory import CachedTranslator, TranslationMemory

    return CachedTranslator(translator, TranslationMemory(cache_path), f"{src}-{tgt}")

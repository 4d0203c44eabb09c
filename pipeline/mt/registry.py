"""The backends: one registry that the CLI's choices, the config check and the factory all read.

sacrebleu keeps its metrics the same way (``METRICS = {'BLEU': BLEU, ...}``):
adding a backend is one entry here. Heavy libraries are imported only when a
backend is built, so reading the registry costs nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from .base import Translator

# Settings every model backend takes (the names of configs/default.yaml's translate section).
_MODEL_SETTINGS = frozenset({"device", "num_beams", "batch_size", "batch_tokens", "max_length_ratio", "max_new_tokens_cap", "revision",
                             "threads", "max_length_extra", "no_repeat_ngram_size", "repetition_penalty"})
# What a run's configuration passes to a model backend: always these, and these when set.
_RUN_SETTINGS = ("device", "num_beams", "batch_size", "batch_tokens", "max_length_ratio")
_RUN_SETTINGS_WHEN_SET = ("threads", "revision")


@dataclass(frozen=True)
class Backend:
    """One translator backend: how to build it and what it takes."""

    name: str
    help: str
    build: Callable[[str | None, dict[str, Any]], Translator]  # (model, settings) -> translator
    needs_model: bool = False  # loads a model: a translation memory pays, Hugging Face output is quieted
    settings: frozenset[str] = frozenset()  # the translate settings it takes
    run_settings: tuple[str, ...] = ()  # extra keys of the run config's translate section it is given

    def settings_from_config(self, translate: dict[str, Any]) -> dict[str, Any]:
        """The settings a run configuration (its ``translate`` section) gives this backend."""
        if not self.needs_model:
            return {}
        settings = {k: translate[k] for k in _RUN_SETTINGS}
        settings.update({k: translate[k] for k in _RUN_SETTINGS_WHEN_SET if translate[k] is not None})
        settings.update({k: translate[k] for k in self.run_settings})
        return settings


def _identity(model: str | None, settings: dict[str, Any]) -> Translator:
    from .identity import IdentityTranslator

    return IdentityTranslator()


def _pseudo(model: str | None, settings: dict[str, Any]) -> Translator:
    from .pseudo import PseudoTranslator

    return PseudoTranslator()


def _marian(model: str | None, settings: dict[str, Any]) -> Translator:
    from .marian import MarianTranslator

    return MarianTranslator(model, **settings)


def _ctranslate2(model: str | None, settings: dict[str, Any]) -> Translator:
    from .ct2 import CTranslate2Translator

    kwargs = dict(settings)
    if "ct2_cache_dir" in kwargs:
        kwargs["cache_dir"] = kwargs.pop("ct2_cache_dir")
    return CTranslate2Translator(model, **kwargs)


BACKENDS: dict[str, Backend] = {
    b.name: b
    for b in (
        Backend("identity", "target = source: the round-trip check, byte for byte", _identity),
        Backend("pseudo", "pseudo-localization: every word visibly transformed, about 30% longer", _pseudo),
        Backend("marian", "MarianMT with transformers", _marian, needs_model=True, settings=_MODEL_SETTINGS | {"dtype"},
                run_settings=("dtype",)),
        Backend("ctranslate2", "the same model converted to CTranslate2 (int8 on CPU)", _ctranslate2, needs_model=True,
                settings=_MODEL_SETTINGS | {"compute_type", "ct2_cache_dir", "inter_threads", "shortlist"},
                run_settings=("compute_type", "inter_threads", "shortlist")),
    )
}
DEFAULT_BACKEND = "marian"
KNOWN_SETTINGS = frozenset().union(*(b.settings for b in BACKENDS.values()))


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
    keys of another backend (``compute_type`` for ``marian``) are ignored so
    one config serves all. Backends without a model (identity, pseudo) are
    never cached. Raises ``ModelUnavailable`` when the model cannot be had,
    ``ValueError`` for an unknown backend or setting.
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose one of: {', '.join(BACKENDS)}")
    unknown = sorted(set(settings) - KNOWN_SETTINGS)
    if unknown:
        raise ValueError(f"unknown translate setting(s) {unknown}; known: {sorted(KNOWN_SETTINGS)}")
    chosen = BACKENDS[backend]
    if not chosen.needs_model:
        return chosen.build(None, {})
    from .marian import default_model

    translator = chosen.build(model or default_model(src, tgt), {k: v for k, v in settings.items() if k in chosen.settings})
    if cache_path is None:
        return translator
    from .memory import CachedTranslator, TranslationMemory

    return CachedTranslator(translator, TranslationMemory(cache_path), f"{src}-{tgt}")

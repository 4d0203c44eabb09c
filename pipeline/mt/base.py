"""The translator interface every backend implements, with the defaults most share.

A translator is one narrow interface, in the manner of argos-translate's
``ITranslation``: ``translate`` takes a batch of plain strings and returns as
many. Identity and pseudo are real implementations of it, and so is the
translation memory (``CachedTranslator``), a wrapper around another
translator. Code outside ``pipeline.mt`` never asks which backend it has:
it reads what the interface says (``changes_language``,
``batches_across_articles``...).

``translate_units`` is the entry point of the translate stage: it gives
every text unit a target text and target inline codes. Model backends get it
from here: the guarded sentence path of ``pipeline.mt.units`` (sentence
splitting, guards, code placement) over their ``translate``. Identity and
pseudo work on whole units with their codes in place, and override it.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from ..document import TextUnit
    from .alignment import PieceAttention
    from .memory import TranslationMemory


class ModelUnavailable(Exception):
    """A model could not be loaded; the message says how to get it."""


@dataclass
class UnitWork:
    """What translating one unit took: for the energy record of the translate stage.

    ``sentences`` is None for translators that do not split units into sentences.
    """

    source_tokens: int
    target_tokens: int
    sentences: int | None = None


def word_counts(unit: TextUnit) -> UnitWork:
    """Whitespace words of a unit and its target (translators without a tokenizer)."""
    return UnitWork(len(unit.text.split()), len((unit.target or "").split()))


class Translator(ABC):
    """A batch of plain-text strings in, the same number of strings out.

    ``name`` is the backend's name in the registry, ``model_id`` what produced
    the text (for the translation memory key and the energy signature).
    ``model_calls`` counts the strings actually sent to a model,
    ``cache_hits`` those answered from a translation memory.
    """

    name: ClassVar[str]
    #: False for identity and pseudo: they check structure and layout, the language stays.
    #: Language-level work (Hugo translation keys, named entities, spaCy sentences) is skipped.
    changes_language: ClassVar[bool] = True
    #: True when sending the units of several articles in one call pays (a model's batches).
    batches_across_articles: ClassVar[bool] = False
    #: True when ``translate`` takes decoding overrides (``num_beams=6``...) for a retry.
    accepts_decoding_overrides: ClassVar[bool] = False
    #: Longest input the guards send in one piece (tokens); None: the guards' default.
    max_input_tokens: int | None = None

    model_id: str
    model_calls: int = 0
    cache_hits: int = 0

    @abstractmethod
    def translate(self, batch: list[str], **overrides: Any) -> list[str]:
        """Translate every string of ``batch``."""

    def signature(self) -> dict[str, object]:
        """What produced a translation: the energy signature and the run's settings fingerprint."""
        return {"backend": self.name, "model": self.model_id}

    def source_tokens(self, text: str) -> int:
        """Source tokens of ``text`` as the backend counts them (whitespace words by default)."""
        return len(text.split())

    def target_tokens(self, text: str) -> int:
        """Target tokens of ``text`` as the backend counts them (whitespace words by default)."""
        return len(text.split())

    def cross_attention(self, sources: list[str], targets: list[str]) -> list[PieceAttention | None]:
        """The model's cross-attention over each (source, its translation), forced through the decoder.

        For code placement (step 4, ``pipeline.mt.alignment``); None where the
        translator has no model or the pair is too long for it.
        """
        return [None] * len(sources)

    def unit_memory(self) -> tuple[TranslationMemory, tuple[str, str, str, str]] | None:
        """The translation memory and its key for whole units, when this translator has one."""
        return None

    def translate_units(self, units: list[TextUnit], source_lang: str, config: dict[str, Any]) -> list[UnitWork]:
        """Give every unit its ``target``, ``target_codes`` and ``flags``; what each took.

        Units of several articles may come in one call (``batches_across_articles``).
        """
        from .units import translate_units

        return translate_units(units, self, source_lang, config)

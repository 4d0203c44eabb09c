"""The ``identity`` translator: target = source.

A run with it must reproduce the article byte for byte, which checks extract
and reinsert end to end. Like argos-translate's ``IdentityTranslation``, it is
a real implementation of the translator interface, not a branch in the stages.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .base import Translator, UnitWork, word_counts

if TYPE_CHECKING:
    from ..document import TextUnit


class IdentityTranslator(Translator):
    """Target = source: the round-trip check."""

    name = "identity"
    changes_language = False

    def __init__(self) -> None:
        self.model_id = "identity"

    def translate(self, batch: list[str], **overrides: Any) -> list[str]:
        return list(batch)

    def translate_units(self, units: list[TextUnit], source_lang: str, config: dict[str, Any]) -> list[UnitWork]:
        """Each unit's own text and codes as its target."""
        for u in units:
            u.target, u.target_codes = u.text, list(u.codes)
        return [word_counts(u) for u in units]

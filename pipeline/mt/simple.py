"""Translators that need no model: ``identity`` and ``pseudo``.

``identity`` returns the source unchanged: a run with it must reproduce the
article byte for byte, which checks extract and reinsert end to end.

``pseudo`` is pseudo-localization as software localization uses it: every
word is visibly transformed (accented look-alike letters) and the text grows
by about 30%, bracketed, so editors and theme designers see what will be
translated, and whether layouts survive longer French text, before any MT.
"""
from __future__ import annotations


def pseudo_localize(text: str) -> str:
    """Pseudo-localize a plain string: every word transformed and padded, then bracketed ``⟦ ⟧``.

    The word transformation is the one units get (``pipeline.pseudo_units``),
    which pads with letters so markdown emphasis around a word stays valid.
    """
    from ..pseudo_units import pseudo_words

    if not text.strip():
        return text
    body = pseudo_words(text)
    lead = len(text) - len(text.lstrip())
    trail = len(text) - len(text.rstrip())
    core = body.strip()
    return text[:lead] + "⟦" + core + "⟧" + (text[len(text) - trail:] if trail else "")


class IdentityTranslator:
    """Target = source: the round-trip check."""

    name = "identity"
    model_id = "identity"

    def __init__(self) -> None:
        self.model_calls = 0

    def translate(self, batch: list[str]) -> list[str]:
        return list(batch)

    def signature(self) -> dict[str, object]:
        return {"backend": self.name, "model": self.model_id}


class PseudoTranslator:
    """Pseudo-localization (see module docstring)."""

    name = "pseudo"
    model_id = "pseudo"

    def __init__(self) -> None:
        self.model_calls = 0

    def translate(self, batch: list[str]) -> list[str]:
        return [pseudo_localize(t) for t in batch]

    def signature(self) -> dict[str, object]:
        return {"backend": self.name, "model": self.model_id}

"""Translators that need no model: ``identity`` and ``pseudo``.

``identity`` returns the source unchanged: a run with it must reproduce the
article byte for byte, which checks extract and reinsert end to end.

``pseudo`` is pseudo-localization as software localization uses it: every
word is visibly transformed (accented look-alike letters) and the text grows
by about 30%, bracketed, so editors and theme designers see what will be
translated, and whether layouts survive longer French text, before any MT.
"""
from __future__ import annotations

import re

_ACCENTED = str.maketrans(
    "AaBCcDdEeGgHhIiJjKkLlNnOoRrSsTtUuWwYyZz",
    "ÅåßÇçÐðÉéĜĝĤĥÎîĴĵĶķĹĺÑñÖöŘřŠšŢţÛûŴŵÝýŽž",
)
_WORD = re.compile(r"\w+", re.UNICODE)
_PAD = "~"


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


def _pseudo_word(match: re.Match[str]) -> str:
    w = match.group(0)
    transformed = w.translate(_ACCENTED)
    if transformed == w:  # digits or letters without a look-alike
        transformed = w + "·"
    pad = _PAD * max(1, round(len(w) * 0.3)) if len(w) >= 3 else ""
    return transformed + pad


def pseudo_localize_words(text: str) -> str:
    """Every word transformed and padded; spaces and punctuation kept."""
    return _WORD.sub(_pseudo_word, text)


def pseudo_localize(text: str) -> str:
    """Transform every word and pad the text by about 30%.

    Letters get accented look-alikes; each word of three letters or more gets
    tildes appended in proportion to its length; the whole is bracketed with
    ``⟦ ⟧`` so truncation in a layout is visible.
    """
    if not text.strip():
        return text

    body = pseudo_localize_words(text)
    lead = len(text) - len(text.lstrip())
    trail = len(text) - len(text.rstrip())
    core = body.strip()
    return text[:lead] + "⟦" + core + "⟧" + (text[len(text) - trail:] if trail else "")


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

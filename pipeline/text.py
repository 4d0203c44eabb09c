"""Text comparisons shared by alignment, QA and code placement."""
from __future__ import annotations

import unicodedata
from functools import lru_cache


@lru_cache(maxsize=100_000)
def fold(text: str) -> str:
    """Lowercase, without accents or typographic variants, for comparisons that spelling, MT or typography
    should not break: ``Démarrage`` -> ``demarrage``, ``l’été`` -> ``l'ete``, ``ﬁn`` -> ``fin``."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("’", "'")

"""The ``identity`` translator: target = source.

A run with it must reproduce the article byte for byte, which checks extract
and reinsert end to end.
"""
from __future__ import annotations


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

"""The translator interface every backend implements."""
from __future__ import annotations

from typing import Protocol, runtime_checkable


class ModelUnavailable(Exception):
    """A model could not be loaded; the message says how to get it."""


@runtime_checkable
class Translator(Protocol):
    """A batch of plain-text strings in, the same number of strings out.

    ``name`` is the backend name, ``model_id`` what produced the text (for the
    translation memory key and the energy signature). ``model_calls`` counts
    the strings actually sent to a model.
    """

    name: str
    model_id: str
    model_calls: int

    def translate(self, batch: list[str]) -> list[str]: ...

    def signature(self) -> dict[str, object]: ...

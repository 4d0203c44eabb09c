"""Errors a user can act on.

A ``BitextError`` is printed as one line (``file:line: problem``) with exit
code 2 and no traceback unless ``-v``. Anything else is a bug and keeps its
traceback.
"""
from __future__ import annotations


class BitextError(Exception):
    """A problem with the user's input or setup, explained in one line."""

    exit_code = 2

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        self.path = path
        self.line = line
        self.problem = message
        where = ""
        if path:
            where = f"{path}:{line}: " if line else f"{path}: "
        super().__init__(f"{where}{message}")

"""Reading JSON Lines files with errors a user can act on (file, line, what is wrong)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

from ..errors import BitextError


def iter_jsonl_objects(path: Path, what: str = "a JSON object") -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-blank line; a line that is not a JSON object is an error."""
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                raise BitextError(f"not valid JSON ({exc.msg}); one JSON object per line", path=str(path), line=lineno) from None
            if not isinstance(value, dict):
                raise BitextError(f"each line must be {what}", path=str(path), line=lineno)
            yield lineno, value

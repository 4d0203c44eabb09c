"""Hugo-aware front matter in translated files: translationKey, draft, and who translated.

``translationKey`` is how Hugo links two versions of a page when their paths
differ; bitext keeps the source's key, or derives one from the file name and
adds it to both files (to the source only with ``--in-place``). ``draft: true``
keeps unreviewed machine translations off the published site, if wanted.
"""
from __future__ import annotations

import re
from pathlib import Path

from .filenames import split_language

_KEY_LINE = re.compile(r"^translationKey\s*[:=]\s*['\"]?([^'\"\n]+)['\"]?\s*$", re.M)


def front_matter_bounds(text: str) -> tuple[str, int, int] | None:
    """(format, start of the front matter body, end of it) or None."""
    for fmt, fence in (("yaml", "---"), ("toml", "+++")):
        if text.startswith(fence + "\n"):
            m = re.compile(r"^" + re.escape(fence) + r"[ \t]*$", re.M).search(text, len(fence) + 1)
            if m:
                return fmt, len(fence) + 1, m.start()
    return None


def translation_key(text: str) -> str | None:
    bounds = front_matter_bounds(text)
    if not bounds:
        return None
    m = _KEY_LINE.search(text, bounds[1], bounds[2])
    return m.group(1).strip() if m else None


def derive_key(source: Path) -> str:
    """A stable key from the file name (page bundles use their folder's name)."""
    stem = split_language(source)[1]
    if stem in ("index", "_index"):
        stem = source.parent.name or stem
    return re.sub(r"[^\w-]+", "-", stem).strip("-").lower() or "page"


def _has_key(text: str, key: str, bounds: tuple[str, int, int]) -> bool:
    return re.search(r"^" + re.escape(key) + r"\s*[:=]", text[bounds[1] : bounds[2]], re.M) is not None


def insertion_point(text: str) -> int:
    """Where ``add_keys`` puts new keys: after the root keys, so the author's keys keep their order.

    YAML: just before the closing ``---``. TOML: before the first ``[table]``
    header (keys after it would belong to that table), else before ``+++``.
    Without front matter: at the very start.
    """
    bounds = front_matter_bounds(text)
    if bounds is None:
        return 0
    fmt, start, end = bounds
    if fmt == "toml":
        m = re.compile(r"^\s*\[", re.M).search(text, start, end)
        if m:
            return m.start()
    return end


def add_keys(text: str, values: dict[str, object]) -> str:
    """Add root front matter keys that are absent, after the existing ones (front matter created if none)."""
    bounds = front_matter_bounds(text)
    if bounds is None:
        lines = "".join(f"{k}: {_yaml(v)}\n" for k, v in values.items())
        return f"---\n{lines}---\n\n" + text
    fmt = bounds[0]
    new = [(k, v) for k, v in values.items() if not _has_key(text, k, bounds)]
    if not new:
        return text
    if fmt == "yaml":
        lines = "".join(f"{k}: {_yaml(v)}\n" for k, v in new)
    else:
        lines = "".join(f"{k} = {_toml(v)}\n" for k, v in new)
    at = insertion_point(text)
    if at > 0 and text[at - 1] != "\n":
        lines = "\n" + lines
    return text[:at] + lines + text[at:]


def _yaml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _toml(value: object) -> str:
    return _yaml(value)

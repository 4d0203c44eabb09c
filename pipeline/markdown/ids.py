"""Content-addressed unit ids: what a unit is and says, never where it sits.

An id is ``<kind>-<hash>`` with ``-<n>`` added for the n-th (n ≥ 2) unit
identical in all of: kind, place (front matter key, shortcode and
parameter), heading path, and normalised source markup. So inserting,
deleting, moving or editing one paragraph leaves every other unit's id as it
was; editing a heading changes the ids of the units under it (their heading
path changed), which the review follows by text (``review.follow``).

The hash covers the markup (``render_inline`` of text and codes), not just
the words: a changed link target or shortcode is a changed source, and an
editor's translation made for the old one must be checked again.
"""
from __future__ import annotations

import hashlib
import re
from typing import Any, Iterable

from ..mt.segments import normalise

_PREFIX = {
    "paragraph": "p", "heading": "h", "list_item": "li", "table_cell": "td", "front_matter": "fm",
    "shortcode_param": "sc", "html": "html", "html_attr": "attr", "link_text": "a", "blockquote": "q",
}
ID_HASH_CHARS = 10
_INDEX = re.compile(r"\[\d+\]")


def _place(unit: Any) -> str:
    """Where in the structure a unit is, beyond its heading path: its front matter key (without a list
    index: removing the first tag must not rename the others), its shortcode parameter, its table column."""
    ctx = unit.context or {}
    parts = [_INDEX.sub("[]", str(ctx["key"]))] if ctx.get("key") is not None else []
    parts += [f"{k}={ctx[k]}" for k in ("shortcode", "param", "attr", "column", "header") if ctx.get(k) is not None]
    return "/".join(parts)


def unit_fingerprint(unit: Any) -> str:
    """The hash part of a unit's id: kind, place, heading path and normalised source markup."""
    from .inline import render_inline

    heading = " > ".join(normalise(h) for h in (unit.context or {}).get("heading_path") or [])
    markup = normalise(render_inline(unit.text, unit.codes))
    data = "\x1f".join((unit.kind, _place(unit), heading, markup))
    return hashlib.sha1(data.encode("utf-8")).hexdigest()[:ID_HASH_CHARS]


def stable_ids(units: Iterable[Any]) -> list[str]:
    """The ids of ``units`` in document order (see the module docstring)."""
    seen: dict[str, int] = {}
    ids = []
    for unit in units:
        base = f"{_PREFIX.get(unit.kind, unit.kind.replace('_', ''))}-{unit_fingerprint(unit)}"
        seen[base] = seen.get(base, 0) + 1
        ids.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return ids


def kind_of_id(unit_id: str) -> str:
    """The kind prefix of an id (``p`` for a paragraph): what the review compares before the text."""
    return unit_id.split("-", 1)[0]

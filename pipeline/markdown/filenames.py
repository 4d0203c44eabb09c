"""Hugo's translation by file name: which language an article is in, and what its translation is called.

``post.fr.md`` is French and its English version is ``post.en.md``; a page
bundle's ``index.fr.md`` becomes ``index.en.md``; a file without a language
suffix (``post.md``) is in the site's default language and its translation
gets one (``post.en.md``). bitext works between the languages of
``LANGUAGES``; other suffixes (``post.de.md``) are part of the name.
"""
from __future__ import annotations

import re
from pathlib import Path

LANGUAGES = ("en", "fr")
_HUGO_NAME = re.compile(r"^(?P<stem>.+?)\.(?P<lang>[a-z]{2}(?:-[a-z]{2})?)\.(?P<ext>md|markdown)$", re.I)
_EXTENSIONS = (".md", ".markdown", ".jsonl")


def split_language(path: str | Path) -> tuple[str | None, str]:
    """(language, stem without it) of a file name: ``post.fr.md`` -> ("fr", "post"); (None, "post") for ``post.md``."""
    path = Path(path)
    m = _HUGO_NAME.match(path.name)
    if m and m.group("lang").lower() in LANGUAGES:
        return m.group("lang").lower(), m.group("stem")
    return None, path.stem


def language_of(path: str | Path) -> str | None:
    """The article's language by its name (``post.fr.md`` is French), or None."""
    return split_language(path)[0]


def translated_name(path: str | Path, target_lang: str) -> str:
    """``post.fr.md`` -> ``post.en.md``, ``post.md`` -> ``post.en.md`` (the extension keeps its case)."""
    name = Path(path).name
    lang, stem = split_language(name)
    if lang is not None:
        return f"{stem}.{target_lang}{name[name.rindex('.'):]}"
    stem, dot, ext = name.rpartition(".")
    if not dot:
        return f"{name}.{target_lang}"
    return f"{stem}.{target_lang}.{ext}"


def plain_stem(name: str) -> str:
    """The name without its extension and its language suffix: ``post.fr.md`` -> ``post`` (run folders, keys)."""
    for suffix in _EXTENSIONS:
        name = name.removesuffix(suffix)
    for lang in LANGUAGES:
        name = name.removesuffix(f".{lang}")
    return name

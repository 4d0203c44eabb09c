"""Which articles to translate, and where their translations go, by Hugo's own rules.

Hugo links translations in two ways (gohugo.io, "Multilingual mode"):

* by filename: ``about.fr.md`` and ``about.en.md`` side by side (also
  ``index.fr.md`` in page bundles and ``_index.fr.md`` for sections); a file
  without a language suffix is in ``defaultContentLanguage``;
* by content directory: each language has its own ``contentDir``
  (``content/fr/...`` and ``content/en/...``), same relative paths.

Given a site root, the site configuration (``hugo.toml``, ``hugo.yaml``,
``config.toml``...) says which applies; given a folder without one, the
layout is recognised (``fr/`` and ``en/`` subfolders mean content dirs).
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import BitextError
from ..markdown.filenames import language_of, split_language, translated_name
from .article import Article

_SITE_CONFIGS = ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json", "config.toml", "config.yaml", "config.yml", "config.json")
_MARKDOWN = (".md", ".markdown")


@dataclass
class Site:
    root: Path
    default_lang: str
    content_dirs: dict[str, Path]  # lang -> content dir (absolute); empty for filename mode
    config_file: Path | None
    content_dir: Path | None = None  # the site's contentDir (filename mode): themes/, archetypes/ are not content
    output_dirs: frozenset[Path] = frozenset()  # bitext's own output folders (resolved): never read as input
    skipped_outputs: list[Path] = field(default_factory=list)  # output folders found inside, and skipped


def _load_site_config(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    try:
        if path.suffix == ".toml":
            import tomllib

            return tomllib.loads(text)
        if path.suffix == ".json":
            return json.loads(text)
        import yaml

        return yaml.safe_load(text) or {}
    except Exception as exc:  # noqa: BLE001 - any parser error becomes one line for the user
        raise BitextError(f"cannot read the Hugo site configuration: {exc}".splitlines()[0], path=str(path)) from None


def find_site(folder: Path, fallback_lang: str) -> Site:
    """The Hugo site around ``folder`` (a site root or a content folder)."""
    for candidate in (folder, *list(folder.resolve().parents)[:2]):
        for name in _SITE_CONFIGS:
            cfg_path = candidate / name
            if cfg_path.is_file():
                return _site_from_config(candidate, cfg_path, fallback_lang)
    subdirs = {p.name for p in folder.iterdir() if p.is_dir()} if folder.is_dir() else set()
    dirs = {lang: folder / lang for lang in ("en", "fr") if lang in subdirs}
    return Site(folder, fallback_lang, dirs if len(dirs) == 2 or "fr" in dirs or "en" in dirs else {}, None)


def _site_from_config(root: Path, cfg_path: Path, fallback_lang: str) -> Site:
    cfg = _load_site_config(cfg_path)
    lower = {str(k).lower(): v for k, v in cfg.items()}
    default = str(lower.get("defaultcontentlanguage", "en")).lower()
    base = root / str(lower.get("contentdir", "content"))
    dirs: dict[str, Path] = {}
    for lang, settings in (lower.get("languages") or {}).items():
        if isinstance(settings, dict):
            s = {str(k).lower(): v for k, v in settings.items()}
            if "contentdir" in s:
                dirs[str(lang).lower()] = root / str(s["contentdir"])
    return Site(root, default or fallback_lang, dirs, cfg_path, base if base.is_dir() else None)


def discover(folder: Path, source_lang: str | None, target_lang: str, fallback_lang: str,
             output_dirs: tuple[Path, ...] = ()) -> tuple[list[Article], Site]:
    """The articles of ``folder`` in the source language, with their target paths.

    bitext's own outputs are never input (a second run would translate the
    first one's translations back): the folders in ``output_dirs`` (the
    default ``outputs/``, this run's ``--out``) and any folder holding a bitext
    ``run.json`` are skipped, and listed in ``site.skipped_outputs``.
    """
    site = find_site(folder, fallback_lang)
    site.output_dirs = frozenset(d.resolve() for d in output_dirs)
    src = source_lang or ("fr" if target_lang == "en" else "en")
    if site.content_dirs.get(src) and site.content_dirs.get(target_lang):
        return _by_content_dir(folder, site, src, target_lang), site
    return _by_filename(folder, site, src, target_lang), site


def _markdown_files(folder: Path, site: Site) -> list[Path]:
    """The markdown files under ``folder``, outside bitext's own folders (stage files, memory, run outputs)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        here = Path(dirpath)
        keep = []
        for name in sorted(dirnames):
            sub = here / name
            if name == ".bitext" or name.endswith(".bitext"):
                continue
            if sub.resolve() in site.output_dirs or _holds_bitext_run(sub):
                site.skipped_outputs.append(sub)
                continue
            keep.append(name)
        dirnames[:] = keep
        found += [here / f for f in filenames if Path(f).suffix.lower() in _MARKDOWN]
    return sorted(found)


def _holds_bitext_run(folder: Path) -> bool:
    """A folder where a bitext run wrote its manifest."""
    manifest = folder / "run.json"
    if not manifest.is_file():
        return False
    try:
        return json.loads(manifest.read_text(encoding="utf-8")).get("tool") == "bitext"
    except (OSError, ValueError, AttributeError):
        return False


def _by_content_dir(folder: Path, site: Site, src: str, tgt: str) -> list[Article]:
    src_dir, tgt_dir = site.content_dirs[src], site.content_dirs[tgt]
    articles = []
    for path in _markdown_files(src_dir, site):
        rel = path.relative_to(src_dir)
        target = tgt_dir / rel
        articles.append(Article(path, src, _relative_to(target, folder), target if target.exists() else None))
    return articles


def _by_filename(folder: Path, site: Site, src: str, tgt: str) -> list[Article]:
    articles = []
    at_site_root = site.config_file is not None and folder.resolve() == site.root.resolve()
    walk = site.content_dir if at_site_root and site.content_dir else folder
    for path in _markdown_files(walk, site):
        lang = language_of(path)
        lang = lang or site.default_lang
        if lang != src:
            continue
        target = path.with_name(translated_name(path, tgt))
        existing = target if target.exists() else None
        if existing is None and site.default_lang == tgt:
            bare = path.with_name(split_language(path)[1] + path.suffix)
            if bare != path and bare.exists():
                existing = bare  # the default-language version without a suffix
        articles.append(Article(path, src, _relative_to(target, folder), existing))
    return articles


def _relative_to(path: Path, folder: Path) -> Path:
    try:
        return path.resolve().relative_to(folder.resolve())
    except ValueError:
        return Path(path.name)

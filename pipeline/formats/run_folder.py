"""A run folder as its readers see it: ``run.json``, each article's translated document and pairs.

The review page, ``bitext reinsert`` and ``bitext export`` read runs through
this module. ``RunFolder`` reads ``run.json`` and hands out articles by their
index in the manifest. Every path comes from the manifest, is resolved, and
must lie inside the run folder: the web page never names a file, and a
tampered manifest cannot make a reader read or write outside the folder.
``load_article`` gives one article's translated document (the machine output,
never modified here) and its pairs: ``pairs.jsonl`` when the align stage wrote
one, else one ``1-1`` pair per text unit built by the pair builder.
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..align.pairs import translation_pairs
from ..document import Document
from ..errors import BitextError
from ..executors.manifest import RUN_FILE, read_manifest
from ..markdown.blocks import _REFDEF_ANY
from ..markdown.inline import normalize_label, render_inline
from ..markdown.render import fill_with_spans
from ..pairs import Pair, read_pairs_jsonl


@dataclass
class RunArticle:
    """One article of the run, as listed in run.json."""

    index: int
    source: str  # the path given to the run: the article's key in review.sqlite
    name: str
    status: str
    error: str | None
    outputs: dict[str, str]  # as in run.json: relative to the run folder
    source_lang: str | None
    target_lang: str | None
    record: int | None = None  # a record of a JSONL file or dataset: its index there
    record_field: str = ""  # ... and the field its translation goes into

    @property
    def reviewable(self) -> bool:
        return self.status != "failed" and "translated" in self.outputs


class RunFolder:
    """A bitext run folder: ``run.json`` and the files it lists, nothing else."""

    def __init__(self, run_dir: Path | str):
        path = Path(run_dir)
        self._lock = threading.Lock()
        self._cache = (-1, read_manifest(path))  # fail now, not on the first page
        self.root = path.resolve()
        self.manifest_path = self.root / RUN_FILE

    def manifest(self) -> dict[str, Any]:
        """run.json, re-read when it changes (a run may still be writing it)."""
        try:
            stamp = self.manifest_path.stat().st_mtime_ns
        except OSError as exc:
            raise BitextError(f"cannot read {RUN_FILE}: {exc.strerror}", path=str(self.manifest_path)) from None
        with self._lock:
            if self._cache[0] != stamp:
                self._cache = (stamp, read_manifest(self.root))
            return self._cache[1]

    def articles(self) -> list[RunArticle]:
        m = self.manifest()
        out = []
        for n, entry in enumerate(m["articles"]):
            if not isinstance(entry, dict):
                continue
            source = str(entry.get("source", f"article {n}"))
            outputs = entry.get("outputs") or {}
            out.append(
                RunArticle(
                    index=n,
                    source=source,
                    name=Path(source).name,
                    status=str(entry.get("status", "done")),
                    error=entry.get("error"),
                    outputs={k: v for k, v in outputs.items() if isinstance(v, str)},
                    source_lang=entry.get("source_lang") or m.get("source_lang"),
                    target_lang=m.get("target_lang"),
                    record=entry.get("record") if isinstance(entry.get("record"), int) else None,
                    record_field=str(entry.get("record_field") or ""),
                )
            )
        return out

    def article(self, index: int) -> RunArticle:
        """The article at this index of run.json; ``KeyError`` if there is none."""
        for a in self.articles():
            if a.index == index:
                return a
        raise KeyError(index)

    def inside(self, relative: str) -> Path:
        """A path listed in run.json, resolved, refused if it leads outside the run folder."""
        if not relative or "\x00" in relative:
            raise BitextError(f"{RUN_FILE} lists an empty or invalid path", path=str(self.manifest_path))
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root):
            raise BitextError(f"{RUN_FILE} lists a path outside the run folder: {relative}", path=str(self.manifest_path))
        return path

    def output(self, article: RunArticle, key: str) -> Path:
        if key not in article.outputs:
            raise BitextError(f"{article.name}: run.json lists no '{key}' output", path=str(self.manifest_path))
        return self.inside(article.outputs[key])

    def article_path(self, article: RunArticle) -> Path:
        """Where the rebuilt article goes: run.json's ``article`` output.

        Inside the run folder, like every other file. The one exception is a
        run made with ``--in-place``, whose translations live in the Hugo
        content tree: there the path may be outside, but must be an existing
        markdown file (bitext wrote it), never a new file or a folder.
        """
        if "article" not in article.outputs:
            raise BitextError(f"{article.name}: run.json lists no translated article (records are not written as files)",
                              path=str(self.manifest_path))
        relative = article.outputs["article"]
        path = (self.root / relative).resolve()
        if path.is_relative_to(self.root):
            return path
        if self.manifest().get("in_place") and path.suffix in (".md", ".markdown") and path.is_file():
            return path
        raise BitextError(f"{RUN_FILE} lists a path outside the run folder: {relative}", path=str(self.manifest_path))

    def pairs_path(self, article: RunArticle) -> Path:
        """Where the article's pairs.jsonl is (or goes): run.json's, else next to translated.json."""
        if "pairs" in article.outputs:
            return self.output(article, "pairs")
        return self.output(article, "translated").parent / "pairs.jsonl"

    def tmx_path(self, article: RunArticle) -> Path:
        if "tmx" in article.outputs:
            return self.output(article, "tmx")
        return self.output(article, "translated").parent / "pairs.tmx"


# ---------------------------------------------------------------- one article


@dataclass
class ArticleData:
    """One article loaded: the machine-translated document and its pairs."""

    article: RunArticle
    doc: Document
    pairs: list[Pair]
    refs: set[str]
    from_pairs_file: bool
    by_id: dict[str, Pair] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_id = {p.id: p for p in self.pairs}

    def units_of(self, pair: Pair):
        """The pair's source units that exist in the document (ids from an older run are skipped)."""
        index = {u.id: u for u in self.doc.units}
        return [index[i] for i in pair.unit_ids if i in index]

    def machine_tgt(self, pair: Pair) -> str:
        """The machine translation of the pair, from translated.json when it has one unit."""
        units = self.units_of(pair)
        if len(units) == 1 and units[0].target is not None:
            u = units[0]
            return render_inline(u.target, u.target_codes if u.target_codes is not None else u.codes)
        return pair.tgt


def doc_refs(doc: Document) -> set[str]:
    """Reference-link labels defined in the article: an edit must be scanned with them, as the source was."""
    text = "".join(p for p in doc.skeleton if isinstance(p, str))
    return {normalize_label(m.group(1)) for line in text.split("\n") if (m := _REFDEF_ANY.match(line))}


_article_cache: dict[tuple, ArticleData] = {}
_article_lock = threading.Lock()


def load_article(folder: RunFolder, article: RunArticle) -> ArticleData:
    """The article's document and pairs; cached until one of the two files changes.

    Returned objects are shared between requests: callers that change them
    (the rebuild) take a ``copy.deepcopy`` first.
    """
    if not article.reviewable:
        raise BitextError(f"{article.name}: {article.error or 'the run did not translate it'}", path=article.source)
    translated = folder.output(article, "translated")
    pairs_file = folder.pairs_path(article)
    try:
        key = (
            str(translated),
            translated.stat().st_mtime_ns,
            str(pairs_file),
            pairs_file.stat().st_mtime_ns if pairs_file.is_file() else None,
        )
    except OSError:
        raise BitextError("translated.json is missing; rerun the article", path=str(translated)) from None
    with _article_lock:
        cached = _article_cache.get(key)
    if cached is not None:
        return cached
    try:
        doc = Document.from_dict(json.loads(translated.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BitextError(f"cannot read the translated document: {exc}", path=str(translated)) from None
    from_file = pairs_file.is_file()
    if from_file:
        try:
            pairs = read_pairs_jsonl(pairs_file)
        except (OSError, ValueError, TypeError) as exc:
            raise BitextError(f"cannot read pairs: {exc}", path=str(pairs_file)) from None
    else:  # a run made before the align stage wrote pairs.jsonl: the same pairs, without QA and sentences
        doc.target_spans = fill_with_spans(doc)[1]
        pairs = translation_pairs(doc, article.source, doc.source_lang, doc.target_lang, qa=False, sentences=False)
    data = ArticleData(article=article, doc=doc, pairs=pairs, refs=doc_refs(doc), from_pairs_file=from_file)
    with _article_lock:
        if len(_article_cache) > 64:
            _article_cache.clear()
        _article_cache[key] = data
    return data

"""``bitext reinsert RUN_DIR``: rebuild the translated articles with the editors' work.

The machine output of the run (``translated.json``) is never modified: the
rebuild starts from it each time and lays the editors' edits from
``review.sqlite`` over it, so rebuilding twice gives the same files and an
edit that is later undone really disappears.

For each edited pair (one source unit: the pairs of a translation run are
1-1), the edit is scanned with the extractor's inline scanner into the unit's
new target text and inline codes, and the skeleton is filled again: markup
and shortcodes come from the skeleton and from the codes, exactly as in the
run's own reinsert stage. An edit that lost markup of the source is not
applied; the pair gets an ``edit_not_applied`` flag with the reason, and the
command says so (the page refuses such edits already, so this only catches
edits made before a rerun changed the source, or by hand in the database).

Then ``pairs.jsonl`` and ``pairs.tmx`` are rewritten with the reviewed text,
each pair's status and note (TMX: ``<note>`` and ``<prop>``), and listed in
``run.json``. Saved reviews follow their text (``review.follow``): a review
whose source changed is ``stale`` (not applied, offered in the page), one
whose paragraph is gone is counted as lost (it stays in ``review.sqlite``).
Every approved pair goes into the translation memory as a person's
translation (``review.learn``). The translation of a record (a JSONL or
dataset run) goes back into its record in the run's records file.

``bitext run`` calls ``rebuild_after_run`` when the run folder holds
editors' work, so a rerun never writes an article without an editor's
applied edit, and says what it kept.
"""
from __future__ import annotations

import copy
import re
import sqlite3
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import BitextError
from ..executors.manifest import read_manifest, read_marker, sha256, write_manifest, write_marker
from ..files import write_atomic
from ..formats.run_folder import RunArticle, RunFolder, load_article
from ..formats.tmx import write_tmx
from ..markdown.encoding import encode_article
from ..markdown.hugo_keys import front_matter_bounds
from ..markdown.render import fill_with_spans, shift_spans
from ..pairs import Pair, write_pairs_jsonl
from .markup import check_edit
from .store import DB_NAME, ReviewStore, review_of

_manifest_lock = threading.Lock()


@dataclass
class ArticleRebuild:
    """What the rebuild did for one article."""

    index: int
    name: str
    article: str = ""  # path of the rebuilt article, relative to the run folder
    pairs: str = ""
    tmx: str = ""
    edits_applied: int = 0
    edits_refused: list[dict[str, str]] = field(default_factory=list)  # {"pair", "reason"}
    approved: int = 0
    rejected: int = 0
    pending: int = 0
    kept: int = 0  # saved reviews that still apply (same source)
    edits_kept: int = 0  # ... whose edit is in the rebuilt article (laid over the machine's, or from the memory)
    stale: int = 0  # saved reviews whose source changed: shown as stale, not applied
    lost: list[str] = field(default_factory=list)  # saved reviews whose paragraph is gone (pair ids)
    learned: int = 0  # approved pairs written into the translation memory
    memory_error: str | None = None
    error: str | None = None
    record: int | None = None  # a record's index: its translation goes into the records file
    record_field: str = ""
    record_text: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "record_text"}

    def summary(self) -> str:
        if self.error:
            return f"{self.name}: not rebuilt: {self.error}"
        text = (
            f"{self.name}: {self.article} rebuilt, {self.edits_applied} edit(s) applied; "
            f"{self.approved} approved, {self.rejected} rejected, {self.pending} pending"
        )
        if self.edits_refused:
            text += f"; {len(self.edits_refused)} edit(s) NOT applied (flagged edit_not_applied)"
        if self.stale or self.lost:
            text += f"; {self.stale} stale (source changed), {len(self.lost)} lost (paragraph gone; kept in review.sqlite)"
        if self.memory_error:
            text += f"; translation memory not updated: {self.memory_error}"
        return text


def rebuild_article(folder: RunFolder, store: ReviewStore, article: RunArticle, memory=None) -> ArticleRebuild:
    """Rebuild one article, its pairs.jsonl and its pairs.tmx."""
    result = ArticleRebuild(index=article.index, name=article.name)
    data = load_article(folder, article)
    doc = copy.deepcopy(data.doc)  # the cached machine document stays untouched
    units = {u.id: u for u in doc.units}
    items, followed = review_of(data, store)
    result.kept, result.stale = len(followed.kept), len(followed.stale)
    result.lost = [pid for pid, _ in followed.lost]
    out_pairs: list[Pair] = []
    for item in items:
        pair = item.pair
        if item.edited:
            problem = None
            if not item.editable:
                problem = item.why_not_editable
            else:
                unit = units[pair.unit_ids[0]] if pair.unit_ids and pair.unit_ids[0] in units else None
                if unit is None:
                    problem = "its source unit is not in the translated document any more"
                else:
                    check = check_edit(pair.tgt, unit, data.refs)
                    if check.ok:
                        unit.target, unit.target_codes = check.text, check.codes
                        # The align stage's sentence pairs split the machine text: they would pair
                        # the source's sentences with words the editor replaced. Dropped, not faked.
                        pair.sentences = []
                        result.edits_applied += 1
                    else:
                        problem = " ".join(check.problems)
            if problem:
                reason = f"The editor's translation was not put into the article: {problem}"
                pair.flags.append({"code": "edit_not_applied", "reason": reason})
                pair.tgt = item.machine_tgt
                result.edits_refused.append({"pair": pair.id, "reason": reason})
        if item.carried is not None and item.carried.how != "stale" and item.carried.state.tgt is not None:
            result.edits_kept += pair.tgt == item.carried.state.tgt
        result.approved += pair.status == "approved"
        result.rejected += pair.status == "rejected"
        result.pending += pair.status not in ("approved", "rejected")
        out_pairs.append(pair)

    _learn_all(folder, data, items, result, memory)
    if article.record is not None:  # a record: its translation goes back into the records file (rebuild_run)
        text, lines = fill_with_spans(doc)
        result.record, result.record_field, result.record_text = article.record, article.record_field, text
        article_path = None
    else:
        article_path = folder.article_path(article)
        text, lines = _keep_hugo_keys(article_path, *fill_with_spans(doc), folder.manifest())
    for pair in out_pairs:
        spans = [lines[i] for i in pair.unit_ids if i in lines]
        if spans and pair.tgt_lines is not None:
            pair.tgt_lines = [min(s[0] for s in spans), max(s[1] for s in spans)]
    if article_path is not None:
        write_atomic(article_path, encode_article(text, doc.encoding))
        _note_written(folder, article, article_path)
    pairs_path = folder.pairs_path(article)
    tmx_path = folder.tmx_path(article)
    write_pairs_jsonl(pairs_path, out_pairs)
    src_lang = article.source_lang or doc.source_lang or "und"
    tgt_lang = article.target_lang or doc.target_lang or "und"
    write_tmx(tmx_path, out_pairs, src_lang, tgt_lang)
    _list_outputs(folder, article.index, {"pairs": pairs_path, "tmx": tmx_path})
    if article_path is None:
        result.article = f"record {article.record} of {folder.manifest()['outputs'].get('records', 'the records file')}"
    else:
        result.article = str(article_path.relative_to(folder.root)) if article_path.is_relative_to(folder.root) else str(article_path)
    result.pairs = str(pairs_path.relative_to(folder.root))
    result.tmx = str(tmx_path.relative_to(folder.root))
    return result


def rebuild_run(run_dir: Path | str, indices: list[int] | None = None, *, folder: RunFolder | None = None,
                store: ReviewStore | None = None, memory=None) -> list[ArticleRebuild]:
    """Rebuild every reviewable article of the run (or those at ``indices``); failures are reported, not raised.

    ``memory``: the translation memory approved pairs go into (default: the run's, opened here).
    """
    folder = folder or RunFolder(run_dir)
    store = store or ReviewStore(folder.root / DB_NAME)
    memory = memory if memory is not None else _open_memory(folder)
    results = []
    for article in folder.articles():
        if indices is not None and article.index not in indices:
            continue
        if not article.reviewable:
            results.append(ArticleRebuild(index=article.index, name=article.name, error=article.error or "not translated by the run"))
            continue
        try:
            results.append(rebuild_article(folder, store, article, memory))
        except BitextError as exc:
            results.append(ArticleRebuild(index=article.index, name=article.name, error=str(exc)))
    _write_records(folder, [r for r in results if r.record is not None and r.record_text is not None])
    return results


def _note_written(folder: RunFolder, article: RunArticle, path: Path) -> None:
    """Add the rebuilt file's hash to the article's completion marker: bitext wrote it, so a later
    ``--in-place`` run may write over it (it never writes over a file it did not write)."""
    work_dir = folder.output(article, "translated").parent
    marker = read_marker(work_dir)
    if marker is not None:
        marker.setdefault("written", {})[str(path)] = sha256(path.read_bytes())
        write_marker(work_dir, marker)


def _open_memory(folder: RunFolder):
    """The run's translation memory, or the reason it cannot be opened (a string: the rebuild goes on)."""
    from .learn import open_run_memory

    try:
        return open_run_memory(folder)
    except (sqlite3.Error, OSError) as exc:
        return f"cannot open it: {exc}"


def _learn_all(folder: RunFolder, data, items, result: ArticleRebuild, memory) -> None:
    """Every approved pair an editor saw into the memory as a person's translation (idempotent)."""
    from .learn import learn

    if isinstance(memory, str) or memory is None:
        result.memory_error = memory
        return
    try:
        for item in items:
            if item.carried is not None and item.carried.how != "stale" and item.pair.status == "approved":
                if learn(memory, data, item.pair.id, item.carried.state, item.edited, False, folder) == "added":
                    result.learned += 1
    except sqlite3.Error as exc:
        result.memory_error = str(exc)


def _write_records(folder: RunFolder, rebuilt: list[ArticleRebuild]) -> None:
    """The rebuilt translations of records, into the run's records file (once, for all of them)."""
    if not rebuilt:
        return
    from ..sources.records import replace_translations

    relative = folder.manifest().get("outputs", {}).get("records")
    if not relative:
        for r in rebuilt:
            r.error = "run.json lists no records file to write the translation into"
        return
    by_field: dict[str, dict[int, str]] = {}
    for r in rebuilt:
        by_field.setdefault(r.record_field, {})[r.record] = r.record_text
    for field_name, texts in by_field.items():
        replace_translations(folder.inside(relative), field_name, texts)


def review_work_summary(results: list[ArticleRebuild]) -> str:
    """One line: what a run kept of the editors' work (``bitext run`` prints it after rebuilding)."""
    done = [r for r in results if not r.error]
    kept = sum(r.kept for r in done)
    applied = sum(r.edits_kept for r in done)
    stale = sum(r.stale for r in done)
    lost = sum(len(r.lost) for r in done)
    refused = sum(len(r.edits_refused) for r in done)
    line = (f"editors' work (review.sqlite): {kept} review(s) kept, {applied} edit(s) in the rebuilt "
            f"article(s); {stale} stale (source changed: see bitext review); {lost} lost (paragraph gone, kept in "
            f"review.sqlite)")
    if refused:
        line += f"; {refused} edit(s) NOT applied (flagged edit_not_applied)"
    failed = [r for r in results if r.error]
    if failed:
        line += f"; {len(failed)} article(s) not rebuilt"
    return line


def rebuild_after_run(out_dir: Path) -> tuple[list[ArticleRebuild], str] | None:
    """After ``bitext run``: rebuild the articles that have editors' work, with it; None if there is none.

    The run rewrote the machine translation; this lays the saved reviews over
    it again, so the article on disk always has the editors' applied edits.
    """
    db = out_dir / DB_NAME
    if not db.is_file():
        return None
    store = ReviewStore(db)
    reviewed_articles = set(store.articles())
    if not reviewed_articles:
        return None
    folder = RunFolder(out_dir)
    indices = [a.index for a in folder.articles() if a.source in reviewed_articles]
    results = rebuild_run(out_dir, indices, folder=folder, store=store)
    return results, review_work_summary(results)


def reinsert_command(run_dir: Path) -> int:
    """CLI: rebuild all articles; exit 1 if an article or an edit could not be put back, else 0."""
    results = rebuild_run(run_dir)
    if not results:
        raise BitextError("run.json lists no articles", path=str(run_dir))
    for r in results:
        print(f"bitext: {r.summary()}", file=sys.stderr)
        for refused in r.edits_refused:
            print(f"bitext:   {refused['pair']}: {refused['reason']}", file=sys.stderr)
    return 1 if any(r.error or r.edits_refused for r in results) else 0


def _keep_hugo_keys(previous_path: Path, text: str, lines: dict[str, list[int]],
                    manifest: dict[str, Any]) -> tuple[str, dict[str, list[int]]]:
    """Carry over the Hugo keys the run added to the translated front matter; the units' lines after that.

    The run's hugo stage plans ``translationKey``, ``draft`` and the
    translated-by key after translated.json is written, so it does not have
    them: they are copied, line for line, from the article being replaced,
    where the source did not have them already (as ``hugo_keys.add_keys``
    does). Nothing is re-derived, so the rebuild needs neither the source file
    nor the run's settings.
    """
    try:
        previous = previous_path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    except (OSError, UnicodeDecodeError):
        return text, lines
    old_bounds = front_matter_bounds(previous)
    if old_bounds is None:
        return text, lines
    hugo = (manifest.get("config") or {}).get("hugo") or {}
    names = ["translationKey", "draft"] + ([str(hugo["translated_by_key"])] if hugo.get("translated_by_key") else [])
    bounds = front_matter_bounds(text)
    body = text[bounds[1] : bounds[2]] if bounds else ""
    keys = []
    for name in names:
        key = re.compile(r"^" + re.escape(name) + r"\s*[:=].*$", re.M)
        found = key.search(previous, old_bounds[1], old_bounds[2])
        if found and not key.search(body):
            keys.append(found.group(0) + "\n")
    if not keys:
        return text, lines
    if bounds is None:  # the run made a front matter for its keys: make the same one
        fence = "---" if old_bounds[0] == "yaml" else "+++"
        return f"{fence}\n{''.join(keys)}{fence}\n\n" + text, shift_spans(lines, 1, len(keys) + 3)
    return text[: bounds[1]] + "".join(keys) + text[bounds[1] :], shift_spans(lines, 2, len(keys))


def _list_outputs(folder: RunFolder, index: int, paths: dict[str, Path]) -> None:
    """Add pairs/tmx to the article's outputs in run.json if they are not there yet."""
    with _manifest_lock:
        manifest = read_manifest(folder.root)
        outputs = manifest["articles"][index].setdefault("outputs", {})
        missing = {k: str(p.relative_to(folder.root)) for k, p in paths.items() if k not in outputs}
        if missing:
            outputs.update(missing)
            write_manifest(folder.root, manifest)

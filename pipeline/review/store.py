"""The run folder as the review sees it, and the editors' work saved in it.

Three pieces:

- ``RunFolder`` reads ``run.json`` and hands out articles by their index in
  the manifest. Every path comes from the manifest, is resolved, and must lie
  inside the run folder: the web page never names a file, and a tampered
  manifest cannot make the review read or write outside the folder.
- ``load_article`` gives one article's translated document (the machine
  output, never modified here) and its pairs: ``pairs.jsonl`` when the align
  stage wrote one, else one ``1-1`` pair per text unit built from
  ``translated.json``.
- ``ReviewStore`` keeps the edits, statuses and notes in ``review.sqlite`` in
  the run folder: WAL journal, one transaction per change, ``synchronous=FULL``
  (a human saves a few times a minute, so the fsync is free), writers
  serialised with ``BEGIN IMMEDIATE``, and an append-only ``history`` table
  (triggers refuse UPDATE and DELETE on it). A server killed with SIGKILL
  loses nothing that was acknowledged; two tabs saving at once queue on the
  write lock, and a per-pair ``version`` lets a tab notice that another one
  changed the pair since it loaded it.
"""
from __future__ import annotations

import copy
import datetime as dt
import json
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..document import Document
from ..errors import BitextError
from ..markdown.blocks import _REFDEF_ANY
from ..markdown.inline import normalize_label, render_inline
from ..markdown.render import render_unit
from ..pairs import Pair, read_pairs_jsonl

RUN_FILE = "run.json"
DB_NAME = "review.sqlite"
STATUSES = ("pending", "approved", "rejected")


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")


# ---------------------------------------------------------------- run folder


@dataclass
class Article:
    """One article of the run, as listed in run.json."""

    index: int
    source: str  # the path given to the run: the article's key in review.sqlite
    name: str
    status: str
    error: str | None
    outputs: dict[str, str]  # as in run.json: relative to the run folder
    source_lang: str | None
    target_lang: str | None

    @property
    def reviewable(self) -> bool:
        return self.status != "failed" and "translated" in self.outputs


class RunFolder:
    """A bitext run folder: ``run.json`` and the files it lists, nothing else."""

    def __init__(self, run_dir: Path | str):
        path = Path(run_dir)
        if not path.is_dir():
            raise BitextError("not a folder; give the output folder of a `bitext run`", path=str(path))
        self.root = path.resolve()
        self.manifest_path = self.root / RUN_FILE
        if not self.manifest_path.is_file():
            raise BitextError(f"no {RUN_FILE} here; give the output folder of a `bitext run`", path=str(path))
        self._lock = threading.Lock()
        self._cache: tuple[int, dict[str, Any]] | None = None
        self.manifest()  # fail now, not on the first page

    def manifest(self) -> dict[str, Any]:
        """run.json, re-read when it changes (a run may still be writing it)."""
        try:
            stamp = self.manifest_path.stat().st_mtime_ns
        except OSError as exc:
            raise BitextError(f"cannot read {RUN_FILE}: {exc.strerror}", path=str(self.manifest_path)) from None
        with self._lock:
            if self._cache is None or self._cache[0] != stamp:
                try:
                    data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
                except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                    raise BitextError(f"{RUN_FILE} is not readable JSON: {exc}", path=str(self.manifest_path)) from None
                if not isinstance(data, dict) or not isinstance(data.get("articles"), list):
                    raise BitextError(f"{RUN_FILE} has no list of articles; is this a bitext run folder?", path=str(self.manifest_path))
                self._cache = (stamp, data)
            return self._cache[1]

    def articles(self) -> list[Article]:
        m = self.manifest()
        out = []
        for n, entry in enumerate(m["articles"]):
            if not isinstance(entry, dict):
                continue
            source = str(entry.get("source", f"article {n}"))
            outputs = entry.get("outputs") or {}
            out.append(
                Article(
                    index=n,
                    source=source,
                    name=Path(source).name,
                    status=str(entry.get("status", "done")),
                    error=entry.get("error"),
                    outputs={k: v for k, v in outputs.items() if isinstance(v, str)},
                    source_lang=entry.get("source_lang") or m.get("source_lang"),
                    target_lang=m.get("target_lang"),
                )
            )
        return out

    def article(self, index: int) -> Article:
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

    def output(self, article: Article, key: str) -> Path:
        if key not in article.outputs:
            raise BitextError(f"{article.name}: run.json lists no '{key}' output", path=str(self.manifest_path))
        return self.inside(article.outputs[key])

    def article_path(self, article: Article) -> Path:
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

    def pairs_path(self, article: Article) -> Path:
        """Where the article's pairs.jsonl is (or goes): run.json's, else next to translated.json."""
        if "pairs" in article.outputs:
            return self.output(article, "pairs")
        return self.output(article, "translated").parent / "pairs.jsonl"

    def tmx_path(self, article: Article) -> Path:
        if "tmx" in article.outputs:
            return self.output(article, "tmx")
        return self.output(article, "translated").parent / "pairs.tmx"


# ---------------------------------------------------------------- one article


@dataclass
class ArticleData:
    """One article loaded: the machine-translated document and its pairs."""

    article: Article
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


def render_with_lines(doc: Document) -> tuple[str, dict[str, list[int]]]:
    """``fill_skeleton(doc)`` plus the [first, last] line of each unit's slot in the result."""
    out: list[str] = []
    line = 1
    spans: dict[str, list[int]] = {}
    for piece in doc.skeleton:
        if isinstance(piece, str):
            out.append(piece)
            line += piece.count("\n")
        else:
            text = render_unit(doc.unit(piece.unit_id))
            first = line
            line += text.count("\n")
            spans[piece.unit_id] = [first, line]
            out.append(text)
    return "".join(out), spans


def doc_refs(doc: Document) -> set[str]:
    """Reference-link labels defined in the article: an edit must be scanned with them, as the source was."""
    text = "".join(p for p in doc.skeleton if isinstance(p, str))
    return {normalize_label(m.group(1)) for line in text.split("\n") if (m := _REFDEF_ANY.match(line))}


def pairs_from_document(doc: Document, article_key: str) -> list[Pair]:
    """One 1-1 pair per text unit, for runs made before the align stage wrote pairs.jsonl."""
    _, tgt_lines = render_with_lines(doc)
    pairs = []
    for n, u in enumerate(doc.units, 1):
        codes = u.target_codes if u.target_codes is not None else u.codes
        pairs.append(
            Pair(
                id=f"{article_key}#{n}",
                article=article_key,
                kind=u.kind,
                heading_path=list(u.context.get("heading_path") or []),
                src=render_inline(u.text, u.codes),
                tgt=render_inline(u.target if u.target is not None else u.text, codes),
                src_lines=[u.line, u.end_line or u.line] if u.line else None,
                tgt_lines=tgt_lines.get(u.id),
                type="1-1",
                score=1.0,
                flags=[dict(f) for f in u.flags],
                unit_ids=[u.id],
                src_lang=doc.source_lang,
                tgt_lang=doc.target_lang,
            )
        )
    return pairs


_article_cache: dict[tuple, ArticleData] = {}
_article_lock = threading.Lock()


def load_article(folder: RunFolder, article: Article) -> ArticleData:
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
    else:
        pairs = pairs_from_document(doc, article.source)
    data = ArticleData(article=article, doc=doc, pairs=pairs, refs=doc_refs(doc), from_pairs_file=from_file)
    with _article_lock:
        if len(_article_cache) > 64:
            _article_cache.clear()
        _article_cache[key] = data
    return data


# ---------------------------------------------------------------- review.sqlite

_SCHEMA = """
CREATE TABLE IF NOT EXISTS review (
    article    TEXT NOT NULL,
    pair_id    TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    note       TEXT NOT NULL DEFAULT '',
    tgt        TEXT,              -- the editor's translation; NULL: the machine's
    src        TEXT NOT NULL,     -- the source text the review was made on
    version    INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (article, pair_id)
);
CREATE TABLE IF NOT EXISTS history (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    at      TEXT NOT NULL,
    article TEXT NOT NULL,
    pair_id TEXT NOT NULL,
    field   TEXT NOT NULL,
    old     TEXT,
    new     TEXT,
    client  TEXT NOT NULL DEFAULT ''
);
CREATE TRIGGER IF NOT EXISTS history_no_update BEFORE UPDATE ON history
BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
CREATE TRIGGER IF NOT EXISTS history_no_delete BEFORE DELETE ON history
BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
"""


@dataclass
class State:
    """The review of one pair."""

    status: str = "pending"
    note: str = ""
    tgt: str | None = None
    src: str = ""
    version: int = 0
    updated_at: str | None = None


class Conflict(Exception):
    """The pair changed since the client loaded it (another tab saved first)."""

    def __init__(self, current: State):
        super().__init__("changed since loaded")
        self.current = current


class ReviewStore:
    """Edits, statuses and notes of a run, one row per pair, plus their history."""

    def __init__(self, path: Path):
        self.path = Path(path)
        try:
            con = self._connect()
        except sqlite3.Error as exc:
            raise BitextError(f"cannot open the review database: {exc}", path=str(self.path)) from None
        try:
            con.execute("PRAGMA journal_mode=WAL")
            con.executescript(_SCHEMA)
        finally:
            con.close()

    def _connect(self) -> sqlite3.Connection:
        # One connection per call: requests run in a thread pool, and an sqlite3
        # connection must not be shared between threads mid-transaction.
        con = sqlite3.connect(self.path, timeout=15, isolation_level=None, check_same_thread=False)
        con.execute("PRAGMA busy_timeout=15000")
        con.execute("PRAGMA synchronous=FULL")
        con.row_factory = sqlite3.Row
        return con

    @staticmethod
    def _state(row: sqlite3.Row | None) -> State | None:
        if row is None:
            return None
        return State(row["status"], row["note"], row["tgt"], row["src"], row["version"], row["updated_at"])

    def states(self, article: str) -> dict[str, State]:
        con = self._connect()
        try:
            rows = con.execute("SELECT * FROM review WHERE article = ?", (article,)).fetchall()
        finally:
            con.close()
        return {r["pair_id"]: self._state(r) for r in rows}

    def state(self, article: str, pair_id: str) -> State | None:
        con = self._connect()
        try:
            row = con.execute("SELECT * FROM review WHERE article = ? AND pair_id = ?", (article, pair_id)).fetchone()
        finally:
            con.close()
        return self._state(row)

    def update(
        self,
        article: str,
        base: Pair,
        changes: dict[str, Any],
        *,
        expected_version: int | None = None,
        client: str = "",
    ) -> State:
        """Apply ``changes`` (status, note, tgt) to one pair in one transaction; log each changed field.

        ``expected_version``: the version the client saw; if the pair has moved
        on since, nothing is written and ``Conflict`` carries the current state.
        """
        if "status" in changes and changes["status"] not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}")
        con = self._connect()
        try:
            con.execute("BEGIN IMMEDIATE")
            try:
                row = con.execute(
                    "SELECT * FROM review WHERE article = ? AND pair_id = ?", (article, base.id)
                ).fetchone()
                old = self._state(row) or State(status=base.status if base.status in STATUSES else "pending", note=base.note or "", src=base.src)
                if expected_version is not None and expected_version != old.version:
                    raise Conflict(old)
                new = copy.copy(old)
                at = now()
                for name in ("status", "note", "tgt"):
                    if name in changes and changes[name] != getattr(old, name):
                        setattr(new, name, changes[name])
                        con.execute(
                            "INSERT INTO history (at, article, pair_id, field, old, new, client) VALUES (?, ?, ?, ?, ?, ?, ?)",
                            (at, article, base.id, name, getattr(old, name), changes[name], client),
                        )
                if new == old and row is not None:
                    con.execute("ROLLBACK")
                    return old
                new.src, new.version, new.updated_at = base.src, old.version + 1, at
                con.execute(
                    "INSERT INTO review (article, pair_id, status, note, tgt, src, version, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (article, pair_id) DO UPDATE SET status = excluded.status, note = excluded.note,"
                    " tgt = excluded.tgt, src = excluded.src, version = excluded.version, updated_at = excluded.updated_at",
                    (article, base.id, new.status, new.note, new.tgt, new.src, new.version, new.updated_at),
                )
                con.execute("COMMIT")
                return new
            except BaseException:
                if con.in_transaction:
                    con.execute("ROLLBACK")
                raise
        finally:
            con.close()

    def history(self, article: str | None = None) -> list[dict[str, Any]]:
        con = self._connect()
        try:
            if article is None:
                rows = con.execute("SELECT * FROM history ORDER BY seq").fetchall()
            else:
                rows = con.execute("SELECT * FROM history WHERE article = ? ORDER BY seq", (article,)).fetchall()
        finally:
            con.close()
        return [dict(r) for r in rows]


# ---------------------------------------------------------------- reviewed pairs


@dataclass
class ReviewedPair:
    """A pair with its review applied, and what the page needs to know about it."""

    pair: Pair  # a copy: status, note and tgt are the reviewed ones
    machine_tgt: str
    edited: bool
    stale: bool  # the source changed since the review: the edit is not applied
    version: int
    updated_at: str | None
    editable: bool
    why_not_editable: str = ""


def reviewed(data: ArticleData, pair: Pair, state: State | None) -> ReviewedPair:
    """Apply a stored review to a pair from the run."""
    p = copy.copy(pair)
    p.flags = [dict(f) for f in pair.flags]
    machine = data.machine_tgt(pair)
    units = data.units_of(pair)
    editable, why = True, ""
    if len(units) != 1:
        editable = False
        why = "This pair spans several units (or none): its text cannot be put back into the article, only approved, rejected or annotated."
    stale = False
    edited = False
    version, updated = 0, None
    if state is not None:
        version, updated = state.version, state.updated_at
        p.status, p.note = state.status, state.note
        stale = state.src != pair.src
        if state.tgt is not None and not stale:
            p.tgt, edited = state.tgt, state.tgt != machine
        if stale and state.tgt is not None:
            p.flags.append(
                {"code": "review_stale", "reason": "The source text changed since this pair was edited; the edit is kept in review.sqlite but not applied. Check the pair again."}
            )
    return ReviewedPair(p, machine, edited, stale, version, updated, editable, why)


def reviewed_pairs(data: ArticleData, store: ReviewStore) -> list[ReviewedPair]:
    states = store.states(data.article.source)
    return [reviewed(data, p, states.get(p.id)) for p in data.pairs]


def progress(items: list[ReviewedPair]) -> dict[str, int]:
    """approved / rejected / pending / flagged / edited counts of an article."""
    counts = {"total": len(items), "approved": 0, "rejected": 0, "pending": 0, "flagged": 0, "edited": 0}
    for r in items:
        counts[r.pair.status if r.pair.status in STATUSES else "pending"] += 1
        counts["flagged"] += bool(r.pair.flags)
        counts["edited"] += r.edited
    return counts

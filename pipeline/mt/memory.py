"""Translation memory: editors' translations first, then sentences already translated by the model.

One SQLite file holds two tables:

- ``segments``: translations people made or approved, whatever model runs
  later. Origins: ``human`` (a pair approved in ``bitext review``, edited or
  not) and ``imported`` (a TMX file from OmegaT, Okapi, Trados... loaded with
  ``bitext memory import``). Keyed by the language pair and the source
  segment's exact-match key (``segments.Segment.key``: words and tag places),
  so a run, another article with the same paragraph, or a run into another
  folder finds it with no model call. Human outranks imported; both outrank
  the machine.
- ``tm``: the machine's translations (origin ``machine``), keyed by
  everything that determines them: backend and model id, model revision,
  direction, decoding settings, source text. Change any of them and the old
  entries simply stop matching.

Where it lives (``memory_path``): ``translate.cache_path`` when set; else a
``.bitext/`` folder next to the content (the input's folder or one above it,
found the way git finds ``.git``), which a team can keep in git; else the
user's cache (``~/.cache/bitext/translation_memory.sqlite``, or
``$BITEXT_CACHE_DIR``).

WAL mode lets several processes (runs, editors' review servers) read and write
the same file; every write is one ``BEGIN IMMEDIATE`` transaction with a busy
timeout, so writers queue instead of failing or corrupting the file.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from .segments import Segment

from .base import Translator

_SCHEMA = """
CREATE TABLE IF NOT EXISTS tm (
    model TEXT NOT NULL,
    revision TEXT NOT NULL,
    direction TEXT NOT NULL,
    settings TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    created REAL NOT NULL,
    PRIMARY KEY (model, revision, direction, settings, source)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS segments (
    src_lang   TEXT NOT NULL,
    tgt_lang   TEXT NOT NULL,
    src_key    TEXT NOT NULL,   -- Segment.key of the source: the exact-match key
    plain_key  TEXT NOT NULL,   -- Segment.plain_key of the source: what fuzzy matching compares
    tgt_key    TEXT NOT NULL,   -- Segment.key of the target: the entry read the other way round
    source     TEXT NOT NULL,   -- Segment.to_json()
    target     TEXT NOT NULL,
    origin     TEXT NOT NULL CHECK (origin IN ('human', 'imported')),
    note       TEXT NOT NULL DEFAULT '',
    context    TEXT NOT NULL DEFAULT '{}',  -- JSON: article, pair, unit, heading_path, tool, tuid
    author     TEXT NOT NULL DEFAULT '',
    created    TEXT NOT NULL,
    updated    TEXT NOT NULL,
    tgt_plain_key TEXT NOT NULL DEFAULT '',  -- Segment.plain_key of the target: fuzzy matching the other way round
    PRIMARY KEY (src_lang, tgt_lang, src_key)
);
CREATE INDEX IF NOT EXISTS segments_reverse ON segments (tgt_lang, src_lang, tgt_key);
"""
_CHUNK = 400  # SQLite allows 999 host parameters in older builds
_ENTRY = ("src_lang, tgt_lang, source, target, origin, note, context, author, created, updated")
ORIGINS = ("human", "imported", "machine")
_RANK = {"human": 2, "imported": 1}
MEMORY_FILE = "translation_memory.sqlite"
PROJECT_DIR = ".bitext"
PROJECT_FILE = "memory.sqlite"


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def language(tag: str | None) -> str:
    """A language tag as the memory keys it: its primary subtag (``fr-FR``, ``FR_fr`` -> ``fr``)."""
    return (tag or "").replace("_", "-").split("-")[0].lower()


@dataclass
class MemoryEntry:
    """One translation a person made or approved."""

    src_lang: str
    tgt_lang: str
    source: Segment
    target: Segment
    origin: str = "human"
    note: str = ""
    context: dict[str, Any] = field(default_factory=dict)
    author: str = ""
    created: str = ""
    updated: str = ""

    def reversed(self) -> "MemoryEntry":
        """The same pair read the other way (an EN->FR entry answers FR->EN lookups)."""
        from .segments import link

        return MemoryEntry(self.tgt_lang, self.src_lang, self.target, link(self.target, self.source), self.origin,
                           self.note, self.context, self.author, self.created, self.updated)


@dataclass
class FuzzyMatch:
    """A memory entry whose source is like (not equal to) the one looked up."""

    similarity: float  # 0-100
    entry: MemoryEntry


def _chunks(values: Iterable[str]) -> Iterator[tuple[list[str], str]]:
    """The distinct values in chunks small enough for one ``IN (?, ?...)`` query, with their placeholders."""
    wanted = list(dict.fromkeys(values))
    for i in range(0, len(wanted), _CHUNK):
        chunk = wanted[i : i + _CHUNK]
        yield chunk, ",".join("?" * len(chunk))


class TranslationMemory:
    """The SQLite memory: editors' segments and the machine's cache (see the module docstring)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # One connection, usable from the runner's threads one at a time; autocommit, so that
        # every write is an explicit BEGIN IMMEDIATE ... COMMIT (see _write).
        self._db = sqlite3.connect(str(self.path), timeout=30.0, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        self._db.execute("PRAGMA busy_timeout=30000")
        self._db.execute("PRAGMA journal_mode=WAL")
        # FULL: an editor's approval, once acknowledged, survives a power cut.
        self._db.execute("PRAGMA synchronous=FULL")
        with self._write() as db:
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            columns = {row[1] for row in db.execute("PRAGMA table_info(segments)")}
            if "tgt_plain_key" not in columns:  # a memory made before fuzzy matching read both ways
                db.execute("ALTER TABLE segments ADD COLUMN tgt_plain_key TEXT NOT NULL DEFAULT ''")
                for rowid, target in db.execute("SELECT rowid, target FROM segments").fetchall():
                    db.execute("UPDATE segments SET tgt_plain_key = ? WHERE rowid = ?",
                               (Segment.from_json(target).plain_key, rowid))

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taking the write lock at once (no deadlock between two writers)."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # ------------------------------------------------------------ machine cache
    def lookup(self, key: tuple[str, str, str, str], sources: Iterable[str]) -> dict[str, str]:
        """Targets of the ``sources`` that are in the machine cache under ``key``."""
        found: dict[str, str] = {}
        for chunk, marks in _chunks(sources):
            with self._lock:
                rows = self._db.execute(
                    "SELECT source, target FROM tm WHERE model=? AND revision=? AND direction=? AND settings=?"
                    f" AND source IN ({marks})",
                    (*key, *chunk),
                ).fetchall()
            found.update(rows)
        return found

    def store(self, key: tuple[str, str, str, str], pairs: Iterable[tuple[str, str]]) -> None:
        """Remember the machine's ``(source, target)`` pairs under ``key`` (one transaction)."""
        now = time.time()
        rows = [(*key, source, target, now) for source, target in pairs]
        with self._write() as db:
            db.executemany("INSERT OR REPLACE INTO tm VALUES (?, ?, ?, ?, ?, ?, ?)", rows)

    def machine_pairs(self, models: Iterable[str], revision: str, direction: str) -> list[tuple[str, str]]:
        """Every sentence the machine cache holds for these models (``backend:model`` keys), revision
        and direction, whatever the decoding settings: what ``bitext shortlist`` learns from."""
        models = list(models)
        marks = ",".join("?" * len(models))
        with self._lock:
            rows = self._db.execute(
                f"SELECT DISTINCT source, target FROM tm WHERE model IN ({marks}) AND revision=? AND direction=?",
                (*models, revision, direction),
            ).fetchall()
        return [(source, target) for source, target in rows]

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM tm").fetchone()[0]

    # ------------------------------------------------------------ editors' segments
    def add(self, entries: Iterable[MemoryEntry]) -> int:
        """Store entries (one transaction); returns how many were written.

        An entry replaces one with the same source unless that one ranks
        higher: an import never overwrites an editor's translation.
        """
        stamp = now_iso()
        written = 0
        with self._write() as db:
            for e in entries:
                if e.origin not in _RANK:
                    raise ValueError(f"origin must be one of {sorted(_RANK)}, not {e.origin!r}")
                key = e.source.key
                row = db.execute("SELECT origin, created FROM segments WHERE src_lang=? AND tgt_lang=? AND src_key=?",
                                 (e.src_lang, e.tgt_lang, key)).fetchone()
                if row is not None and _RANK[row[0]] > _RANK[e.origin]:
                    continue
                created = e.created or (row[1] if row else stamp)
                db.execute(
                    "INSERT OR REPLACE INTO segments (src_lang, tgt_lang, src_key, plain_key, tgt_key, tgt_plain_key,"
                    " source, target, origin, note, context, author, created, updated)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (e.src_lang, e.tgt_lang, key, e.source.plain_key, e.target.key, e.target.plain_key,
                     e.source.to_json(), e.target.to_json(), e.origin, e.note,
                     json.dumps(e.context, ensure_ascii=False, sort_keys=True), e.author, created, e.updated or stamp),
                )
                written += 1
        return written

    def remove(self, src_lang: str, tgt_lang: str, source: Segment, *, origin: str = "human",
               context: dict[str, Any] | None = None) -> bool:
        """Forget the entry for ``source`` of this origin (and, if given, made from this context: an editor
        un-approving a pair removes what that pair put there, not an entry another article made)."""
        with self._write() as db:
            row = db.execute("SELECT context FROM segments WHERE src_lang=? AND tgt_lang=? AND src_key=? AND origin=?",
                             (src_lang, tgt_lang, source.key, origin)).fetchone()
            if row is None:
                return False
            if context is not None:
                stored = json.loads(row[0] or "{}")
                if any(stored.get(k) != v for k, v in context.items()):
                    return False
            db.execute("DELETE FROM segments WHERE src_lang=? AND tgt_lang=? AND src_key=?", (src_lang, tgt_lang, source.key))
        return True

    @staticmethod
    def _entry(row: tuple) -> MemoryEntry:
        """An entry from a row of ``SELECT {_ENTRY}``."""
        src_lang, tgt_lang, source, target, origin, note, context, author, created, updated = row
        return MemoryEntry(src_lang, tgt_lang, Segment.from_json(source), Segment.from_json(target), origin, note,
                           json.loads(context or "{}"), author, created, updated)

    def exact(self, src_lang: str, tgt_lang: str, keys: Iterable[str]) -> dict[str, MemoryEntry]:
        """The best entry for each exact-match key that has one, read in either direction.

        An entry made the same way round wins over a reversed one; then human over imported.
        """
        wanted = list(dict.fromkeys(keys))
        found: dict[str, MemoryEntry] = {}
        for i in range(0, len(wanted), _CHUNK):
            chunk = wanted[i : i + _CHUNK]
            marks = ",".join("?" * len(chunk))
            with self._lock:
                rows = self._db.execute(
                    f"SELECT {_ENTRY} FROM segments WHERE src_lang=? AND tgt_lang=? AND src_key IN ({marks})",
                    (src_lang, tgt_lang, *chunk)).fetchall()
                back = self._db.execute(
                    f"SELECT {_ENTRY} FROM segments WHERE src_lang=? AND tgt_lang=? AND tgt_key IN ({marks})",
                    (tgt_lang, src_lang, *chunk)).fetchall()
            forward = set()
            for row in rows:
                entry = self._entry(row)
                found[entry.source.key] = entry
                forward.add(entry.source.key)
            for row in back:
                entry = self._entry(row).reversed()
                k = entry.source.key
                if k not in forward and (k not in found or _RANK[entry.origin] > _RANK[found[k].origin]):
                    found[k] = entry
        return found

    def fuzzy(self, src_lang: str, tgt_lang: str, source: Segment, threshold: float, limit: int = 3) -> list[FuzzyMatch]:
        """Entries whose source is at least ``threshold`` % like ``source`` (best first), exact ones left out."""
        return self.fuzzy_many(src_lang, tgt_lang, [source], threshold, limit)[0]

    def fuzzy_many(self, src_lang: str, tgt_lang: str, sources: list[Segment], threshold: float,
                   limit: int = 3) -> list[list[FuzzyMatch]]:
        """``fuzzy`` for many sources at once: the keys are read once (both ways) and compared by RapidFuzz;
        only the entries that match are read whole."""
        from rapidfuzz import fuzz, process

        if not sources:
            return []
        with self._lock:
            keyed = self._db.execute("SELECT rowid, plain_key, 0 FROM segments WHERE src_lang=? AND tgt_lang=?"
                                     " UNION ALL SELECT rowid, tgt_plain_key, 1 FROM segments WHERE src_lang=? AND tgt_lang=?",
                                     (src_lang, tgt_lang, tgt_lang, src_lang)).fetchall()
        if not keyed:
            return [[] for _ in sources]
        choices = [k for _, k, _ in keyed]
        out = []
        for source in sources:
            found = process.extract(source.plain_key, choices, scorer=fuzz.ratio, score_cutoff=threshold, limit=limit + 4)
            matches = []
            for _text, score, index in found:
                rowid, _, backwards = keyed[index]
                with self._lock:
                    row = self._db.execute(f"SELECT {_ENTRY} FROM segments WHERE rowid=?", (rowid,)).fetchone()
                if row is None:
                    continue
                entry = self._entry(row).reversed() if backwards else self._entry(row)
                if entry.source.key == source.key:
                    continue  # an exact match is not a suggestion: the run used it
                matches.append(FuzzyMatch(round(float(score), 1), entry))
            matches.sort(key=lambda m: (-m.similarity, -_RANK[m.entry.origin]))
            out.append(matches[:limit])
        return out

    def entries(self, *, origins: Iterable[str] = ("human", "imported"), src_lang: str | None = None,
                tgt_lang: str | None = None, both_ways: bool = False) -> list[MemoryEntry]:
        """Editors' entries (of these origins, this language pair), oldest first."""
        origins = [o for o in origins if o in _RANK]
        if not origins:
            return []
        marks = ",".join("?" * len(origins))
        with self._lock:
            rows = self._db.execute(f"SELECT {_ENTRY} FROM segments WHERE origin IN ({marks}) ORDER BY created, src_key",
                                    origins).fetchall()
        out = []
        for row in rows:
            entry = self._entry(row)
            if src_lang is None or (entry.src_lang == src_lang and entry.tgt_lang == tgt_lang):
                out.append(entry)
            elif both_ways and entry.src_lang == tgt_lang and entry.tgt_lang == src_lang:
                out.append(entry.reversed())
        return out

    def stats(self) -> dict[str, Any]:
        """Counts by origin and language pair: human and imported segments, the machine's units and sentences."""
        with self._lock:
            by_pair = self._db.execute(
                "SELECT origin, src_lang, tgt_lang, COUNT(*) FROM segments GROUP BY origin, src_lang, tgt_lang").fetchall()
            machine = self._db.execute(
                "SELECT direction, COUNT(*) FROM tm GROUP BY direction").fetchall()
        counts = {o: 0 for o in ORIGINS}
        pairs: dict[str, dict[str, int]] = {}
        for origin, a, b, n in by_pair:
            counts[origin] += n
            pairs.setdefault(f"{a}-{b}", {}).setdefault(origin, 0)
            pairs[f"{a}-{b}"][origin] += n
        units = sentences = 0
        for direction, n in machine:
            if direction.endswith(":unit"):
                units += n
                pair = direction.removesuffix(":unit")
                pairs.setdefault(pair, {}).setdefault("machine", 0)
                pairs[pair]["machine"] += n
            else:
                sentences += n
        counts["machine"] = units
        return {"path": str(self.path), "counts": counts, "machine_sentences": sentences, "pairs": pairs}

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> "TranslationMemory":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def user_memory_path() -> Path:
    """The translation memory shared by all runs of this user (``$BITEXT_CACHE_DIR`` moves it)."""
    base = os.environ.get("BITEXT_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "bitext"
    )
    return Path(base) / MEMORY_FILE


def project_memory_path(start: Path | None) -> Path | None:
    """``.bitext/memory.sqlite`` in the nearest ``.bitext/`` folder at or above ``start``, if there is one."""
    if start is None:
        return None
    here = Path(start).resolve()
    if not here.is_dir():
        here = here.parent
    for folder in (here, *here.parents):
        if (folder / PROJECT_DIR).is_dir():
            return folder / PROJECT_DIR / PROJECT_FILE
    return None


def memory_path(cache_path: str | Path | None, start: Path | None = None) -> Path:
    """Where the memory is: ``translate.cache_path``, else the project's ``.bitext/``, else the user's."""
    if cache_path:
        return Path(cache_path).expanduser()
    return project_memory_path(start) or user_memory_path()


class CachedTranslator(Translator):
    """Any translator behind a translation memory, itself a translator (argos-translate's ``CachedTranslation``).

    ``model_calls`` counts the strings sent to the inner translator,
    ``cache_hits`` those answered from memory. What the inner translator
    says of itself (token counters, limits, capabilities) it says through this
    wrapper too.
    """

    def __init__(self, inner: Translator, memory: TranslationMemory, direction: str) -> None:
        self.inner = inner
        self.memory = memory
        self.direction = direction
        self.name = inner.name  # type: ignore[misc]
        self.model_id = inner.model_id
        self.changes_language = inner.changes_language  # type: ignore[misc]
        self.batches_across_articles = inner.batches_across_articles  # type: ignore[misc]
        self.accepts_decoding_overrides = inner.accepts_decoding_overrides  # type: ignore[misc]
        self.max_input_tokens = inner.max_input_tokens
        self.source_tokens = inner.source_tokens  # type: ignore[method-assign]
        self.target_tokens = inner.target_tokens  # type: ignore[method-assign]
        self.cross_attention = inner.cross_attention  # type: ignore[method-assign]
        if hasattr(inner, "cannot_write"):
            self.cannot_write = inner.cannot_write
        self.model_calls = 0
        self.cache_hits = 0

    def key(self, overrides: dict[str, Any] | None = None) -> tuple[str, str, str, str]:
        """The memory key for a call with these decoding overrides."""
        signature = self.inner.signature()
        settings = {k: v for k, v in signature.items() if k not in {"model", "revision", "device"}}
        decoding = dict(settings.get("decoding") or {})
        decoding.update(overrides or {})
        settings["decoding"] = decoding
        return (
            f"{signature.get('backend', self.name)}:{signature.get('model', self.model_id)}",
            str(signature.get("revision", "")),
            self.direction,
            json.dumps(settings, sort_keys=True, default=str),
        )

    def unit_memory(self) -> tuple[TranslationMemory, tuple[str, str, str, str]]:
        return self.memory, self.key({})

    def translate(self, batch: list[str], **overrides: Any) -> list[str]:
        """Answer from memory where possible; send only the misses, once each."""
        key = self.key(overrides)
        known = self.memory.lookup(key, batch)
        misses = [s for s in dict.fromkeys(batch) if s not in known]
        self.cache_hits += sum(1 for s in batch if s in known)
        if misses:
            outputs = self.inner.translate(misses, **overrides)
            self.model_calls += len(misses)
            self.memory.store(key, zip(misses, outputs))
            known.update(zip(misses, outputs))
        return [known[s] for s in batch]

    def signature(self) -> dict[str, object]:
        return {**self.inner.signature(), "memory": str(self.memory.path)}

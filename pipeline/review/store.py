"""The editors' work on a run: ``review.sqlite`` in the run folder, and the pairs with it applied.

``ReviewStore`` keeps the edits, statuses and notes: WAL journal, one
transaction per change, ``synchronous=FULL`` (a human saves a few times a
minute, so the fsync is free), writers serialised with ``BEGIN IMMEDIATE``,
and an append-only ``history`` table (triggers refuse UPDATE and DELETE on
it). A server killed with SIGKILL loses nothing that was acknowledged; two
tabs saving at once queue on the write lock, and a per-pair ``version`` lets a
tab notice that another one changed the pair since it loaded it.
``reviewed_pairs`` lays the stored review over the pairs of the run (read
through ``pipeline.formats.run_folder``), following each review to its text
(``review.follow``): kept, stale, or lost and listed, never dropped. Nothing here serves web pages: the
page is ``review.app``; ``bitext reinsert`` needs only this.
"""
from __future__ import annotations

import copy
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import BitextError
from ..executors.manifest import now
from ..formats.run_folder import ArticleData
from ..pairs import Pair
from .follow import Followed, FollowResult, diff_pieces, follow

DB_NAME = "review.sqlite"
STATUSES = ("pending", "approved", "rejected")  # what an editor sets
VIEW_STATUSES = STATUSES + ("stale",)  # what a pair shows: stale when its source changed since the review


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
    replaced_by TEXT,             -- the pair id an editor carried this review over to (the source changed)
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
            columns = {r["name"] for r in con.execute("PRAGMA table_info(review)")}
            if "replaced_by" not in columns:  # a review.sqlite from before reviews followed their text
                con.execute("ALTER TABLE review ADD COLUMN replaced_by TEXT")
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
            rows = con.execute("SELECT * FROM review WHERE article = ? AND replaced_by IS NULL", (article,)).fetchall()
        finally:
            con.close()
        return {r["pair_id"]: self._state(r) for r in rows}

    def articles(self) -> list[str]:
        """The articles that have saved reviews."""
        con = self._connect()
        try:
            return [r[0] for r in con.execute("SELECT DISTINCT article FROM review ORDER BY article")]
        finally:
            con.close()

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
        carried: Followed | None = None,
    ) -> State:
        """Apply ``changes`` (status, note, tgt) to one pair in one transaction; log each changed field.

        ``expected_version``: the version the client saw; if the pair has moved
        on since, nothing is written and ``Conflict`` carries the current state.
        ``carried``: the review this pair shows from another id (``follow``): a
        review kept by its text moves to this id with this change; a stale one
        is marked replaced, so it is neither offered again nor reported lost.
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
                moved_from = None
                if row is None and carried is not None and carried.from_id != base.id:
                    moved_from = self._carry(con, article, base, carried)
                    old = copy.copy(carried.state) if carried.how == "text" else State(
                        status=old.status, note=old.note, src=base.src, version=carried.state.version)
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
                if moved_from is not None:
                    con.execute(
                        "INSERT INTO history (at, article, pair_id, field, old, new, client) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (at, article, base.id, "carried_from", moved_from, carried.how, client),
                    )
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

    @staticmethod
    def _carry(con: sqlite3.Connection, article: str, base: Pair, carried: Followed) -> str:
        """Mark the review saved under another id as carried over to ``base`` (inside the caller's transaction)."""
        row = con.execute("SELECT replaced_by, version FROM review WHERE article = ? AND pair_id = ?",
                          (article, carried.from_id)).fetchone()
        if row is None or row["replaced_by"] is not None or row["version"] != carried.state.version:
            current = State(status=base.status if base.status in STATUSES else "pending", src=base.src)
            raise Conflict(current)  # another tab dealt with it first
        con.execute("UPDATE review SET replaced_by = ? WHERE article = ? AND pair_id = ?", (base.id, article, carried.from_id))
        return carried.from_id

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

    pair: Pair  # a copy: status, note and tgt are the reviewed ones; status "stale" when the source changed
    machine_tgt: str
    edited: bool
    stale: bool  # the source changed since the review: its decision and edit are not applied
    version: int
    updated_at: str | None
    editable: bool
    why_not_editable: str = ""
    carried: Followed | None = None  # the saved review shown here (None: nobody reviewed this pair)
    stale_from: dict[str, Any] | None = None  # old source, its diff with the new one, the old edit, status, note

    @property
    def from_memory(self) -> bool:
        """Approved because a person's translation came from the memory, not because an editor saw it here."""
        return self.pair.memory is not None and self.carried is None and self.pair.status == "approved"

    @property
    def status_label(self) -> str:
        return "approved (memory)" if self.from_memory else self.pair.status


STALE_REASON = ("The source changed since an editor reviewed this pair ({old}): its approval and edit no longer "
                "apply. Compare the old and new source; the old edit is offered.")


def reviewed(data: ArticleData, pair: Pair, followed: Followed | None) -> ReviewedPair:
    """Apply a saved review (as ``follow`` placed it) to a pair from the run."""
    p = copy.copy(pair)
    # review_stale comes from the saved reviews, never from the run: a rebuilt pairs.jsonl may hold an old one
    p.flags = [dict(f) for f in pair.flags if f.get("code") != "review_stale"]
    machine = data.machine_tgt(pair)
    units = data.units_of(pair)
    editable, why = True, ""
    if len(units) != 1:
        editable = False
        why = "This pair spans several units (or none): its text cannot be put back into the article, only approved, rejected or annotated."
    if followed is None:
        return ReviewedPair(p, machine, False, False, 0, None, editable, why)
    state = followed.state
    if followed.how == "stale":
        old = state.status + (", edited" if state.tgt is not None else "") + (", with a note" if state.note else "")
        p.status, p.note = "stale", ""
        p.flags.append({"code": "review_stale", "reason": STALE_REASON.format(old=old)})
        stale_from = {"pair": followed.from_id, "src": state.src, "tgt": state.tgt, "status": state.status,
                      "note": state.note, "similarity": followed.similarity, "diff": diff_pieces(state.src, pair.src)}
        return ReviewedPair(p, machine, False, True, state.version, state.updated_at, editable, why, followed, stale_from)
    p.status, p.note = state.status, state.note
    edited = False
    if state.tgt is not None:
        p.tgt, edited = state.tgt, state.tgt != machine
    return ReviewedPair(p, machine, edited, False, state.version, state.updated_at, editable, why, followed)


def review_of(data: ArticleData, store: ReviewStore) -> tuple[list[ReviewedPair], FollowResult]:
    """Every pair of the article with its review, and where each saved review went (kept, stale, lost)."""
    followed = follow(store.states(data.article.source), data.pairs)
    return [reviewed(data, p, followed.by_pair.get(p.id)) for p in data.pairs], followed


def reviewed_pairs(data: ArticleData, store: ReviewStore) -> list[ReviewedPair]:
    return review_of(data, store)[0]


def progress(items: list[ReviewedPair]) -> dict[str, int]:
    """approved / rejected / pending / stale / flagged / edited / memory counts of an article."""
    counts = {"total": len(items), "approved": 0, "rejected": 0, "pending": 0, "stale": 0, "flagged": 0, "edited": 0,
              "memory": 0}
    for r in items:
        counts[r.pair.status if r.pair.status in VIEW_STATUSES else "pending"] += 1
        counts["flagged"] += bool(r.pair.flags)
        counts["edited"] += r.edited
        counts["memory"] += r.from_memory
    return counts

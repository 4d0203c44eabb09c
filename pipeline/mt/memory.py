"""Translation memory: sentences already translated are never sent to the model again.

A SQLite file keyed by everything that determines a translation: the
backend and model id, the model revision (hub commit or folder hash), the
direction, the decoding settings, and the source sentence. Change any of
them and the old entries simply stop matching.

WAL mode lets two processes (two runs, or a run and the review UI) read and
write the same file; writes are short transactions with a busy timeout.
"""
from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any, Iterable

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
) WITHOUT ROWID
"""
_CHUNK = 400  # SQLite allows 999 host parameters in older builds


class TranslationMemory:
    """A SQLite store of (model, revision, direction, settings, source) → target."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # One connection, usable from the runner's threads one at a time.
        self._db = sqlite3.connect(str(self.path), timeout=30.0, check_same_thread=False)
        self._lock = threading.Lock()
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA busy_timeout=30000")
        with self._db:
            self._db.execute(_SCHEMA)

    def lookup(self, key: tuple[str, str, str, str], sources: Iterable[str]) -> dict[str, str]:
        """Targets of the ``sources`` that are in memory under ``key``."""
        wanted = list(dict.fromkeys(sources))
        found: dict[str, str] = {}
        for i in range(0, len(wanted), _CHUNK):
            chunk = wanted[i : i + _CHUNK]
            marks = ",".join("?" * len(chunk))
            with self._lock:
                rows = self._db.execute(
                    "SELECT source, target FROM tm WHERE model=? AND revision=? AND direction=? AND settings=?"
                    f" AND source IN ({marks})",
                    (*key, *chunk),
                ).fetchall()
            found.update(rows)
        return found

    def store(self, key: tuple[str, str, str, str], pairs: Iterable[tuple[str, str]]) -> None:
        """Remember ``(source, target)`` pairs under ``key`` (one transaction)."""
        now = time.time()
        rows = [(*key, source, target, now) for source, target in pairs]
        with self._lock, self._db:
            self._db.executemany("INSERT OR REPLACE INTO tm VALUES (?, ?, ?, ?, ?, ?, ?)", rows)

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM tm").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> "TranslationMemory":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class CachedTranslator:
    """Any translator behind a translation memory.

    ``model_calls`` counts the strings sent to the inner translator,
    ``cache_hits`` those answered from memory. Other attributes (token
    counters, ``max_input_tokens``) are the inner translator's.
    """

    def __init__(self, inner: Any, memory: TranslationMemory, direction: str) -> None:
        self.inner = inner
        self.memory = memory
        self.direction = direction
        self.name = inner.name
        self.model_id = inner.model_id
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

    def translate(self, batch: list[str], **overrides: Any) -> list[str]:
        """Answer from memory where possible; send only the misses, once each."""
        key = self.key(overrides)
        known = self.memory.lookup(key, batch)
        misses = [s for s in dict.fromkeys(batch) if s not in known]
        self.cache_hits += sum(1 for s in batch if s in known)
        if misses:
            outputs = self.inner.translate(misses, **overrides) if overrides else self.inner.translate(misses)
            self.model_calls += len(misses)
            self.memory.store(key, zip(misses, outputs))
            known.update(zip(misses, outputs))
        return [known[s] for s in batch]

    def signature(self) -> dict[str, object]:
        return {**self.inner.signature(), "memory": str(self.memory.path)}

    def __getattr__(self, name: str) -> Any:
        # Only reached for attributes not set above: token counters, limits...
        if name == "inner":
            raise AttributeError(name)
        return getattr(self.inner, name)

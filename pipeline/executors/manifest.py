"""What a run writes about itself: the manifest ``run.json`` and the completion markers ``done.json``.

``run.json`` says what the run was (version, settings, backend, times, model
calls) and, for every article, its status and the files it wrote; it is
rewritten atomically as articles finish, so a killed run leaves a readable
one. Each finished article leaves a completion marker beside its stage files,
holding the hash of its source and of the run's settings: the same command
run again skips those articles (with the translation memory, this makes a
killed run resumable). The markers also hold the hash of every file bitext
wrote, which is how ``--in-place`` knows a file is its own to overwrite.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import BitextError
from ..files import write_atomic

RUN_FILE = "run.json"
MARKER = "done.json"


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_manifest(out_dir: Path, manifest: dict[str, Any]) -> None:
    """``run.json``, written atomically (the run, export and rebuild all write it this way)."""
    write_atomic(out_dir / RUN_FILE, json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")


def read_manifest(run_dir: Path) -> dict[str, Any]:
    """``run.json`` of a run folder, or one line saying why it is not one."""
    if not run_dir.exists():
        raise BitextError("run folder not found (not a folder); give the output folder of a `bitext run`", path=str(run_dir))
    if not run_dir.is_dir():
        raise BitextError("not a folder; give the output folder of a `bitext run`", path=str(run_dir))
    path = run_dir / RUN_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BitextError(f"no {RUN_FILE} here: not the output folder of a `bitext run`", path=str(run_dir)) from None
    except json.JSONDecodeError as exc:
        raise BitextError(f"{RUN_FILE} is not readable JSON (not valid JSON: {exc.msg})", path=str(path), line=exc.lineno) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BitextError(f"{RUN_FILE} is not readable JSON: {exc}", path=str(path)) from None
    if not isinstance(data, dict) or not isinstance(data.get("articles"), list):
        raise BitextError(f"{RUN_FILE} has no list of articles; is this a bitext run folder?", path=str(path))
    return data


def read_marker(work_dir: Path) -> dict[str, Any] | None:
    return _read_json(work_dir / MARKER)


def write_marker(work_dir: Path, data: dict[str, Any]) -> None:
    write_atomic(work_dir / MARKER, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    _written_hashes.cache_clear()


def outputs_intact(marker: dict[str, Any], out_dir: Path) -> bool:
    """Every file the marked article listed is still there."""
    outputs = marker.get("entry", {}).get("outputs", {})
    return all((out_dir / rel).exists() for rel in outputs.values())


def written_by_bitext(path: Path, out_dir: Path) -> bool:
    """A file bitext wrote and nobody changed since: its hash is in a completion marker."""
    try:
        digest = sha256(path.read_bytes())
    except OSError:
        return False
    return digest in _written_hashes(out_dir)


@lru_cache(maxsize=4)
def _written_hashes(out_dir: Path) -> frozenset[str]:
    """Hashes of every file bitext wrote into this output folder, from the completion markers."""
    hashes: set[str] = set()
    for marker in out_dir.rglob(MARKER):
        data = _read_json(marker) or {}
        hashes.update(data.get("written", {}).values())
    return frozenset(hashes)


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None

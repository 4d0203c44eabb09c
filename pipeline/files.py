"""Files a run writes: atomically, and without the leftovers of a killed run."""
from __future__ import annotations

import os
import stat
import tempfile
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from .errors import BitextError


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary file beside ``path`` to write; renamed over ``path`` when the block ends, deleted if it fails.

    The rename is atomic, so a crash or SIGKILL leaves either the old file or
    the new one, never a half-written one. The file gets the mode a plain
    ``open()`` would give it: an existing file keeps its own (``--in-place``
    never makes a source private), a new one follows the user's umask. No fsync: it costs more than the
    whole extraction of an article, and only matters for a power cut, not for
    a killed process.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = _mode_for(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp")
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, mode)  # mkstemp makes it 0600, whatever the umask
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _mode_for(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return 0o666 & ~current_umask()


@lru_cache(maxsize=1)
def current_umask() -> int:
    """The process's umask, read without changing it where Linux says it (the review server writes from threads)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def output_folder(path: Path, option: str = "--out") -> Path:
    """Create the output folder ``path`` now, or say in one line why it cannot be (a file, no permission...)."""
    if path.exists() and not path.is_dir():
        raise BitextError(f"{option} must name a folder, and this is a file; give another path", path=str(path))
    try:
        path.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):  # a parent is a file
        raise BitextError(f"{option}: a parent of this folder is a file; give another path", path=str(path)) from None
    except OSError as exc:
        raise BitextError(f"{option}: cannot create this folder ({exc.strerror}); give a folder you can write to",
                          path=str(path)) from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise BitextError(f"{option}: this folder is not writable; give a folder you can write to", path=str(path))
    return path


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` through ``replacing``: never a half-written file."""
    with replacing(path) as tmp:
        tmp.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def remove_stale_temporaries(folder: Path) -> int:
    """Delete temporary files that a killed bitext process left behind (its pid is gone).

    ``replacing`` names them ``.<name>.<pid>.<random>.tmp``; one whose process
    still runs is being written and is left alone.
    """
    removed = 0
    if not folder.is_dir():
        return 0
    for tmp in folder.rglob(".*.tmp"):
        parts = tmp.name.split(".")
        pid = next((int(p) for p in reversed(parts[:-2]) if p.isdigit()), None)
        if pid is None or _alive(pid):
            continue
        try:
            tmp.unlink()
            removed += 1
        except OSError:
            pass
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

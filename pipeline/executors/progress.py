"""Progress of a run on stderr: a bar on a terminal (tqdm), plain lines otherwise, nothing with --quiet."""
from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any


class Progress:
    """A progress bar on a terminal (tqdm), plain log lines otherwise, nothing with --quiet."""

    def __init__(self, total: int, quiet: bool):
        self.total, self.quiet, self.count = total, quiet, 0
        self.started = time.perf_counter()
        self.bar = None
        if not quiet and sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="article", file=sys.stderr, dynamic_ncols=True)

    def update(self, entry: dict[str, Any]) -> None:
        self.count += 1
        if self.quiet:
            return
        if self.bar is not None:
            self.bar.set_postfix_str(f"{entry['status']}: {Path(entry['source']).name}", refresh=False)
            self.bar.update(1)
            return
        if self.total == 1:
            return  # one article: the summary line (or the error line) says it all
        elapsed = time.perf_counter() - self.started
        eta = elapsed / self.count * (self.total - self.count)
        print(f"[{self.count}/{self.total}] {entry['status']} {entry['source']} (eta {eta:.0f} s)", file=sys.stderr)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()

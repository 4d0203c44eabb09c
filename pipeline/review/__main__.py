"""``python -m pipeline.review RUN_DIR [--host H] [--port P]``: the review server without the main CLI.

The tests start it this way in a subprocess (to kill it with SIGKILL); users
run ``bitext review``, which calls the same ``review_command``.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import BitextError
from . import review_command


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m pipeline.review", description="review the pairs of a bitext run in a local web page")
    p.add_argument("run_dir", type=Path)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8000)
    args = p.parse_args(argv)
    try:
        return review_command(args.run_dir, args.host, args.port)
    except BitextError as exc:
        print(f"bitext: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())

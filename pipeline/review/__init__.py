"""The editors' review of a run: a local web page over the run folder (``bitext review RUN_DIR``).

``review_command`` serves it (``app``); ``create_app`` builds the ASGI app
(tests use it with Starlette's TestClient). The work is saved in
``RUN_DIR/review.sqlite`` (``store``), checked by ``markup``, and put back into
the articles by ``rebuild`` (``bitext reinsert``), which needs no web stack.
"""
from __future__ import annotations

from pathlib import Path


def review_command(run_dir: Path, host: str = "127.0.0.1", port: int = 8000) -> int:
    """Serve the review page of ``run_dir`` until Ctrl+C (imports the web stack only when called)."""
    from .app import review_command as serve

    return serve(Path(run_dir), host, port)


def create_app(run_dir: Path, **kwargs):
    from .app import create_app as build

    return build(run_dir, **kwargs)


__all__ = ["review_command", "create_app"]

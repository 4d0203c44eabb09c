"""The review page in a real browser: Debian's headless Chromium, driven by Playwright, and the app served.

Playwright's own browser download does not work here, so the tests launch
``/usr/bin/chromium`` (CI installs the ``chromium`` package). The server is
the real app under uvicorn, in a thread, on a free port.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from support.review_run import free_port

from pipeline.review.app import create_app

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import (
        sync_playwright,  # here, not at the top: a missing chromium skips first
    )

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield b
        b.close()


@contextmanager
def serving(run: Path):
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(run), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "review server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)

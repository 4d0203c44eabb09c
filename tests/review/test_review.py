"""The review web app through its HTTP API: saving, CSRF, confinement, escaping, crashes, two tabs.

Each test reviews a pseudo run (no model: a run takes a fraction of a
second) of a small French article with shortcodes, made in ``tmp_path``.
Pairs are found by their text, not their position, so the tests hold whether
the pairs come from the align stage's ``pairs.jsonl`` or are built from
``translated.json``.
"""
from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient
from support.paths import ROOT
from support.review_run import ARTICLE, EDIT, HOSTILE, free_port, make_run  # noqa: F401 (used by other test modules too)

from pipeline.review.app import create_app
from pipeline.review.store import DB_NAME, ReviewStore


def client_for(run: Path) -> TestClient:
    return TestClient(create_app(run), base_url="http://127.0.0.1")


def token_of(html: str) -> str:
    m = re.search(r'<meta name="csrf-token" content="([^"]+)">', html)
    assert m, "the page carries its CSRF token in a meta tag"
    return m.group(1)


def pairs_of(client, article: int = 0) -> list[dict]:
    r = client.get(f"/api/articles/{article}")
    assert r.status_code == 200, r.text
    return r.json()["pairs"]


def pair_with(client, text: str, article: int = 0) -> dict:
    [pair] = [p for p in pairs_of(client, article) if text in p["src"]]
    return pair


@pytest.fixture
def run(tmp_path) -> Path:
    return make_run(tmp_path)


@pytest.fixture
def web(run):
    client = client_for(run)
    page = client.get("/articles/0")
    client.headers["X-CSRF-Token"] = token_of(page.text)
    return client


# ---------------------------------------------------------------- pages and API


def test_pages_show_articles_progress_and_pairs(web, run):
    index = web.get("/")
    assert index.status_code == 200
    assert "velo.fr.md" in index.text and 'href="/articles/0"' in index.text
    page = web.get("/articles/0")
    assert page.status_code == 200
    assert "Rebuild articles" in page.text and "j</kbd>/<kbd>k" in page.text  # the button and the key help line
    assert "Le compteur de la rue de Rivoli" in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    listed = web.get("/api/articles").json()["articles"]
    assert listed[0]["progress"]["total"] == len(pairs_of(web)) > 10


def test_status_note_and_edit_are_saved_with_history(web, run):
    pair = pair_with(web, "l'objectif reste")
    url = "/api/articles/0/pairs"
    r = web.post(url, json={"pair": pair["id"], "tgt": EDIT, "version": pair["version"]})
    assert r.status_code == 200, r.text
    saved = r.json()["pair"]
    assert saved["tgt"] == EDIT and saved["edited"] and saved["version"] == 1
    assert ["c", "{{<hl>}}"] in saved["tgt_segments"]  # the page shows markup as markup
    r = web.post(url, json={"pair": pair["id"], "note": "Vérifier le titre de l'adjoint.", "status": "approved", "version": 1})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["pair"]["status"] == "approved" and body["progress"]["approved"] == 1 and body["progress"]["edited"] == 1

    # A fresh server (the same folder) sees it all: nothing lives only in memory.
    again = pair_with(client_for(run), "l'objectif reste")
    assert (again["tgt"], again["status"], again["note"]) == (EDIT, "approved", "Vérifier le titre de l'adjoint.")
    history = ReviewStore(run / DB_NAME).history()
    assert [h["field"] for h in history] == ["tgt", "status", "note"]
    assert all(h["at"] for h in history)
    con = sqlite3.connect(run / DB_NAME)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("DELETE FROM history")
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_back_to_machine_translation(web):
    pair = pair_with(web, "l'objectif reste")
    web.post("/api/articles/0/pairs", json={"pair": pair["id"], "tgt": EDIT})
    r = web.post("/api/articles/0/pairs", json={"pair": pair["id"], "tgt": None})
    assert r.json()["pair"]["tgt"] == pair["tgt"] and not r.json()["pair"]["edited"]


@pytest.mark.parametrize(
    "edit, message",
    [
        ("For the city, the goal is still to make every street cyclable by 2026.", "{{<hl>}}…{{</hl>}}"),
        ("For the city, {{<hl>}}the goal is still to make every street cyclable by 2026, says the mayor.", "{{<hl>}}…{{</hl>}}"),
        ("For the city, {{<hl>}}the goal{{</hl>}} is {{< badge", "not closed"),
        ("   ", "empty"),
        ("For the city, {{<hl>}}the goal{{</hl>}}.\n\nA second paragraph.", "blank line"),
        # a shortcode the source does not have, paired or not: the rebuilt article would no longer build
        ("For the city, {{<hl>}}the goal is still to make every street cyclable by 2026{{</hl>}}. {{< /callout >}}",
         "Shortcode added: {{< /callout >}}"),
        ("For the city, {{<hl>}}the goal is still to make every street cyclable{{</hl>}} {{< badge >}}2026{{< /badge >}}.",
         "Shortcode added: {{< badge >}}…{{< /badge >}}"),
    ],
)
def test_edit_that_breaks_markup_is_refused_with_a_reason(web, edit, message):
    pair = pair_with(web, "l'objectif reste")
    r = web.post("/api/articles/0/pairs", json={"pair": pair["id"], "tgt": edit})
    assert r.status_code == 422
    assert message in " ".join(r.json()["problems"])
    assert pair_with(web, "l'objectif reste")["tgt"] == pair["tgt"]  # nothing saved


def test_table_cell_edit_keeps_the_table(web):
    pair = pair_with(web, "hausse")
    r = web.post("/api/articles/0/pairs", json={"pair": pair["id"], "tgt": '{{< badge color="vert" >}}up | down{{< /badge >}}'})
    assert r.status_code == 422 and "table cell" in r.json()["problems"][0]
    r = web.post("/api/articles/0/pairs", json={"pair": pair["id"], "tgt": '{{< badge color="vert" >}}rising{{< /badge >}}'})
    assert r.status_code == 200


def test_stale_version_is_a_conflict_not_an_overwrite(web):
    pair = pair_with(web, "Printemps 2020")
    first = web.post("/api/articles/0/pairs", json={"pair": pair["id"], "note": "tab one", "version": 0})
    second = web.post("/api/articles/0/pairs", json={"pair": pair["id"], "note": "tab two", "version": 0})
    assert first.status_code == 200 and second.status_code == 409
    assert second.json()["pair"]["note"] == "tab one"  # the page is given the saved version


def test_bad_requests(web):
    url = "/api/articles/0/pairs"
    assert web.post(url, json={"pair": "nope", "status": "approved"}).status_code == 404
    pid = pairs_of(web)[0]["id"]
    assert web.post(url, json={"pair": pid, "status": "published"}).status_code == 400
    assert web.post(url, json={"pair": pid}).status_code == 400
    assert web.post(url, content=b"not json", headers={"Content-Type": "application/json"}).status_code == 400
    assert web.post("/api/articles/7/pairs", json={"pair": pid, "status": "approved"}).status_code == 404


# ---------------------------------------------------------------- CSRF, origin, host


def test_post_without_or_with_a_wrong_csrf_token_is_refused(run):
    manifest_before = (run / "run.json").read_text()
    client = client_for(run)
    pid = pairs_of(client)[0]["id"]
    for headers in ({}, {"X-CSRF-Token": "guess"}):
        r = client.post("/api/articles/0/pairs", json={"pair": pid, "status": "approved"}, headers=headers)
        assert r.status_code == 403 and "CSRF" in r.json()["error"]
        assert client.post("/api/rebuild", json={}, headers=headers).status_code == 403
    r = client.post("/api/rebuild", data={"csrf_token": "guess"})  # the form of the page without its script
    assert r.status_code == 403
    assert ReviewStore(run / DB_NAME).history() == []
    assert (run / "run.json").read_text() == manifest_before  # no rebuild happened


def test_cross_origin_and_foreign_host_are_refused(web):
    pid = pairs_of(web)[0]["id"]
    body = {"pair": pid, "status": "approved"}
    r = web.post("/api/articles/0/pairs", json=body, headers={"Origin": "http://evil.example"})
    assert r.status_code == 403
    r = web.post("/api/articles/0/pairs", json=body, headers={"Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 403
    assert web.get("/", headers={"Host": "evil.example:8000"}).status_code == 400  # DNS rebinding
    r = web.post("/api/articles/0/pairs", json=body, headers={"Origin": "http://127.0.0.1"})
    assert r.status_code == 200


def test_rebuild_form_works_without_the_script(run):
    client = client_for(run)
    token = token_of(client.get("/").text)
    r = client.post("/api/rebuild", data={"csrf_token": token}, headers={"Origin": "http://127.0.0.1"})
    assert r.status_code == 200 and "Rebuilt 1 of 1" in r.text
    assert (run / json.loads((run / "run.json").read_text())["articles"][0]["outputs"]["tmx"]).is_file()


def test_state_never_changes_on_get(web):
    assert web.get("/api/articles/0/pairs").status_code == 405
    assert web.get("/api/rebuild").status_code == 405


# ---------------------------------------------------------------- confinement


@pytest.mark.parametrize(
    "path",
    [
        "/articles/../../etc/passwd",
        "/articles/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/articles/..%2frun.json",
        "/articles/-1",
        "/articles/99",
        "/api/articles/99",
        "/static/../app.py",
        "/static/%2e%2e/app.py",
        "/static/..%2f..%2fpipeline/review/app.py",
        "/run.json",
        "/review.sqlite",
    ],
)
def test_no_file_outside_the_app_is_served(web, path):
    r = web.get(path)
    assert r.status_code in (400, 404), (path, r.status_code)
    assert "root:" not in r.text and "create_app" not in r.text and '"run_id"' not in r.text


def test_run_json_pointing_outside_the_run_folder_is_refused(run, tmp_path):
    secret = tmp_path / "secret.json"
    secret.write_text('{"units": "SECRET"}', encoding="utf-8")
    manifest = json.loads((run / "run.json").read_text())
    outputs = manifest["articles"][0]["outputs"]
    outputs["translated"] = "../secret.json"
    outputs["article"] = "../evil.en.md"
    (run / "run.json").write_text(json.dumps(manifest), encoding="utf-8")
    client = client_for(run)
    page = client.get("/articles/0")
    assert page.status_code == 409 and "outside the run folder" in page.text and "SECRET" not in page.text
    client.headers["X-CSRF-Token"] = token_of(page.text)
    r = client.post("/api/rebuild", json={})
    assert r.status_code == 200 and "outside the run folder" in r.json()["results"][0]["error"]
    assert not (tmp_path / "evil.en.md").exists()


# ---------------------------------------------------------------- escaping


def visible_text(html: str) -> str:
    """The page's text nodes joined, entities decoded (a browser's textContent, roughly)."""
    from html.parser import HTMLParser

    parts: list[str] = []

    class Text(HTMLParser):
        def handle_data(self, data):
            parts.append(data)

    Text(convert_charrefs=True).feed(html)
    return "".join(parts)


def test_article_text_and_notes_are_escaped(tmp_path):
    run = make_run(tmp_path, HOSTILE, "hostile.fr.md")
    client = client_for(run)
    page = client.get("/articles/0")
    client.headers["X-CSRF-Token"] = token_of(page.text)
    html = page.text
    assert "<script>alert" not in html and "<img src=x" not in html and 'onmouseover="x' not in html
    text = visible_text(html)  # what the reader sees: the markup, as text
    assert "<script>alert(1)</script>" in text and '" onmouseover="x' in text and '<img src=x onerror="alert(2)">' in text
    pid = pairs_of(client)[0]["id"]
    r = client.post("/api/articles/0/pairs", json={"pair": pid, "note": '</span><script>alert(3)</script>" onclick="x'})
    assert r.status_code == 200
    html = client.get("/articles/0").text
    assert "<script>alert(3)" not in html and '</span><script>alert(3)</script>" onclick="x' in visible_text(html)
    assert len(re.findall(r"<script\b", html)) == 1  # the page's own script only


# ---------------------------------------------------------------- crash and concurrency


def start_server(run: Path, port: int) -> subprocess.Popen:
    """``python -m pipeline.review`` in its own process, so that it can be killed with SIGKILL."""
    root = ROOT
    env = dict(os.environ, PYTHONPATH=str(root) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.review", str(run), "--port", str(port)],
                            cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError("review server exited: " + proc.stderr.read().decode())
        try:
            if httpx.get(f"http://127.0.0.1:{port}/", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.05)
    proc.kill()
    raise AssertionError("review server did not start")


def kill(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    proc.stderr.close()


def session(port: int) -> httpx.Client:
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10)
    client.headers["X-CSRF-Token"] = token_of(client.get("/articles/0").text)
    return client


def test_sigkill_between_two_edits_loses_neither(run):
    port = free_port()
    proc = start_server(run, port)
    try:
        with closing(session(port)) as c:
            first = pair_with(c, "l'objectif reste")
            r = c.post("/api/articles/0/pairs", json={"pair": first["id"], "tgt": EDIT, "note": "edit one"})
            assert r.status_code == 200
        kill(proc)  # no shutdown, no flush: what was acknowledged must already be on disk
        proc = start_server(run, port)
        with closing(session(port)) as c:  # a new token: the server is new
            second = pair_with(c, "Printemps 2020")
            r = c.post("/api/articles/0/pairs", json={"pair": second["id"], "status": "rejected", "note": "edit two"})
            assert r.status_code == 200
        kill(proc)
        proc = start_server(run, port)
        with closing(session(port)) as c:
            a, b = pair_with(c, "l'objectif reste"), pair_with(c, "Printemps 2020")
        assert (a["tgt"], a["note"]) == (EDIT, "edit one")
        assert (b["status"], b["note"]) == ("rejected", "edit two")
    finally:
        if proc.poll() is None:
            kill(proc)
    con = sqlite3.connect(run / DB_NAME)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_two_tabs_saving_at_once_corrupt_nothing(run):
    """Many saves at once from two 'tabs' against a real server: every one is kept, in order, once."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(run), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        tabs = [session(port), session(port)]
        pairs = pairs_of(tabs[0])
        shared = pairs[0]["id"]
        jobs = []
        for n in range(60):
            tab = tabs[n % 2]
            target = shared if n % 3 == 0 else pairs[1 + n % (len(pairs) - 1)]["id"]
            jobs.append((tab, target, f"tab {n % 2} note {n}"))

        def save(job):
            tab, pid, note = job
            return tab.post("/api/articles/0/pairs", json={"pair": pid, "note": note}).status_code

        with ThreadPoolExecutor(max_workers=12) as pool:
            codes = list(pool.map(save, jobs))
        assert codes == [200] * len(jobs)
        final = {p["id"]: p for p in pairs_of(tabs[0])}
        history = ReviewStore(run / DB_NAME).history()
        assert sorted(h["new"] for h in history) == sorted(note for _, _, note in jobs)
        for pid in {pid for _, pid, _ in jobs}:
            mine = [h for h in history if h["pair_id"] == pid]
            assert final[pid]["note"] == mine[-1]["new"]  # the last write in the log is the state
            assert final[pid]["version"] == len(mine)
            assert [h["old"] for h in mine[1:]] == [h["new"] for h in mine[:-1]]  # a chain: no lost update
        for tab in tabs:
            tab.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    con = sqlite3.connect(run / DB_NAME)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_pairs_of_blocks_without_prose_are_hidden_unless_asked_for(run):
    """A pair of code blocks (``bitext align`` pairs them: no text unit in it) is off by default."""
    manifest = json.loads((run / "run.json").read_text(encoding="utf-8"))
    pairs_file = run / manifest["articles"][0]["outputs"]["pairs"]
    code = {"id": "velo.fr.md#code", "article": "velo.fr.md", "kind": "code", "heading_path": [], "src": "```sh\nls\n```",
            "tgt": "```sh\nls\n```", "src_lines": [40, 42], "tgt_lines": [40, 42], "type": "1-1", "score": 1.0}
    with open(pairs_file, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(code) + "\n")
    client = client_for(run)
    default = client.get("/api/articles/0").json()
    assert default["hidden_markup_pairs"] == 1 and all(p["kind"] != "code" for p in default["pairs"])
    shown = client.get("/api/articles/0?blocks=all").json()
    assert shown["hidden_markup_pairs"] == 0 and [p["src"] for p in shown["pairs"] if p["kind"] == "code"] == [code["src"]]
    assert len(shown["pairs"]) == len(default["pairs"]) + 1
    assert 'href="?blocks=all"' in client.get("/articles/0").text
    assert "```sh" in client.get("/articles/0?blocks=all").text

"""``bitext review RUN_DIR``: the editors' web page over a run folder.

A small Starlette app: Jinja2 templates (autoescaped) render the pages, a
plain script (``static/review.js``, no build step) does the keyboard work and
saves each change with a JSON POST. Every change goes to ``review.sqlite`` at
once (see ``store``); the page keeps nothing the server does not have.

Safety, because an article is untrusted text and the server writes files:

- article text only ever reaches the page as escaped text: Jinja2
  autoescaping in the templates, ``textContent`` in the script, and a
  Content-Security-Policy that allows no inline script at all;
- the request never names a file: articles are indices into run.json and
  pairs are ids looked up in the article; every path from run.json is
  confined to the run folder (``RunFolder.inside``);
- state-changing requests are POST only, carry the per-server CSRF token
  (random at start, in a ``<meta>`` tag), and are refused when ``Origin`` or
  ``Sec-Fetch-Site`` says they come from another site;
- the ``Host`` header must name this server (127.0.0.1, localhost or the
  ``--host`` given), which stops DNS-rebinding pages from reading the token.
"""
from __future__ import annotations

import hmac
import json
import logging
import re
import secrets
import socket
import sqlite3
import sys
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from ..errors import BitextError
from ..formats.run_folder import ArticleData, RunFolder, load_article
from .markup import check_edit, scan_mode, segments
from .rebuild import rebuild_run
from .follow import Followed, diff_pieces
from .store import (DB_NAME, STATUSES, VIEW_STATUSES, Conflict, ReviewedPair, ReviewStore, progress, review_of, reviewed,
                    reviewed_pairs)

log = logging.getLogger("bitext")
HERE = Path(__file__).resolve().parent
MAX_TEXT = 200_000  # characters in an edit or a note: far above any paragraph, far below a memory problem
MAX_BODY = 4 * MAX_TEXT + 65_536  # bytes: one edit and one note in JSON, UTF-8, with room to spare
LOCAL_NAMES = {"127.0.0.1", "localhost", "::1"}
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


class HTTPProblem(Exception):
    """A request the app refuses, with the status and the message the page shows."""

    def __init__(self, status: int, message: str, **extra: Any):
        super().__init__(message)
        self.status, self.message, self.extra = status, message, extra


# ---------------------------------------------------------------- guard middleware


def _hostname(host_header: str) -> str:
    """``127.0.0.1:8000`` -> ``127.0.0.1``; ``[::1]:8000`` -> ``::1``."""
    try:
        return (urlsplit("//" + host_header).hostname or "").lower()
    except ValueError:
        return ""


class Guard:
    """Host check on every request, same-origin check on every POST, security headers on every response."""

    def __init__(self, app, allowed_hosts: set[str] | None):
        self.app = app
        self.allowed = allowed_hosts  # None: any host (the server was bound to all interfaces on purpose)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = Headers(scope=scope)
        host = headers.get("host", "")
        if self.allowed is not None and _hostname(host) not in self.allowed:
            return await PlainTextResponse("Invalid Host header", status_code=400)(scope, receive, send)
        if scope["method"] not in ("GET", "HEAD"):
            length = headers.get("content-length", "0")
            if not length.isdigit() or int(length) > MAX_BODY:
                return await JSONResponse({"error": "request body too large"}, status_code=413)(scope, receive, send)
            origin = headers.get("origin")
            scheme = scope.get("scheme", "http")
            if origin is not None and origin != f"{scheme}://{host}":
                return await JSONResponse({"error": "cross-origin request refused"}, status_code=403)(scope, receive, send)
            if headers.get("sec-fetch-site") in ("cross-site", "same-site"):
                return await JSONResponse({"error": "cross-site request refused"}, status_code=403)(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                h = MutableHeaders(scope=message)
                h.setdefault("Content-Security-Policy", CSP)
                h.setdefault("X-Content-Type-Options", "nosniff")
                h.setdefault("X-Frame-Options", "DENY")
                h.setdefault("Referrer-Policy", "no-referrer")
                if not scope["path"].startswith("/static/"):
                    h.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)


# ---------------------------------------------------------------- the app


def _display(segs: list[tuple[str, str]], kind: str) -> list[tuple[str, str]]:
    """Segments as shown: the source's hard wraps become spaces, as a CAT tool shows a segment.

    Only for display: the editor gets the raw text (``data-tgt``). Line breaks
    that mean something stay: those of HTML blocks, and hard breaks (markup).
    """
    if kind == "html":
        return segs
    return [(k, t.replace("\n", " ") if k == "t" else t) for k, t in segs]


def _slug(value: Any) -> str:
    """A flag code or status made safe to use in a class name."""
    return re.sub(r"[^a-z0-9_-]", "", str(value).lower())[:40] or "x"


class ReviewApp:
    """The state of one review server: the run folder, its store, its CSRF token."""

    def __init__(self, run_dir: Path | str, csrf_token: str | None = None):
        self.folder = RunFolder(run_dir)
        self.store = ReviewStore(self.folder.root / DB_NAME)
        self.csrf_token = csrf_token or secrets.token_urlsafe(32)
        self.rebuild_lock = threading.Lock()
        self._memory = None
        self._memory_lock = threading.Lock()
        env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True, undefined=StrictUndefined)
        env.filters["slug"] = _slug
        env.filters["lines"] = lambda span: f"L{span[0]}" if span and span[0] == span[1] else (f"L{span[0]}–{span[1]}" if span else "")
        self.templates = Jinja2Templates(env=env)

    # ------------------------------------------------------------ helpers
    def article(self, n: int):
        try:
            return self.folder.article(n)
        except KeyError:
            raise HTTPProblem(404, f"no article {n} in this run") from None

    def data(self, n: int) -> ArticleData:
        article = self.article(n)
        try:
            return load_article(self.folder, article)
        except BitextError as exc:
            raise HTTPProblem(409, str(exc)) from None

    def memory(self):
        """The run's translation memory (opened on first use; see ``learn``); None if it cannot be opened."""
        from .learn import open_run_memory

        with self._memory_lock:
            if self._memory is None:
                try:
                    self._memory = open_run_memory(self.folder)
                except (sqlite3.Error, OSError) as exc:
                    log.warning("bitext review: the translation memory cannot be opened: %s", exc)
                    return None
            return self._memory

    def suggestions(self, data: ArticleData, items: list[ReviewedPair]) -> dict[str, list[dict[str, Any]]]:
        """Fuzzy matches from the memory for the pairs an editor still has to decide (CAT tools' fuzzy
        matches): at least ``translate.fuzzy_threshold`` % alike, best first, with their similarity."""
        from ..mt.memory import language
        from ..mt.segments import unit_segment

        wanted = [(it, data.units_of(it.pair)) for it in items if it.pair.status in ("pending", "stale")]
        wanted = [(it, units[0]) for it, units in wanted if len(units) == 1]
        memory = self.memory() if wanted else None
        if memory is None:
            return {}
        config = (self.folder.manifest().get("config") or {}).get("translate") or {}
        threshold = float(config.get("fuzzy_threshold", 85))
        src = language(data.article.source_lang or data.doc.source_lang)
        tgt = language(data.article.target_lang or data.doc.target_lang)
        try:
            found = memory.fuzzy_many(src, tgt, [unit_segment(u.text, u.codes) for _, u in wanted], threshold)
        except sqlite3.Error as exc:
            log.warning("bitext review: no memory suggestions: %s", exc)
            return {}
        out = {}
        for (it, _unit), matches in zip(wanted, found):
            offered = {it.stale_from["tgt"]} if it.stale_from and it.stale_from.get("tgt") else set()
            shown = [m for m in matches if m.entry.target.markup not in offered]  # the old edit is offered already
            if shown:
                out[it.pair.id] = [{"similarity": m.similarity, "origin": m.entry.origin, "src": m.entry.source.markup,
                                    "tgt": m.entry.target.markup, "diff": diff_pieces(m.entry.source.markup, it.pair.src),
                                    "article": m.entry.context.get("article", "")} for m in shown]
        return out

    def view(self, data: ArticleData, item: ReviewedPair, n: int,
             suggestions: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        """A reviewed pair as the page and the API show it."""
        p = item.pair
        units = data.units_of(p)
        mode = scan_mode(units[0], data.refs) if units else {"markdown": True, "refs": data.refs}
        return {
            "id": p.id,
            "n": n,
            "kind": p.kind,
            "heading_path": p.heading_path,
            "type": p.type,
            "score": p.score,
            "src": p.src,
            "tgt": p.tgt,
            "machine_tgt": item.machine_tgt,
            "src_segments": _display(segments(p.src, **mode), p.kind),
            "tgt_segments": _display(segments(p.tgt, **mode), p.kind),
            "src_lines": p.src_lines,
            "tgt_lines": p.tgt_lines,
            "flags": [{"code": str(f.get("code", "")), "reason": str(f.get("reason", ""))} for f in p.flags],
            "status": p.status if p.status in VIEW_STATUSES else "pending",
            "note": p.note,
            "edited": item.edited,
            "stale": item.stale,
            "version": item.version,
            "updated_at": item.updated_at,
            "editable": item.editable,
            "why_not_editable": item.why_not_editable,
            # added by issue 11: where the review came from, what the memory offers
            "status_label": item.status_label,
            "memory": p.memory,
            "stale_from": item.stale_from,
            "suggestions": suggestions or [],
        }

    def article_views(self, n: int, markup: bool = False) -> tuple[ArticleData, list[dict[str, Any]], dict[str, int], int]:
        """The article's pairs as the page shows them, their progress, and how many pairs of blocks
        without prose (code, shortcodes...: ``Pair.is_markup``) are hidden; ``markup`` shows them."""
        data = self.data(n)
        items, followed = review_of(data, self.store)
        hidden = 0 if markup else sum(1 for it in items if it.pair.is_markup)
        if not markup:
            items = [it for it in items if not it.pair.is_markup]
        suggestions = self.suggestions(data, items)
        views = [self.view(data, it, i, suggestions.get(it.pair.id)) for i, it in enumerate(items, 1)]
        prog = progress(items) | {"lost": len(followed.lost)}
        return data, views, prog, hidden

    def lost_reviews(self, n: int) -> list[dict[str, Any]]:
        """Saved reviews whose paragraph is gone from the article: kept in review.sqlite, listed here."""
        data = self.data(n)
        _, followed = review_of(data, self.store)
        return [{"pair": pid, "src": st.src, "tgt": st.tgt, "status": st.status, "note": st.note,
                 "updated_at": st.updated_at} for pid, st in followed.lost]

    def summaries(self) -> list[dict[str, Any]]:
        out = []
        for a in self.folder.articles():
            entry: dict[str, Any] = {"index": a.index, "name": a.name, "source": a.source, "status": a.status,
                                     "error": a.error, "progress": None}
            if a.reviewable:
                try:
                    data = load_article(self.folder, a)
                    entry["progress"] = progress(reviewed_pairs(data, self.store))
                except BitextError as exc:
                    entry["error"] = str(exc)
            out.append(entry)
        return out

    def check_csrf(self, request: Request, form_token: str | None = None) -> None:
        token = request.headers.get("x-csrf-token") or form_token or ""
        if not hmac.compare_digest(token.encode(), self.csrf_token.encode()):
            raise HTTPProblem(403, "missing or wrong CSRF token; reload the page")

    # ------------------------------------------------------------ changes
    def update(self, n: int, body: dict[str, Any]) -> dict[str, Any]:
        """Apply one change from the page (status, note, edited translation) and return the pair as saved."""
        data = self.data(n)
        pair_id = body.get("pair")
        if not isinstance(pair_id, str) or pair_id not in data.by_id:
            raise HTTPProblem(404, "no such pair in this article")
        base = data.by_id[pair_id]
        changes: dict[str, Any] = {}
        if "status" in body:
            if body["status"] not in STATUSES:
                raise HTTPProblem(400, f"status must be one of {', '.join(STATUSES)}")
            changes["status"] = body["status"]
        if "note" in body:
            note = body["note"]
            if not isinstance(note, str) or len(note) > MAX_TEXT:
                raise HTTPProblem(400, "note must be text")
            changes["note"] = note.replace("\r\n", "\n").strip()
        if "tgt" in body:
            changes["tgt"] = self._checked_edit(data, base, body["tgt"])
        if not changes:
            raise HTTPProblem(400, "nothing to change: give status, note or tgt")
        version = body.get("version")
        if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
            raise HTTPProblem(400, "version must be an integer")
        client = str(body.get("client") or "")[:64]
        index = data.pairs.index(base) + 1
        items, followed = review_of(data, self.store)
        carried = followed.by_pair.get(pair_id)
        was_approved = carried is not None and carried.how != "stale" and carried.state.status == "approved"
        try:
            state = self.store.update(data.article.source, base, changes, expected_version=version, client=client,
                                      carried=carried)
        except Conflict as exc:
            current = self.view(data, reviewed(data, base, Followed(exc.current, pair_id, "id")), index)
            raise HTTPProblem(409, "Another tab changed this pair since you loaded it; it now shows the saved version. Apply your change again.",
                              pair=current) from None
        item = reviewed(data, base, Followed(state, pair_id, "id"))
        answer = {"pair": self.view(data, item, index), "progress": progress(reviewed_pairs(data, self.store))}
        answer["memory"] = self._learn(data, pair_id, state, item.edited, was_approved, client)
        return answer

    def _learn(self, data: ArticleData, pair_id: str, state, edited: bool, was_approved: bool, client: str) -> str | None:
        """Put an approval into the memory (or take it back); a memory that cannot be written does not lose
        the review, which is saved: the next rebuild tries again."""
        from .learn import learn

        memory = self.memory()
        if memory is None:
            return "not updated: the translation memory cannot be opened"
        try:
            return learn(memory, data, pair_id, state, edited, was_approved, self.folder, author=client)
        except sqlite3.Error as exc:
            log.warning("bitext review: the translation memory was not updated: %s", exc)
            return f"not updated: {exc}"

    def _checked_edit(self, data: ArticleData, base, tgt: Any) -> str | None:
        """The edit to store (None: back to the machine translation), or a 422 saying what it would break."""
        if tgt is None:
            return None
        if not isinstance(tgt, str) or len(tgt) > MAX_TEXT:
            raise HTTPProblem(400, "tgt must be text")
        tgt = tgt.replace("\r\n", "\n").strip()
        units = data.units_of(base)
        if len(units) != 1:
            raise HTTPProblem(422, "This pair cannot be edited here.", problems=[
                "It spans several text units (or none), so an edit could not be put back into the article."])
        check = check_edit(tgt, units[0], data.refs)
        if not check.ok:
            raise HTTPProblem(422, "Edit not saved: it would break the article's markup.", problems=check.problems)
        return None if tgt == data.machine_tgt(base) else tgt

    def rebuild(self, indices: list[int] | None) -> dict[str, Any]:
        with self.rebuild_lock:  # two clicks in two tabs: one rebuild after the other
            memory = self.memory() or "cannot open it (see the server's log)"
            results = rebuild_run(self.folder.root, indices, folder=self.folder, store=self.store, memory=memory)
        ok = [r for r in results if not r.error]
        message = f"Rebuilt {len(ok)} of {len(results)} article(s)."
        refused = sum(len(r.edits_refused) for r in results)
        if refused:
            message += f" {refused} edit(s) could not be put back and are flagged edit_not_applied."
        return {"message": message, "results": [r.to_dict() | {"summary": r.summary()} for r in results]}


def create_app(run_dir: Path | str, *, host: str = "127.0.0.1", csrf_token: str | None = None,
               allowed_hosts: set[str] | None = None) -> "Guard":
    """The review app for one run folder, as an ASGI app (``BitextError`` if it is not one).

    ``allowed_hosts`` defaults to the local names plus ``host``; a server bound
    to all interfaces (``0.0.0.0``, ``::``) accepts any Host header, since the
    names it will be reached by are not known.
    """
    review = ReviewApp(run_dir, csrf_token)
    if allowed_hosts is None:
        allowed_hosts = None if host in ("0.0.0.0", "::", "") else LOCAL_NAMES | {host.lower().strip("[]")}

    def page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
        manifest = review.folder.manifest()
        base = {"csrf_token": review.csrf_token, "run": {"dir": review.folder.root.name, "id": manifest.get("run_id", ""),
                "backend": manifest.get("backend", ""), "target_lang": manifest.get("target_lang", "")}}
        return review.templates.TemplateResponse(request, name, base | context, status_code=status)

    def problem(request: Request, exc: HTTPProblem) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": exc.message, **exc.extra}, status_code=exc.status)
        return page(request, "error.html", {"status": exc.status, "message": exc.message}, exc.status)

    def guarded(handler):
        async def endpoint(request: Request) -> Response:
            try:
                return await handler(request)
            except HTTPProblem as exc:
                return problem(request, exc)
        return endpoint

    @guarded
    async def index(request: Request) -> Response:
        articles = await run_in_threadpool(review.summaries)
        return page(request, "index.html", {"articles": articles})

    @guarded
    async def article_page(request: Request) -> Response:
        n = request.path_params["n"]
        markup = request.query_params.get("blocks") == "all"
        data, views, prog, hidden = await run_in_threadpool(review.article_views, n, markup)
        lost = await run_in_threadpool(review.lost_reviews, n) if prog.get("lost") else []
        codes: dict[str, int] = {}
        for v in views:
            for f in {f["code"] for f in v["flags"]}:
                codes[f] = codes.get(f, 0) + 1
        article = data.article
        return page(request, "article.html", {
            "article": article, "pairs": views, "progress": prog, "flag_codes": sorted(codes.items()),
            "markup_shown": markup, "markup_hidden": hidden, "lost": lost,
            "count": len(review.folder.articles()),
            "src_lang": article.source_lang or data.doc.source_lang or "source",
            "tgt_lang": article.target_lang or data.doc.target_lang or "target",
        })

    @guarded
    async def api_articles(request: Request) -> Response:
        return JSONResponse({"articles": await run_in_threadpool(review.summaries)})

    @guarded
    async def api_article(request: Request) -> Response:
        markup = request.query_params.get("blocks") == "all"
        data, views, prog, hidden = await run_in_threadpool(review.article_views, request.path_params["n"], markup)
        lost = await run_in_threadpool(review.lost_reviews, request.path_params["n"])
        return JSONResponse({"index": data.article.index, "name": data.article.name, "progress": prog, "pairs": views,
                             "hidden_markup_pairs": hidden, "lost_reviews": lost})

    @guarded
    async def api_update(request: Request) -> Response:
        review.check_csrf(request)
        try:
            body = await request.json()
        except (ValueError, UnicodeDecodeError):
            raise HTTPProblem(400, "the body must be JSON") from None
        if not isinstance(body, dict):
            raise HTTPProblem(400, "the body must be a JSON object")
        return JSONResponse(await run_in_threadpool(review.update, request.path_params["n"], body))

    @guarded
    async def api_rebuild(request: Request) -> Response:
        is_form = request.headers.get("content-type", "").startswith(("application/x-www-form-urlencoded", "multipart/form-data"))
        indices = None
        if is_form:
            form = await request.form()
            review.check_csrf(request, form.get("csrf_token"))
            if form.get("article", "") != "":
                indices = [_int(form.get("article"))]
        else:
            review.check_csrf(request)
            raw = await request.body()
            try:
                body = json.loads(raw) if raw.strip() else {}
            except (ValueError, UnicodeDecodeError):
                raise HTTPProblem(400, "the body must be JSON") from None
            if isinstance(body, dict) and body.get("articles") is not None:
                indices = [_int(v) for v in body["articles"]]
        if indices is not None:
            for i in indices:
                review.article(i)
        result = await run_in_threadpool(review.rebuild, indices)
        if is_form:  # the page without its script: show the outcome
            return page(request, "rebuilt.html", result)
        return JSONResponse(result)

    routes = [
        Route("/", index),
        Route("/articles/{n:int}", article_page),
        Route("/api/articles", api_articles),
        Route("/api/articles/{n:int}", api_article),
        Route("/api/articles/{n:int}/pairs", api_update, methods=["POST"]),
        Route("/api/rebuild", api_rebuild, methods=["POST"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes)
    guard = Guard(app, allowed_hosts)
    guard.review = review  # tests and the CLI reach the store through it
    return guard  # type: ignore[return-value]


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise HTTPProblem(400, "article must be an index") from None


def review_command(run_dir: Path, host: str = "127.0.0.1", port: int = 8000) -> int:
    """CLI: serve the review page of a run folder until Ctrl+C."""
    import uvicorn

    app = create_app(run_dir, host=host)  # BitextError for a bad run folder, before anything binds
    _check_port(host, port)
    shown = f"[{host}]" if ":" in host else host
    print(f"bitext review: http://{shown}:{port}/  (run folder {Path(run_dir)}; Ctrl+C to stop)", file=sys.stderr)
    if host not in LOCAL_NAMES:
        print(f"bitext review: listening on {host}: anyone who can reach it can edit this run", file=sys.stderr)
    uvicorn.run(app, host=host, port=port, log_level="warning")
    return 0


def _check_port(host: str, port: int) -> None:
    """A clear error for a busy port, rather than uvicorn's log line and exit."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            raise BitextError(f"cannot listen on {host}:{port}: {exc.strerror}; choose another --port") from None

"""A small job board for tests and the demo: a JSON API and a recruiter console over the same applications.

``create_board(make_applications(45))`` is a Flask app that serves

- the JSON API (header ``X-API-Key``): ``GET /api/applications`` with cursor paging (``?cursor=``,
  oldest first, ``next_cursor`` null at the end) or page numbers (``?page=N``, newest first), each
  application as ``{"id", "applicant": {"name", "kana"}, "contact": {"email", "phone"}, "applied_at",
  "resume_url"}``; résumés at ``/api/resumes/<index>.pdf``;
- the console: ``/console/login`` (form with a CSRF token, session cookie), ``/console/applicants?page=N``
  (newest first, links ``a.applicant-link``), ``/console/applicants/<index>`` (``dd.external-id``,
  ``dd.name``, ``dd.furigana``, ``dd.email``, ``dd.phone``, ``dd.applied-at``, ``a.resume-link``) and
  the résumé PDF behind it;
- hostile routes: ``/redirect?to=URL``, ``/private-redirect`` (to 169.254.169.254), ``/huge?mb=200``
  (a streamed answer; ``&length=1`` announces its size), ``/slow?seconds=2``, ``/echo`` (the request's headers).

``app.board`` (a ``Board``) holds the applications and the knobs tests flip: ``fail_status`` (every
route answers it, e.g. 500), ``name_class`` (the markup of the name changes), ``add(count)`` (new
applications at the top), ``throttle(times, retry_after)`` (429 with Retry-After), ``cursor_end``.
Résumés are ``senko.demo.resumes.resume_pdf(make_profile(index, seed))``, generated once and cached.
"""
import random
import secrets
import threading
import time
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from flask import Flask, Response, abort, jsonify, redirect, request, session
from markupsafe import escape
from werkzeug.serving import make_server

from .resumes import make_profile, resume_pdf

JST = timezone(timedelta(hours=9), "JST")
CONSOLE_FIELDS = (("external-id", "応募ID", "external_id"), ("furigana", "ふりがな", "furigana"), ("email", "メール", "email"),
                  ("phone", "電話番号", "phone"))


def make_applications(count: int, seed: int = 2026, start: int = 0, end: datetime | None = None,
                      step: timedelta = timedelta(hours=5)) -> list[dict]:
    """``count`` deterministic applications, oldest first, the last one applied at ``end`` (default: now).

    Each is a dict: ``index`` (the person of ``make_profile``), ``external_id`` (``JB-00001``), ``name``,
    ``furigana``, ``email``, ``phone``, ``applied_at`` (an aware datetime, ``step`` apart) and ``resume``
    (True: a PDF; False: none; ``"broken"``: a file that is not a PDF). Optional overrides a test may
    add: ``resume_url`` (served instead of the board's own link) and ``raw`` (the API sends it as the item).
    """
    end = end or datetime.now(JST).replace(microsecond=0)
    applications = []
    for offset in range(count):
        index = start + offset
        profile = make_profile(index, seed)
        rng = random.Random(seed * 7919 + index)
        applications.append({
            "index": index, "seed": seed, "external_id": f"JB-{index + 1:05d}", "name": profile.name,
            "furigana": profile.furigana, "email": profile.email,
            "phone": f"0{rng.choice((70, 80, 90))}-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}",
            "applied_at": end - step * (count - 1 - offset) - timedelta(minutes=rng.randint(0, 30) if offset < count - 1 else 0),
            "resume": rng.random() < 0.85,
        })
    return applications


@lru_cache(maxsize=512)
def resume_of(index: int, seed: int = 2026) -> bytes:
    """The résumé PDF of application ``index`` (cached: generating one takes ~20 ms)."""
    return resume_pdf(make_profile(index, seed))


class Board:
    """The applications of a board (arrival order, oldest first) and the knobs tests flip."""

    def __init__(self, applications, api_key, username, password, page_size):
        self.initial = [dict(a) for a in applications]
        self.api_key, self.username, self.password, self.page_size = api_key, username, password, page_size
        self.reset()

    def reset(self) -> None:
        """Back to the applications it was created with, knobs off."""
        self.applications = [dict(a) for a in self.initial]
        self.fail_status: int | None = None  # every route answers this status (e.g. 500)
        self.name_class = "name"  # the CSS class of the name on detail pages
        self.cursor_end = "null"  # "null": next_cursor null at the end; "keep": a cursor after the last item
        self.throttled, self.retry_after, self.throttle_status = 0, "1", 429
        self.huge_sent = 0  # bytes /huge has written so far
        self.requests: list[str] = []  # "METHOD /path" of every request

    def add(self, count: int = 1) -> list[dict]:
        """Add ``count`` new applications (applied just now): they appear at the top of newest-first lists."""
        start = max((a["index"] for a in self.applications), default=-1) + 1
        seed = self.initial[0]["seed"] if self.initial else 2026
        new = make_applications(count, seed=seed, start=start, step=timedelta(minutes=1))
        self.applications += new
        return new

    def throttle(self, times: int = 1, retry_after: str = "1", status: int = 429) -> None:
        """Answer the next ``times`` requests with ``status`` and ``Retry-After: retry_after``."""
        self.throttled, self.retry_after, self.throttle_status = times, retry_after, status

    def newest_first(self, page: int) -> list[dict]:
        """Page ``page`` (from 1) of the applications, newest first."""
        ordered = self.applications[::-1]
        return ordered[(page - 1) * self.page_size: page * self.page_size] if page >= 1 else []

    def find(self, index: int) -> dict:
        """The application with this index (404 when none)."""
        for application in self.applications:
            if application["index"] == index:
                return application
        abort(404)


def _api_item(a: dict) -> object:
    if "raw" in a:
        return a["raw"]
    item = {"id": a["external_id"], "applicant": {"name": a["name"], "kana": a["furigana"]},
            "contact": {"email": a["email"], "phone": a["phone"]}, "applied_at": a["applied_at"].isoformat(),
            "resume_url": a.get("resume_url") or (f"/api/resumes/{a['index']}.pdf" if a["resume"] else None)}
    if item["id"] is None:
        del item["id"]
    return item


def _resume_bytes(a: dict) -> bytes:
    if not a["resume"]:
        abort(404)
    return b"<html>not a pdf</html>" if a["resume"] == "broken" else resume_of(a["index"], a["seed"])


def _pdf(a: dict) -> Response:
    return Response(_resume_bytes(a), mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{a["external_id"]}.pdf"'})


def _page(title: str, body: str) -> str:
    return f'<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>{title}</title></head><body>{body}</body></html>'


def _login_form(error: str = "") -> str:
    session["csrf"] = session.get("csrf") or secrets.token_hex(16)
    message = f'<p class="error">{escape(error)}</p>' if error else ""
    return _page("ログイン", f'<h1>採用管理 ログイン</h1>{message}<form method="post" action="/console/login">'
                          f'<input type="hidden" name="csrf_token" value="{session["csrf"]}">'
                          '<input type="hidden" name="next" value="/console/applicants">'
                          '<label>ユーザー名 <input type="text" name="username"></label>'
                          '<label>パスワード <input type="password" name="password"></label>'
                          '<button type="submit">ログイン</button></form>')


def _add_api_routes(app: Flask, board: Board) -> None:
    def authorised():
        if request.headers.get("X-API-Key") != board.api_key:
            abort(Response('{"message": "invalid API key"}', 401, mimetype="application/json"))

    @app.get("/api/applications")
    def applications():
        authorised()
        if "page" in request.args:
            page = request.args.get("page", type=int) or 0
            return jsonify(applications=[_api_item(a) for a in board.newest_first(page)], page=page, per_page=board.page_size)
        cursor = request.args.get("cursor", "pos-0")
        if not cursor.startswith("pos-") or not cursor[4:].isdigit():
            return jsonify(message="invalid cursor"), 400
        start = int(cursor[4:])
        chunk = board.applications[start:start + board.page_size]
        after = start + len(chunk)
        more = after < len(board.applications)
        return jsonify(applications=[_api_item(a) for a in chunk], total=len(board.applications),
                       next_cursor=f"pos-{after}" if more or board.cursor_end == "keep" else None)

    @app.get("/api/resumes/<int:index>.pdf")
    def api_resume(index):
        authorised()
        return _pdf(board.find(index))


def _add_console_routes(app: Flask, board: Board) -> None:
    def logged_in():
        if session.get("user") != board.username:
            abort(redirect("/console/login"))

    @app.route("/console/login", methods=["GET", "POST"])
    def login():
        if request.method == "GET":
            return _login_form()
        if not session.get("csrf") or request.form.get("csrf_token") != session["csrf"]:
            return _page("エラー", "<p>CSRF token missing or wrong</p>"), 400
        if request.form.get("username") != board.username or request.form.get("password") != board.password:
            return _login_form("ユーザー名またはパスワードが違います")
        session["user"] = board.username
        return redirect(request.form.get("next") or "/console/applicants")

    @app.get("/console/applicants")
    def applicant_list():
        logged_in()
        page = request.args.get("page", 1, type=int)
        rows = "".join(f'<tr class="applicant"><td><a class="applicant-link" href="/console/applicants/{a["index"]}">'
                       f'{escape(a["name"])}</a></td><td>{a["applied_at"]:%Y/%m/%d}</td></tr>' for a in board.newest_first(page))
        pager = f'<a class="prev" href="?page={page - 1}">前へ</a> <a class="next" href="?page={page + 1}">次へ</a>'
        return _page("応募者一覧", f'<h1>応募者一覧</h1><table class="applicants">{rows}</table><nav>{pager}</nav>')

    @app.get("/console/applicants/<int:index>")
    def applicant_detail(index):
        logged_in()
        a = board.find(index)
        fields = "".join(f'<dt>{label}</dt><dd class="{css}">{escape(a[key] or "")}</dd>' for css, label, key in CONSOLE_FIELDS)
        fields += f'<dt>氏名</dt><dd class="{board.name_class}">{escape(a["name"])}</dd>'
        fields += f'<dt>応募日時</dt><dd class="applied-at">{a["applied_at"]:%Y/%m/%d %H:%M}</dd>'
        link = a.get("resume_url") or f"/console/applicants/{index}/resume.pdf"
        resume = f'<a class="resume-link" href="{escape(link)}">履歴書 (PDF)</a>' if a["resume"] else "<p>履歴書なし</p>"
        return _page(str(escape(a["name"])), f'<h1>応募者詳細</h1><dl class="profile">{fields}</dl>{resume}')

    @app.get("/console/applicants/<int:index>/resume.pdf")
    def console_resume(index):
        logged_in()
        return _pdf(board.find(index))


def _add_hostile_routes(app: Flask, board: Board) -> None:
    @app.get("/redirect")
    def redirect_to():
        return redirect(request.args.get("to", "/"), code=request.args.get("code", 302, type=int))

    @app.get("/private-redirect")
    def private_redirect():
        return redirect("http://169.254.169.254/latest/meta-data/", code=302)

    @app.get("/huge")
    def huge():
        total = request.args.get("mb", 200, type=int) * 1024 * 1024
        chunk = b"%PDF-" + b"\0" * (64 * 1024 - 5)

        def stream():
            sent = 0
            while sent < total:
                yield chunk
                sent += len(chunk)
                board.huge_sent = sent

        headers = {"Content-Length": str(total)} if request.args.get("length") else {}
        return Response(stream(), mimetype="application/pdf", headers=headers)

    @app.get("/slow")
    def slow():
        time.sleep(request.args.get("seconds", 2.0, type=float))
        return jsonify(ok=True)

    @app.get("/echo")
    def echo():
        return jsonify(host=request.host, headers={k.lower(): v for k, v in request.headers.items()})


def create_board(applications: list[dict] | None = None, api_key: str = "demo-key", username: str = "recruiter",
                 password: str = "demo-password", page_size: int = 20) -> Flask:
    """The job board app (``app.board`` holds its state and knobs); ``applications`` default to 45 made ones."""
    app = Flask("senko.demo.jobboard")
    app.secret_key = secrets.token_hex(16)
    board = Board(make_applications(45) if applications is None else applications, api_key, username, password, page_size)
    app.board = board

    @app.before_request
    def knobs():
        board.requests.append(f"{request.method} {request.path}")
        if board.throttled > 0:
            board.throttled -= 1
            return Response("slow down", board.throttle_status, headers={"Retry-After": board.retry_after})
        if board.fail_status:
            return Response("the board is broken", board.fail_status)
        return None

    _add_api_routes(app, board)
    _add_console_routes(app, board)
    _add_hostile_routes(app, board)
    return app


class BoardServer:
    """A WSGI app served on a loopback port from a daemon thread; ``stop()`` shuts it down."""

    def __init__(self, app, host: str = "127.0.0.1", port: int = 0, ssl_context=None):
        self.app = app
        self._server = make_server(host, port, app, threaded=True, ssl_context=ssl_context)
        self.host, self.port = host, self._server.server_port
        self.url = f"{'https' if ssl_context else 'http'}://{host}:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, name=f"board-{self.port}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and close the listening socket."""
        self._server.shutdown()
        self._server.server_close()


def serve(app, port: int = 0, host: str = "127.0.0.1", ssl_context=None) -> BoardServer:
    """Serve ``app`` (e.g. ``create_board()``) on ``host:port`` (0: a free port) until ``.stop()``.

    ``ssl_context`` (an ``ssl.SSLContext`` or a (cert file, key file) pair) serves HTTPS instead.
    """
    return BoardServer(app, host, port, ssl_context)

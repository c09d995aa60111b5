"""`listenwell review DIR`: a local page to listen to an interview and correct it.

The standard library's http.server, on 127.0.0.1 only, at a random port, behind a random
token in the URL: a request without the token, for another host name (DNS rebinding), or
from another origin (a page elsewhere posting to it) is refused with 403. Nothing is
fetched from the network; the page is three static files (listenwell/assets/) and the
recording, served with Range requests so the player can seek.

Every correction the page makes is saved at once to corrections.json (listenwell/
corrections.py, under the folder's lock, through the same checks as `listenwell label`),
and the page gets the recomputed state back: the numbers follow at once. The exports and
report files are rewritten in the background a moment after the last correction, and
when the server stops (Ctrl-C). It spans the transcribe stage (exports) and the analysis
stage (the report), so it belongs to the command-line assembly.
"""

from __future__ import annotations

import hmac
import json
import mimetypes
import re
import secrets
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import typer

from listenwell.errors import UserError
from listenwell.folder import InterviewFolder

ASSETS = Path(__file__).parent / "assets"
PAGES = {"/review.js": "text/javascript", "/review.css": "text/css"}
REFRESH_AFTER_S = 2.0  # report and exports are rewritten this long after the last correction
MAX_BODY = 100_000
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; "
       "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


class Session:
    """One interview under review: its machine transcript (read once), the corrections
    (read at every request: `label` may add some meanwhile), and the pending rewrite."""

    def __init__(self, folder: InterviewFolder):
        self.folder = folder
        self.lock = threading.RLock()
        self._machine: tuple[tuple[int, int], Any] | None = None
        self._timer: threading.Timer | None = None
        self._state: tuple[Any, dict[str, Any]] | None = None
        self.written = 0

    def machine(self):
        from listenwell.records import Transcript

        st = self.folder.transcript_path.stat()
        key = (st.st_mtime_ns, st.st_size)
        if self._machine is None or self._machine[0] != key:
            self._machine = (key, Transcript.load(self.folder.transcript_path))
        return self._machine[1]

    def computed(self):
        """(report, applied) from the transcript and the corrections as they are now."""
        from listenwell import corrections
        from listenwell.analysis.report import build_report
        from listenwell.corrected import apply

        applied = apply(self.machine(), corrections.load(self.folder.path))
        return build_report(self.folder, applied=applied), applied

    def state(self) -> dict[str, Any]:
        """The page's state, computed again only when the transcript or the corrections
        changed (by the page, or by `listenwell label` meanwhile)."""
        from listenwell.analysis.review_state import review_state
        from listenwell.corrections import fingerprint

        with self.lock:
            key = (fingerprint(self.folder.path), self.folder.audio_path is not None)
            if self._state is None or self._state[0] != key:
                report, applied = self.computed()
                self._state = (key, review_state(report, applied, key[1]))
            return self._state[1]

    def correct(self, request: dict[str, Any]) -> dict[str, Any]:
        from listenwell import corrections
        from listenwell.corrected import apply, checked_fix
        from listenwell.lock import folder_lock

        with self.lock, folder_lock(self.folder.path, "review"):
            if request.get("kind") == "undo":
                corrections.undo(self.folder.path)
            else:
                now = apply(self.machine(), corrections.load(self.folder.path)).transcript
                plan = self.folder.plan()
                fix = checked_fix(now, [q.id for q in plan.questions] if plan else [], request)
                corrections.add(self.folder.path, fix, by="review")
        self.refresh_soon()
        return self.state()

    def refresh_soon(self) -> None:
        with self.lock:
            if self._timer is not None:
                self._timer.cancel()
            self._timer = threading.Timer(REFRESH_AFTER_S, self.refresh)
            self._timer.daemon = True
            self._timer.start()

    def refresh(self) -> None:
        """Rewrite the exports and the report files from the corrected transcript."""
        from listenwell.analysis.report import write_report
        from listenwell.folder import write_files
        from listenwell.lock import folder_lock
        from listenwell.transcribe.exports import export_files

        with self.lock:
            self._timer = None
            try:
                report, applied = self.computed()
                with folder_lock(self.folder.path, "review"):
                    write_files(export_files(self.folder, applied.transcript))
                    write_report(self.folder, report, applied.transcript)
            except UserError:  # another command holds the folder (or it changed under us): later
                self.refresh_soon()
                return
            self.written += 1

    def flush(self) -> bool:
        """Rewrite now if a rewrite is pending; whether one was."""
        with self.lock:
            pending = self._timer is not None
            if pending:
                self._timer.cancel()
        if pending:
            self.refresh()
        return pending


class ReviewServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, session: Session, port: int = 0, token: str | None = None):
        super().__init__(("127.0.0.1", port), Handler)
        self.session = session
        self.token = token or secrets.token_urlsafe(24)
        self.origin = f"http://127.0.0.1:{self.server_address[1]}"

    @property
    def url(self) -> str:
        return f"{self.origin}/?t={self.token}"


class Handler(BaseHTTPRequestHandler):
    server: ReviewServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass  # the terminal shows the URL and what was saved, not every request

    # ---- who may ask ---------------------------------------------------------------------
    def _refused(self) -> str | None:
        """Why this request is refused, or None."""
        port = self.server.server_address[1]
        if self.headers.get("Host") not in (f"127.0.0.1:{port}", f"localhost:{port}"):
            return "wrong host"
        origin = self.headers.get("Origin")
        if origin is not None and origin != self.server.origin:
            return "another origin"
        if self.headers.get("Sec-Fetch-Site") in ("cross-site", "same-site"):
            return "another site"
        given = parse_qs(urlsplit(self.path).query).get("t", [""])[0] or self.headers.get("X-Listenwell-Token", "")
        if not hmac.compare_digest(given.encode(), self.server.token.encode()):
            return "no token"
        return None

    def _send(self, code: int, body: bytes, kind: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(code)
        headers = {"Content-Type": kind, "Content-Length": str(len(body)), "Cache-Control": "no-store",
                   "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
                   "Content-Security-Policy": CSP, "Cross-Origin-Resource-Policy": "same-origin", **(extra or {})}
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, code: int, data: Any) -> None:
        self._send(code, json.dumps(data, ensure_ascii=False).encode(), "application/json; charset=utf-8")

    # ---- routes ------------------------------------------------------------------------------
    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        why = self._refused()
        if why:
            return self._json(403, {"error": f"refused ({why})"})
        route = urlsplit(self.path).path
        try:
            if route == "/":
                page = (ASSETS / "review.html").read_text(encoding="utf-8").replace("{{TOKEN}}", self.server.token)
                return self._send(200, page.encode(), "text/html; charset=utf-8")
            if route in PAGES:
                return self._send(200, (ASSETS / route[1:]).read_bytes(), PAGES[route] + "; charset=utf-8")
            if route == "/api/state":
                return self._json(200, self.server.session.state())
            if route == "/audio":
                return self._audio()
        except UserError as e:
            return self._json(409, {"error": str(e)})
        self._json(404, {"error": "no such page"})

    do_HEAD = do_GET

    def do_POST(self) -> None:  # noqa: N802
        why = self._refused()
        if why:
            return self._json(403, {"error": f"refused ({why})"})
        if urlsplit(self.path).path != "/api/correct":
            return self._json(404, {"error": "no such action"})
        if not (self.headers.get("Content-Type") or "").startswith("application/json"):
            return self._json(415, {"error": "send JSON"})
        length = int(self.headers.get("Content-Length") or 0)
        if not 0 < length <= MAX_BODY:
            return self._json(413, {"error": "a correction is small"})
        try:
            request = json.loads(self.rfile.read(length))
            if not isinstance(request, dict):
                raise ValueError("not an object")
            self._json(200, self.server.session.correct(request))
        except ValueError as e:
            self._json(400, {"error": f"not a correction: {e}"})
        except UserError as e:
            self._json(409 if e.exit_code == 75 else 400, {"error": str(e)})

    def _audio(self) -> None:
        path = self.server.session.folder.audio_path
        if path is None:
            return self._json(404, {"error": "the recording is not in the interview folder"})
        size = path.stat().st_size
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        m = re.fullmatch(r"bytes=(\d*)-(\d*)", self.headers.get("Range", "") or "")
        if not m or (not m[1] and not m[2]):
            return self._send(200, path.read_bytes(), kind, {"Accept-Ranges": "bytes"})
        start, end = (int(m[1]), int(m[2]) if m[2] else size - 1) if m[1] else (max(0, size - int(m[2])), size - 1)
        if start >= size or start > end:
            return self._send(416, b"", kind, {"Content-Range": f"bytes */{size}"})
        end = min(end, size - 1)
        with path.open("rb") as f:
            f.seek(start)
            body = f.read(end - start + 1)
        self._send(206, body, kind, {"Accept-Ranges": "bytes", "Content-Range": f"bytes {start}-{end}/{size}"})


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def serve(folder: InterviewFolder, port: int = 0, open_browser: bool = True, say=print) -> None:
    """Serve the review page until Ctrl-C; the URL is the first line said."""
    session = Session(folder)
    session.state()  # a folder that cannot be reviewed fails here, before a page opens
    try:
        server = ReviewServer(session, port)
    except OSError as e:
        raise UserError(f"cannot listen on 127.0.0.1:{port}: {e.strerror}; try another --port") from None
    say(server.url)
    say(f"reviewing {folder.path}: each correction is saved to {folder.path / 'corrections.json'} as you make it; "
        "Ctrl-C stops")
    # SIGTERM stops the server like Ctrl-C: what is pending is written first
    signal.signal(signal.SIGTERM, _interrupt)
    if open_browser:
        import webbrowser

        threading.Timer(0.2, webbrowser.open, (server.url,)).start()
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        if session.flush() or session.written:
            say(f"the report and exports in {folder.path} follow your corrections")
        say("review stopped")


def register(app) -> None:
    app.command("review")(review_cmd)


def review_cmd(
    folder: Path = typer.Argument(..., help="An interview folder with a transcript."),
    no_open: bool = typer.Option(False, "--no-open", help="Do not open a browser: print the page's address (the first line) and serve until Ctrl-C."),
    port: int = typer.Option(0, "--port", min=0, max=65535, help="The port on 127.0.0.1 (default: any free one)."),
) -> None:
    """Listen to an interview and correct it on a local page: who said what, words, questions, notes.

    The page is served on 127.0.0.1 only, behind a random token in its address. Each
    correction is saved to corrections.json at once; the report, the exports, `list` and
    `compare` follow them.

    Example: listenwell review interviews/priya
    Example: listenwell review interviews/priya --no-open
    """
    from listenwell.folder import open_folder

    f = open_folder(folder)
    if not f.transcript_path.is_file():
        raise UserError(f"{f.transcript_path}: no transcript yet; run `listenwell transcribe {folder}` first")
    serve(f, port=port, open_browser=not no_open, say=lambda line: typer.echo(line) or sys.stdout.flush())

"""The ingest endpoint: an HTTP server that takes highlights as Readwise's API takes them, so an
app that sends highlights to Readwise (Moon+ Reader's "Readwise" sharing, which lets the user
give the URL; excerpta's own ``readwise`` writer with ``READWISE_API_URL``) can send them here.

* ``GET /api/v2/auth/`` answers 204 for the token, as Readwise's token check does; a ``GET``
  of the highlights' URL (an app checking the URL it was given) an empty highlight list.
* ``POST /api/v2/highlights/`` (also without the slash, or at ``/``, where an app is given the
  bare address) takes ``{"highlights": [...]}`` (:mod:`excerpta.ingest.payload`), appends them
  to the inbox, synced to disk (:mod:`excerpta.ingest.inbox`), and only then answers 200 with
  the books they went to, in the shape Readwise answers (ids are numbers made from the book's
  and highlights' identities: stable, but no Readwise ids).
* Every request needs ``Authorization: Token <token>`` (``Bearer`` is taken too): 401 without
  it. A body that is refused is 400 with what is wrong, nothing kept; one larger than
  ``max_body`` is 413, without reading it. The answer says nothing of the library.

Each connection is served on its own thread (a slow phone never holds up another), at most
32 at once and none idle past 60 seconds (:mod:`excerpta.ingest.connections`), with a
:data:`SOCKET_TIMEOUT` on every read. The inbox is held by this server alone while it runs. The
log has one line per request taken, and refusals once a minute per address, naming the client
address, never the token or a highlight's text; a client going away mid-request is no error.
The server speaks plain HTTP: on a network, put a TLS proxy in front of it (the token would
otherwise travel in clear text, which is warned of at start).
"""

from __future__ import annotations

import json
import logging
import re
import socket
import sys
import threading
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from excerpta.errors import ExcerptaError, StateError
from excerpta.ingest.connections import MAX_CONNECTIONS, ConnectionGuard, RefusalLog
from excerpta.ingest.inbox import Inbox
from excerpta.ingest.payload import Checked, PayloadError, books_answer, check_body
from excerpta.ingest.settings import IngestSettings, TokenKeeper, is_loopback

SOCKET_TIMEOUT = 30.0
AUTH_PATHS = frozenset({"/api/v2/auth", "/api/v2/auth/"})
HIGHLIGHT_PATHS = frozenset({"/", "/api/v2/highlights", "/api/v2/highlights/"})
_SCHEMES = ("token ", "bearer ")
_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,8}")

log = logging.getLogger(__name__)


class IngestServer(ThreadingHTTPServer):
    """The endpoint of ``settings``, bound when made (raises StateError if the address is in
    use or cannot be bound); :meth:`start` serves it on a thread, :meth:`stop` ends it.
    ``on_taken(count)`` is called (on the request's thread) after highlights were kept."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, settings: IngestSettings, on_taken: Callable[[int], None] | None = None) -> None:
        self.settings = settings
        self.inbox = Inbox(settings.inbox)
        self.on_taken = on_taken
        self.token = TokenKeeper(settings)
        self.guard = ConnectionGuard()
        self.refusals = RefusalLog()
        self._thread: threading.Thread | None = None
        self.address_family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
        try:
            super().__init__((settings.host, settings.port), IngestHandler)
        except OSError as err:
            raise StateError(f"cannot listen on {settings.host}:{settings.port} ({err.strerror}): "
                             "another program (or another excerpta) is using it? give another "
                             "port with --listen or [ingest] listen") from None
        try:  # once bound: a start that fails on its port never touches the inbox
            self.inbox.take()
        except BaseException:
            self.server_close()
            raise

    @property
    def url(self) -> str:
        """The base URL it answers at (with the port bound, when 0 was asked for)."""
        host, port = self.server_address[:2]
        shown = f"[{host}]" if ":" in str(host) else str(host)
        return f"http://{shown}:{port}"

    def start(self) -> None:
        """Serve on a background thread until :meth:`stop`."""
        if not is_loopback(self.settings.host):
            log.warning("the ingest endpoint listens on %s: other machines of the network can reach "
                        "it, and its token travels in clear text over http (put a TLS proxy in "
                        "front of it outside a home network)", self.settings.host)
        self._thread = threading.Thread(target=self.serve_forever, name="excerpta-ingest", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop serving, close the socket and let the inbox go. A request being answered on
        its thread may be cut off: it was not answered 200 unless its highlights are on disk."""
        if self._thread is not None:
            self.shutdown()
            self._thread.join()
            self._thread = None
        self.server_close()
        self.inbox.release()

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self.guard.admit(request):  # all slots taken: refused before a byte is read
            with suppress(OSError):
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
                                b"Connection: close\r\n\r\n")
            self.refusals.refused(str(client_address[0]), f"{MAX_CONNECTIONS} connections open already")
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.guard.leave(request)

    def service_actions(self) -> None:
        self.guard.shut_idle()  # serve_forever calls this twice a second

    def handle_error(self, request: Any, client_address: Any) -> None:
        # One line, never a traceback in the daemon's journal (that with -vv): a phone leaving
        # the Wi-Fi mid-request is no error of ours.
        kind, error, _ = sys.exc_info()
        if isinstance(error, (ConnectionError, TimeoutError)):
            log.debug("ingest: %s went away (%s)", client_address[0], error)
            return
        log.error("ingest: a request from %s failed: %s: %s", client_address[0],
                  kind.__name__ if kind else "error", error)
        log.debug("ingest: the failure", exc_info=True)


class IngestHandler(BaseHTTPRequestHandler):
    """One request to the endpoint; see the module docstring."""

    server: IngestServer
    protocol_version = "HTTP/1.1"  # keep-alive: every answer says its length
    server_version = "excerpta-ingest"
    sys_version = ""
    timeout = SOCKET_TIMEOUT
    # The headers and the body go out in two writes: without TCP_NODELAY the body waits for the
    # client's delayed ACK of the headers, 40 ms a request (measured: 22 requests/s, not 500).
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        path = self._path()
        if path not in AUTH_PATHS and path not in HIGHLIGHT_PATHS:
            self._answer(404, {"detail": "Not found."})
        elif not self._authorized():
            return
        elif path in AUTH_PATHS:
            self._answer(204, None)
        else:  # an app checking the URL it was given: Readwise's highlight LIST, with nothing in it
            self._answer(200, {"count": 0, "next": None, "previous": None, "results": []})

    def do_POST(self) -> None:
        if self._path() not in HIGHLIGHT_PATHS:
            self._answer(404, {"detail": "Not found."}, close=True)  # its body unread
            return
        if not self._authorized():
            return
        body = self._body()
        if body is None:
            return
        try:
            checked = check_body(body)
        except PayloadError as err:
            self.server.refusals.refused(self._client(), str(err))
            self._answer(400, err.answer)
            return
        self._keep(checked)

    def do_PUT(self) -> None:
        self._answer(405, {"detail": "Method not allowed."}, close=True)

    do_DELETE = do_PATCH = do_PUT

    def _keep(self, checked: Checked) -> None:
        via = next((h["source_type"] for h in checked.highlights if h.get("source_type")), None)
        now = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        try:
            if checked.highlights:
                self.server.inbox.append(checked.highlights, at=now, via=via)
        except ExcerptaError as err:  # a full disk: the app keeps them and sends again
            log.error("ingest: %s", err)
            self._answer(503, {"detail": "The highlights could not be saved; send them again later."})
            return
        for index, name, why in checked.left_out:
            log.warning("ingest: highlight %d from %s: %s left out (%s)", index + 1, self._client(),
                        name, why)
        log.info("ingest: took %d highlight(s) from %s (%s)", len(checked.highlights), self._client(),
                 via or "no source_type")
        self._answer(200, books_answer(checked.highlights, now))
        if checked.highlights and self.server.on_taken is not None:
            self.server.on_taken(len(checked.highlights))

    def _path(self) -> str:
        return urlsplit(self.path).path or "/"

    def _client(self) -> str:
        return str(self.client_address[0])

    def _authorized(self) -> bool:
        given = self.headers.get("Authorization", "")
        scheme = next((s for s in _SCHEMES if given[:len(s)].lower() == s), None)
        if scheme is not None and self.server.token.accepts(given[len(scheme):].strip()):
            return True
        self.server.refusals.refused(self._client(), "no token" if not given else "a wrong token")
        self._answer(401, {"detail": "Authentication credentials were not provided." if not given
                           else "Invalid token."}, close=True)
        return False

    def _body(self) -> bytes | None:
        """The request's body (None: answered already, refused)."""
        limit = self.server.settings.max_body
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._chunked(limit)
        length = self.headers.get("Content-Length")
        if length is None or not length.strip().isascii() or not length.strip().isdigit():
            self._answer(411, {"detail": "A Content-Length is required."}, close=True)
            return None
        if int(length) > limit:
            self._too_large(limit)
            return None
        return self.rfile.read(int(length))

    def _chunked(self, limit: int) -> bytes | None:
        parts: list[bytes] = []
        size = 0
        while True:
            line = self.rfile.readline(1024).split(b";")[0].strip()
            if not _CHUNK_SIZE.fullmatch(line):  # never "-1", which would read to the end
                self._answer(400, {"detail": "Malformed chunked body."}, close=True)
                return None
            chunk = int(line, 16)
            size += chunk
            if size > limit:
                self._too_large(limit)
                return None
            if chunk == 0:
                while self.rfile.readline(1024).strip():  # trailer fields, then the last CRLF
                    pass
                return b"".join(parts)
            parts.append(self.rfile.read(chunk))
            if self.rfile.readline(16) != b"\r\n":
                self._answer(400, {"detail": "Malformed chunked body."}, close=True)
                return None

    def _too_large(self, limit: int) -> None:
        self.server.refusals.refused(self._client(), f"larger than {limit >> 20} MB")
        self._answer(413, {"detail": f"Request larger than {limit >> 20} MB: send fewer highlights at once."},
                     close=True)

    def _answer(self, status: int, payload: Any, *, close: bool = False) -> None:
        data = b"" if payload is None else json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        if payload is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if close:  # the body of the request may be unread: the connection cannot go on
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(data)
        self.server.guard.answered(self.connection)

    def log_message(self, format: str, *args: Any) -> None:  # (http.server's names)
        log.debug("ingest: %s %s", self._client(), format % args)

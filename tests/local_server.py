"""What the fake API servers of the tests share: a real HTTP server on 127.0.0.1 in a thread,
and a fixture's way of starting them with the environment pointed at them.

A fake subclasses :class:`LocalServer` and calls :meth:`LocalServer.serve` with its request
handler (in ``__post_init__``); used as a context manager it serves, and ``url`` is its base
URL. Tests only ever talk to loopback.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self, TypeVar

import pytest


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler for the fakes: HTTP/1.1 (connections kept open, as a real API's), and
    nothing logged to the test output."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass


class LocalServer:
    """A threaded HTTP server on 127.0.0.1, on a port of the system's choosing."""

    _server: ThreadingHTTPServer
    _thread: threading.Thread

    def serve(self, handler: type[BaseHTTPRequestHandler]) -> None:
        """Make the server, answering with ``handler``; it starts on ``__enter__``."""
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"


Server = TypeVar("Server", bound=LocalServer)


def serving(monkeypatch: pytest.MonkeyPatch, make: Callable[..., Server], *, token_env: str,
            url_env: str) -> Iterator[Callable[..., Server]]:
    """The body of a fixture: yields ``start(**kwargs)``, which makes a server with ``make``,
    starts it and points ``token_env``/``url_env`` at it (its ``token``, its ``url``); every
    server started is stopped after the test."""
    servers: list[Server] = []

    def start(**kwargs: Any) -> Server:
        server = make(**kwargs).__enter__()
        servers.append(server)
        monkeypatch.setenv(token_env, server.token)  # type: ignore[attr-defined]
        monkeypatch.setenv(url_env, server.url)
        return server

    yield start
    for server in servers:
        server.__exit__(None, None, None)

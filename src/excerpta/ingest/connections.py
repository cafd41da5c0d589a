"""What keeps the ingest endpoint's connections from taking what the daemon's jobs need.

The endpoint runs in the daemon's process, beside its sync jobs, and may listen on a network
(a phone sends to it): threads and file handles are shared. So, before any token is read:

* at most :data:`MAX_CONNECTIONS` connections are served at once; one more is answered 503
  and closed (an app sends again);
* a connection that has not finished a request within :data:`IDLE_SECONDS` of being opened,
  or of its last answer, is shut (a client sending a byte now and then would otherwise keep
  its thread for ever: a socket's timeout counts from its last byte);
* refusals are logged once a minute per address, with how many there were (a client
  guessing tokens must not fill the journal).
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable
from contextlib import suppress

MAX_CONNECTIONS = 32
IDLE_SECONDS = 60.0
LOG_EVERY_SECONDS = 60.0

log = logging.getLogger(__name__)


class ConnectionGuard:
    """The connections being served, each with when it last finished a request."""

    def __init__(self, limit: int = MAX_CONNECTIONS, idle: float = IDLE_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.idle = idle
        self._slots = threading.BoundedSemaphore(limit)
        self._since: dict[socket.socket, float] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def admit(self, connection: socket.socket) -> bool:
        """Take a slot for ``connection`` (False: all taken; refuse it)."""
        if not self._slots.acquire(blocking=False):
            return False
        with self._lock:
            self._since[connection] = self._clock()
        return True

    def answered(self, connection: socket.socket) -> None:
        """``connection`` finished a request: its idle time starts again."""
        with self._lock:
            if connection in self._since:
                self._since[connection] = self._clock()

    def leave(self, connection: socket.socket) -> None:
        """``connection`` is closed: its slot is free."""
        with self._lock:
            if self._since.pop(connection, None) is None:
                return
        self._slots.release()

    def shut_idle(self) -> None:
        """Shut every connection idle for longer than :attr:`idle` (its thread then ends)."""
        now = self._clock()
        with self._lock:
            idle = [connection for connection, since in self._since.items() if now - since > self.idle]
        for connection in idle:
            with suppress(OSError):  # closed already
                connection.shutdown(socket.SHUT_RDWR)


class RefusalLog:
    """Warns of refused requests, at most once a :data:`LOG_EVERY_SECONDS` per address."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._last: dict[str, float] = {}
        self._unsaid: dict[str, int] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def refused(self, address: str, why: str) -> None:
        now = self._clock()
        with self._lock:
            if now - self._last.get(address, -LOG_EVERY_SECONDS) < LOG_EVERY_SECONDS:
                self._unsaid[address] = self._unsaid.get(address, 0) + 1
                return
            self._last[address] = now
            more = self._unsaid.pop(address, 0)
        log.warning("ingest: refused a request from %s: %s%s", address, why,
                    f" (and {more} more refused in the last minute)" if more else "")

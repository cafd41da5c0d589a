"""A fake Hypothesis API on 127.0.0.1: a real HTTP server in a thread, for end-to-end tests.

Serves ``GET /api/profile`` and ``GET /api/search`` over generated annotations as h does
(hypothesis/h ``h/search/query.py``, ``h/session.py``): a Bearer token it does not know makes
the request anonymous (the profile's ``userid`` null, a search finds public annotations
only), unless ``reject_with_401``; ``sort=updated&order=asc``, ``limit`` at most 200,
``search_after`` compared in whole milliseconds, strictly after; ``total`` counts every
match whatever ``search_after`` says; ``user`` and ``group`` filter. Faults are scheduled
per search request number: 429 with ``Retry-After``, 5xx, malformed JSON. ``ignore_search_after``
makes a server that pages forever. Every request is recorded, every row delivered counted.
"""

from __future__ import annotations

import json
import random
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from local_server import LocalServer, QuietHandler

FAKE_TOKEN = "6879-fakeHypothesisToken0a1b2c3d4e5f"
USER = "acct:fake_reader@hypothes.is"
GROUP = "fakeGrp1"
BASE_TIME = datetime(2024, 1, 1, tzinfo=UTC)
WORDS = ("reading", "margin", "gloss", "note", "river", "garden", "signal", "quiet", "“curly”", "ünï")


@dataclass(frozen=True)
class RecordedRequest:
    path: str
    params: dict[str, str]
    authorized: bool


def stamp(when: datetime) -> str:
    return when.isoformat(timespec="microseconds")


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _ms(value: str) -> float:
    """A time as the index keeps it: whole milliseconds since the epoch."""
    return float((datetime.fromisoformat(value.replace("Z", "+00:00")) - EPOCH) // timedelta(milliseconds=1))


def generate(count: int, *, replies: int = 0, seed: int = 3) -> list[dict[str, Any]]:
    """``count`` annotations (every tenth a page note, every seventh in GROUP, every fifth
    private) of about one page in twenty, updated an hour apart, plus ``replies`` replies."""
    rng = random.Random(seed)
    rows = []
    for number in range(count + replies):
        created = BASE_TIME + timedelta(hours=number, milliseconds=rng.randint(0, 999))
        page = number % max(1, count // 20)
        quote = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 20)))
        selectors = [] if number % 10 == 9 else [
            {"type": "TextPositionSelector", "start": number * 10, "end": number * 10 + len(quote)},
            {"type": "TextQuoteSelector", "exact": quote, "prefix": "", "suffix": ""}]
        annotation_id = f"fakeAnn{number:015d}"
        rows.append({
            "id": annotation_id, "created": stamp(created), "updated": stamp(created),
            "user": USER, "uri": f"https://example.org/articles/{page}",
            "text": f"note {number}" if number % 3 == 0 or not selectors else "",
            "tags": ["fake", f"t{number % 4}"], "group": GROUP if number % 7 == 0 else "__world__",
            "permissions": {"read": [USER] if number % 5 == 0 else ["group:__world__"]},
            "target": [{"source": f"https://example.org/articles/{page}", "selector": selectors}],
            "document": {"title": [f"Article {page}"]},
            "links": {"incontext": f"https://hyp.is/{annotation_id}/example.org/articles/{page}"},
            "hidden": False, "flagged": False, "user_info": {"display_name": "Fake Reader"},
            **({"references": [f"fakeAnn{number % count:015d}"]} if number >= count else {}),
        })
    return rows


@dataclass
class FakeHypothesis(LocalServer):
    """The server and its data. Use as a context manager; ``url`` is its base URL."""

    annotations: int = 100
    replies: int = 0
    token: str = FAKE_TOKEN
    reject_with_401: bool = False  # a 401 for an unknown token instead of an anonymous answer
    ignore_search_after: bool = False
    rows: list[dict[str, Any]] = field(default_factory=list)
    faults: dict[int, tuple[int, bytes, tuple[tuple[str, str], ...]]] = field(default_factory=dict)
    requests: list[RecordedRequest] = field(default_factory=list)
    delivered: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if not self.rows:
            self.rows = generate(self.annotations, replies=self.replies)
        self.serve(_handler_for(self))

    @property
    def searches(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path == "/api/search"]

    def annotation_ids(self) -> set[str]:
        """The ids of the annotations (not replies)."""
        return {row["id"] for row in self.rows if not row.get("references")}

    def rate_limit(self, at: int, retry_after: str = "0") -> None:
        self.faults[at] = (429, b'{"status": "failure"}', (("Retry-After", retry_after),))

    def server_error(self, at: int, status: int = 500) -> None:
        self.faults[at] = (status, b'{"status": "failure"}', ())

    def malformed(self, at: int) -> None:
        self.faults[at] = (200, b'{"total": 3, "rows": [{"id": "x", "upd', ())

    def edit(self, annotation_id: str, **changes: Any) -> None:
        """Change an annotation as Hypothesis does: ``updated`` is now."""
        with self._lock:
            row = next(row for row in self.rows if row["id"] == annotation_id)
            row.update(changes, updated=stamp(datetime.now(UTC)))

    def export(self) -> dict[str, Any]:
        """The user's annotations as the Hypothesis client's export saves them."""
        return {"export_date": stamp(datetime.now(UTC)), "export_userid": USER, "client_version": "1.0",
                "annotations": [row for row in self.rows if row["user"] == USER]}

    def search(self, params: dict[str, str], authorized: bool) -> dict[str, Any]:
        """The answer h gives to ``/api/search`` with ``params``."""
        found = [row for row in self.rows if authorized or "group:__world__" in row["permissions"]["read"]]
        if "user" in params:
            found = [row for row in found if row["user"] == params["user"].lower()]
        if "group" in params:
            found = [row for row in found if row["group"] == params["group"]]
        found.sort(key=lambda row: (row["updated"], row["id"]), reverse=params.get("order") != "asc")
        total = len(found)
        after = params.get("search_after")
        if after and not self.ignore_search_after:
            after_ms = (datetime.fromisoformat(after.replace("Z", "+00:00")) - EPOCH) / timedelta(
                milliseconds=1)
            found = [row for row in found if _ms(row["updated"]) > after_ms]
        limit = min(int(params.get("limit", 20)), 200)
        return {"total": total, "rows": found[:limit]}


def _handler_for(fake: FakeHypothesis) -> type[BaseHTTPRequestHandler]:
    class Handler(QuietHandler):
        def do_GET(self) -> None:
            url = urlsplit(self.path)
            params = {k: v[-1] for k, v in parse_qs(url.query).items()}
            authorized = self.headers.get("Authorization") == f"Bearer {fake.token}"
            with fake._lock:
                fake.requests.append(RecordedRequest(url.path, params, authorized))
                fault = fake.faults.pop(len(fake.searches), None) if url.path == "/api/search" else None
            if not authorized and fake.reject_with_401:
                self._send(401, b'{"status": "failure", "reason": "unauthorized"}')
            elif url.path == "/api/profile":
                profile = {"userid": USER if authorized else None, "authority": "hypothes.is",
                           "groups": [], "features": {}, "preferences": {}}
                self._send(200, json.dumps(profile).encode())
            elif url.path != "/api/search":
                self._send(404, b'{"status": "failure", "reason": "not found"}')
            elif fault is not None:
                self._send(fault[0], fault[1], fault[2])
            else:
                with fake._lock:
                    body = fake.search(params, authorized)
                    fake.delivered.update(row["id"] for row in body["rows"])
                self._send(200, json.dumps(body).encode())

        def _send(self, status: int, body: bytes, headers: tuple[tuple[str, str], ...] = ()) -> None:
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler

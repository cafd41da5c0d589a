"""A fake Readwise API v2 on 127.0.0.1: a real HTTP server in a thread, for end-to-end tests.

Serves ``GET /api/v2/auth/``, ``GET /api/v2/export/`` and ``POST /api/v2/highlights/`` over a
generated library of any size
with the real API's behaviour: cursor pagination (``nextPageCursor`` is the next book's id,
an integer, as observed), ``updatedAfter`` (only highlights changed since, in their books),
``ids`` (every highlight of those books), ``includeDeleted`` (tombstones; a book deleted as
a whole comes ``is_deleted`` without highlights, see :meth:`FakeReadwise.delete_book`), and the
``Authorization: Token …`` check (401 otherwise). Faults are scheduled per export request
number: 429 with ``Retry-After``, 5xx, slow responses, dropped connections, malformed JSON.
Every request is recorded, and every highlight delivered in a 200 export response counted.

``POST /api/v2/highlights/`` behaves as the reference (readwise.md §1.7) says the real one
does: the documented limits checked (HTTP 400 naming the field otherwise), the note's leading
inline tags (``.tag``) taken as tags, a highlight posted
again with its ``highlight_url`` updated in place, one without it with the (title, author,
text, source_url) of one already there left as it is, each new highlight put in the book of its
title, author and category (made if need be) and served by the export from then on. Its
faults are scheduled by POST number (:meth:`FakeReadwise.inject_post`).
"""

from __future__ import annotations

import gzip
import json
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from local_server import LocalServer, QuietHandler

FAKE_TOKEN = "fake_readwise_token_8f3a9c2e71d4b605"
BASE_TIME = datetime(2024, 1, 1, tzinfo=UTC)
WORDS = ("reading", "habit", "system", "memory", "attention", "craft", "river", "garden", "signal",
         "practice", "patience", "structure", "story", "question", "margin", "quiet", "“curly”")


@dataclass(frozen=True)
class Fault:
    """What to do instead of answering one export request normally."""

    kind: str  # "status", "slow", "trickle", "drop", "malformed", "page", "bomb"
    status: int = 500
    headers: tuple[tuple[str, str], ...] = ()
    seconds: float = 0.0

    @classmethod
    def rate_limit(cls, retry_after: str = "1") -> Fault:
        return cls("status", 429, (("Retry-After", retry_after),))

    @classmethod
    def server_error(cls, status: int = 500) -> Fault:
        return cls("status", status)

    @classmethod
    def slow(cls, seconds: float) -> Fault:
        return cls("slow", seconds=seconds)

    @classmethod
    def drop(cls) -> Fault:
        return cls("drop")

    @classmethod
    def malformed(cls) -> Fault:
        return cls("malformed")

    @classmethod
    def trickle(cls, seconds: float) -> Fault:
        """The page's body in ten pieces, ``seconds`` apart: every read in time, the whole not."""
        return cls("trickle", seconds=seconds)

    @classmethod
    def gzip_bomb(cls, inflated: int) -> Fault:
        """A small gzip body (HTTP 200) that inflates to ``inflated`` bytes of spaces."""
        return cls("bomb", 200, (("Content-Encoding", "gzip"),), seconds=inflated)

    @classmethod
    def web_page(cls) -> Fault:
        """A proxy's or captive portal's HTML page, HTTP 200."""
        return cls("page", 200, (("Content-Type", "text/html; charset=utf-8"),))


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    params: dict[str, str]
    authorized: bool


def generate_library(highlights: int, *, per_book: int = 40, seed: int = 7) -> dict[int, dict[str, Any]]:
    """Books (by user_book_id) holding ``highlights`` highlights in the export shape."""
    rng = random.Random(seed)
    books: dict[int, dict[str, Any]] = {}
    next_highlight = 500_000_001
    book_id = 10_000_001
    left = highlights
    while left > 0:
        size = min(left, rng.randint(1, per_book * 2 - 1))
        category = rng.choice(("books", "articles", "tweets", "podcasts"))
        book = {
            "user_book_id": book_id, "is_deleted": False, "title": f"Fake {category} {book_id}",
            "readable_title": f"Fake {category.title()} {book_id}", "author": f"Author {book_id % 97}",
            "source": "reader" if category == "articles" else "kindle", "category": category,
            "cover_image_url": f"https://example.invalid/covers/{book_id}.jpg",
            "unique_url": None, "book_tags": [{"id": 1, "name": "fake"}], "document_note": None,
            "summary": None, "readwise_url": f"https://readwise.io/bookreview/{book_id}",
            "source_url": f"https://example.invalid/{book_id}" if category == "articles" else None,
            "external_id": None, "asin": None, "highlights": [],
        }
        for position in range(size):
            stamp = (BASE_TIME + timedelta(minutes=next_highlight - 500_000_000)).isoformat()
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 40)))
            book["highlights"].append({
                "id": next_highlight, "is_deleted": False, "text": text.capitalize() + ".",
                "location": position * 10 + 1, "location_type": "location", "note": None,
                "color": "yellow", "highlighted_at": stamp, "created_at": stamp, "updated_at": stamp,
                "external_id": None, "end_location": None, "url": None, "book_id": book_id,
                "tags": [], "is_favorite": False, "is_discard": False,
                "readwise_url": f"https://readwise.io/open/{next_highlight}",
            })
            next_highlight += 1
        books[book_id] = book
        book_id += 1
        left -= size
    return books


@dataclass
class FakeReadwise(LocalServer):
    """The server and its data. Use as a context manager; ``url`` is its base URL."""

    highlights: int = 100
    per_book: int = 40
    page_size: int = 1000  # highlights per export page (whole books; at least one book)
    token: str = FAKE_TOKEN
    send_date: bool = True  # False: no Date header (a proxy that strips it)
    books: dict[int, dict[str, Any]] = field(default_factory=dict)
    faults: dict[int, Fault] = field(default_factory=dict)
    requests: list[RecordedRequest] = field(default_factory=list)
    delivered: Counter[int] = field(default_factory=Counter)
    book_updated: dict[int, datetime] = field(default_factory=dict)  # book-level changes
    hidden: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # of deleted books
    listless: set[int] = field(default_factory=set)  # books sent without their "highlights" key
    post_faults: dict[int, Fault] = field(default_factory=dict)
    refuse: str | None = None  # a highlight whose text holds this is refused (HTTP 400)
    _by_url: dict[str, dict[str, Any]] = field(default_factory=dict)  # posted highlights' URLs
    _books_by_key: dict[tuple[Any, ...], int] = field(default_factory=dict)  # (title, author, category)
    _next_id: int = 900_000_001
    _indexed: bool = False
    posted: list[dict[str, Any]] = field(default_factory=list)  # every highlight of a 200 POST
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if not self.books:
            self.books = generate_library(self.highlights, per_book=self.per_book)
        self.serve(_handler_for(self))

    @property
    def export_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path == "/api/v2/export/"]

    def highlight_ids(self, *, deleted: bool = False) -> set[int]:
        return {h["id"] for b in self.books.values() for h in b["highlights"] if h["is_deleted"] == deleted}

    def inject(self, fault: Fault, at: int | None = None) -> None:
        """Answer export request number ``at`` (1-based; default: the next one) with ``fault``."""
        with self._lock:
            self.faults[at if at is not None else len(self.export_requests) + 1] = fault

    @property
    def post_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == "POST"]

    def inject_post(self, fault: Fault, at: int | None = None) -> None:
        """Answer POST number ``at`` (1-based; default: the next one) with ``fault``."""
        with self._lock:
            self.post_faults[at if at is not None else len(self.post_requests) + 1] = fault

    def create(self, highlights: list[Any]) -> tuple[int, dict[str, Any] | list[Any]]:
        """Apply one POST's ``highlights`` as the real API does: (status, answer)."""
        errors = [_refusal(h) or ({"text": ["Refused by the test."]} if self.refuse and isinstance(h, dict)
                                  and self.refuse in str(h.get("text")) else {}) for h in highlights]
        if any(errors):
            return 400, {"highlights": errors}
        touched: dict[int, list[int]] = {}
        if not self._indexed:  # the generated library's highlights, once
            self._indexed = True
            self._by_url = {h["url"]: h for b in self.books.values() for h in b["highlights"] if h.get("url")}
            self._next_id = max((h["id"] for b in self.books.values() for h in b["highlights"]),
                                default=900_000_000) + 1
        for fields in highlights:
            book = self._book_for(fields)
            known = self._by_url.get(fields.get("highlight_url") or "")
            existing = [known] if known is not None else []
            if not existing and not fields.get("highlight_url"):  # the 4-tuple dedupe
                existing = [h for h in book["highlights"] if h["text"] == fields["text"]]
            stamp = datetime.now(UTC).isoformat()
            note, tags = _inline_tags(fields.get("note") or "")
            values = {"text": fields["text"], "note": note, "is_favorite": "favorite" in tags,
                      "tags": [{"id": n + 1, "name": tag} for n, tag in enumerate(tags)],
                      "location": fields.get("location"), "updated_at": stamp,
                      "location_type": fields.get("location_type", "order"),
                      "highlighted_at": fields.get("highlighted_at"), "url": fields.get("highlight_url")}
            if existing:
                existing[0].update(values)
                touched.setdefault(book["user_book_id"], []).append(existing[0]["id"])
                continue
            new = {"id": self._next_id, "is_deleted": False, "color": "yellow",
                   "created_at": stamp, "external_id": None, "end_location": None,
                   "book_id": book["user_book_id"], "is_discard": False, **values}
            book["highlights"].append(new)
            self._next_id += 1
            if new["url"]:
                self._by_url[new["url"]] = new
            touched.setdefault(book["user_book_id"], []).append(new["id"])
        self.posted.extend(highlights)
        return 200, [{"id": book_id, "title": self.books[book_id]["title"], "modified_highlights": ids}
                     for book_id, ids in touched.items()]

    def _book_for(self, fields: dict[str, Any]) -> dict[str, Any]:
        title = fields.get("title") or "Quotes"
        category = fields.get("category") or ("articles" if fields.get("source_url") else "books")
        key = (title, fields.get("author"), category)
        if key in self._books_by_key and self._books_by_key[key] in self.books:
            return self.books[self._books_by_key[key]]
        book_id = max(self.books, default=10_000_000) + 1
        self._books_by_key[key] = book_id
        self.books[book_id] = {
            "user_book_id": book_id, "is_deleted": False, "title": title, "readable_title": title,
            "author": fields.get("author"), "source": fields.get("source_type"), "category": category,
            "cover_image_url": fields.get("image_url"), "unique_url": None, "book_tags": [],
            "document_note": None, "summary": None, "readwise_url": f"https://readwise.io/bookreview/{book_id}",
            "source_url": fields.get("source_url"), "external_id": None, "asin": None, "highlights": []}
        return self.books[book_id]

    def _highlight(self, highlight_id: int) -> dict[str, Any]:
        for book in self.books.values():
            for highlight in book["highlights"]:
                if highlight["id"] == highlight_id:
                    return highlight
        raise KeyError(highlight_id)

    def edit_highlight(self, highlight_id: int, **changes: Any) -> None:
        with self._lock:
            highlight = self._highlight(highlight_id)
            highlight.update(changes, updated_at=datetime.now(UTC).isoformat())

    def delete_highlight(self, highlight_id: int) -> None:
        self.edit_highlight(highlight_id, is_deleted=True)

    def delete_book(self, book_id: int) -> None:
        """Delete a book as a whole: the export then lists it ``is_deleted`` without highlights."""
        with self._lock:
            book = self.books[book_id]
            self.hidden[book_id] = book["highlights"]
            book.update(is_deleted=True, highlights=[])
            self.book_updated[book_id] = datetime.now(UTC)

    def restore_book(self, book_id: int) -> None:
        """Undo :meth:`delete_book`: the book and its highlights are back, changed just now."""
        with self._lock:
            now = datetime.now(UTC)
            highlights = [{**h, "updated_at": now.isoformat()} for h in self.hidden.pop(book_id)]
            self.books[book_id].update(is_deleted=False, highlights=highlights)
            self.book_updated[book_id] = now

    def pages_needed(self, **params: str) -> int:
        """How many export pages a complete pull with ``params`` takes: the floor of requests."""
        pages, cursor = 0, None
        while True:
            pages += 1
            cursor = self.export_page({**params, **({"pageCursor": str(cursor)} if cursor else {})})[
                "nextPageCursor"]
            if cursor is None:
                return pages

    def export_page(self, params: dict[str, str]) -> dict[str, Any]:
        """The export response for ``params``, as the real API would page it."""
        since = datetime.fromisoformat(params["updatedAfter"]) if "updatedAfter" in params else None
        wanted = {int(i) for i in params["ids"].split(",")} if "ids" in params else None
        deleted_too = params.get("includeDeleted") == "true"
        start = int(params.get("pageCursor", 0))
        listed: list[tuple[int, list[dict[str, Any]]]] = []  # every page's books, in order
        for book_id in sorted(self.books):
            if wanted is not None and book_id not in wanted:
                continue
            if self.books[book_id]["is_deleted"] and not deleted_too:
                continue
            highlights = [
                h for h in self.books[book_id]["highlights"]
                if (deleted_too or not h["is_deleted"])
                and (since is None or datetime.fromisoformat(h["updated_at"]) > since)
            ]
            if not highlights and since is not None and self.book_updated.get(book_id, since) <= since:
                continue
            listed.append((book_id, highlights))
        # "count" is the number of books of the whole export, every page alike (the corpus's
        # synthetic pages: 3 on a page of 2 and on the next of 1).
        results: list[dict[str, Any]] = []
        size = 0
        for book_id, highlights in listed:
            if book_id < start:
                continue
            if results and size + len(highlights) > self.page_size:
                return {"count": len(listed), "nextPageCursor": book_id, "results": results}
            entry = {**self.books[book_id], "highlights": [dict(h) for h in highlights]}
            if book_id in self.listless:
                del entry["highlights"]
            results.append(entry)
            size += len(highlights)
        return {"count": len(listed), "nextPageCursor": None, "results": results}


def _inline_tags(note: str) -> tuple[str, list[str]]:
    """A posted note's leading inline tags (``.tag`` words) as tags, and the note without
    them, as Readwise takes them (``.favorite`` also marks the highlight a favourite)."""
    words = note.split(" ")
    tags = []
    while words and words[0].startswith(".") and len(words[0]) > 1 and "\n" not in words[0]:
        tags.append(words.pop(0)[1:])
    return " ".join(words), tags


_LIMITS = {"text": 8191, "note": 8191, "title": 511, "author": 1024, "image_url": 2047,
           "source_url": 2047, "highlight_url": 4095}


def _refusal(fields: Any) -> dict[str, list[str]]:
    """What the API says of one posted highlight's fields ({} when it takes them)."""
    if not isinstance(fields, dict):
        return {"non_field_errors": ["Invalid data."]}
    said = {name: [f"Ensure this field has no more than {limit} characters."]
            for name, limit in _LIMITS.items() if len(str(fields.get(name) or "")) > limit}
    if not fields.get("text"):
        said["text"] = ["This field is required."]
    if fields.get("location_type", "order") not in ("page", "order", "time_offset"):
        said["location_type"] = [f'"{fields["location_type"]}" is not a valid choice.']
    return said


def _handler_for(fake: FakeReadwise) -> type[BaseHTTPRequestHandler]:
    class Handler(QuietHandler):
        def do_GET(self) -> None:
            url = urlsplit(self.path)
            params = {k: v[-1] for k, v in parse_qs(url.query).items()}
            authorized = self.headers.get("Authorization") == f"Token {fake.token}"
            with fake._lock:
                fake.requests.append(RecordedRequest("GET", url.path, params, authorized))
                number = len(fake.export_requests)
                fault = fake.faults.pop(number, None) if url.path == "/api/v2/export/" else None
            if not authorized:
                self._send(401, b'{"detail": "Invalid token."}')
            elif url.path == "/api/v2/auth/":
                self._send(204, b"")
            elif url.path != "/api/v2/export/":
                self._send(404, b'{"detail": "Not found."}')
            elif fault is not None and fault.kind not in ("slow", "trickle"):
                self._fault(fault)
            else:
                if fault is not None and fault.kind == "slow":
                    time.sleep(fault.seconds)
                with fake._lock:
                    body = fake.export_page(params)
                payload = json.dumps(body).encode()
                self._send(200, payload, pause=fault.seconds if fault is not None and fault.kind == "trickle"
                           else 0.0)
                with fake._lock:
                    fake.delivered.update(h["id"] for b in body["results"] if isinstance(b, dict)
                                          for h in b.get("highlights") or ())  # listless too

        def do_POST(self) -> None:
            url = urlsplit(self.path)
            authorized = self.headers.get("Authorization") == f"Token {fake.token}"
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with fake._lock:
                fake.requests.append(RecordedRequest("POST", url.path, {}, authorized))
                fault = fake.post_faults.pop(len(fake.post_requests), None)
            if not authorized:
                self._send(401, b'{"detail": "Invalid token."}')
            elif url.path != "/api/v2/highlights/":
                self._send(404, b'{"detail": "Not found."}')
            elif fault is not None:
                self._fault(fault)
            else:
                try:
                    highlights = json.loads(body)["highlights"]
                except (ValueError, KeyError, TypeError):
                    self._send(400, b'{"detail": "JSON parse error"}')
                    return
                with fake._lock:
                    status, answer = fake.create(highlights if isinstance(highlights, list) else [highlights])
                self._send(status, json.dumps(answer).encode())

        def _fault(self, fault: Fault) -> None:
            if fault.kind == "status":
                self._send(fault.status, b'{"detail": "fault"}', fault.headers)
            elif fault.kind == "malformed":
                self._send(200, b'{"count": 3, "nextPageCursor": 1, "results": [{"user_book_')
            elif fault.kind == "bomb":
                self._send(200, gzip.compress(b" " * int(fault.seconds), compresslevel=9), fault.headers)
            elif fault.kind == "page":
                self._send(200, b"<html><body>Service temporarily unavailable</body></html>", fault.headers)
            else:  # "drop": close the connection without a word
                self.close_connection = True

        def _send(self, status: int, body: bytes, headers: tuple[tuple[str, str], ...] = (),
                  pause: float = 0.0) -> None:
            try:
                if fake.send_date:
                    self.send_response(status)  # with Server and Date headers
                else:
                    self.send_response_only(status)
                for name, value in headers:
                    self.send_header(name, value)
                if not any(name.lower() == "content-type" for name, _ in headers):
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if not pause:
                    self.wfile.write(body)
                step = max(1, len(body) // 10)
                for start in range(0, len(body), step) if pause else ():
                    self.wfile.write(body[start:start + step])
                    self.wfile.flush()
                    time.sleep(pause)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
                self.close_connection = True

    return Handler

"""Reader ``readwise``: the Readwise API v2 export, full the first time, then incremental.

The input is spelled ``readwise:``; the token and API URL come from the environment (see
:mod:`excerpta.clients.readwise_settings`). Without a cursor the reader pulls the whole
export. With one it asks only for what changed (``updatedAfter`` = start of the last
successful pull minus :data:`SAFETY_MARGIN`), and since such a page holds only the changed
highlights of each book, it re-fetches those books whole with ``ids=`` so writers can render
complete documents. ``includeDeleted=true`` always: deletions arrive as tombstones
(``is_deleted``). Books are mapped by :mod:`excerpta.readwise.mapping`, like ``readwise-json``.

``updatedAfter`` only sees highlights: an edit to a book's own title, author, tags or note
reaches no incremental pull. So a full pull is made again once the last one is older than
``full_export_days`` (default 7; 0: never by age), as the reference recommends.

The cursor (``ReadState.next_cursor``) is set only when the pull completed; the reader never
saves it: the caller commits it together with the outputs it covers. Its JSON::

    {"version": 1, "updated_after": "<ISO 8601 UTC>", "api_url": "https://readwise.io",
     "full_at": "<ISO 8601 UTC: start of the last full pull>"}

A cursor that cannot be read, or was made against another API URL, means a full pull (a
full pull never loses data; a wrong incremental one could); so does one without ``full_at``.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import Field

from excerpta.adapters import InputProbe, Reader, ReadState
from excerpta.clients.pacing import InterruptibleSleep
from excerpta.clients.readwise import ExportPage, ReadwiseClient
from excerpta.clients.readwise_settings import ReadwiseSettings
from excerpta.errors import InputError
from excerpta.model import Document
from excerpta.readwise.mapping import RecordError, book_id_of, book_to_document
from excerpta.readwise.options import ReadwiseOptions

INPUT = "readwise:"
CURSOR_VERSION = 1
SAFETY_MARGIN = timedelta(minutes=10)  # clock skew and edits landing while a pull runs

log = logging.getLogger(__name__)


class ReadwiseApiOptions(ReadwiseOptions):
    """Options of the ``readwise`` reader."""

    full_export: bool = Field(
        default=False,
        description="Pull the whole Readwise export even when a cursor says what changed",
        json_schema_extra={"cli": "full-export"},
    )
    full_export_days: int = Field(
        default=7, ge=0,
        description="Pull the whole export again when the last full pull is older than this many "
                    "days: incremental pulls miss edits to a book's own title, author, tags or "
                    "note (0: only with --full-export)",
    )


@dataclass(frozen=True)
class ReadwiseCursor:
    """Where the next incremental pull starts."""

    updated_after: datetime
    api_url: str
    full_at: datetime | None = None  # when the last full pull started (None: not known)

    def dumps(self) -> str:
        """The cursor as the JSON string saved in the state."""
        data = {"version": CURSOR_VERSION, "api_url": self.api_url,
                "updated_after": self.updated_after.astimezone(UTC).isoformat()}
        if self.full_at is not None:
            data["full_at"] = self.full_at.astimezone(UTC).isoformat()
        return json.dumps(data, sort_keys=True)

    @classmethod
    def parse(cls, text: str | None) -> ReadwiseCursor | None:
        """The cursor saved as ``text``; None when there is none or it cannot be used."""
        if not text:
            return None
        try:
            data = json.loads(text)
            if data["version"] != CURSOR_VERSION:
                return None
            when = datetime.fromisoformat(data["updated_after"])
            full_at = datetime.fromisoformat(data["full_at"]) if data.get("full_at") else None
            if when.tzinfo is None or (full_at is not None and full_at.tzinfo is None):
                return None
            return cls(when, str(data["api_url"]), full_at)
        except (ValueError, TypeError, KeyError):
            log.warning("unreadable Readwise cursor in the state; doing a full pull")
            return None


class ReadwiseReader(Reader):
    """Reads ``readwise:`` through the Readwise API v2 export.

    ``stop`` is a ``threading.Event``: a daemon sets it to cut retry waits short.
    """

    name = "readwise"
    description = "Readwise API v2 (input `readwise:`): full export, then incremental with deletions"
    options_model = ReadwiseApiOptions
    options: ReadwiseApiOptions

    def __init__(self, options: ReadwiseApiOptions | None = None) -> None:
        super().__init__(options)
        self.stop = threading.Event()

    @classmethod
    def recognize(cls, probe: InputProbe) -> int:
        return 100 if probe.source.strip().lower() == INPUT else 0

    def read(self, source: str, state: ReadState) -> Iterator[Document]:
        if source.strip().lower() != INPUT:
            raise InputError(f"{source}: the readwise reader reads the input `{INPUT}`")
        settings = ReadwiseSettings.from_env()
        options = self.options
        cursor = None if options.full_export else ReadwiseCursor.parse(state.cursor)
        if cursor is not None and cursor.api_url != settings.api_url:
            log.warning("Readwise cursor was made against %s; doing a full pull", cursor.api_url)
            cursor = None
        if cursor is not None and _full_pull_due(cursor.full_at, options.full_export_days):
            log.info("last full Readwise pull %s; doing a full pull to catch book-level edits",
                     f"on {cursor.full_at:%Y-%m-%d}" if cursor.full_at else "not recorded")
            cursor = None
        with ReadwiseClient(settings, sleep=InterruptibleSleep(self.stop)) as client:
            pull = _Pull(client, source, state, options.keep_discarded)
            yield from pull.run(cursor.updated_after if cursor is not None else None)
        full_at = pull.started_at if cursor is None else cursor.full_at
        state.next_cursor = ReadwiseCursor(pull.started_at - SAFETY_MARGIN, settings.api_url,
                                           full_at).dumps()


def _full_pull_due(full_at: datetime | None, days: int) -> bool:
    if days == 0:
        return False
    return full_at is None or datetime.now(UTC) - full_at >= timedelta(days=days)


class _Pull:
    """One pull: the pages of an export, with incremental books completed by ``ids=``."""

    def __init__(self, client: ReadwiseClient, source: str, state: ReadState,
                 keep_discarded: bool) -> None:
        self.client, self.source, self.state = client, source, state
        self.keep_discarded = keep_discarded
        self.started_at = datetime.now(UTC)
        self._dated = False
        self._pages = 0

    def run(self, since: datetime | None) -> Iterator[Document]:
        """Yield every document of the pull (incremental pages first, then whole books)."""
        completed: set[str] = set()
        for page in self.client.export(updated_after=since, include_deleted=True):
            changed = []
            for document, book_id in self._documents(page):
                yield document
                changed.append(book_id)
            if since is None:
                continue
            missing = [book_id for book_id in changed if str(book_id) not in completed]
            completed.update(str(book_id) for book_id in missing)
            if missing:
                for whole in self.client.export(ids=missing, include_deleted=True):
                    for document, _ in self._documents(whole):
                        yield document

    def _documents(self, page: ExportPage) -> Iterator[tuple[Document, Any]]:
        self._pages += 1
        if not self._dated and page.server_date is not None:
            # updatedAfter is compared with the server's timestamps: take the earlier of our
            # start and its Date header, so clock skew can only make us re-read, never skip.
            self.started_at = min(self.started_at, page.server_date)
            self._dated = True
        for index, book in enumerate(page.results):
            where = f"page {self._pages} results[{index}]"

            def report(inner: str, reason: str, where: str = where) -> None:
                self.state.report(self.source, f"{where}.{inner}", reason)

            try:
                yield book_to_document(book, report, keep_discarded=self.keep_discarded), book_id_of(book)
            except RecordError as err:
                self.state.report(self.source, where, str(err))

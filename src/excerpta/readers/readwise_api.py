"""Reader ``readwise``: the Readwise API v2 export, full the first time, then incremental.

The input is spelled ``readwise:``; the token and API URL come from the environment (see
:mod:`excerpta.clients.readwise_settings`). Without a cursor the reader pulls the whole
export. With one it asks only for what changed (``updatedAfter`` = start of the last
successful pull minus :data:`SAFETY_MARGIN`), and since such a page holds only the changed
highlights of each book, it re-fetches those books whole with ``ids=`` so writers can render
complete documents. ``includeDeleted=true`` always: deletions arrive as tombstones
(``is_deleted``); a book deleted as a whole, listed with few or no highlights, is told to
``ReadState.delete_document`` (the merge deletes every highlight the library holds of it).
Books are mapped by :mod:`excerpta.readwise.mapping`, like ``readwise-json``.

``updatedAfter`` only sees highlights: an edit to a book's own title, author, tags or note
reaches no incremental pull. So a full pull is made again once the last one is older than
``full_export_days`` (default 7; 0: never by age), as the reference recommends.

The cursor (``ReadState.next_cursor``, see :mod:`excerpta.readwise.cursor`) is set only when
the pull completed; the reader never saves it: the caller commits it together with the
outputs it covers. An incremental pull that skipped a record (a book without its highlights,
a highlight without text) leaves the last one, while it is less than :data:`HELD_AT_MOST`
old. A pull whose pages listed fewer books than they counted (``count``: the server ended it
early, if ``count`` means what the corpus's pages show: the books of the whole export) is
warned of and marks the read ``cut_short``: without ``--state`` its outputs are left as they
were. A cursor that cannot be read, or was made against another API URL, another account
(token) or other mapping options (``keep_discarded``), means a full pull (a full pull never
loses data; a wrong incremental one could); so does one without ``full_at``.

Where the next pull starts: the start of this one on the server's clock (its ``Date``
header) minus :data:`SAFETY_MARGIN`. A server (or proxy) that sends no ``Date`` leaves our own
clock, which may run ahead of the server's: then the cursor never moves past the newest
``updated_at`` seen in the pulled data (minus the margin), or past the previous cursor when no
highlight came, and no cursor is set at all after a full pull that saw neither (the next run
pulls everything again, which for an empty account is one request).
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import Field

from excerpta.adapters import InputProbe, Reader, ReadState, RecordProblem
from excerpta.clients.pacing import InterruptibleSleep
from excerpta.clients.paging import usable_count
from excerpta.clients.readwise import ExportPage, ReadwiseClient
from excerpta.clients.readwise_settings import READWISE, ReadwiseSettings
from excerpta.errors import InputError
from excerpta.model import Document
from excerpta.readwise.cursor import ReadwiseCursor, account_fingerprint
from excerpta.readwise.mapping import UNKNOWN_WHEN_EMPTY, book_to_document
from excerpta.readwise.options import ReadwiseOptions
from excerpta.readwise.records import RecordError, book_id_of

INPUT = "readwise:"
MAX_FULL_EXPORT_DAYS = 3650
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
        default=7, ge=0, le=MAX_FULL_EXPORT_DAYS,
        description="Pull the whole export again when the last full pull is older than this many "
                    "days: incremental pulls miss edits to a book's own title, author, tags or "
                    f"note (0: only with --full-export; at most {MAX_FULL_EXPORT_DAYS})",
    )


class ReadwiseReader(Reader):
    """Reads ``readwise:`` through the Readwise API v2 export.

    ``stop`` is a ``threading.Event`` that cuts retry waits short once set (nothing sets it
    yet: a stop reaches a run as KeyboardInterrupt, which interrupts a wait as well). ``now`` is
    the wall clock (tests set a skewed one).
    """

    name = "readwise"
    description = "Readwise API v2 (input `readwise:`): full export, then incremental with deletions"
    remote = True
    api_settings = ReadwiseSettings
    options_model = ReadwiseApiOptions
    options: ReadwiseApiOptions
    unknown_when_empty = UNKNOWN_WHEN_EMPTY  # see Reader

    def __init__(self, options: ReadwiseApiOptions | None = None) -> None:
        super().__init__(options)
        self.stop = threading.Event()
        self.now: Callable[[], datetime] = functools.partial(datetime.now, UTC)

    @classmethod
    def recognize(cls, probe: InputProbe) -> int:
        return 100 if probe.source.strip().lower() == INPUT else 0

    def read(self, source: str, state: ReadState) -> Iterator[Document]:
        if source.strip().lower() != INPUT:
            raise InputError(f"{source}: the readwise reader reads the input `{INPUT}`")
        settings = ReadwiseSettings.from_env()
        options = self.options
        token = settings.token.get_secret_value()
        mapping = options.model_dump(include=set(ReadwiseOptions.model_fields))
        cursor = None if options.full_export else ReadwiseCursor.parse(state.cursor)
        mismatch = cursor.mismatch(settings.api_url, token, mapping) if cursor is not None else None
        if mismatch is not None:
            log.warning("Readwise cursor %s; doing a full pull", mismatch)
            cursor = None
        if cursor is not None and _full_pull_due(cursor.full_at, options.full_export_days, self.now()):
            log.info("last full Readwise pull %s; doing a full pull to catch book-level edits",
                     f"on {cursor.full_at:%Y-%m-%d}" if cursor.full_at else "not recorded")
            cursor = None
        with ReadwiseClient(settings, sleep=InterruptibleSleep(self.stop, READWISE.name)) as client:
            pull = _Pull(client, source, state, options.keep_discarded, self.now())
            yield from pull.run(cursor.updated_after if cursor is not None else None)
        state.cut_short = pull.cut_short
        skipped = sum(not problem.kept for problem in state.problems)  # not those read in part
        if cursor is not None and skipped and pull.started_at - cursor.updated_after < HELD_AT_MOST:
            # What it skipped would be past the cursor for good (until the next full pull):
            # the next run pulls this window again, and says its problems again; for a day,
            # as a record Readwise keeps sending so would hold it for ever.
            log.warning("Readwise: %d record(s) skipped; the next run pulls these changes again", skipped)
            return
        updated_after = pull.resume_point(cursor.updated_after if cursor is not None else None)
        if updated_after is None:
            log.warning("Readwise sent no Date header and no highlight: no cursor saved, the next "
                        "run pulls everything again")
            return
        full_at = pull.started_at if cursor is None else cursor.full_at
        state.next_cursor = ReadwiseCursor(updated_after, settings.api_url, full_at,
                                           account_fingerprint(token), mapping).dumps()


HELD_AT_MOST = timedelta(days=1)  # how long skipped records hold the incremental cursor back


def _full_pull_due(full_at: datetime | None, days: int, now: datetime) -> bool:
    if days == 0:
        return False
    return full_at is None or now - full_at >= timedelta(days=days)


class _Pull:
    """One pull: the pages of an export, with incremental books completed by ``ids=``."""

    def __init__(self, client: ReadwiseClient, source: str, state: ReadState,
                 keep_discarded: bool, started_at: datetime) -> None:
        self.client, self.source, self.state = client, source, state
        self.keep_discarded = keep_discarded
        self.started_at = started_at
        self._dated = False
        self._newest: datetime | None = None  # the newest highlight updated_at seen
        self._pages = 0
        self.cut_short = False  # the export listed fewer books than its pages counted

    def run(self, since: datetime | None) -> Iterator[Document]:
        """Yield every document of the pull (incremental pages first, then whole books)."""
        completed: set[str] = set()
        listed, counted = 0, None
        for page in self.client.export(updated_after=since, include_deleted=True):
            listed += len(page.results)
            counted = _fewer(counted, page.count)
            changed = []
            # An incremental page's books come again whole: their highlights' problems are
            # reported from the whole copy, once; held here in case a book does not come.
            held: dict[str, list[RecordProblem]] | None = None if since is None else {}
            for document, book_id in self._documents(page, held):
                yield document
                changed.append(book_id)
            if since is None or held is None:
                continue
            for book_id in {str(book_id) for book_id in changed} & completed:
                del held[book_id]  # fetched whole earlier in this pull: reported from that copy
            missing = [book_id for book_id in changed if str(book_id) not in completed]
            completed.update(str(book_id) for book_id in missing)
            if missing:
                for whole in self.client.export(ids=missing, include_deleted=True):
                    for document, book_id in self._documents(whole):
                        held.pop(str(book_id), None)
                        yield document
            for problems in held.values():
                self._report(problems)
        if counted is not None and listed < counted:
            # A warning, not a skipped record: what `count` means is not documented, and a
            # library (--state) loses nothing by it; without --state the outputs are kept.
            self.cut_short = True
            log.warning("Readwise: the export ended after %d of the %d book(s) it counted; the "
                        "next full pull (or --full-export) asks for the rest", listed, counted)

    def resume_point(self, previous: datetime | None) -> datetime | None:
        """Where the next incremental pull starts (``previous``: where this one started);
        None when no server time is known at all (see the module docstring)."""
        start = self.started_at - SAFETY_MARGIN
        if self._dated:
            return start
        log.info("Readwise sent no Date header: the cursor follows the newest change seen")
        if self._newest is not None:
            return min(start, self._newest - SAFETY_MARGIN)
        return None if previous is None else min(start, previous)

    def _documents(self, page: ExportPage, held: dict[str, list[RecordProblem]] | None = None,
                   ) -> Iterator[tuple[Document, Any]]:
        """The documents of ``page`` with their book ids; a book's highlight problems are
        reported, or added to ``held`` under its book id when ``held`` is given."""
        self._pages += 1
        if not self._dated and page.server_date is not None:
            # updatedAfter is compared with the server's timestamps: take the earlier of our
            # start and its Date header, so clock skew can only make us re-read, never skip.
            self.started_at = min(self.started_at, page.server_date)
            self._dated = True
        for index, book in enumerate(page.results):
            where = f"page {self._pages} results[{index}]"
            problems: list[RecordProblem] = []

            def report(inner: str, reason: str, where: str = where, kept: bool = False,
                       problems: list[RecordProblem] = problems) -> None:
                problems.append(RecordProblem(self.source, f"{where}.{inner}", reason, kept))

            if isinstance(book, Mapping) and "highlights" not in book:  # the export always lists them
                self.state.report(self.source, where, 'a book without its highlights (expected "highlights": '
                                  "a list)")
                continue
            try:
                document = book_to_document(book, report, keep_discarded=self.keep_discarded,
                                            report_kept=functools.partial(report, kept=True),
                                            leave_out=self.state.leave_out,
                                            leave_out_document=self.state.leave_out_document,
                                            delete_document=self.state.delete_document)
                book_id = book_id_of(book)
            except RecordError as err:
                self.state.report(self.source, where, str(err))
                continue
            self._note_newest(book)
            if held is not None:
                held.setdefault(str(book_id), []).extend(problems)
            else:
                self._report(problems)
            yield document, book_id

    def _report(self, problems: Iterable[RecordProblem]) -> None:
        for problem in problems:
            self.state.report(problem.source, problem.where, problem.reason, kept=problem.kept)

    def _note_newest(self, book: Any) -> None:
        for raw in book.get("highlights") or ():
            stamp = _timestamp(raw.get("updated_at") if isinstance(raw, Mapping) else None)
            if stamp is not None and (self._newest is None or stamp > self._newest):
                self._newest = stamp


def _fewer(counted: int | None, count: Any) -> int | None:
    """The smaller of ``counted`` and a page's ``count``: the books of the whole export (every
    page says it; books deleted while a pull runs can lower it, so the lowest is kept)."""
    count = usable_count(count)
    if count is None:
        return counted
    return count if counted is None else min(counted, count)


def _timestamp(value: Any) -> datetime | None:
    """An ISO 8601 timestamp with a time zone, or None."""
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo is not None else None

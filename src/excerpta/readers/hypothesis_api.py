"""Reader ``hypothesis-api``: your Hypothesis annotations from the live API, every one the first
time, then only those changed since.

The input is spelled ``hypothesis:``; the token and API URL come from the environment
(``HYPOTHESIS_TOKEN`` or ``HYPOTHESIS_TOKEN_FILE``, ``HYPOTHESIS_API_URL``; see
:mod:`excerpta.clients.hypothesis`). The account is the token's (``GET /api/profile``), so a
token Hypothesis does not accept stops the read (FatalSourceError) instead of reading the
public annotations an anonymous search would find. Annotations are mapped by
:mod:`excerpta.hypothesis.mapping`, as the ``hypothesis`` reader maps a saved JSON export: the
same annotation has the same id either way. Replies are not read (counted with ``-v``).
``group`` (``-O group=ID``) reads one group's annotations only.

Without a cursor the reader pulls every annotation; with one, only those updated after it
(``search_after``, :mod:`excerpta.hypothesis.cursor`). The next cursor is the newest
``updated`` seen minus :data:`SAFETY_MARGIN` (the search index is fed asynchronously: an
annotation saved just before another may be found after it), never earlier than the last
one; the reader sets ``ReadState.next_cursor`` only when the pull completed, and the caller
commits it with the outputs it covers. A cursor that cannot be read, or was made against
another API URL, another account (token) or another group means a full pull; so does
``--full-export``. An annotation that cannot be read is reported and the cursor moves past it
all the same (it comes again when it is edited, or with ``--full-export``).

The search API shows no deletions: an annotation deleted in Hypothesis stays in the library,
and one missing from a pull is never taken as deleted. A full pull that received fewer
annotations than the search counted (``total``) is warned of and marks the read ``cut_short``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any

from pydantic import Field

from excerpta.account_fingerprint import account_fingerprint
from excerpta.adapters import AdapterOptions, InputProbe, Reader, ReadState, fields_but
from excerpta.clients.hypothesis import (
    HYPOTHESIS,
    PAGE_LIMIT,
    HypothesisClient,
    HypothesisSettings,
    SearchPage,
    updated_of,
)
from excerpta.clients.pacing import InterruptibleSleep
from excerpta.clients.paging import usable_count
from excerpta.errors import InputError
from excerpta.hypothesis.cursor import HypothesisCursor
from excerpta.hypothesis.mapping import SAID_DOCUMENT, SAID_HIGHLIGHT, annotations_to_documents, replies_said
from excerpta.model import Document, Highlight

INPUT = "hypothesis:"
SAFETY_MARGIN = timedelta(minutes=10)

log = logging.getLogger(__name__)


class HypothesisApiOptions(AdapterOptions):
    """Options of the ``hypothesis-api`` reader."""

    group: str | None = Field(
        default=None, min_length=1, max_length=100,
        description="Only the annotations of this Hypothesis group (its id, as in hypothes.is/groups/ID/…)",
    )
    full_export: bool = Field(
        default=False,
        description="Pull every Hypothesis annotation even when a cursor says what changed",
        json_schema_extra={"cli": "full-export"},
    )


class HypothesisApiReader(Reader):
    """Reads ``hypothesis:`` through the Hypothesis API.

    ``stop`` is a ``threading.Event`` that cuts retry waits short once set (nothing sets it
    yet: a stop reaches a run as KeyboardInterrupt, which interrupts a wait as well).
    """

    name = "hypothesis-api"
    description = "Hypothesis API (input `hypothesis:`): your annotations, all, then what changed"
    remote = True
    api_settings = HypothesisSettings
    options_model = HypothesisApiOptions
    options: HypothesisApiOptions
    unknown_when_empty = fields_but(Highlight, *SAID_HIGHLIGHT)
    document_unknown_when_empty = fields_but(Document, *SAID_DOCUMENT)

    def __init__(self, options: HypothesisApiOptions | None = None) -> None:
        super().__init__(options)
        self.stop = threading.Event()

    @classmethod
    def recognize(cls, probe: InputProbe) -> int:
        return 100 if probe.source.strip().lower() == INPUT else 0

    def read(self, source: str, state: ReadState) -> Iterator[Document]:
        if source.strip().lower() != INPUT:
            raise InputError(f"{source}: the hypothesis-api reader reads the input `{INPUT}`")
        settings = HypothesisSettings.from_env()
        token = settings.token.get_secret_value()
        filters = {"group": self.options.group}
        cursor = None if self.options.full_export else HypothesisCursor.parse(state.cursor)
        pull = _Pull(source, state)
        with HypothesisClient(settings, sleep=InterruptibleSleep(self.stop, HYPOTHESIS.name)) as client:
            user = client.userid()  # a token not accepted stops here, before anything is said
            mismatch = cursor.mismatch(settings.api_url, token, filters) if cursor is not None else None
            if mismatch is not None:
                log.warning("Hypothesis cursor %s; pulling every annotation", mismatch)
                cursor = None
            since = cursor.updated_after if cursor is not None else None
            log.info("Hypothesis: annotations of %s%s%s", user, f" in group {self.options.group}"
                     if self.options.group else "", f" updated after {since:%Y-%m-%d %H:%M:%S %Z}"
                     if since is not None else "")
            for page in client.search(user, updated_after=since, group=self.options.group):
                yield from pull.documents(page)
            crowded = client.crowded
        for when in crowded:  # the search API pages no further within one millisecond
            state.report(source, "search", f"more annotations than a page of {PAGE_LIMIT} share the "
                         f"update time {when.isoformat(timespec='milliseconds')}: Hypothesis's search "
                         f"pages no further within one millisecond, so those past the first {PAGE_LIMIT} "
                         "cannot be read (said again each run, which asks from before it)")
        if pull.replies:
            log.info("%s %s", source, replies_said(pull.replies))
        if since is None and pull.counted is not None and len(pull.seen) < pull.counted:
            state.cut_short = True
            log.warning("Hypothesis: the search ended after %d of the %d annotation(s) it counted%s",
                        len(pull.seen), pull.counted, "" if crowded else
                        "; the next full pull (--full-export) asks for the rest")
        if pull.newest is None:
            if since is None:
                log.info("Hypothesis: no annotation yet; the next run asks for everything again")
                return
            updated_after = since
        else:
            updated_after = pull.newest - SAFETY_MARGIN
            if since is not None:
                updated_after = max(updated_after, since)
            if crowded:  # never past a millisecond whose annotations may be missing
                updated_after = min(updated_after, min(crowded) - timedelta(milliseconds=1))
        state.next_cursor = HypothesisCursor(updated_after, settings.api_url, account_fingerprint(token),
                                             filters).dumps()


class _Pull:
    """One pull's pages made documents: rows seen before in it dropped, the newest change and
    the replies counted, the smallest ``total`` kept."""

    def __init__(self, source: str, state: ReadState) -> None:
        self.source, self.state = source, state
        self.seen: set[tuple[str, Any]] = set()  # (id, updated) of each annotation read
        self.newest: datetime | None = None
        self.replies = 0
        self.counted: int | None = None
        self._pages = 0

    def documents(self, page: SearchPage) -> list[Document]:
        """The documents of ``page``'s rows not read before in this pull."""
        self._pages += 1
        total = usable_count(page.total)
        if total is not None:  # deletions while a pull runs lower it: the lowest is kept
            self.counted = total if self.counted is None else min(self.counted, total)
        records = []
        for index, row in enumerate(page.rows):
            when = updated_of(row)
            if when is not None and (self.newest is None or when > self.newest):
                self.newest = when
            key = _identity(row)
            if key is not None:
                if key in self.seen:  # the overlap of two pages (see excerpta.clients.hypothesis)
                    continue
                self.seen.add(key)
            named = isinstance(row, Mapping) and isinstance(row.get("id"), str) and row["id"].strip()
            records.append((f"annotation {row['id']}" if named else f"page {self._pages} rows[{index}]", row))
        documents, replies = annotations_to_documents(self.source, records, self.state)
        self.replies += replies
        return documents


def _identity(row: Any) -> tuple[str, Any] | None:
    """An annotation row's (id, updated): the same pair twice is the same row sent again."""
    if not isinstance(row, Mapping) or not isinstance(row.get("id"), str):
        return None
    return row["id"], row.get("updated")


"""Guards of a pagination: a server that never ends it is stopped, not followed.

Each page names the next (Readwise's ``nextPageCursor``, Hypothesis's ``search_after``) and
counts the items of the whole result (Readwise's ``count`` of books, as the corpus's pages
show; Hypothesis's ``total``). Two ways a wrong server (a misconfigured API URL, a
proxy, a bug) can page forever, each stopped with a :class:`FatalSourceError`:

* a cursor it gave before (a loop), at once;
* new cursors on and on: once the items received pass :data:`OVERRUN_FACTOR` times what the
  first page counted, plus :data:`OVERRUN_MARGIN` (items added while a pull runs raise the
  count a little, never so much), instead of spooling pages until the wait budget runs out.

A page without a usable ``count`` leaves the second guard off: only the first applies.
"""

from __future__ import annotations

from typing import Any

from excerpta.errors import FatalSourceError

OVERRUN_FACTOR = 2
OVERRUN_MARGIN = 1000


def usable_count(count: Any) -> int | None:
    """A page's ``count`` when it is a count of items (a non-negative integer), else None."""
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        return None
    return count


class PageGuard:
    """Follows one paginated result (one set of filters) page by page: :meth:`check` each page
    before using it. ``what`` names the result (``"Readwise export"``), ``items`` its items
    (``"books"``) and ``cursor`` what names the next page (``"page cursor"``), in messages:
    each client says them, as only it knows its API's words."""

    def __init__(self, api_url: str, what: str, items: str, cursor: str) -> None:
        self.api_url = api_url
        self.what, self.items, self.cursor_name = what, items, cursor
        self.cursors: set[str] = set()
        self.pages = 0
        self.received = 0
        self.counted: int | None = None  # the first page's count

    def check(self, items: int, count: Any, next_cursor: int | str | None) -> None:
        """Take one page of ``items`` items, its ``count`` and its ``next_cursor``; raise when
        the pagination has run away (see the module docstring)."""
        self.pages += 1
        self.received += items
        if self.pages == 1:
            self.counted = usable_count(count)
        if next_cursor is None or next_cursor == "":
            return  # the end: however many came, nothing runs away
        if self.counted is not None and self.received > OVERRUN_FACTOR * self.counted + OVERRUN_MARGIN:
            raise FatalSourceError(
                f"{self.what} at {self.api_url} sent {self.received} {self.items} in {self.pages} pages, "
                f"far more than the {self.counted} its first page counted, and still asks for more; "
                "stopped instead of paging on")
        if str(next_cursor) in self.cursors:
            raise FatalSourceError(f"{self.what} returned {self.cursor_name} {next_cursor} twice "
                                   "(a pagination loop); stopped instead of looping")
        self.cursors.add(str(next_cursor))

"""Guards of the export's pagination: a server that never ends it is stopped, not followed.

Each page names the next (``nextPageCursor``) and counts the books of the whole export
(``count``, as the corpus's pages show). Two ways a wrong server (a misconfigured API URL, a
proxy, a bug) can page forever, each stopped with a :class:`FatalSourceError`:

* a cursor it gave before (a loop), at once;
* new cursors on and on: once the books received pass :data:`OVERRUN_FACTOR` times what the
  first page counted, plus :data:`OVERRUN_MARGIN` (books added while a pull runs raise the
  count a little, never so much), instead of spooling pages until the wait budget runs out.

A page without a usable ``count`` leaves the second guard off: only the first applies.
"""

from __future__ import annotations

from typing import Any

from excerpta.errors import FatalSourceError

OVERRUN_FACTOR = 2
OVERRUN_MARGIN = 1000


def usable_count(count: Any) -> int | None:
    """A page's ``count`` when it is a count of books (a non-negative integer), else None."""
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        return None
    return count


class PageGuard:
    """Follows one paginated export (one set of filters) page by page: :meth:`check` each page
    before using it."""

    def __init__(self, api_url: str) -> None:
        self.api_url = api_url
        self.cursors: set[str] = set()
        self.pages = 0
        self.received = 0
        self.counted: int | None = None  # the first page's count

    def check(self, books: int, count: Any, next_cursor: int | str | None) -> None:
        """Take one page of ``books`` books, its ``count`` and its ``next_cursor``; raise when
        the pagination has run away (see the module docstring)."""
        self.pages += 1
        self.received += books
        if self.pages == 1:
            self.counted = usable_count(count)
        if next_cursor is None or next_cursor == "":
            return  # the end: however many came, nothing runs away
        if self.counted is not None and self.received > OVERRUN_FACTOR * self.counted + OVERRUN_MARGIN:
            raise FatalSourceError(
                f"Readwise export at {self.api_url} sent {self.received} books in {self.pages} pages, "
                f"far more than the {self.counted} its first page counted, and still asks for more; "
                "stopped instead of paging on")
        if str(next_cursor) in self.cursors:
            raise FatalSourceError(f"Readwise export returned page cursor {next_cursor} twice "
                                   "(a pagination loop); stopped instead of looping")
        self.cursors.add(str(next_cursor))

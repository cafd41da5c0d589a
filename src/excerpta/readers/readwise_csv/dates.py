"""The dates of a Readwise CSV (``Highlighted at`` of the export, ``Date`` of the import format).

Readwise writes ISO 8601 (``2026-06-22 10:34:42.964038+00:00``); its import takes a date
without an offset as UTC. A file re-saved by a spreadsheet may hold dates in another form
(Excel's ``6/22/2026 10:34``): those are not guessed at (``6/7/2026`` is June or July
depending on the machine that saved it), the highlight is kept without its date, and
:class:`UnreadableDates` reports the file's unreadable dates once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from excerpta.adapters import ReadState

EXPECTED_FORMAT = "ISO 8601, YYYY-MM-DD HH:MM[:SS]"


class DateError(ValueError):
    """A date that is not ISO 8601."""


def parse_timestamp(value: str) -> datetime | None:
    """``2026-06-22 10:34:42.964038+00:00``, ``2019-08-24 04:56`` (UTC) … or None if empty.

    Raises DateError for anything else.
    """
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise DateError(value) from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


@dataclass
class UnreadableDates:
    """The highlights of one file read without their unreadable date, reported once."""

    column: str  # the date column's name, as the header spells it
    first_line: int = 0
    first_value: str = ""
    count: int = 0

    def add(self, line: int, value: str) -> None:
        """Note that the row at ``line`` was read without its date ``value``."""
        if not self.count:
            self.first_line, self.first_value = line, value
        self.count += 1

    def report(self, source: str, state: ReadState) -> None:
        """Report the unreadable dates, if any, at the first of them."""
        if self.count:
            read = "1 highlight" if self.count == 1 else f"{self.count} highlights"
            state.report(source, self.first_line,
                         f"{self.column} {self.first_value!r} is not a date as Readwise writes it "
                         f"(expected {EXPECTED_FORMAT}); {read} of this file read without a date", kept=True)

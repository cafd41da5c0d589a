"""Reading a table of another program's SQLite database (a Kobo's, Apple Books') around its
damaged pages, and telling damage from the machine failing to read the file.

A page damaged in the middle of a file of its full length (zeroed, overwritten) makes SQLite
raise ``database disk image is malformed`` when a query reaches it, and a query that sorts
(the readers' ``ORDER BY``) reaches every page before giving its first row. :func:`read_around_damage`
reads such a table again in rowid order, a range at a time: where a range fails, it probes
rowids forward for the first one SQLite can reach again, so the rows after the damage are read
too, and says which rowids it could not read (:class:`Salvage`). It probes rowid by rowid for
``FINE_PROBES`` rowids, so a healthy page between two damaged ones is read however few rows it
holds; damage spanning more rowids than that is crossed by doubling steps, then halving back,
and a healthy page narrower than such a step may be crossed with it (its rows counted among
those not read). Every rowid of a wide gap could be probed only at a cost without bound (a
rowid is a 64-bit number), so that much is left to chance.

A reader turns to it only once its own query has failed (:func:`is_damage`): a healthy database
is read as before. SQLite's I/O error (the machine failing to read the file, as a device
unplugged mid-read makes it) is no damage: the read stops (:func:`read_failure`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any

from excerpta.errors import InputIOError

# What SQLite raises on damage; a short read is a file shorter than its pages (cut short).
DAMAGE_ERRORS = ("SQLITE_CORRUPT", "SQLITE_NOTADB", "SQLITE_IOERR_SHORT_READ")
IO_ERROR = "SQLITE_IOERR"  # the machine failing to read the file (EIO): no damage of it
ROWID_BATCH = 1000  # rows a ranged read asks for at once
# Rowids probed one by one past damage (~12 µs each) before the probing steps widen.
FINE_PROBES = 4096
LOWEST_ROWID, HIGHEST_ROWID = -(2**63), 2**63 - 1


class Skipped(Exception):
    """A device database's row (or item) that gives no highlight. ``str()`` is why, also its
    ``kind`` where it is one of the kinds a reader leaves out by design (a bookmark, a drawing:
    counted, not ``reported``); ``reported``: say so, one problem of the read; ``damaged``:
    the database lost part of it."""

    def __init__(self, reason: str, *, reported: bool, damaged: bool = False) -> None:
        super().__init__(reason)
        self.kind = reason
        self.reported = reported
        self.damaged = damaged


def is_damage(err: sqlite3.Error) -> bool:
    """Whether ``err`` is SQLite meeting a damaged page (or a file that is no database), not a
    lock, a busy writer, a query's mistake or the machine failing to read (:func:`read_failure`)."""
    return _error_name(err).startswith(DAMAGE_ERRORS)


def read_failure(source: str, err: sqlite3.Error) -> InputIOError | None:
    """The error that stops the read of ``source`` where ``err`` is SQLite's I/O error (the
    machine failing to read the file: a Kobo unplugged mid-read, a failing disk), None for any
    other. The file is not known to be damaged, and what was read before the failure is not
    known to be whole: it is not read around, but read again."""
    name = _error_name(err)
    if not name.startswith(IO_ERROR) or is_damage(err):
        return None
    return InputIOError(f"{source}: could not be read ({err}: the device removed mid-read, or its "
                        "disk failing?); read it again")


def _error_name(err: sqlite3.Error) -> str:
    return getattr(err, "sqlite_errorname", "") or ""


@dataclass(frozen=True)
class Gap:
    """Rowids a ranged read could not reach: those after ``after`` (None: from the table's
    start) and before ``before`` (the next rowid read, or one past the table's last; None:
    the table's last rowid could not be read either)."""

    after: int | None
    before: int | None

    def most(self) -> int | None:
        """How many rows the gap can hold at most (rowids are unique, from 1 where none was
        read before it; some may have been deleted); None where its end is not known."""
        if self.before is None:
            return None
        return max(self.before - (self.after or 0) - 1, 0)

    def __str__(self) -> str:
        if self.before is None:
            return "every rowid" if self.after is None else f"rowids after {self.after}"
        first, end = (self.after or 0) + 1, self.before - 1
        return f"rowid {first}" if first == end else f"rowids {first} to {end}"


@dataclass
class Salvage:
    """What :func:`read_around_damage` read: ``rows`` (each ending in its rowid), the
    ``gaps`` it could not read, and the first damage SQLite reported (``error``)."""

    rows: list[tuple[Any, ...]] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    error: str = ""

    def unread(self) -> str:
        """What could not be read, for a problem's line: ``"at most 8 rows (rowids 154 to
        161)"``; ``"rows (rowids after 305)"`` where a gap's end is not known."""
        counts = [gap.most() for gap in self.gaps]
        where = ", ".join(map(str, self.gaps))
        if None in counts:
            return f"rows ({where})"
        total = sum(count or 0 for count in counts)
        return f"at most {total} row{'' if total == 1 else 's'} ({where})"


def read_around_damage(db: sqlite3.Connection, table: str, columns: str, *,
                       batch: int = ROWID_BATCH) -> Salvage:
    """Every row of ``table`` (a rowid table) SQLite can still read, as ``SELECT {columns},
    rowid`` gives it, in rowid order, read ``batch`` rows at a time; the rowids it could not
    reach are its gaps (see the module docstring). Raises ``sqlite3.Error`` for a failure that
    is not damage (:func:`is_damage`: a lock)."""
    query = f"SELECT {columns}, rowid FROM {table} WHERE rowid >= ? ORDER BY rowid LIMIT ?"
    salvage = Salvage()
    start: int | None = LOWEST_ROWID
    last: int | None = None  # the last rowid read
    broken = False  # damage met since the last row read: the next row read ends a gap

    def keep(row: tuple[Any, ...]) -> None:
        nonlocal last, broken
        if broken:
            salvage.gaps.append(Gap(last, row[-1]))
        salvage.rows.append(row)
        last, broken = row[-1], False

    while start is not None:
        read = 0
        try:
            for row in db.execute(query, (start, batch)):
                keep(row)
                read += 1
        except sqlite3.DatabaseError as err:
            if not is_damage(err):
                raise
            salvage.error = salvage.error or str(err)
            first = last + 1 if read else start
            reachable, found = _probe(db, table, first)
            if not reachable:
                broken, start = True, _resume_after(db, table, first)
                continue
            if found is None:
                break
            # SQLite steps a row ahead of the one Python is given: the row at ``found`` may be
            # whole, and the damage past it. Read alone, it is kept, or is what is damaged.
            try:
                row = db.execute(query, (found, 1)).fetchone()
            except sqlite3.DatabaseError as err:
                if not is_damage(err):
                    raise
                broken = True
            else:
                keep(row)
            start = None if found == HIGHEST_ROWID else found + 1
            continue
        start = None if read < batch or last == HIGHEST_ROWID else last + 1
    if broken:
        salvage.gaps.append(Gap(last, _past_last(db, table)))
    return salvage


def _resume_after(db: sqlite3.Connection, table: str, first_bad: int) -> int | None:
    # Where reading resumes past damage SQLite meets seeking ``first_bad`` (None: nowhere).
    # Seeks into a damaged page fail and seeks past it succeed. Rowid by rowid first: a
    # healthy page between two damaged ones may hold a single row, and a step wider than its
    # rowids would cross it into the next damage unseen.
    for rowid in range(first_bad + 1, min(first_bad + FINE_PROBES, HIGHEST_ROWID) + 1):
        if _probe(db, table, rowid)[0]:
            return rowid
    # Damage wider than that: double the step until a seek succeeds, then halve the distance
    # back to the last that failed (healthy pages crossed so are counted in the gap).
    bad, step = min(first_bad + FINE_PROBES, HIGHEST_ROWID), 1
    while True:
        if bad == HIGHEST_ROWID:
            return None
        good = min(bad + step, HIGHEST_ROWID)
        if _probe(db, table, good)[0]:
            break
        bad, step = good, step * 2
    while good - bad > 1:
        middle = (bad + good) // 2
        if _probe(db, table, middle)[0]:
            good = middle
        else:
            bad = middle
    return good


def _past_last(db: sqlite3.Connection, table: str) -> int | None:
    # One past the table's last rowid; None if that cannot be read either.
    try:
        (highest,) = db.execute(f"SELECT max(rowid) FROM {table}").fetchone()
    except sqlite3.DatabaseError as err:
        if not is_damage(err):
            raise
        return None
    return None if highest is None else highest + 1


def _probe(db: sqlite3.Connection, table: str, rowid: int) -> tuple[bool, int | None]:
    # Whether SQLite can seek to ``rowid`` without meeting damage, and the first rowid from
    # there on (None: none).
    try:
        row = db.execute(f"SELECT rowid FROM {table} WHERE rowid >= ? ORDER BY rowid LIMIT 1",
                         (rowid,)).fetchone()
    except sqlite3.DatabaseError as err:
        if not is_damage(err):
            raise
        return False, None
    return True, None if row is None else row[0]

"""A state database's connection, whose every SQLite error is a :class:`~excerpta.errors.StateError`
naming the database: the transactions and reads of :class:`~excerpta.store.sqlite.SQLiteStore`.

:class:`StateConnection` is its base class: the store sets ``path`` (the name errors give),
``_db`` (the connection, in autocommit mode, so that transactions are ours) and ``_timeout``
(how long SQLite waits for another connection's lock). :meth:`StateConnection.transaction`
commits everything inside it together or nothing; a database that cannot be written (read-only,
damaged) raises StateError, one on a full disk or failing it :class:`~excerpta.errors.StateIOError`
(exit 74, :func:`machine_failed`), one held by another run past the timeout
:class:`~excerpta.errors.StateBusyError` (exit 75, :func:`is_busy`); reads go through
:meth:`StateConnection._reading`, which says the same of a database that cannot be read. A
subclass keeping anything read from the database drops it in :meth:`~StateConnection._transaction_failed`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from excerpta.errors import StateBusyError, StateError, StateIOError

_SQLITE_IOERR, _SQLITE_FULL = 10, 13  # primary result codes (the low byte of an extended one)
_SQLITE_IOERR_SHORT_READ = 522  # a file cut short: damage, as a reader of a device's database counts it


def is_busy(err: sqlite3.DatabaseError) -> bool:
    """Whether ``err`` says another connection held the database past our timeout (a
    temporary state, unlike a damaged or read-only database)."""
    return isinstance(err, sqlite3.OperationalError) and (
        "locked" in str(err) or "busy" in str(err))


def disk_full(err: sqlite3.DatabaseError) -> bool:
    """Whether ``err`` is SQLite's "database or disk is full"."""
    return getattr(err, "sqlite_errorcode", 0) & 0xFF == _SQLITE_FULL


def machine_failed(err: sqlite3.DatabaseError) -> bool:
    """Whether ``err`` is the machine failing the database (its disk full, an I/O error), not
    the database being damaged, read-only or busy."""
    code = getattr(err, "sqlite_errorcode", 0)
    return code & 0xFF in (_SQLITE_IOERR, _SQLITE_FULL) and code != _SQLITE_IOERR_SHORT_READ


def full_disk_error(path: str, err: sqlite3.DatabaseError) -> StateIOError:
    """The error naming the state database ``path`` on a full disk, SQLite's ``err`` said."""
    return StateIOError(f"state database {path} cannot be written: the disk it is on is full "
                        f"({err}); make room there and run again")


def machine_error(path: str, err: sqlite3.DatabaseError) -> StateIOError:
    """The error naming the state database ``path`` for ``err``, one :func:`machine_failed`."""
    if disk_full(err):
        return full_disk_error(path, err)
    return StateIOError(f"state database {path}: the machine failed reading or writing it ({err}); "
                        "run again (a disk failing?)")


class StateConnection:
    """Transactions and reads of a state database, their errors naming it; see the module
    docstring."""

    path: str
    _db: sqlite3.Connection
    _timeout: float

    def _transaction_failed(self) -> None:
        """Called when a transaction is rolled back or fails to commit, before the rollback:
        what was read inside it may be gone."""

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: everything inside commits together or not at all. One opened
        inside another joins it (a merge inside a run's transaction commits with the run).

        Raises StateError, naming the database, when it cannot be written (a read-only file or
        folder, a full disk, another process holding it for longer than the timeout).
        """
        if self._db.in_transaction:
            yield self._db
            return
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as err:
            raise self._unwritable(err) from None
        try:
            yield self._db
        except BaseException as err:
            self._transaction_failed()
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            if isinstance(err, sqlite3.DatabaseError):  # locked, read-only, full, damaged
                raise self._unwritable(err) from None
            raise
        try:
            self._db.execute("COMMIT")
        except sqlite3.DatabaseError as err:
            self._transaction_failed()
            if self._db.in_transaction:  # SQLite may have rolled back already (an I/O error)
                self._db.execute("ROLLBACK")
            raise self._unwritable(err) from None

    def _busy_error(self) -> StateBusyError:
        return StateBusyError(f"state database {self.path} is in use by another excerpta run "
                              f"(waited {self._timeout:g} s); try again when it has finished")

    def _unwritable(self, err: sqlite3.DatabaseError) -> StateError:
        if is_busy(err):
            return self._busy_error()
        if machine_failed(err):
            return machine_error(self.path, err)
        return StateError(f"state database {self.path} cannot be used ({err}); "
                          "--state or EXCERPTA_STATE picks another")

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """The connection, for reads: a database that cannot be read (damaged pages, a lock
        outlasting the timeout) raises StateError naming it, as :meth:`transaction` does."""
        try:
            yield self._db
        except sqlite3.ProgrammingError:  # a closed store or a malformed query: our bug
            raise
        except sqlite3.DatabaseError as err:
            if is_busy(err):
                raise self._busy_error() from None
            if machine_failed(err):
                raise machine_error(self.path, err) from None
            raise StateError(f"state database {self.path} cannot be read ({err}); "
                             "--state or EXCERPTA_STATE picks another") from None

"""The state database as a file: its folder, whose database it is, and its rows read back.

:class:`~excerpta.store.sqlite.SQLiteStore` opens the file through these, so that each way a
state file cannot be used is told as what it is (one line, exit code 2 as a
:class:`~excerpta.errors.StateError`, or 74 for a folder that cannot be made):

- a path through a regular file (``notes.txt/state.sqlite``): that file is not a folder;
- a folder the user may not write: SQLite cannot create the database there, nor the ``-wal``
  and ``-shm`` files it keeps beside one (a dry run reads the database as it is, see
  :func:`copy_into`);
- another application's SQLite database: excerpta does not add its tables to it;
- a row that no longer holds what excerpta wrote (edited or damaged): the table and row named.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import sqlite3
from contextlib import suppress
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import pydantic

from excerpta.errors import StateError
from excerpta.file_names import name_stored
from excerpta.model import Document
from excerpta.output_records import OutputRecord
from excerpta.store.connection import disk_full, full_disk_error

_PICK_ANOTHER = "--state or EXCERPTA_STATE picks another"
FULL_BELOW = 1 << 20  # free bytes under which a disk counts as full
# What making a folder fails with when the disk is full or failing, not the place refused.
_MACHINE_FAILED = frozenset({errno.ENOSPC, errno.EIO, getattr(errno, "EDQUOT", errno.ENOSPC)})


def folder_given(path: str) -> StateError:
    """The error for a state database path that names a folder."""
    return StateError(f"{path}: a folder; the state is a database file (give a file name, such as "
                      f"{os.path.join(path, 'excerpta.sqlite')})")


def make_folder(path: str, *, make: bool = True) -> None:
    """Create the folder of the state database ``path`` and its parents (``make`` False: only
    check that nothing stands in the way, creating nothing: a dry run).

    Raises StateError when ``path`` itself is a folder or its folder cannot be made there
    (permissions, a read-only file system), NotADirectoryError naming the regular file that
    stands where a folder should be, and OSError when the disk is full or failing.
    """
    if os.path.isdir(os.path.expanduser(path)):
        raise folder_given(path)
    folder = Path(path).expanduser().parent
    try:
        if make:
            folder.mkdir(parents=True, exist_ok=True)
        elif any(p.exists() and not p.is_dir() for p in (folder, *folder.parents)):
            raise NotADirectoryError
    except (FileExistsError, NotADirectoryError):
        blocker = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), folder)
        raise NotADirectoryError(errno.ENOTDIR, "a file, not a folder: the state database cannot be "
                                 f"made under it ({_PICK_ANOTHER})", str(blocker)) from None
    except OSError as err:
        if err.errno in _MACHINE_FAILED:
            raise  # a full disk, a failing one: the machine's refusal (exit 74), said as it is
        raise StateError(f"{path}: the state database cannot be created there: folder {folder} "
                         f"cannot be made ({err.strerror}); {_PICK_ANOTHER}") from None


def make_private(path: str) -> None:
    """Create the state database ``path``, if there is none, readable and writable by this
    user alone (SQLite gives its journal files the same permissions): it holds the whole
    library, private notes included. One there already keeps its permissions."""
    with suppress(OSError):  # there already; or SQLite says why, as for any state it cannot open
        os.close(os.open(os.path.expanduser(path), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def copy_into(target: sqlite3.Connection, path: str, timeout: float) -> bool:
    """Replace the database of ``target`` with a copy of the database ``path``, read without
    changing it (:func:`open_read_only`); False when there is none (nothing copied, nothing
    made: the folder is only checked, see :func:`make_folder`). Raises StateError for another
    application's database, sqlite3.DatabaseError for one that cannot be read."""
    make_folder(path, make=False)
    if not os.path.isfile(os.path.expanduser(path)):
        return False
    source = open_read_only(path, timeout)
    try:
        if source.execute("PRAGMA user_version").fetchone()[0] == 0:
            refuse_foreign(source, path)
        source.backup(target)
    finally:
        source.close()
    return True


def open_read_only(path: str, timeout: float) -> sqlite3.Connection:
    """A connection reading the database ``path`` that changes nothing, nor creates anything
    beside it: the file read as immutable when no write-ahead log is beside it (read with
    ``mode=ro`` alone, a database in WAL mode gets -wal and -shm files, left there), else read
    only (another run is writing it; its log holds changes not yet in the file)."""
    has_log = os.path.exists(os.path.expanduser(path) + "-wal")
    uri = Path(path).expanduser().absolute().as_uri() + ("?mode=ro" if has_log else "?mode=ro&immutable=1")
    return sqlite3.connect(uri, uri=True, isolation_level=None, timeout=timeout)


def open_error(path: str, err: sqlite3.DatabaseError) -> StateError:
    """The error to report when the database ``path`` cannot be opened: a folder we may not
    write is named as the cause, rather than the database; a full disk is a StateIOError."""
    folder = os.path.dirname(os.path.abspath(os.path.expanduser(path)))
    if ("readonly" in str(err) or "unable to open" in str(err)) and not _writable_folder(path):
        if not os.path.exists(path):
            return StateError(f"{path}: the state database cannot be created there: folder {folder} "
                              f"is not writable (permission denied); {_PICK_ANOTHER}")
        return StateError(f"{path}: folder {folder} is read-only and SQLite writes the state "
                          f"database's -wal and -shm files beside it; {_PICK_ANOTHER} (a --dry-run "
                          "reads it as it is)")
    if disk_full(err) or ("disk I/O error" in str(err) and _no_room(folder)):
        # (SQLite says a -shm file it could not make on a full disk is an I/O error)
        return full_disk_error(path, err)
    if "disk I/O error" in str(err):  # SQLite's WAL needs memory it shares through the file system
        return StateError(f"{path}: the state database cannot be used on this file system ({err}): "
                          "SQLite needs a local disk (not a FAT or exFAT stick, nor a network share); "
                          f"{_PICK_ANOTHER}")
    return StateError(f"{path}: not a usable excerpta state database ({err})")


def refuse_foreign(db: sqlite3.Connection, path: str) -> None:
    """Raise StateError if ``db``, not yet an excerpta database (schema version 0), already
    holds tables: it belongs to another application, whose file is not ours to change."""
    names = [row[0] for row in db.execute(
        "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid")]
    if names:
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        raise StateError(f"{path}: a SQLite database of another application (tables: {shown}); "
                         "give a new file for excerpta's state")


def row_data(path: str, table: str, row_id: object, data: object) -> Any:
    """The JSON value a row of ``table`` keeps in its ``data`` column; StateError if the row
    was damaged (the database file, the table and the row named)."""
    try:
        return json.loads(data)  # type: ignore[arg-type]
    except (TypeError, ValueError) as err:
        raise damaged(path, table, row_id, f"not JSON: {err}") from None


def document_of(path: str, row_id: str, fields: dict[str, Any], highlights: list[Any],
                highlight_ids: list[str]) -> Document:
    """The document of row ``row_id`` with its highlights' rows (``highlight_ids`` theirs);
    StateError if they no longer make one (the first problem named, in its own row)."""
    try:
        return Document.model_validate({**fields, "highlights": highlights})
    except pydantic.ValidationError as err:
        loc = err.errors()[0]["loc"]
        if len(loc) >= 2 and loc[0] == "highlights" and isinstance(loc[1], int):
            # A highlight row's fault: name that row (its id), not its document's.
            raise damaged(path, "highlights", highlight_ids[loc[1]],
                          _invalid("a highlight", err, skip=2)) from None
        raise damaged(path, "documents", row_id, _invalid("a document", err)) from None
    except (TypeError, ValueError) as err:  # a row holding a list, a number…
        raise damaged(path, "documents", row_id, f"not a document: {err}") from None


class StoredRows:
    """The rows of the state database ``path`` read back by a merge (to keep a stored value, to
    delete or match a stored highlight): a damaged one raises the StateError
    :meth:`SQLiteStore.documents <excerpta.store.sqlite.SQLiteStore.documents>` raises, naming
    the table and row, never a bare decoding or validation error."""

    def __init__(self, path: str) -> None:
        self.path = path

    def fields(self, table: str, row_id: object, data: object) -> dict[str, Any]:
        """The JSON object a row of ``table`` keeps in its ``data`` column."""
        value = row_data(self.path, table, row_id, data)
        if not isinstance(value, dict):
            raise damaged(self.path, table, row_id, f"not a JSON object: {type(value).__name__}")
        return value

    def model(self, model: type[_Model], table: str, row_id: object, fields: dict[str, Any]) -> _Model:
        """``model`` made of ``fields``, which hold values of the row ``row_id`` of ``table``."""
        try:
            return model.model_validate(fields)
        except pydantic.ValidationError as err:
            raise damaged(self.path, table, row_id, _invalid(_KINDS[table], err)) from None

    def json_error(self, db: sqlite3.Connection, table: str, err: sqlite3.Error) -> Exception:
        """What to raise for ``err``, raised by a query reading rows of ``table`` with SQLite's
        JSON functions: the first row not holding JSON named, else ``err`` itself."""
        if "JSON" not in str(err):
            return err
        row = db.execute(f"SELECT id FROM {table} WHERE NOT json_valid(data) LIMIT 1").fetchone()
        return err if row is None else damaged(self.path, table, row[0], "not JSON")


_Model = TypeVar("_Model", bound=pydantic.BaseModel)
_KINDS = {"highlights": "a highlight", "documents": "a document"}


def _invalid(kind: str, err: pydantic.ValidationError, skip: int = 0) -> str:
    # "not <kind>: <field>: <problem>" of the first problem, the location's first ``skip`` parts
    # (those naming the row within its document) left out.
    first = err.errors()[0]
    more = f" (and {err.error_count() - 1} more problem(s))" if err.error_count() > 1 else ""
    where = ".".join(str(part) for part in first["loc"][skip:]) or f"the {kind.split()[-1]}"
    return f"not {kind}: {where}: {first['msg']}{more}"


def damaged(path: str, table: str, row_id: object, problem: str) -> StateError:
    """The StateError of a row of ``table`` that does not hold what excerpta wrote."""
    return StateError(f"state database {path} is damaged: {table} row {row_id!r}, {problem}; "
                      f"{_PICK_ANOTHER}")


OUTPUT_COLUMNS = "path, job, writer, key, hash, source_hash, written_at, size, mtime_ns, memo"


def output_record(row: tuple[Any, ...]) -> OutputRecord:
    """The record of an ``outputs`` row, its columns selected as :data:`OUTPUT_COLUMNS`."""
    return OutputRecord(name_stored(row[0]), row[1], row[2], name_stored(row[3]), row[4], row[5],
                        datetime.fromisoformat(row[6]), row[7], row[8], row[9])


def output_history(db: sqlite3.Connection, job: str, writer: str) -> dict[str, list[OutputRecord]]:
    """Every file ``writer`` wrote for ``job`` in the state ``db``, by key, oldest first (a
    rewrite gets a new rowid)."""
    history: dict[str, list[OutputRecord]] = {}
    for row in db.execute(f"SELECT {OUTPUT_COLUMNS} FROM outputs WHERE job = ? AND writer = ? ORDER BY rowid",
                          (job, writer)):
        record = output_record(row)
        history.setdefault(record.key, []).append(record)
    return history


def _no_room(folder: str) -> bool:
    """Whether the disk of ``folder`` is full (under a megabyte left: no room for SQLite's files)."""
    try:
        return shutil.disk_usage(folder).free < FULL_BELOW
    except OSError:
        return False


def _writable_folder(path: str) -> bool:
    return os.access(os.path.dirname(os.path.abspath(os.path.expanduser(path))) or ".", os.W_OK)

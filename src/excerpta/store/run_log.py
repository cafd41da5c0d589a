"""The run log: one row per run of a job (``runs``), how it ended and what it did.

``status`` reads the newest run of each job and the daemon works out when a job is next due
from it, so the log is what survives a restart. It keeps the :data:`RUNS_KEPT` newest runs of
each job: a daemon running a job every 15 minutes starts 35,000 runs a year. (A job no longer
run keeps its last ones; each start trims its own job's.)
"""

from __future__ import annotations

import json
import signal
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime

from excerpta.errors import interruption, said
from excerpta.file_names import shown
from excerpta.store import state_file
from excerpta.store.base import LibraryStore, RunRecord

RUNS_KEPT = 1000
# What ``status`` says of a run a stop ended (errors.interruption names it).
_STOPPED_BY = {"KeyboardInterrupt": "stopped by Ctrl-C (SIGINT)", "Terminated": "stopped by SIGTERM"}


def start(db: sqlite3.Connection, job: str, now: str) -> int:
    """Log the start of a run of ``job`` at ``now`` (ISO 8601) and forget its runs older than
    the :data:`RUNS_KEPT` newest; returns the new run's id."""
    cursor = db.execute("INSERT INTO runs (job, started_at, status) VALUES (?, ?, ?)",
                        (job, now, "running"))
    db.execute("DELETE FROM runs WHERE job = ? AND id <= (SELECT id FROM runs WHERE job = ? "
               "ORDER BY id DESC LIMIT 1 OFFSET ?)", (job, job, RUNS_KEPT))
    return int(cursor.lastrowid or 0)


def finish(db: sqlite3.Connection, run_id: int, now: str, status: str, counts: dict[str, int],
           error: str | None) -> None:
    """Log how run ``run_id`` ended, at ``now``; ``error`` as a message shows it (a file name
    that is not UTF-8 escaped: :func:`~excerpta.file_names.shown`)."""
    db.execute("UPDATE runs SET finished_at = ?, status = ?, counts = ?, error = ? WHERE id = ?",
               (now, status, json.dumps(counts), None if error is None else shown(error), run_id))


def runs(db: sqlite3.Connection, path: str, job: str | None, limit: int) -> list[RunRecord]:
    """Logged runs, newest first (of ``job``, or all; the ``limit`` newest, -1: all), of the
    state database at ``path`` (named when a row is damaged)."""
    query = "SELECT * FROM runs" + (" WHERE job = ?" if job else "") + " ORDER BY id DESC LIMIT ?"
    rows = db.execute(query, (job, limit) if job else (limit,)).fetchall()
    return [RunRecord(r[0], r[1], datetime.fromisoformat(r[2]),
                      datetime.fromisoformat(r[3]) if r[3] else None, r[4],
                      state_file.row_data(path, "runs", r[0], r[5]), r[6]) for r in rows]


@contextmanager
def signals_held() -> Iterator[None]:
    """Hold off SIGINT and SIGTERM while a run's start or end is written, then deliver them to
    the handlers they had: a stop landing inside that write, or between it and the caller
    keeping its run id, left the run "running" for good. (Handlers, not a signal mask: another
    thread, as the daemon has, would take a masked signal and the main thread still be
    interrupted.) Outside the main thread, where handlers cannot be set, nothing is held."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    before = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    held = [number for number, handler in before.items() if handler is not None]
    for number in held:
        signal.signal(number, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        for number in held:
            signal.signal(number, before[number])
        for number in dict.fromkeys(caught):
            signal.raise_signal(number)


def log_ended_by(state: LibraryStore, run_id: int, err: BaseException) -> None:
    """Log the run ``run_id`` as ended by ``err``: ``interrupted`` by a stop, else ``failed``.
    Never raises (the error that ended the run is the one to tell)."""
    stop = interruption(err)
    with suppress(Exception), signals_held():
        state.finish_run(run_id, "interrupted" if stop else "failed", {},
                         said(err) if stop is None else _STOPPED_BY.get(stop, stop))

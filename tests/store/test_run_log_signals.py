"""A stop (SIGTERM, Ctrl-C) landing while a run's start or end is written is delivered after it,
so the run log never keeps a run "running" for good (a daemon test caught one, under load)."""

from __future__ import annotations

import os
import signal
import threading

import pytest

from excerpta.store.run_log import signals_held

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="os.kill a POSIX signal")


class Stopped(Exception):
    pass


def _stop(signum, frame):
    raise Stopped


def _start_while_stopped(state, written: list[int]) -> None:
    with signals_held():
        os.kill(os.getpid(), signal.SIGTERM)  # the stop comes in the middle of the write
        written.append(state.start_run("job"))


def test_a_stop_during_the_write_is_delivered_after_it(state):
    before = signal.signal(signal.SIGTERM, _stop)
    try:
        written: list[int] = []
        with pytest.raises(Stopped):
            _start_while_stopped(state, written)
        assert len(written) == 1  # the start was kept, and the caller has its id
        assert [run.status for run in state.runs("job")] == ["running"]
    finally:
        signal.signal(signal.SIGTERM, before)


def test_a_stop_is_held_though_another_thread_would_take_it(state):
    # The daemon's other threads (the ingest endpoint, fsyncs): a signal mask on the main thread
    # alone let one of them take the signal, and the main thread was interrupted all the same.
    before = signal.signal(signal.SIGTERM, _stop)
    idle = threading.Event()
    other = threading.Thread(target=idle.wait, daemon=True)
    other.start()
    try:
        written: list[int] = []
        with pytest.raises(Stopped):
            _start_while_stopped(state, written)
        assert len(written) == 1
    finally:
        idle.set()
        signal.signal(signal.SIGTERM, before)

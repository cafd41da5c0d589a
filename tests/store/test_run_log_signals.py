"""A stop (SIGTERM, Ctrl-C) landing while a run's start or end is written is delivered after it,
so the run log never keeps a run "running" for good (a daemon test caught one, under load)."""

from __future__ import annotations

import os
import signal

import pytest

from excerpta.store.run_log import signals_held

pytestmark = pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="POSIX signal masks")


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

"""In a terminal, a run that takes a while shows what it has read (convert and sync); piped
or with -q, it prints nothing of the kind."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from excerpta.cli.progress import ReadProgress
from excerpta.model import Document, Highlight
from job_configs import CLIPPINGS, kindle_job, write_config


def _slow_input(fifo: Path, data: bytes) -> threading.Thread:
    # Half of the file, a pause past the display's threshold (0.5 s), then the rest.
    def feed() -> None:
        with fifo.open("wb") as pipe:
            pipe.write(data[: len(data) // 2])
            pipe.flush()
            time.sleep(1.2)
            pipe.write(data[len(data) // 2:])

    thread = threading.Thread(target=feed)
    thread.start()
    return thread


def _in_a_terminal(args: list[str], cwd: Path) -> tuple[int, str]:
    primary, secondary = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "excerpta", *args], cwd=cwd, stdin=subprocess.DEVNULL,
                               stdout=secondary, stderr=secondary, env={**os.environ, "COLUMNS": "120"})
    os.close(secondary)
    seen = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        seen += chunk
    os.close(primary)
    return process.wait(timeout=60), seen.decode("utf-8", errors="replace")


@pytest.mark.parametrize("command", ["sync", "convert"])
def test_a_run_in_a_terminal_shows_what_it_has_read_while_it_reads(tmp_path, command):
    fifo = tmp_path / "clip.fifo"
    os.mkfifo(fifo)
    config = write_config(tmp_path, kindle_job(tmp_path, source=fifo))
    args = (["sync", "-c", str(config)] if command == "sync" else
            ["--state", str(tmp_path / "state.sqlite"), "convert", str(fifo), "--from", "kindle",
             "--to", "json", "--out", str(tmp_path / "out.json")])
    feeding = _slow_input(fifo, CLIPPINGS.read_bytes())
    code, seen = _in_a_terminal(args, tmp_path)
    feeding.join()
    assert code == 0, seen
    assert "reading: " in seen
    assert " documents, " in seen
    assert "outputs: " in seen  # and then the summary


def test_piped_or_quiet_a_run_shows_no_progress(tmp_path):
    fifo = tmp_path / "clip.fifo"
    os.mkfifo(fifo)
    config = write_config(tmp_path, kindle_job(tmp_path, source=fifo))
    feeding = _slow_input(fifo, CLIPPINGS.read_bytes())
    run = subprocess.run([sys.executable, "-m", "excerpta", "sync", "-c", str(config)], capture_output=True,
                         text=True, timeout=60, check=False)
    feeding.join()
    assert run.returncode == 0, run.stderr
    assert "reading:" not in run.stderr
    feeding = _slow_input(fifo, CLIPPINGS.read_bytes())
    code, seen = _in_a_terminal(["-q", "sync", "-c", str(config)], tmp_path)
    feeding.join()
    assert code == 0
    assert "reading:" not in seen


def test_a_document_read_in_parts_counts_once():
    # Audit L1: the Kindle reader yields a book once per highlight, and the display said
    # "36000 documents" for a 1500-book file whose summary then said 1500.
    progress = ReadProgress(enabled=False)
    for book, highlight in [("walden", "a"), ("walden", "b"), ("emma", "c"), ("walden", "d")]:
        progress.advance(Document(id=book, title=book, highlights=[Highlight(id=highlight, text=highlight)]))
    assert (progress.documents, progress.highlights) == (2, 4)

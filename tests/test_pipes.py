"""Pipe inputs: `excerpta convert -` and `/dev/stdin` read what is piped in, as a file would be."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from click.testing import CliRunner

from excerpta.cli import cli

from paths import EXAMPLES

CLIPPINGS = EXAMPLES / "My Clippings.txt"


@contextmanager
def _stdin_fed_by_a_pipe(data: bytes) -> Iterator[None]:
    """File descriptor 0 (what /dev/stdin opens) is a pipe holding ``data``, as under `cat … |`."""
    read_end, write_end = os.pipe()
    os.write(write_end, data)  # smaller than a pipe's buffer: no writer thread needed
    os.close(write_end)
    saved = os.dup(0)
    os.dup2(read_end, 0)
    os.close(read_end)
    try:
        yield
    finally:
        os.dup2(saved, 0)
        os.close(saved)


def _convert(*args: object, stdin: bytes | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["convert", *map(str, args)], input=stdin,
                                catch_exceptions=False)
    return result.exit_code, result.output


def test_dev_stdin_fed_by_a_pipe_reads_like_the_file(tmp_path):
    assert len(CLIPPINGS.read_bytes()) < 60_000
    _convert(CLIPPINGS, "--to", "json", "--out", tmp_path / "file.json")
    with _stdin_fed_by_a_pipe(CLIPPINGS.read_bytes()):
        code, output = _convert("/dev/stdin", "--from", "kindle", "--to", "json",
                                "--out", tmp_path / "piped.json")
    assert (code, output.splitlines()[-1]) == (0, "outputs: 1 new")
    assert (tmp_path / "piped.json").read_bytes() == (tmp_path / "file.json").read_bytes()


def test_a_dash_reads_standard_input_and_detects_its_format(tmp_path):
    _convert(CLIPPINGS, "--to", "json", "--out", tmp_path / "file.json")
    code, _ = _convert("-", "--to", "json", "--out", tmp_path / "piped.json",
                       stdin=CLIPPINGS.read_bytes())
    assert code == 0
    assert (tmp_path / "piped.json").read_bytes() == (tmp_path / "file.json").read_bytes()


def test_problems_and_errors_name_the_pipe_as_given_not_its_copy(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "temp"))
    (tmp_path / "temp").mkdir()
    broken = CLIPPINGS.read_bytes()[:400] + b"\r\n- Note Loc. 1301  | Added o\r\n\r\nx\r\n==========\r\n"
    code, output = _convert("-", "--to", "json", "--out", tmp_path / "a.json", stdin=broken)
    assert code == 1
    assert "skipped -:6: a metadata line cut short" in output
    code, output = _convert("-", "--from", "json", "--to", "json", "--out", tmp_path / "b.json",
                            stdin=b'{"schema_version": 1, "documents": [')
    assert (code, output) == (2, "excerpta: error: -:1: malformed JSON: Expecting value at column 37\n")
    assert list((tmp_path / "temp").iterdir()) == []  # the copies are gone


def test_a_terminal_as_input_is_refused_at_once_not_waited_on(tmp_path):
    controller, terminal = os.openpty()
    try:
        name = os.ttyname(terminal)
        code, output = _convert(name, "--from", "kindle", "--to", "json", "--out", tmp_path / "x.json")
    finally:
        os.close(terminal)
        os.close(controller)
    assert (code, output) == (2, f"excerpta: error: {name}: is a terminal, not a file or a pipe "
                                 f"(pipe the input in: `cat FILE | excerpta convert {name} …`)\n")
    assert not (tmp_path / "x.json").exists()


@pytest.mark.parametrize("given", ["-", "/dev/stdin"])
def test_an_empty_pipe_is_reported_like_an_empty_file(tmp_path, given):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    code, file_output = _convert(empty, "--to", "json", "--out", tmp_path / "f.json")
    with _stdin_fed_by_a_pipe(b""):
        piped_code, piped_output = _convert(given, "--to", "json", "--out", tmp_path / "p.json",
                                            stdin=b"")
    assert (piped_code, piped_output) == (code, file_output.replace(str(empty), given))


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_an_endless_device_is_refused_not_copied_until_the_disk_is_full(tmp_path, monkeypatch, device):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "temp"))
    (tmp_path / "temp").mkdir()
    code, output = _convert(device, "--from", "kindle", "--to", "json", "--out", tmp_path / "x.json")
    assert (code, output) == (2, f"excerpta: error: {device}: is a device, not a file or a pipe\n")
    assert list((tmp_path / "temp").iterdir()) == []


def test_a_closed_standard_input_is_one_line_not_an_internal_error(tmp_path):
    # A process started with file descriptor 0 closed (a daemon, some cron setups): Python
    # then has no sys.stdin at all.
    run = subprocess.run([sys.executable, "-m", "excerpta", "convert", "-", "--to", "json",
                          "--out", str(tmp_path / "x.json")],
                         preexec_fn=lambda: os.close(0), capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert run.stderr.startswith("excerpta: error: -: there is no standard input")


def test_a_copy_a_killed_run_left_is_removed_by_a_later_run_with_a_pipe(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "temp"))
    left = tmp_path / "temp" / "excerpta-pipe-killed"
    (left / "0").mkdir(parents=True)
    (left / "0" / "stdin").write_bytes(b"x" * 1000)
    recent = tmp_path / "temp" / "excerpta-pipe-running"
    recent.mkdir()
    os.utime(left, (os.stat(left).st_mtime - 7200,) * 2)
    assert _convert("-", "--to", "json", "--out", tmp_path / "a.json", stdin=CLIPPINGS.read_bytes())[0] == 0
    assert sorted(p.name for p in (tmp_path / "temp").iterdir()) == ["excerpta-pipe-running"]


def test_a_run_sigterm_stops_unwinds_as_ctrl_c_does_and_leaves_nothing(tmp_path):
    # A service manager or `kill` sends SIGTERM: the run stops with one line and exit 143, and
    # removes what it had made (here the copy of the pipe it was reading), instead of dying
    # with its temporary files left behind.
    temp = tmp_path / "temp"
    temp.mkdir()
    run = subprocess.Popen([sys.executable, "-m", "excerpta", "convert", "-", "--from", "jsonl", "--to",
                            "json", "--out", str(tmp_path / "x.json")],
                           stdin=subprocess.PIPE, stderr=subprocess.PIPE,
                           env={**os.environ, "TMPDIR": str(temp)})
    run.stdin.write(b'{"id": "h1", "text": "a", "document": {"id": "d1", "title": "T"}}\n')
    run.stdin.flush()  # the input stays open: the run waits for more
    # Its folder for the pipe's copy (not the file tempfile makes and removes at once to check
    # that the folder can be written, which a first look may catch).
    def copying() -> bool:
        return any(entry.name.startswith("excerpta-pipe-") for entry in temp.iterdir())

    for _ in range(500):
        if copying():
            break
        time.sleep(0.01)
    assert copying()
    run.send_signal(signal.SIGTERM)
    _, err = run.communicate(timeout=30)
    run.stdin.close()
    assert (run.returncode, err.decode()) == (143, "excerpta: error: terminated\n")
    assert list(temp.iterdir()) == []
    assert not (tmp_path / "x.json").exists()


@pytest.mark.parametrize("command", [["formats"], ["schema"], [
    "convert", str(EXAMPLES / "library.json"), "--to", "json", "--out", "x.json", "--dry-run"]])
def test_output_into_a_pipe_nobody_reads_ends_quietly(tmp_path, command):
    # `excerpta formats | head -1`: once the reader is gone, nothing to say and no traceback
    # (README audit: "excerpta: error: Broken pipe", exit 74).
    read, write = os.pipe()
    os.close(read)  # the reader is gone before a line is written: every write fails
    try:
        run = subprocess.run([sys.executable, "-m", "excerpta", *command], stdout=write,
                             stderr=subprocess.PIPE, cwd=tmp_path, timeout=120, check=False)
    finally:
        os.close(write)
    assert (run.returncode, run.stderr.decode()) == (141, "")

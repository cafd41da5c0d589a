"""When the machine refuses a write, the error names the user's file, never our temporary one."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from excerpta.disk import write_temp
from excerpta.output import OutputSink

from paths import EXAMPLES


def test_a_file_that_cannot_be_made_is_named_as_the_user_asked_for_it(tmp_path):
    target = tmp_path / "missing" / "x.json"
    with pytest.raises(FileNotFoundError) as err:
        write_temp(target, [b"{}"])
    assert err.value.filename == str(target)
    assert err.value.strerror == "No such file or directory (writing it)"


@pytest.mark.parametrize("in_folder", [False, True])
def test_a_stop_that_lands_as_the_temporary_file_is_made_leaves_no_file(tmp_path, monkeypatch, in_folder):
    # SIGTERM raises KeyboardInterrupt as a call returns: here, the os.open that made the file
    # (the crash audit found empty ".x.md.<hex>.tmp" files left by 7 of 30 stops).
    made = os.open

    def open_then_stopped(path, flags, *args, **kwargs):
        fd = made(path, flags, *args, **kwargs)
        if flags & os.O_CREAT:
            os.close(fd)
            raise KeyboardInterrupt
        return fd

    monkeypatch.setattr(os, "open", open_then_stopped)
    folder = made(tmp_path, os.O_RDONLY) if in_folder else None
    try:
        with pytest.raises(KeyboardInterrupt):
            write_temp(tmp_path / "x.md", [b"text"], folder)
    finally:
        if folder is not None:
            os.close(folder)
    assert list(tmp_path.iterdir()) == []


# A file size limit refuses os.write the way a full disk does (EFBIG rather than ENOSPC), and
# CPython ignores SIGXFSZ, so the write fails instead of killing the process.
_WRITE_PAST_A_SIZE_LIMIT = """
import resource, sys
from pathlib import Path
from excerpta.disk import write_temp
target = Path(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (1000, resource.RLIM_INFINITY))
try:
    write_temp(target, [b"x" * 600, b"y" * 600])
except OSError as err:
    print(err.errno, err.filename, err.strerror, sep="|")
"""


@pytest.mark.skipif(sys.platform == "win32", reason="no RLIMIT_FSIZE")
def test_a_write_the_disk_refuses_names_the_target_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "x.json"
    src = Path(__file__).parents[1] / "src"
    result = subprocess.run([sys.executable, "-c", _WRITE_PAST_A_SIZE_LIMIT, target],
                            capture_output=True, text=True, check=True,
                            env={"PYTHONPATH": str(src)})
    code, filename, strerror = result.stdout.strip().split("|")
    assert int(code) == errno.EFBIG
    assert filename == str(target)
    assert strerror.endswith("(writing it)")
    assert list(tmp_path.iterdir()) == []


def test_a_folder_made_where_a_file_was_to_go_is_named_when_replacing_fails(tmp_path, state):
    sink = OutputSink(tmp_path, "job", "json", manifest=state)
    assert sink.write("b.md", b"new note").action == "create"
    (tmp_path / "b.md").mkdir()  # someone made a folder there while the run wrote
    with pytest.raises(IsADirectoryError) as err:
        sink.finish()
    assert err.value.filename == str(tmp_path / "b.md")
    assert err.value.strerror == "Is a directory (replacing it)"
    assert list(tmp_path.rglob(".*.tmp")) == []


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_an_output_in_a_folder_that_takes_no_files_is_one_line_naming_it(run_cli):
    result = run_cli("convert", EXAMPLES / "library.json", "--to", "json", "--out", "/proc/x.json")
    assert result.exit_code == 74
    assert result.output == "excerpta: error: /proc/x.json: No such file or directory (writing it)\n"


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_file_where_a_folder_of_the_output_should_be_is_named_with_what_was_being_done(
        tmp_path, state, dry_run):
    (tmp_path / "afile").touch()
    sink = OutputSink(tmp_path / "afile" / "vault", "job", "obsidian", manifest=state, dry_run=dry_run)
    with pytest.raises(NotADirectoryError) as err:
        sink.write("Books/Walden.md", b"a note")
    assert err.value.filename == str(tmp_path / "afile")  # the file standing in the way, not the note
    assert err.value.strerror == (f"a file, not a folder (making the folder {tmp_path}/afile/vault/Books "
                                  "to write Walden.md)")


@pytest.mark.parametrize(("to", "out", "folder"), [("json", "afile/x.json", "afile"),
                                                   ("obsidian", "afile/vault", "afile/vault/Books")])
def test_an_output_under_a_file_is_one_line_naming_that_file(run_cli, tmp_path, to, out, folder):
    (tmp_path / "afile").touch()
    result = run_cli("convert", EXAMPLES / "library.json", "--to", to, "--out", tmp_path / out)
    assert result.exit_code == 74
    assert result.output.startswith(f"excerpta: error: {tmp_path}/afile: a file, not a folder (making "
                                    f"the folder {tmp_path}/{folder}")
    assert len(result.output.splitlines()) == 1


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_an_output_folder_that_cannot_be_made_is_one_line_saying_so(run_cli):
    result = run_cli("convert", EXAMPLES / "library.json", "--to", "obsidian", "--out", "/proc/vault")
    assert result.exit_code == 74
    assert result.output.startswith("excerpta: error: /proc/vault: No such file or directory (making the "
                                    "folder /proc/vault/")
    assert len(result.output.splitlines()) == 1


@pytest.mark.parametrize("to", ["json", "csv"])
def test_an_output_whose_name_takes_all_255_bytes_is_written_through_a_temporary_file_that_fits(
        run_cli, tmp_path, to):
    # The temporary file beside it, ".<name>.<mark>.<random>.tmp", holds only as much of the
    # name as fits (a run with a state marks it with its output's lock: 9 bytes more).
    name = "長" * 83 + f".{to}"  # 249 + 4 or 5 bytes
    assert 252 <= len(name.encode()) <= 255
    for state in ([], ["--state", tmp_path / "state.sqlite"]):
        result = run_cli(*state, "convert", EXAMPLES / "library.json", "--to", to,
                         "--out", tmp_path / name, "--force")
        assert result.exit_code == 0, result.output
        assert (tmp_path / name).stat().st_size > 100
    assert not [path.name for path in tmp_path.iterdir() if path.name.endswith(".tmp")]


def test_a_target_the_file_system_named_undecodably_gets_a_temporary_file_too(tmp_path):
    # A name of bytes that are no UTF-8 (read back with surrogate escapes): cutting it to fit
    # once failed on encoding it (review).
    target = tmp_path / os.fsdecode(b"caf\xe9 " + "長".encode() * 90 + b".json")
    temp = write_temp(target, [b"{}"])
    assert temp.path.parent == tmp_path
    assert len(os.fsencode(temp.path.name)) <= 255
    assert temp.path.read_bytes() == b"{}"

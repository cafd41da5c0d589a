"""A database found in a folder input that the machine fails to read mid-read (a phone's card
pulled): the whole run stops (exit 74), nothing merged, no output written, never "one file of
the folder reported and the others read"."""

from __future__ import annotations

import shutil

from moonreader_backups import book, make_database, note

from sqlite_rows import unplugged
from state_checks import library_in

from paths import EXAMPLES


def test_an_io_error_in_a_folder_s_database_stops_the_whole_run(run_cli, tmp_path, monkeypatch):
    folder = tmp_path / "phone"
    folder.mkdir()
    shutil.copyfile(EXAMPLES / "tolino_notes.txt", folder / "notes.txt")  # another file, read fine
    make_database(folder / "mrbooks.db", [note(), note(lastPosition=900, original="Simplify, simplify.")],
                  [book()])
    with monkeypatch.context() as counting:  # how many rows a whole run reads
        whole = unplugged(counting, "mrbooks.db", after=10**9)
        assert run_cli("convert", folder, "--to", "json", "--out", tmp_path / "whole.json").exit_code == 0
    state, out = tmp_path / "state.sqlite", tmp_path / "out.json"
    unplugged(monkeypatch, "mrbooks.db", after=whole.given - 1)  # detection passes; the last row fails
    ran = run_cli("convert", folder, "--to", "json", "--out", out, "--state", state)
    assert ran.exit_code == 74, ran.output
    assert "could not be read (disk I/O error: the device removed mid-read" in ran.output
    assert not out.exists()
    assert library_in(state) == []

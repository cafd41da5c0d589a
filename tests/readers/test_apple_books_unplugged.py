"""Apple Books' databases on a disk that fails while they are read: SQLite's I/O error is no
damage. The read stops with one line saying to read it again (exit 74, as the machine refusing
a file), never a partial read, a read around damage or placeholder titles, and nothing is
merged or written."""

from __future__ import annotations

import pytest
from apple_books_dbs import ANNOTATIONS, LIBRARY, annotation, book, documents_folder, read

from excerpta.errors import InputIOError
from sqlite_rows import unplugged
from state_checks import library_in

FAILED = ("could not be read (disk I/O error: the device removed mid-read, or its disk failing?); "
          "read it again")


def folder(root, note=None):
    rows = [annotation(n, note=note, asset="ASSET1" if n % 2 else "ASSET2") for n in range(1, 61)]
    return documents_folder(root, rows, [book("ASSET1", "Walden"), book("ASSET2", "Emma")])


def rows_read(monkeypatch, source, name) -> int:
    """How many rows a whole read of ``source`` asks of the database named ``name``."""
    with monkeypatch.context() as patch:
        device = unplugged(patch, name, after=10**9)
        read(source)
    return device.given


@pytest.mark.parametrize("name", [ANNOTATIONS.name, LIBRARY.name])
@pytest.mark.parametrize("part", [0, 0.5, 0.99])
def test_an_io_error_anywhere_in_either_database_stops_the_read(tmp_path, monkeypatch, name, part):
    documents = folder(tmp_path)
    unplugged(monkeypatch, name, after=int(rows_read(monkeypatch, documents, name) * part))
    with pytest.raises(InputIOError) as caught:
        read(documents)
    failed = next(documents.rglob(name))
    assert str(caught.value) == f"{failed}: {FAILED}"



def test_a_failing_disk_is_exit_74_and_neither_merged_nor_written(run_cli, tmp_path, monkeypatch):
    state, out = tmp_path / "state.sqlite", tmp_path / "out.json"
    first = folder(tmp_path / "first")
    assert run_cli("convert", first, "--to", "json", "--out", out, "--state", state).exit_code == 0
    good, library = out.read_bytes(), library_in(state)
    noted = folder(tmp_path / "noted", note="a note")  # the first book's notes read before it fails
    unplugged(monkeypatch, ANNOTATIONS.name, after=rows_read(monkeypatch, noted, ANNOTATIONS.name) - 1)
    result = run_cli("convert", noted, "--to", "json", "--out", out, "--state", state)
    assert result.exit_code == 74, result.output
    assert "Traceback" not in result.output
    assert result.output.strip().splitlines()[-1] == (
        f"excerpta: error: {next(noted.rglob(ANNOTATIONS.name))}: {FAILED}")
    assert out.read_bytes() == good
    assert library_in(state) == library

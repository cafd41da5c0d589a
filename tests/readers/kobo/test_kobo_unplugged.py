"""A Kobo unplugged while its database is read: SQLite's I/O error is no damage. The read stops
with one line saying to read it again (exit 74, as the machine refusing a file), never a
partial read nor a read around damage, and nothing is merged or written."""

from __future__ import annotations

import pytest
from kobo_databases import BOOK, STORE_BOOK, book_rows, bookmark, make_database, read

from excerpta.errors import InputIOError
from sqlite_rows import unplugged
from state_checks import library_in

NAME = "KoboReader.sqlite"
FAILED = ("could not be read (disk I/O error: the device removed mid-read, or its disk failing?); "
          "read it again")


def rows(count: int = 60) -> list[dict[str, object]]:
    """``count`` highlights, every third in a second book (read first: its VolumeID sorts first)."""
    return [bookmark(f"b{n:03d}", f"Passage {n:03d}", volume=STORE_BOOK if n % 3 == 0 else BOOK,
                     content=f"{STORE_BOOK}!!ch1" if n % 3 == 0 else None) for n in range(count)]


def content() -> list[dict[str, object]]:
    return book_rows() + book_rows(STORE_BOOK, "Alice in Wonderland", "Lewis Carroll",
                                   chapters=(("!!ch1", "Down the Rabbit-Hole", 0),))


def rows_read(monkeypatch, path) -> int:
    """How many rows a whole read of ``path`` asks of SQLite."""
    with monkeypatch.context() as patch:
        device = unplugged(patch, NAME, after=10**9)
        read(path)
    return device.given


@pytest.mark.parametrize("part", [0, 0.25, 0.5, 0.75, 0.99])
def test_an_io_error_anywhere_in_the_read_stops_it_and_says_to_read_it_again(tmp_path, monkeypatch, part):
    path = make_database(tmp_path / NAME, rows(), content())
    unplugged(monkeypatch, NAME, after=int(rows_read(monkeypatch, path) * part))
    with pytest.raises(InputIOError) as caught:
        read(path)
    assert str(caught.value) == f"{path}: {FAILED}"



def test_an_unplugged_kobo_is_exit_74_and_neither_merged_nor_written(run_cli, tmp_path, monkeypatch):
    (tmp_path / "first").mkdir()
    path = make_database(tmp_path / "first" / NAME, rows(), content())
    state, out = tmp_path / "state.sqlite", tmp_path / "out.json"
    assert run_cli("convert", path, "--to", "json", "--out", out, "--state", state).exit_code == 0
    good, library = out.read_bytes(), library_in(state)
    # Notes added to the book read first, the device unplugged on the last rows of the other.
    noted = [{**row, "Annotation": "a note"} if row["VolumeID"] == STORE_BOOK else row for row in rows()]
    path = make_database(tmp_path / NAME, noted, content())
    unplugged(monkeypatch, NAME, after=rows_read(monkeypatch, path) - 1)
    result = run_cli("convert", path, "--from", "kobo", "--to", "json", "--out", out, "--state", state)
    assert result.exit_code == 74, result.output
    assert "Traceback" not in result.output
    assert result.output.strip().splitlines()[-1] == f"excerpta: error: {path}: {FAILED}"
    assert out.read_bytes() == good
    assert library_in(state) == library

"""A ``books.db`` with a damaged page (a card's failing block) is read around the damage: every
note before and after it is read, what was lost said once, the read cut short. A device unplugged
mid-read (SQLite's I/O error) is no damage: the read stops, to be done again."""

from __future__ import annotations

import pytest
from pocketbook_databases import make_database, note, read_database

from excerpta.errors import InputError, InputIOError
from sqlite_rows import unplugged, zero_page_amid
from state_checks import library_in

NAME = "books.db"
FAILED = ("could not be read (disk I/O error: the device removed mid-read, or its disk failing?); "
          "read it again")


def _notes(count: int = 300) -> list[dict[str, object]]:
    return [note(n, f"Passage {n:03d} of the book, long enough to fill the pages of the table quickly.",
                 page=n, note_text=f"Note {n:03d}") for n in range(2, count + 2)]


def test_a_damaged_page_of_tags_loses_only_its_notes_reported_once(tmp_path):
    path = make_database(tmp_path / NAME, notes=_notes())
    lost = zero_page_amid(path, "Tags", "Passage ")
    (document,), state = read_database(path)
    assert lost  # the notes whose passage was on the page: those alone are not read
    assert {int(h.text[8:11]) for h in document.highlights} == set(range(2, 302)) - lost
    assert [(p.where, p.kept) for p in state.problems] == [("Tags", False)]
    assert state.problems[0].reason.startswith("damaged (database disk image is malformed): at most ")
    assert state.cut_short
    # What the damage may have taken of the others is left to the library.
    assert state.left_out[document.highlights[0].id] >= {"note", "location"}


def test_a_damaged_page_of_items_loses_only_its_items_reported_once(tmp_path):
    notes = _notes()
    for made in notes:  # a marker in each Items row, to know which the page held
        made["item"]["HashUUID"] = f"Passage {made['item']['OID']:03d}"
    path = make_database(tmp_path / NAME, notes=notes)
    lost = zero_page_amid(path, "Items", "Passage ")
    (document,), state = read_database(path)
    assert lost
    assert {int(h.text[8:11]) for h in document.highlights} == set(range(2, 302)) - lost
    assert [p.where for p in state.problems] == ["Items"]
    assert state.cut_short


def test_a_database_whose_every_note_is_lost_stays_an_input_error(tmp_path):
    path = make_database(tmp_path / NAME, notes=_notes(3))
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    data[page_size:] = bytes(len(data) - page_size)  # every page but the schema's zeroed
    path.write_bytes(bytes(data))
    with pytest.raises(InputError) as caught:
        read_database(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert "\n" not in str(caught.value)


def _rows_read(monkeypatch, path) -> int:
    with monkeypatch.context() as patch:
        device = unplugged(patch, NAME, after=10**9)
        read_database(path)
    return device.given


@pytest.mark.parametrize("part", [0, 0.3, 0.6, 0.99])
def test_an_io_error_anywhere_in_the_read_stops_it_and_says_to_read_it_again(tmp_path, monkeypatch, part):
    path = make_database(tmp_path / NAME, notes=_notes(40))
    unplugged(monkeypatch, NAME, after=int(_rows_read(monkeypatch, path) * part))
    with pytest.raises(InputIOError) as caught:
        read_database(path)
    assert str(caught.value) == f"{path}: {FAILED}"


def test_an_unplugged_device_is_exit_74_and_neither_merged_nor_written(run_cli, tmp_path, monkeypatch):
    path = make_database(tmp_path / NAME, notes=_notes(40))
    state, out = tmp_path / "state.sqlite", tmp_path / "out.json"
    assert run_cli("convert", path, "--to", "json", "--out", out, "--state", state).exit_code == 0
    good, library = out.read_bytes(), library_in(state)
    path.unlink()
    make_database(path, notes=[{**made, "tags": {**made["tags"], "bm.note": ('{"text": "Edited."}', 0)}}
                               for made in _notes(40)])
    unplugged(monkeypatch, NAME, after=_rows_read(monkeypatch, path) - 1)
    result = run_cli("convert", path, "--to", "json", "--out", out, "--state", state)
    assert result.exit_code == 74, result.output
    assert result.output.strip().splitlines()[-1] == f"excerpta: error: {path}: {FAILED}"
    assert out.read_bytes() == good
    assert library_in(state) == library

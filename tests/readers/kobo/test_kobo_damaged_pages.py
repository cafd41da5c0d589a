"""A Kobo database with a damaged page amid its tables (Kobo databases are known for it): every
highlight SQLite can still read is read, before and after the damage, the file is reported as
read in part in one line saying how much could not be read, and no row that could not be read
ever counts as deleted."""

from __future__ import annotations

import json
import sqlite3

import pytest
from kobo_databases import BOOK, STORE_BOOK, book_rows, bookmark, make_database, read

from excerpta.errors import InputError
from sqlite_rows import zero_page_amid

FILLER = " It is a truth universally acknowledged." * 8  # ~320 bytes: about 11 rows a page
HIDDEN = {7, 70}  # deleted on the device: one before the damaged page, one after it
MALFORMED = "database disk image is malformed"


def passage(n: int) -> str:
    return f"Passage {n:03d}{FILLER}"


def rows(count: int = 120) -> list[dict[str, object]]:
    """``count`` highlights, every third in a second book, two of them deleted on the device."""
    return [bookmark(f"b{n:03d}", passage(n), volume=STORE_BOOK if n % 3 == 0 else BOOK,
                     content=f"{STORE_BOOK}!!ch1" if n % 3 == 0 else None,
                     Hidden="true" if n in HIDDEN else "false")
            for n in range(count)]


def content() -> list[dict[str, object]]:
    return book_rows() + book_rows(STORE_BOOK, "Alice in Wonderland", "Lewis Carroll",
                                   chapters=(("!!ch1", "Down the Rabbit-Hole", 0),))


def damaged(tmp_path, name="KoboReader.sqlite"):
    """A database of :func:`rows` whose middle Bookmark page is zeroed, and the numbers of the
    rows that page held."""
    path = make_database(tmp_path / name, rows(), content())
    lost = zero_page_amid(path, "Bookmark", "Passage ")
    assert lost
    assert 7 < min(lost) <= max(lost) < 70  # the damage between the hidden rows
    return path, lost


def places_in(out) -> dict[str, int]:
    """The location of each highlight of a json output, by its text."""
    documents = json.loads(out.read_text())["documents"]
    return {h["text"]: h["location"] for d in documents for h in d["highlights"]}


def texts(documents) -> set[int]:
    return {int(h.text.split()[1]) for d in documents for h in d.highlights}


def test_every_highlight_before_and_after_a_damaged_page_is_read_and_the_loss_reported(tmp_path):
    path, lost = damaged(tmp_path)
    documents, state = read(path)
    assert texts(documents) == set(range(120)) - lost
    assert {d.title for d in documents} == {"Pride and Prejudice", "Alice in Wonderland"}
    deleted = {int(h.text.split()[1]) for d in documents for h in d.highlights if h.is_deleted}
    assert deleted == HIDDEN
    rowids = sorted(n + 1 for n in lost)  # rows inserted in order: rowid = number + 1
    assert [(p.source, p.where, p.reason, p.kept) for p in state.problems] == [
        (str(path), "Bookmark", f"damaged ({MALFORMED}): at most {len(lost)} rows (rowids {rowids[0]} to "
         f"{rowids[-1]}) could not be read, the {120 - len(lost)} others were; highlights on them are "
         "left out", False)]


def test_a_damaged_page_is_exit_1_with_one_line_naming_the_file(run_cli, tmp_path):
    path, lost = damaged(tmp_path)
    out = tmp_path / "out.json"
    result = run_cli("convert", path, "--to", "json", "--out", out)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    (line,) = [line for line in result.output.splitlines() if MALFORMED in line]
    assert line.startswith(f"skipped {path}: Bookmark: damaged ({MALFORMED}): at most {len(lost)} rows ")
    read_back = {int(h["text"].split()[1]) for d in json.loads(out.read_text())["documents"]
                 for h in d["highlights"]}
    assert read_back == set(range(120)) - lost


def test_highlights_on_the_damaged_page_are_never_deleted_in_the_library(run_cli, tmp_path):
    (tmp_path / "healthy").mkdir()
    healthy = make_database(tmp_path / "healthy" / "KoboReader.sqlite", rows(), content())
    state, out = tmp_path / "state.sqlite", tmp_path / "out.json"
    assert run_cli("convert", healthy, "--to", "json", "--out", out, "--state", state).exit_code == 0
    path, _ = damaged(tmp_path)
    result = run_cli("convert", path, "--to", "json", "--out", out, "--state", state)
    assert result.exit_code == 1, result.output
    library = {int(h["text"].split()[1]): h["is_deleted"] for d in json.loads(out.read_text())["documents"]
               for h in d["highlights"]}
    assert set(library) == set(range(120))
    assert {n for n, is_deleted in library.items() if is_deleted} == HIDDEN


def test_a_database_whose_bookmarks_cannot_be_read_at_all_stays_exit_2(run_cli, tmp_path):
    path = make_database(tmp_path / "KoboReader.sqlite", rows(), content())
    data = bytearray(path.read_bytes())
    connection = sqlite3.connect(path)
    (root,) = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = 'Bookmark'").fetchone()
    connection.close()
    data[(root - 1) * 4096:root * 4096] = bytes(4096)
    path.write_bytes(bytes(data))
    with pytest.raises(InputError) as caught:
        read(path)
    assert str(caught.value) == f"{path}: damaged ({MALFORMED}); no highlight could be read from it"
    result = run_cli("convert", path, "--to", "json", "--out", tmp_path / "out.json")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


def content_damaged(tmp_path):
    """A database whose ``content`` page holding the two books' rows is zeroed."""
    others = [{"ContentID": f"file:///mnt/onboard/other{n:03d}.epub", "ContentType": "6", "MimeType": "x",
               "Title": f"Other {n:03d}{FILLER}", "___UserID": ""} for n in range(60)]
    path = make_database(tmp_path / "KoboReader.sqlite", rows(30), others[:30] + content() + others[30:])
    zero_page_amid(path, "content", "Other ")
    return path


def test_a_damaged_content_page_leaves_titles_out_not_highlights(tmp_path):
    path = content_damaged(tmp_path)
    documents, state = read(path)
    assert texts(documents) == set(range(30))
    assert [(p.where, p.kept) for p in state.problems] == [("content", True)]
    assert state.problems[0].reason.startswith(f"damaged ({MALFORMED}): at most ")
    titles = {d.title for d in documents}
    untitled = [d for d in documents if d.title not in ("Pride and Prejudice", "Alice in Wonderland")]
    assert untitled, f"the books' rows were not on the damaged page: {titles}"
    assert all(state.document_left_out[d.id] == {"title", "author"} for d in untitled)


def test_a_book_whose_row_the_damage_took_is_never_said_no_longer_on_the_device(tmp_path, caplog):
    path = content_damaged(tmp_path)
    documents, state = read(path)
    assert "no longer on the device" not in caplog.text
    untitled = sorted(d.title for d in documents)
    assert untitled == [STORE_BOOK, "Pride and Prejudice - Jane Austen"]  # both rows were on the page
    assert state.problems[0].reason.endswith(
        "could not be read; books and chapters on them are read without their titles (2 book(s) without "
        f"their row, read as {STORE_BOOK!r}, 'Pride and Prejudice - Jane Austen')")


def test_a_book_without_its_row_in_a_healthy_database_is_said_no_longer_on_the_device(tmp_path, caplog):
    path = make_database(tmp_path / "KoboReader.sqlite", rows(30), book_rows())
    documents, state = read(path)
    assert {d.title for d in documents} == {"Pride and Prejudice", STORE_BOOK}
    assert not state.problems
    assert f"book {STORE_BOOK} has no row in the content table (no longer on the device?)" in caplog.text


def test_without_state_a_damaged_read_leaves_a_good_export_as_it_was(run_cli, tmp_path):
    (tmp_path / "healthy").mkdir()
    healthy = make_database(tmp_path / "healthy" / "KoboReader.sqlite", rows(), content())
    out = tmp_path / "out.json"
    assert run_cli("convert", healthy, "--to", "json", "--out", out).exit_code == 0
    good = out.read_bytes()
    path, _ = damaged(tmp_path)
    result = run_cli("convert", path, "--to", "json", "--out", out)
    assert result.exit_code == 1, result.output
    assert out.read_bytes() == good
    assert (f"left as it was: {path} could be read only in part (damaged), and without --state writing "
            "would drop what it could not read (--force writes it)") in result.output
    forced = run_cli("convert", path, "--to", "json", "--out", out, "--force")
    assert forced.exit_code == 1, forced.output
    assert out.read_bytes() != good


def test_with_rows_lost_the_others_keep_the_places_the_library_gave_them(run_cli, tmp_path):
    (tmp_path / "healthy").mkdir()
    healthy = make_database(tmp_path / "healthy" / "KoboReader.sqlite", rows(), content())
    state, out = tmp_path / "state.sqlite", tmp_path / "out.json"
    assert run_cli("convert", healthy, "--to", "json", "--out", out, "--state", state).exit_code == 0

    def places() -> dict[int, int]:
        return {int(h["text"].split()[1]): h["location"] for d in json.loads(out.read_text())["documents"]
                for h in d["highlights"]}

    before = places()
    path, _ = damaged(tmp_path)
    assert run_cli("convert", path, "--to", "json", "--out", out, "--state", state).exit_code == 1
    assert places() == before  # a highlight's rank among the rows read is not its place


def test_a_text_of_nul_bytes_is_a_damaged_row_and_the_library_keeps_its_text(run_cli, tmp_path):
    (tmp_path / "healthy").mkdir()
    healthy = make_database(tmp_path / "healthy" / "KoboReader.sqlite", rows(10), content())
    state, out = tmp_path / "state.sqlite", tmp_path / "out.json"
    assert run_cli("convert", healthy, "--to", "json", "--out", out, "--state", state).exit_code == 0
    before = places_in(out)
    lost_page = rows(10)
    lost_page[4]["Text"] = passage(4)[:100] + "\x00" * 300  # a zeroed overflow page reads so
    path = make_database(tmp_path / "KoboReader.sqlite", lost_page, content())
    result = run_cli("convert", path, "--to", "json", "--out", out, "--state", state)
    assert result.exit_code == 1, result.output
    assert "Bookmark b004: skipped: damaged (NUL bytes where its text was" in result.output
    library = [h["text"] for d in json.loads(out.read_text())["documents"] for h in d["highlights"]]
    assert passage(4) in library
    assert not any("\x00" in text for text in library)
    assert places_in(out) == before  # none moved up a place

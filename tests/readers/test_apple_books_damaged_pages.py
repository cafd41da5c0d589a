"""An Apple Books annotation database with a damaged page amid ZAEANNOTATION: every highlight
SQLite can still read is read, before and after the damage, reported in one line as read in
part, and no row that could not be read ever counts as deleted."""

from __future__ import annotations

import json
import shutil

from apple_books_dbs import ANNOTATIONS, LIBRARY, annotation, book, documents_folder, make_annotations, read

from excerpta.adapters import ReadState
from excerpta.model import PlaceholderDocument
from sqlite_rows import zero_page_amid

FILLER = " Call me Ishmael." * 20  # ~340 bytes: about 11 rows a page
DELETED = {7, 90}  # deleted in Books: one before the damaged page, one after it
MALFORMED = "database disk image is malformed"


def rows(count: int = 120) -> list[dict[str, object]]:
    return [annotation(n, text=f"Passage {n:03d}{FILLER}", deleted=int(n in DELETED))
            for n in range(1, count + 1)]


def damaged(folder, rows_given=None):
    path = make_annotations(folder / ANNOTATIONS.name, rows_given or rows())
    shutil.copy(LIBRARY, folder)
    lost = zero_page_amid(path, "ZAEANNOTATION", "Passage ")
    assert lost
    assert 7 < min(lost) <= max(lost) < 90  # the damage between the deleted rows
    return path, lost


def numbers(documents) -> set[int]:
    return {int(h.text.split()[1]) for d in documents for h in d.highlights}


def test_every_highlight_before_and_after_a_damaged_page_is_read_and_the_loss_reported(tmp_path):
    path, lost = damaged(tmp_path)
    state = ReadState()
    documents = read(path, state)
    assert numbers(documents) == set(range(1, 121)) - lost
    assert {int(h.text.split()[1]) for d in documents for h in d.highlights if h.is_deleted} == DELETED
    assert [(p.source, p.where, p.kept) for p in state.problems] == [(str(path), "ZAEANNOTATION", False)]
    assert state.problems[0].reason == (
        f"damaged ({MALFORMED}): at most {len(lost)} rows (rowids {min(lost)} to {max(lost)}) could not "
        f"be read, the {120 - len(lost)} others were; highlights on them are left out")


def test_a_damaged_page_is_exit_1_and_never_deletes_what_it_held_in_the_library(run_cli, tmp_path):
    healthy = tmp_path / "healthy"
    healthy.mkdir()
    make_annotations(healthy / ANNOTATIONS.name, rows())
    shutil.copy(LIBRARY, healthy)
    state, out = tmp_path / "state.sqlite", tmp_path / "out.json"
    assert run_cli("convert", healthy, "--to", "json", "--out", out, "--state", state).exit_code == 0
    (tmp_path / "damaged").mkdir()
    path, lost = damaged(tmp_path / "damaged")
    result = run_cli("convert", tmp_path / "damaged", "--to", "json", "--out", out, "--state", state)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    (line,) = [line for line in result.output.splitlines() if MALFORMED in line]
    assert line.startswith(f"skipped {path}: ZAEANNOTATION: damaged ({MALFORMED}): at most {len(lost)} rows ")
    library = {int(h["text"].split()[1]): h["is_deleted"] for d in json.loads(out.read_text())["documents"]
               for h in d["highlights"]}
    assert set(library) == set(range(1, 121))
    assert {n for n, is_deleted in library.items() if is_deleted} == DELETED


def test_a_deleted_row_without_uuid_is_no_deletion_when_its_live_copy_may_be_lost(tmp_path):
    # Without a uuid, a deleted row and the same passage highlighted again share one id: in a
    # table read in part, the live row may be among those lost.
    given = rows()
    given.append(annotation(121, text=f"Passage 121{FILLER}", uuid=None, deleted=1, start=1210))
    path, lost = damaged(tmp_path, given)
    documents = read(path, ReadState())
    assert 121 not in numbers(documents)
    assert numbers(documents) == set(range(1, 121)) - lost


def test_without_state_a_damaged_read_leaves_a_good_export_as_it_was(run_cli, tmp_path):
    healthy = tmp_path / "healthy"
    healthy.mkdir()
    make_annotations(healthy / ANNOTATIONS.name, rows())
    shutil.copy(LIBRARY, healthy)
    out = tmp_path / "out.json"
    assert run_cli("convert", healthy, "--to", "json", "--out", out).exit_code == 0
    good = out.read_bytes()
    (tmp_path / "damaged").mkdir()
    damaged(tmp_path / "damaged")
    result = run_cli("convert", tmp_path / "damaged", "--to", "json", "--out", out)
    assert result.exit_code == 1, result.output
    assert out.read_bytes() == good
    assert "could be read only in part (damaged), and without --state writing would drop" in result.output


def many_books(folder):
    """Books' Documents folder under ``folder``: a highlight in each of 120 books, each titled
    ``Title <n>`` (about 11 library rows a page)."""
    return documents_folder(
        folder, [annotation(n, text=f"Passage {n:03d}", asset=f"ASSET{n:03d}") for n in range(1, 121)],
        [book(f"ASSET{n:03d}", f"Title {n:03d}{FILLER}", "Herman Melville") for n in range(1, 121)])


def damaged_library(folder):
    """:func:`many_books` with the middle page of the library's table zeroed; the folder, the
    library's path and the numbers of the books whose rows that page held."""
    documents = many_books(folder)
    library = next(documents.rglob(LIBRARY.name))
    lost = zero_page_amid(library, "ZBKLIBRARYASSET", "Title ")
    assert lost
    return documents, library, lost


def test_a_damaged_library_page_loses_only_its_books_titles_never_their_highlights(tmp_path, caplog):
    documents, library, lost = damaged_library(tmp_path)
    state = ReadState()
    read_back = read(documents, state)
    assert numbers(read_back) == set(range(1, 121))
    titled = {int(d.title.split()[1]) for d in read_back if d.title.startswith("Title ")}
    assert titled == set(range(1, 121)) - lost
    assert {d.title for d in read_back if not d.title.startswith("Title ")} == {
        f"Apple Books asset ASSET{n:03d}" for n in lost}
    assert all(isinstance(d, PlaceholderDocument) for d in read_back if not d.title.startswith("Title "))
    assert [(p.source, p.where, p.kept) for p in state.problems] == [(str(library), "ZBKLIBRARYASSET", True)]
    assert state.problems[0].reason == (
        f"damaged ({MALFORMED}): at most {len(lost)} rows (rowids {min(lost)} to {max(lost)}) could not be "
        f"read, the {120 - len(lost)} others were; the titles of books on them are left out (placeholders "
        "naming the asset id)")
    assert "removed from Books?" not in caplog.text
    assert f"{len(lost)} book(s) with highlights are not among the library rows read (on its damaged " \
           "pages?)" in caplog.text


def test_a_damaged_library_is_exit_1_and_the_library_keeps_the_titles_it_lost(run_cli, tmp_path):
    healthy = many_books(tmp_path / "healthy")
    state, out = tmp_path / "state.sqlite", tmp_path / "out.json"
    assert run_cli("convert", healthy, "--to", "json", "--out", out, "--state", state).exit_code == 0
    before = {h["text"]: (d["title"], h["is_deleted"]) for d in json.loads(out.read_text())["documents"]
              for h in d["highlights"]}
    documents, library, lost = damaged_library(tmp_path / "damaged")
    result = run_cli("convert", documents, "--to", "json", "--out", out, "--state", state)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    (line,) = [line for line in result.output.splitlines() if MALFORMED in line]
    assert line.startswith(f"read in part {library}: ZBKLIBRARYASSET: damaged ({MALFORMED}): at most "
                           f"{len(lost)} rows ")
    after = {h["text"]: (d["title"], h["is_deleted"]) for d in json.loads(out.read_text())["documents"]
             for h in d["highlights"]}
    assert after == before

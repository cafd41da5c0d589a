"""The apple-books reader on damaged databases: a file cut short (an interrupted copy), whose
missing pages SQLite reads as rows of NULLs rather than an error, is never read as one holding
no highlights."""

from __future__ import annotations

import json
import shutil

import pytest
from apple_books_dbs import ANNOTATIONS, LIBRARY, annotation, book, documents_folder, make_annotations, read

from excerpta.adapters import ReadState
from excerpta.errors import InputError

PAGE = 4096  # the page size of the databases apple_books_dbs makes, as Books makes them


def cut(path, size, *, legacy_header=False):
    """``path`` cut to ``size`` bytes, as an interrupted copy leaves it; ``legacy_header``: its
    header's page count marked not valid (as SQLite before 3.7.0 wrote it), so only SQLite's own
    check can tell what is missing."""
    data = path.read_bytes()
    if legacy_header:
        data = data[:92] + bytes(4) + data[96:]
    path.write_bytes(data[:size])
    return path


def test_an_annotation_file_cut_short_is_refused_in_one_line_naming_it(tmp_path):
    path = make_annotations(tmp_path / ANNOTATIONS.name, [annotation(1), annotation(2)])
    assert path.stat().st_size == 2 * PAGE  # the rows are on page 2, the half cut off
    with pytest.raises(InputError) as caught:
        read(cut(path, 5000))
    assert str(caught.value) == (
        f"{path}: cut short: 5000 bytes where its header says 8192 (2 pages of 4096), as an "
        "interrupted copy leaves a file; copy it again")


def test_a_cut_short_file_is_exit_2_and_nothing_is_written(run_cli, tmp_path):
    folder = tmp_path / "copied"
    make_annotations(folder / "AEAnnotation_x.sqlite", [annotation(1), annotation(2)])
    shutil.copy(LIBRARY, folder)
    cut(folder / "AEAnnotation_x.sqlite", 5000)
    out = tmp_path / "out.json"
    result = run_cli("convert", folder, "--to", "json", "--out", out)
    assert result.exit_code == 2, result.output
    assert f"{folder / 'AEAnnotation_x.sqlite'}: cut short: 5000 bytes" in result.output
    assert not out.exists()


def test_a_cut_short_file_whose_header_gives_no_page_count_is_refused_as_damaged(tmp_path):
    path = make_annotations(tmp_path / ANNOTATIONS.name, [annotation(1), annotation(2)])
    with pytest.raises(InputError) as caught:
        read(cut(path, 5000, legacy_header=True))
    message = str(caught.value)
    assert message.startswith(f"{path}: damaged (On tree page 2 ")
    assert message.endswith("); no highlight could be read from it")
    assert "\n" not in message


def test_damage_found_after_some_highlights_is_reported_and_they_are_kept(tmp_path):
    rows = [annotation(n, text=f"Passage {n} " + "x" * 300) for n in range(1, 31)]
    path = make_annotations(tmp_path / ANNOTATIONS.name, rows)
    assert path.stat().st_size == 5 * PAGE
    state = ReadState()
    documents = read(cut(path, 5 * PAGE - 1024, legacy_header=True), state)
    assert 0 < len(documents[0].highlights) < 30
    assert [(p.source, p.where, p.kept) for p in state.problems] == [(str(path), "ZAEANNOTATION", True)]
    assert state.problems[0].reason.startswith("damaged (On tree page 5 ")
    assert state.problems[0].reason.endswith("): highlights in its damaged pages may be missing")


def test_a_library_cut_short_is_reported_and_the_highlights_kept(tmp_path):
    documents = documents_folder(tmp_path, [annotation(1)], [book("ASSET1", "A Book", "An Author")])
    library = cut(documents / "BKLibrary" / LIBRARY.name, 5000)
    state = ReadState()
    assert [(d.title, len(d.highlights)) for d in read(documents, state)] == [("Apple Books asset ASSET1", 1)]
    assert [(p.source, p.kept) for p in state.problems] == [(str(library), True)]
    assert state.problems[0].reason.startswith("cut short: 5000 bytes where its header says 8192")


def test_an_intact_database_without_highlights_reads_as_empty_without_a_problem(run_cli, tmp_path):
    folder = tmp_path / "copied"
    make_annotations(folder / ANNOTATIONS.name, [annotation(1, type=3, text=None)])
    shutil.copy(LIBRARY, folder)
    out = tmp_path / "out.json"
    result = run_cli("convert", folder, "--to", "json", "--out", out)
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["documents"] == []


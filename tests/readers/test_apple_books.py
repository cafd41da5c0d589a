"""The apple-books reader: what it reads from Books' annotation and library databases (the corpus
files read in place, and databases made on Books' own schema), ids, order, bad rows."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime

import pytest
from apple_books_dbs import (
    ANNOTATIONS,
    EPOCH_2024,
    LIBRARY,
    SAMPLES,
    annotation,
    book,
    documents_folder,
    highlights_of,
    insert_rows,
    read,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from excerpta.adapters import ReadState
from excerpta.errors import InputError
from excerpta.model import PlaceholderDocument
from excerpta.ordering import cfi_key
from excerpta.readers.apple_books.annotations import RecordError, core_data_time, parse_row


def test_the_corpus_gives_each_book_its_title_author_and_highlights_the_deleted_one_as_deleted():
    documents = read(SAMPLES)
    assert [(d.id, d.title, d.author, len(d.highlights)) for d in documents] == [
        ("applebooks-1123581321", "Moby-Dick", "Herman Melville", 1),
        ("applebooks-7F1C3E2A9B8D4C6E5F4A3B2C1D0E9F8A", "Pride and Prejudice", "Jane Austen", 3),
        ("applebooks-C0FFEE00C0FFEE00C0FFEE00C0FFEE00", "A Sample PDF", None, 1),
    ]
    deleted = [(h.id, h.text) for d in documents for h in d.highlights if h.is_deleted]
    assert deleted == [("applebooks-00000000-0000-4000-8000-000000000003",
                        "deleted highlight (ZANNOTATIONDELETED=1)")]  # Books keeps it, flagged
    texts = [h.text for d in documents for h in d.highlights]
    assert "" not in texts  # the type-3 last-read position
    assert all(d.source == "ibooks" and d.category == "books" for d in documents)


def test_every_field_of_a_corpus_highlight_is_mapped():
    bennet = "Mr. Bennet was among the earliest of those who waited on Mr. Bingley."
    highlight = highlights_of(read(ANNOTATIONS))[bennet]
    assert highlight.model_dump(mode="json") == {
        "id": "applebooks-00000000-0000-4000-8000-000000000002",
        "text": bennet,
        "note": "Green = character intro",
        "location": "epubcfi(/6/10[chapter02]!/4/6/1,:12,:80)",
        "location_type": None, "end_location": None, "page": None,
        "chapter": "Chapter 2",
        "color": "green",
        "highlighted_at": "2024-02-03T04:05:02Z",  # 728625902 s after 2001-01-01 UTC
        "updated_at": "2024-02-03T04:06:02Z",
        "url": "ibooks://assetid/7F1C3E2A9B8D4C6E5F4A3B2C1D0E9F8A#epubcfi(/6/10[chapter02]!/4/6/1,:12,:80)",
        "tags": [], "is_favorite": False, "is_deleted": False,
        "external_ids": {"applebooks": "00000000-0000-4000-8000-000000000002"},
    }


def test_the_corpus_styles_give_colours_and_underline():
    colours = {h.text: h.color for h in highlights_of(read(SAMPLES)).values()}
    assert colours == {
        "It is a truth universally acknowledged, that a single man in possession of a good fortune, "
        "must be in want of a wife.": "yellow",
        "Mr. Bennet was among the earliest of those who waited on Mr. Bingley.": "green",
        "Call me Ishmael.": "underline",
        "Purple style": "purple",
        "deleted highlight (ZANNOTATIONDELETED=1)": "pink",
    }


def test_the_annotation_file_given_alone_finds_the_library_beside_it_and_reads_as_the_folder():
    assert read(ANNOTATIONS) == read(SAMPLES)


def test_reading_leaves_the_corpus_files_as_they_were():
    before = {path.name: (path.read_bytes(), path.stat().st_mtime_ns) for path in SAMPLES.iterdir()}
    read(SAMPLES)
    assert {path.name: (path.read_bytes(), path.stat().st_mtime_ns) for path in SAMPLES.iterdir()} == before


@pytest.mark.parametrize(("style", "underline", "colour"), [
    (0, 1, "underline"), (0, 0, "underline"), (1, 0, "green"), (2, 0, "blue"), (3, 0, "yellow"),
    (4, 0, "pink"), (5, 0, "purple"), (4, 1, "pink"), (6, 0, None), (None, 0, None)])
def test_a_style_gives_its_colour_and_an_underlined_colour_keeps_it(tmp_path, style, underline, colour):
    documents = documents_folder(tmp_path, [annotation(1, style=style, underline=underline)], [])
    assert read(documents)[0].highlights[0].color == colour


def test_highlights_come_in_range_start_order_then_by_their_cfi(tmp_path):
    rows = [annotation(1, start=30, text="third"),
            annotation(2, start=10, location="epubcfi(/6/4!/4/10/1,:0,:5)", text="second"),
            annotation(3, start=10, location="epubcfi(/6/4!/4/2/1,:0,:5)", text="first"),
            annotation(4, start=None, text="last, without a range")]
    documents = read(documents_folder(tmp_path, rows, [book("ASSET1", "A Book")]))
    assert [h.text for h in documents[0].highlights] == ["first", "second", "third", "last, without a range"]


def test_positions_bookmarks_and_empty_rows_are_left_out_a_lone_note_kept_a_deleted_row_deleted(tmp_path):
    rows = [annotation(1, text="kept"), annotation(2, deleted=1, text="deleted"),
            annotation(3, type=3, text=None, location="epubcfi(/6/14!/4/1:0)"),
            annotation(4, type=1, text="a bookmark"), annotation(5, text="  ", note=None),
            annotation(6, text=None, note="a note on nothing selected"),
            annotation(7, deleted=None, text="NULL"),
            annotation(8, deleted=1, text=None, note=None),
            annotation(9, deleted=1, type=1, text="a deleted bookmark")]
    state = ReadState()
    documents = read(documents_folder(tmp_path, rows, [book("ASSET1", "A Book")]), state)
    assert [(h.text, h.note, h.is_deleted) for h in documents[0].highlights] == [
        ("kept", None, False), ("deleted", None, True), ("", "a note on nothing selected", False),
        ("NULL", None, False)]
    assert state.problems == []


def test_a_deleted_row_that_cannot_be_read_is_left_out_unreported(tmp_path):
    rows = [annotation(1, text="kept"), annotation(2, deleted=1, asset=None),
            annotation(3, deleted=1, uuid=b"\xff\xfe")]
    state = ReadState()
    documents = read(documents_folder(tmp_path, rows, [book("ASSET1", "A Book")]), state)
    assert [(h.text, h.is_deleted) for h in documents[0].highlights] == [("kept", False)]
    assert state.problems == []


def test_a_passage_deleted_and_highlighted_again_without_uuids_is_one_live_highlight(tmp_path):
    rows = [annotation(1, deleted=1, uuid=None, text="again", location="epubcfi(/6/4!/4/2/1,:0,:5)"),
            annotation(2, uuid=None, text="again", location="epubcfi(/6/4!/4/2/1,:0,:5)")]
    state = ReadState()
    documents = read(documents_folder(tmp_path, rows, [book("ASSET1", "A Book")]), state)
    assert [(h.text, h.is_deleted) for h in documents[0].highlights] == [("again", False)]
    assert state.problems == []


def test_a_highlight_deleted_in_books_since_the_last_run_is_deleted_in_the_library_and_vault(
        run_cli, tmp_path):
    documents = documents_folder(tmp_path, [annotation(1, text="Kept."), annotation(2, text="Gone.")],
                                 [book("ASSET1", "A Book")])
    path = documents / "AEAnnotation" / ANNOTATIONS.name
    state, out, vault = tmp_path / "state.sqlite", tmp_path / "out.json", tmp_path / "vault"
    for target, output in (("json", out), ("obsidian", vault)):
        assert run_cli("convert", documents, "--to", target, "--out", output, "--state", state).exit_code == 0
    assert "Gone." in next(vault.rglob("A Book.md")).read_text()
    books = sqlite3.connect(path)  # what Books does on delete: the row stays, flagged
    books.execute("UPDATE ZAEANNOTATION SET ZANNOTATIONDELETED = 1, ZANNOTATIONMODIFICATIONDATE = ? "
                  "WHERE Z_PK = 2", (EPOCH_2024 + 100,))
    books.commit()
    books.close()
    for target, output in (("json", out), ("obsidian", vault)):
        result = run_cli("convert", documents, "--to", target, "--out", output, "--state", state)
        assert result.exit_code == 0, result.output
    (document,) = json.loads(out.read_text())["documents"]
    assert [(h["text"], h["is_deleted"]) for h in document["highlights"]] == [
        ("Kept.", False), ("Gone.", True)]
    note = next(vault.rglob("A Book.md")).read_text()
    assert "Kept." in note
    assert "Gone." not in note


def test_chapter_comes_from_futureproofing5_and_is_none_when_empty(tmp_path):
    rows = [annotation(1, chapter="  Chapter One "), annotation(2, chapter=""), annotation(3)]
    documents = read(documents_folder(tmp_path, rows, [book("ASSET1", "A Book")]))
    assert [h.chapter for h in documents[0].highlights] == ["Chapter One", None, None]


def test_books_come_apart_with_their_library_fields(tmp_path):
    rows = [annotation(1, asset="B"), annotation(2, asset="A"), annotation(3, asset="B")]
    books = [book("A", "Walden", "Henry David Thoreau", ZBOOKDESCRIPTION="Life in the woods."),
             book("B", "Untitled PDF", None)]
    documents = read(documents_folder(tmp_path, rows, books))
    fields = [(d.id, d.title, d.author, d.summary, d.url, d.external_ids, len(d.highlights))
              for d in documents]
    assert fields == [
        ("applebooks-A", "Walden", "Henry David Thoreau", "Life in the woods.", "ibooks://assetid/A",
         {"applebooks": "A"}, 1),
        ("applebooks-B", "Untitled PDF", None, None, "ibooks://assetid/B", {"applebooks": "B"}, 2),
    ]


def test_ids_are_the_same_on_every_read_and_when_a_highlight_is_added(tmp_path):
    documents = documents_folder(tmp_path, [annotation(1), annotation(3, uuid=None)], [book("ASSET1", "A")])
    first = {h.text: h.id for h in read(documents)[0].highlights}
    assert first == {h.text: h.id for h in read(documents)[0].highlights}
    db = sqlite3.connect(documents / "AEAnnotation" / ANNOTATIONS.name)
    insert_rows(db, "ZAEANNOTATION", [annotation(2, text="Added in between.")])
    db.commit()
    db.close()
    later = {h.text: h.id for h in read(documents)[0].highlights}
    assert later == first | {"Added in between.": "applebooks-UUID-2"}
    assert first["Passage 1."] == "applebooks-UUID-1"
    assert first["Passage 3."].startswith("h")  # no uuid: a hash of book, location and text


def test_a_row_without_a_book_or_with_an_undecodable_id_is_reported_and_the_others_kept(tmp_path):
    rows = [annotation(1), annotation(2, asset=None), annotation(3, uuid=b"\xff"), annotation(4)]
    state = ReadState()
    documents = read(documents_folder(tmp_path, rows, [book("ASSET1", "A Book")]), state)
    assert [h.text for h in documents[0].highlights] == ["Passage 1.", "Passage 4."]
    path = tmp_path / "Documents" / "AEAnnotation" / ANNOTATIONS.name
    assert [str(problem) for problem in state.problems] == [
        f"{path}: ZAEANNOTATION Z_PK 2: no ZANNOTATIONASSETID: the book it belongs to is unknown; skipped",
        f"{path}: ZAEANNOTATION Z_PK 3: ZANNOTATIONUUID: bytes that are not UTF-8 (b'\\xff'); skipped",
    ]


def test_text_that_is_not_utf8_is_read_with_replacement_characters_and_reported(tmp_path):
    rows = [annotation(1, text=b"caf\xe9", chapter=b"Chapitre \xe9t\xe9")]
    state = ReadState()
    highlight = read(documents_folder(tmp_path, rows, [book("ASSET1", "A Book")]), state)[0].highlights[0]
    assert (highlight.text, highlight.chapter) == ("caf\ufffd", "Chapitre \ufffdt\ufffd")
    assert [(p.where, p.reason, p.kept) for p in state.problems] == [
        ("ZAEANNOTATION Z_PK 1", "ZANNOTATIONSELECTEDTEXT, ZFUTUREPROOFING5: bytes that are not UTF-8, "
         "read as U+FFFD", True)]


def test_a_date_that_is_no_timestamp_is_reported_and_the_highlight_kept_without_it(tmp_path):
    rows = [annotation(1, created="yesterday"), annotation(2, modified=float("inf"))]
    state = ReadState()
    highlights = read(documents_folder(tmp_path, rows, [book("ASSET1", "A Book")]), state)[0].highlights
    assert [(h.highlighted_at, h.updated_at) for h in highlights] == [
        (None, datetime(2024, 1, 1, 0, 0, 1, 500000, tzinfo=UTC)),
        (datetime(2024, 1, 1, 0, 0, 2, tzinfo=UTC), None)]
    assert state.left_out == {"applebooks-UUID-1": {"highlighted_at"}, "applebooks-UUID-2": {"updated_at"}}
    assert [(p.where, p.kept) for p in state.problems] == [("ZAEANNOTATION Z_PK 1", True),
                                                           ("ZAEANNOTATION Z_PK 2", True)]
    assert "ZANNOTATIONCREATIONDATE not a number: 'yesterday'" in state.problems[0].reason


def test_a_uuid_given_twice_is_reported_once_and_its_first_row_kept(tmp_path):
    rows = [annotation(1, uuid="SAME"), annotation(2, uuid="SAME", asset="OTHER")]
    state = ReadState()
    documents = read(documents_folder(tmp_path, rows, [book("ASSET1", "A Book")]), state)
    assert [h.text for d in documents for h in d.highlights] == ["Passage 1."]
    assert [p.where for p in state.problems] == ["ZAEANNOTATION Z_PK 2"]


def test_core_data_time_counts_seconds_from_2001_in_utc():
    assert core_data_time(0) == datetime(2001, 1, 1, tzinfo=UTC)
    assert core_data_time(EPOCH_2024 + 0.25) == datetime(2024, 1, 1, 0, 0, 0, 250000, tzinfo=UTC)
    assert core_data_time(b"-86400") == datetime(2000, 12, 31, tzinfo=UTC)
    assert core_data_time(None) is None
    for bad in (float("nan"), 1e300, b"soon", True):
        with pytest.raises(ValueError, match=r"not a|out of range"):
            core_data_time(bad)


def test_cfi_keys_order_positions_by_their_steps_not_their_assertions():
    assert cfi_key("epubcfi(/6/10[chapter02]!/4/6/1,:12,:80)") == (6, 10, 4, 6, 1, 12)
    assert cfi_key("epubcfi(/6/14[ch2]!/4/1:0)") < cfi_key("epubcfi(/6/14[ch1]!/4/3:0)")
    assert cfi_key("epubcfi(/6/14[a^]b]!/4/1:0)") == (6, 14, 4, 1, 0)  # an escaped bracket in an id
    assert cfi_key(None) is None


_VALUE = st.one_of(st.none(), st.integers(), st.floats(), st.text(max_size=20), st.binary(max_size=20))


@settings(max_examples=300)
@given(values=st.tuples(st.integers(), *[_VALUE] * 10, st.sampled_from([0, 1])))
def test_any_row_values_are_read_or_refused_as_a_record_error(values):
    try:
        parse_row(values)
    except RecordError as err:
        message = str(err)
    else:
        return
    assert message.startswith(("ZANNOTATIONASSETID", "no ZANNOTATIONASSETID", "ZANNOTATIONUUID"))
    assert "\n" not in message


def test_a_placeholder_document_when_the_library_has_no_such_book(tmp_path):
    documents = read(documents_folder(tmp_path, [annotation(1, asset="GONE")], [book("ASSET1", "A")]))
    assert isinstance(documents[0], PlaceholderDocument)
    assert documents[0].title == "Apple Books asset GONE"


def test_convert_to_json_through_the_cli(run_cli, tmp_path):
    out = tmp_path / "out.json"
    result = run_cli("convert", SAMPLES, "--to", "json", "--out", out)
    assert result.exit_code == 0, result.output
    library = json.loads(out.read_text())
    assert [(d["title"], [(h["text"], h["is_deleted"]) for h in d["highlights"]])
            for d in library["documents"]] == [
        ("Moby-Dick", [("Call me Ishmael.", False)]),
        ("Pride and Prejudice", [
            ("It is a truth universally acknowledged, that a single man in possession of a good fortune, "
             "must be in want of a wife.", False),
            ("Mr. Bennet was among the earliest of those who waited on Mr. Bingley.", False),
            ("deleted highlight (ZANNOTATIONDELETED=1)", True)]),
        ("A Sample PDF", [("Purple style", False)]),
    ]
    assert "3 documents, 5 highlights" in result.output


def test_convert_to_obsidian_through_the_cli_links_each_highlight_to_books(run_cli, tmp_path):
    vault = tmp_path / "vault"
    result = run_cli("convert", ANNOTATIONS, "--to", "obsidian", "--out", vault)
    assert result.exit_code == 0, result.output
    note = next(vault.rglob("Pride and Prejudice.md")).read_text()
    assert "Jane Austen" in note
    assert "Green = character intro" in note
    link = "ibooks://assetid/7F1C3E2A9B8D4C6E5F4A3B2C1D0E9F8A#epubcfi(/6/10%5Bchapter02%5D!/4/6/1,:12,:80)"
    assert link in note


def test_the_library_sample_is_no_annotation_database_and_reading_it_says_what_to_give():
    with pytest.raises(InputError, match=r"library database \(titles only\), not its annotations: give the "
                                         r"AEAnnotation\*\.sqlite file"):
        read(LIBRARY)

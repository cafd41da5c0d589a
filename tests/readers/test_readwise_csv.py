"""readwise-csv: Readwise's CSV export (9 and 11 columns) and its bulk-import format.

Expected values were written by reading the corpus files in ../shared/corpus/readwise/csv-export.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from excerpta import registry
from excerpta.adapters import InputProbe, ReadState
from excerpta.errors import InputError
from excerpta.model import Category, Document, LocationType
from excerpta.pipeline import convert
from excerpta.readers.readwise_csv import ReadwiseCsvReader
from excerpta.store import open_store

from paths import CORPUS

CSV_DIR = CORPUS / "readwise" / "csv-export"
EXPORT_2026 = CSV_DIR / "steshinss-readwise-data.2026.csv"
EXPORT_2019 = CSV_DIR / "dpastoor-readwise-data.2019.excerpt.csv"
EXPORT_BOOKSHQ = CSV_DIR / "franco3x-bookshq-readwise-data.excerpt.csv"
IMPORT_HEADER = "Highlight,Title,Author,URL,Note,Location,Date"


def read(path: Path | str) -> tuple[list[Document], ReadState]:
    state = ReadState()
    return list(ReadwiseCsvReader().read(str(path), state)), state


def by_title(documents: list[Document]) -> dict[str, Document]:
    merged: dict[str, Document] = {}
    for document in documents:
        if document.title in merged:
            merged[document.title].highlights.extend(document.highlights)
        else:
            merged[document.title] = document
    return merged


def write_crlf(path: Path, *lines: str) -> Path:
    path.write_bytes("\r\n".join(lines).encode() + b"\r\n")
    return path


def test_eleven_column_export_reads_titles_authors_notes_offsets_and_microsecond_dates():
    documents, state = read(EXPORT_2026)
    assert state.problems == []
    docs = by_title(documents)
    assert sorted(docs) == [
        "Effortlessly save popular documents in two clicks",
        "X",
        "🚨 BREAKING: Temperatures are now set to reach up to...",
    ]
    tweet = docs["🚨 BREAKING: Temperatures are now set to reach up to..."]
    assert tweet.author == "Politics UK"
    [highlight] = tweet.highlights
    assert highlight.text == "nd Thursday"
    assert highlight.note == "beware"
    assert highlight.location == 81
    assert highlight.location_type is LocationType.OFFSET
    assert highlight.color is None
    assert highlight.highlighted_at == datetime(2026, 6, 22, 10, 34, 42, 964038, tzinfo=UTC)
    wisereads = docs["Effortlessly save popular documents in two clicks"]
    assert wisereads.author == "Daniel Doyon and Tristan Homsi"
    assert wisereads.highlights[0].text == (
        "over the past week in a newsletter called *Wisereads*. **Tap the bu**"
    )
    assert docs["X"].author == "x.com"
    assert docs["X"].category is None


def test_nine_column_2019_export_reads_every_record_without_dates():
    documents, state = read(EXPORT_2019)
    assert state.problems == []
    highlights = [h for d in documents for h in d.highlights]
    assert len(highlights) == 30  # header + first 20 + 10 later records (PROVENANCE.md)
    assert all(h.highlighted_at is None for h in highlights)
    docs = by_title(documents)
    made_to_stick = docs["Made to Stick: Why Some Ideas Survive and Others Die"]
    assert made_to_stick.author == "Chip Heath, Dan Heath"
    assert made_to_stick.asin == "B000N2HCKQ"
    assert made_to_stick.category is Category.BOOKS
    assert [(h.location, h.color, h.tags) for h in made_to_stick.highlights] == [
        (2949, "blue", ["blue"]), (890, "pink", ["pink"]), (3192, "blue", ["blue"]),
    ]
    managing = docs["Managing Humans: Biting and Humorous Tales of a Software Engineering Manager"]
    assert managing.highlights[0].location == 332
    assert managing.highlights[0].location_type is LocationType.LOCATION
    assert managing.highlights[0].note is None


def test_favorite_tag_marks_the_highlight_favorite_and_is_kept_as_a_tag():
    documents, _ = read(EXPORT_2019)
    zen = by_title(documents)[
        "Presentation Zen: Simple Ideas on Presentation Design and Delivery (Voices That Matter)"
    ]
    favourite = next(h for h in zen.highlights if h.location == 1575)
    assert favourite.is_favorite
    assert favourite.tags == ["favorite"]
    assert not next(h for h in zen.highlights if h.location == 479).is_favorite


def test_multiline_cells_doubled_quotes_and_tweet_threads():
    documents, state = read(EXPORT_BOOKSHQ)
    assert state.problems == []
    assert sum(len(d.highlights) for d in documents) == 15
    thread = by_title(documents)["As an entrepreneur, you..."]
    assert thread.author == "@realjondavids on Twitter"
    assert thread.category is Category.TWEETS
    assert [h.location for h in thread.highlights] == [0, 3, 1, 9, 15]
    first = thread.highlights[0]
    assert first.location_type is None
    assert first.text.startswith("As an entrepreneur, you need to know your numbers.\n\nBut what does")
    assert first.text.endswith("portfolio co's.\n\n🧵")
    months = thread.highlights[2]
    assert months.location_type is LocationType.ORDER
    assert 'But instead of just "cash", I add in accounts receivable' in months.text
    assert months.highlighted_at == datetime(2022, 4, 18, 1, 27, 32, 357530, tzinfo=UTC)


def test_comma_joined_tags_and_heading_notes():
    documents, _ = read(EXPORT_BOOKSHQ)
    docs = by_title(documents)
    crunchers = docs["Super Crunchers: Why Thinking-by-Numbers Is the New Way to Be Smart"]
    assert crunchers.highlights[1].tags == ["sports", "interesting facts", "data"]
    assert crunchers.highlights[2].tags == ["data science"]
    grow_rich = docs["Think and Grow Rich: A Black Choice: A Guide to Success for Black Americans"]
    assert grow_rich.author == "Dennis Kimbro, Napoleon Hill"
    law = grow_rich.highlights[0]
    assert (law.text, law.note, law.tags, law.location) == ("Law of Substitution", ".h2", ["h2"], 503)
    roots = grow_rich.highlights[2]
    assert roots.tags == ["power of thought", "favorite"]
    assert roots.is_favorite
    assert roots.highlighted_at == datetime(2025, 4, 10, 4, 56, tzinfo=UTC)


def test_import_format_with_crlf_embedded_newlines_and_dates_without_offset(tmp_path):
    path = write_crlf(
        tmp_path / "import.csv",
        IMPORT_HEADER,
        '"First line\nsecond line",Walden,Henry David Thoreau,,"a note, with comma",12,2020-07-14 20:11:24',
        "Plain,Walden,Henry David Thoreau,,,13,2020-07-14T20:11:24.5+02:00",
        "From the web,,,https://example.com/post,,,",
        "Untitled quote,,,,,,",
    )
    documents, state = read(path)
    assert state.problems == []
    walden, web, quotes = documents
    assert (walden.title, walden.author, walden.url) == ("Walden", "Henry David Thoreau", None)
    first, second = walden.highlights
    assert first.text == "First line\nsecond line"
    assert first.note == "a note, with comma"
    assert first.location == 12
    assert first.highlighted_at == datetime(2020, 7, 14, 20, 11, 24, tzinfo=UTC)
    assert second.highlighted_at == datetime(2020, 7, 14, 18, 11, 24, 500000, tzinfo=UTC)
    assert (web.title, web.url) == ("https://example.com/post", "https://example.com/post")
    assert quotes.title == "Quotes"


def test_columns_are_found_by_header_name_in_any_order(tmp_path):
    in_order = write_crlf(tmp_path / "a.csv", IMPORT_HEADER, "Text,Walden,Thoreau,,note,7,")
    shuffled = write_crlf(tmp_path / "b.csv", "date,NOTE,Location,Author,Title,Highlight",
                          ",note,7,Thoreau,Walden,Text")
    [a], _ = read(in_order)
    [b], _ = read(shuffled)
    assert a == b


def test_a_byte_order_mark_and_lf_line_endings_change_nothing(tmp_path):
    lf_with_bom = tmp_path / "bom.csv"
    lf_with_bom.write_bytes(b"\xef\xbb\xbf" + EXPORT_BOOKSHQ.read_bytes().replace(b"\r\n", b"\n"))
    assert read(lf_with_bom)[0] == read(EXPORT_BOOKSHQ)[0]


def test_ids_are_stable_and_do_not_depend_on_row_order(tmp_path):
    rows = ["One,Walden,Thoreau,,,1,", "Two,Walden,Thoreau,,,2,", "Three,Other,Someone,,,1,"]
    forward = write_crlf(tmp_path / "forward.csv", IMPORT_HEADER, *rows)
    backward = write_crlf(tmp_path / "backward.csv", IMPORT_HEADER, *reversed(rows))

    def ids(path: Path) -> set[tuple[str, str]]:
        return {(d.id, h.id) for d in read(path)[0] for h in d.highlights}

    assert ids(forward) == ids(backward)
    assert len(ids(forward)) == 3
    assert ids(EXPORT_BOOKSHQ) == ids(EXPORT_BOOKSHQ)


def test_missing_highlight_column_is_one_clear_input_error(tmp_path):
    path = write_crlf(tmp_path / "notes.csv", "Title,Author,Note", "Walden,Thoreau,nice")
    with pytest.raises(InputError, match=r"notes\.csv: no 'Highlight' column") as info:
        read(path)
    assert "\n" not in str(info.value)


def test_bad_rows_are_reported_with_their_line_number_and_skipped(tmp_path):
    path = write_crlf(
        tmp_path / "bad.csv",
        IMPORT_HEADER,
        '"spans\ntwo lines",Walden,Thoreau,,,1,',
        "Bad date,Walden,Thoreau,,,2,yesterday",
        "Too,many,fields,,,,,,",
        ",Walden,Thoreau,,,4,",
        "Good,Walden,Thoreau,,,5,",
    )
    documents, state = read(path)
    assert [h.text for d in documents for h in d.highlights] == ["spans\ntwo lines", "Bad date", "Good"]
    assert [(p.where, p.reason) for p in state.problems] == [
        (5, "expected 7 fields, found 9"),
        (6, "empty Highlight"),
        (4, "Date 'yesterday' is not a date as Readwise writes it (expected ISO 8601, "
            "YYYY-MM-DD HH:MM[:SS]); 1 highlight of this file read without a date"),
    ]
    assert str(state.problems[0]).startswith(f"{path}:5: ")


def test_a_quote_never_closed_names_every_line_it_swallowed(tmp_path):
    # The open quote runs its record on to the end of the file: rows 3 and 4 are in it, and
    # the one problem reported for it has to say so or they vanish without a word.
    path = write_crlf(
        tmp_path / "cut.csv",
        IMPORT_HEADER,
        "First,Walden,Thoreau,,,1,",
        '"Second has a stray quote,Walden,Thoreau,,,2,',
        "Third,Walden,Thoreau,,,3,",
        "Fourth,Walden,Thoreau,,,4,",
    )
    documents, state = read(path)
    assert [h.text for d in documents for h in d.highlights] == ["First"]
    assert [(p.where, p.reason) for p in state.problems] == [
        (3, "lines 3-5 read as one record, expected 7 fields, found 1 "
            "(a cell on line 3 opens a quote it never closes?)")]


def test_export_and_import_files_are_recognised_and_other_csv_is_not(tmp_path):
    assert registry.detect_reader(InputProbe.of(str(EXPORT_2019))) is ReadwiseCsvReader
    assert registry.detect_reader(InputProbe.of(str(EXPORT_2026))) is ReadwiseCsvReader
    imported = write_crlf(tmp_path / "import.csv", IMPORT_HEADER, "a,b,c,,,,")
    assert ReadwiseCsvReader.recognize(InputProbe.of(str(imported))) > 0
    other = write_crlf(tmp_path / "other.csv", "name,age", "Ann,3")
    assert ReadwiseCsvReader.recognize(InputProbe.of(str(other))) == 0
    assert ReadwiseCsvReader.recognize(InputProbe.of(str(CSV_DIR))) == 0


def test_an_export_saved_with_cr_only_line_endings_is_recognised_and_read_the_same(tmp_path):
    # Old Mac line endings: the header line ends at a lone CR, which csv.reader refuses.
    resaved = tmp_path / EXPORT_2019.name
    resaved.write_bytes(EXPORT_2019.read_bytes().replace(b"\r\n", b"\r").replace(b"\n", b"\r"))
    assert b"\n" not in resaved.read_bytes()
    assert registry.detect_reader(InputProbe.of(str(resaved))) is ReadwiseCsvReader
    assert read(resaved) == read(EXPORT_2019)


_CELL = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.tuples(_CELL.filter(str.strip), _CELL, st.integers(0, 10**6)),
                     min_size=1, max_size=5, unique_by=lambda row: row[2]))  # no repeated highlight
def test_any_text_written_by_a_csv_writer_reads_back_verbatim(rows):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["Highlight", "Title", "Note", "Location"])
    for text, note, location in rows:
        writer.writerow([text, "Walden", note, location])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rows.csv"
        path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
        documents, state = read(path)
    assert state.problems == []
    read_back = [(h.text, h.note, h.location) for d in documents for h in d.highlights]
    assert read_back == [(text, note.strip() or None, location) for text, note, location in rows]


def test_an_export_re_saved_as_utf16_reads_the_same(tmp_path):
    resaved = tmp_path / EXPORT_2019.name
    resaved.write_bytes(EXPORT_2019.read_text(encoding="utf-8-sig").encode("utf-16"))
    (documents, state), (expected, _) = read(resaved), read(EXPORT_2019)
    assert documents == expected
    assert state.problems == []


def test_a_cell_over_128_kib_is_read(tmp_path):
    path = write_crlf(tmp_path / "big.csv", IMPORT_HEADER, f'long one,Book,,,"{"n" * 200_000}",1,',
                      "after,Book,,,,2,")
    documents, state = read(path)
    assert [(h.text, len(h.note or "")) for d in documents for h in d.highlights] == [
        ("long one", 200_000), ("after", 0)]
    assert state.problems == []


def test_a_cell_over_64_mib_is_reported_and_only_its_row_skipped(tmp_path):
    path = tmp_path / "huge.csv"
    path.write_bytes(f"{IMPORT_HEADER}\r\nhuge one,Book,,,\"".encode() + b"h" * (64 * 1024 * 1024 + 1)
                     + b'",1,\r\nafter,Book,,,,2,\r\n')
    documents, state = read(path)
    assert [h.text for d in documents for h in d.highlights] == ["after"]
    assert [(p.where, p.reason) for p in state.problems] == [(2, "a cell is larger than 64 MiB")]


def test_rows_with_the_same_text_and_location_are_one_highlight_that_keeps_every_note(tmp_path):
    path = write_crlf(tmp_path / "repeats.csv", "Highlight,Title,Note,Tags,Location",
                      "same text,Book,first note,a,10", "same text,Book,first note,a,10",
                      "same text,Book,second note,b,10", "other,Book,,,11", "same text,Book,,,10")
    documents, state = read(path)
    [book] = documents
    assert [(h.text, h.note, h.tags) for h in book.highlights] == [
        ("same text", "first note\n\nsecond note", ["a", "b"]), ("other", None, [])]
    assert [(p.where, p.reason) for p in state.problems] == [
        (4, "same text and location as line 2: read as one highlight, notes joined")]
    assert read(path)[0] == documents


def test_a_repeat_after_another_documents_rows_is_yielded_merged_so_the_library_keeps_both_notes(
        run_cli, tmp_path):
    path = write_crlf(tmp_path / "apart.csv", "Highlight,Title,Note,Location",
                      "same text,Book,first note,10", "elsewhere,Other,,1", "same text,Book,second note,10")
    documents, _ = read(path)
    assert [(d.title, [h.note for h in d.highlights]) for d in documents] == [
        ("Book", ["first note"]), ("Other", [None]), ("Book", ["first note\n\nsecond note"])]
    out = tmp_path / "out.json"
    assert run_cli("convert", path, "--to", "json", "--out", out).exit_code == 1
    assert "first note\\n\\nsecond note" in out.read_text()


def test_dates_a_spreadsheet_rewrote_are_not_guessed_and_their_highlights_kept_without_them(tmp_path):
    path = write_crlf(tmp_path / "excel.csv", IMPORT_HEADER,
                      "First passage,Book,Ann,,,5,6/22/2026 10:34",
                      "Second passage,Book,Ann,,,6,2026-06-23 09:00",
                      "Third passage,Book,Ann,,,7,7/6/2026 9:00")
    documents, state = read(path)
    assert [(h.text, h.highlighted_at) for d in documents for h in d.highlights] == [
        ("First passage", None), ("Second passage", datetime(2026, 6, 23, 9, 0, tzinfo=UTC)),
        ("Third passage", None)]
    [problem] = state.problems
    assert str(problem) == (f"{path}:2: Date '6/22/2026 10:34' is not a date as Readwise writes it "
                            "(expected ISO 8601, YYYY-MM-DD HH:MM[:SS]); 2 highlights of this file read "
                            "without a date")
    assert problem.kept


def test_a_re_export_with_mangled_dates_keeps_the_dates_the_library_has(tmp_path):
    first = write_crlf(tmp_path / "first.csv", IMPORT_HEADER,
                       "First passage,Book,Ann,,,5,2026-06-22 10:34",
                       "Second passage,Book,Ann,,,6,2026-06-23 09:00")
    again = write_crlf(tmp_path / "again.csv", IMPORT_HEADER,
                       "First passage,Book,Ann,,new note,5,6/22/2026 10:34",
                       "Second passage,Book,Ann,,,6,")
    store = open_store(tmp_path / "state.sqlite")
    for source in (first, again):
        convert([str(source)], to="json", out=tmp_path / "out.json", library=store, state=store)
    [document] = store.documents()
    store.close()
    # the unreadable date is not read; an empty cell of a file made for the bulk import is
    # "not given" (see readwise_csv.unsaid): both keep the library's date
    assert [(h.note, h.highlighted_at) for h in document.highlights] == [
        ("new note", datetime(2026, 6, 22, 10, 34, tzinfo=UTC)),
        (None, datetime(2026, 6, 23, 9, 0, tzinfo=UTC))]


def test_a_row_skipped_for_another_reason_is_not_counted_as_read_without_its_date(tmp_path):
    path = write_crlf(tmp_path / "excel.csv", IMPORT_HEADER, ",Book,Ann,,,5,6/22/2026 10:34")
    documents, state = read(path)
    assert documents == []
    assert [(p.reason, p.kept) for p in state.problems] == [("empty Highlight", False)]


def test_a_record_read_in_part_is_told_apart_from_a_skipped_one(run_cli, tmp_path):
    path = write_crlf(tmp_path / "excel.csv", IMPORT_HEADER,
                      "First passage,Book,Ann,,,5,6/22/2026 10:34",
                      "Too,few,fields")
    result = run_cli("convert", path, "--to", "json", "--out", tmp_path / "out.json")
    assert result.exit_code == 1
    assert f"read in part {path}:2: Date '6/22/2026 10:34'" in result.output
    assert f"skipped {path}:3: " in result.output
    assert "1 highlights; 1 record(s) skipped, 1 read in part" in result.output


def test_a_bulk_import_csvs_edited_cell_reaches_the_library_an_emptied_one_keeps_it(run_cli, tmp_path):
    # Review: a filled cell of a column that may be left empty ("not given") is the user's
    # edit; only an empty one keeps the library's value.
    state, out, path = tmp_path / "state.sqlite", tmp_path / "out.json", tmp_path / "import.csv"

    def tags_after(cell: str) -> list[str]:
        path.write_text(f'Highlight,Title,Author,Document tags,URL\n"A passage worth keeping here",Walden,'
                        f'Thoreau,{cell},{"https://example.org/w" if cell else ""}\n', encoding="utf-8")
        result = run_cli("--state", state, "convert", path, "--from", "readwise-csv", "--to", "json",
                         "--out", out)
        assert result.exit_code == 0, result.output
        [document] = json.loads(out.read_text(encoding="utf-8"))["documents"]
        return document["tags"], document["url"]

    assert tags_after("nature") == (["nature"], "https://example.org/w")
    assert tags_after("philosophy") == (["philosophy"], "https://example.org/w")
    assert tags_after("") == (["philosophy"], "https://example.org/w")

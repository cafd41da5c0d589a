"""What a Moon+ Reader ``.mrexpt`` export becomes: the backup's highlights with the backup's ids,
``#`` notes as values, ``*DELETED*`` records left out, and damaged records reported by line.
Every expected value is reasoned from the format Moon+ writes (see moonreader_exports)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from moonreader_backups import BLUE, BOOK_FILE, backup_of, book
from moonreader_exports import (
    HEADER,
    deleted_record,
    export_of_database,
    export_text,
    record,
    values_of,
    walden,
    write_export,
)

from excerpta import registry
from excerpta.adapters import InputProbe, ReadState
from excerpta.errors import InputError
from excerpta.identity import highlight_id
from excerpta.readers.moonreader import MoonReaderExportReader, MoonReaderOptions, MoonReaderReader

from paths import EXAMPLES


def read(path, *, bookmarks=False, reader=MoonReaderExportReader):
    state = ReadState()
    documents = list(reader(MoonReaderOptions(moonreader_bookmarks=bookmarks)).read(str(path), state))
    return documents, state


def shown(documents):
    return [(d.id, h.id, h.text, h.note, h.color, h.highlighted_at, h.location)
            for d in documents for h in d.highlights]


def test_every_value_of_a_record_is_mapped(tmp_path):
    path = write_export(tmp_path / "Walden.mrexpt", export_text(
        [walden(note="Simplify.\nSimplify.", highlightColor=BLUE, time=1709294400123)]))
    (document,), state = read(path)
    assert state.problems == []
    assert (document.title, document.author, document.source) == ("Walden", None, "moonreader")
    assert document.external_ids == {"moonreader": BOOK_FILE}
    (highlight,) = document.highlights
    assert highlight.text == "I went to the woods"
    assert highlight.note == "Simplify.\nSimplify."  # written Simplify.<BR>Simplify.
    assert highlight.color == "blue"
    assert highlight.highlighted_at == datetime(2024, 3, 1, 12, 0, 0, 123000, tzinfo=UTC)
    assert (highlight.location, highlight.location_type) == (1, "order")
    assert highlight.id == highlight_id(document.id, "I went to the woods", "3.0.120")


@pytest.mark.parametrize("bookmarks", [False, True])
def test_an_export_gives_the_ids_its_backup_gives_for_the_same_rows(tmp_path, bookmarks):
    rows = [walden(original="Line one\nline two", lastChapter=2, lastPosition=40),
            walden(original="Economy", note="A note.", highlightColor=BLUE, lastChapter=1),
            walden(book="Walden.epub", original="", highlightLength=0, bookmark="(4.4%) Where I Lived",
                   lastChapter=2, lastPosition=0),
            walden(original="Twice", lastChapter=5), walden(original="Twice", note="kept", lastChapter=5),
            walden(original="Same place, other text", lastChapter=5),
            # one passage saved twice under two titles, both with a note: one highlight keeping
            # both notes, in the order written (the same time here: then by rowid), in both
            walden(book="Walden.epub", original="Saved twice", note="first", lastChapter=6),
            walden(original="Saved twice", note="second", lastChapter=6)]
    backup = backup_of(tmp_path, rows, [book()])
    export = write_export(tmp_path / "Walden.mrexpt", export_of_database(tmp_path / "2024-03-01.mrpro.db"))
    from_backup, backup_state = read(backup, bookmarks=bookmarks, reader=MoonReaderReader)
    from_export, export_state = read(export, bookmarks=bookmarks)
    assert export_state.problems == backup_state.problems == []
    assert shown(from_export) == shown(from_backup)
    assert len(shown(from_export)) == (6 if bookmarks else 5)  # twins are one highlight
    saved_twice = [h.note for d in from_export for h in d.highlights if h.text == "Saved twice"]
    assert saved_twice == ["first\n\nsecond"]


def test_notes_that_are_a_hash_sign_are_values_not_separators(tmp_path):
    # Users mark chapters with a note "#" or "##" (as in real exports); the record goes on.
    rows = [walden(note="#", original="INTRODUCTION", lastPosition=0),
            walden(note="##", original="1 Everything You Need to Know", lastChapter=4),
            walden(note="#meaningful\n\nRelate to this", original="But it does", lastChapter=5)]
    (document,), state = read(write_export(tmp_path / "w.mrexpt", export_text(rows)))
    assert state.problems == []
    assert [(h.text, h.note) for h in document.highlights] == [
        ("INTRODUCTION", "#"), ("1 Everything You Need to Know", "##"),
        ("But it does", "#meaningful\n\nRelate to this")]


def test_a_hash_sign_where_a_number_belongs_ends_a_record_cut_short(tmp_path):
    good = values_of(walden(original="Read"), 7)
    text = HEADER + record(good[:13]) + record(good)  # underline, strikethrough, bak missing
    (document,), state = read(write_export(tmp_path / "w.mrexpt", text))
    # header lines 1-3, "#" line 4 then 13 values (5-17), the next "#" line 18
    assert [str(p) for p in state.problems] == [
        f"{tmp_path / 'w.mrexpt'}: line 4: cut short: 13 of 16 values before the next record; skipped"]
    assert [h.text for h in document.highlights] == ["Read"]
    assert state.cut_short is False


def test_a_record_cut_before_its_note_ends_where_the_next_record_starts(tmp_path):
    # 11 values (up to bookmark): the "#" falls where a note (text) belongs, and is followed by
    # a record's head (an _id, then numbers at lastChapter … time): a separator.
    good = values_of(walden(original="Read"), 7)
    text = HEADER + record(good[:11]) + record(good)
    (document,), state = read(write_export(tmp_path / "w.mrexpt", text))
    assert [p.where for p in state.problems] == ["line 4"]
    assert "cut short: 11 of 16" in state.problems[0].reason
    assert [h.text for h in document.highlights] == ["Read"]


def test_a_record_with_more_values_is_reported_and_the_next_one_read(tmp_path):
    extra = [*values_of(walden(original="Extra"), 1), "17th"]
    text = HEADER + record(extra) + record(values_of(walden(original="Next", lastPosition=9), 2))
    (document,), state = read(write_export(tmp_path / "w.mrexpt", text))
    assert [(p.where, p.reason) for p in state.problems] == [
        ("line 4", "more values than the 16 Moon+ writes: skipped")]
    assert [h.text for h in document.highlights] == ["Next"]


def test_blank_lines_after_a_record_are_no_values(tmp_path):
    text = export_text([walden(original="A"), walden(original="B", lastPosition=700)]).replace(
        "\n#\n", "\n\n\n#\n") + "\n\n"
    (document,), state = read(write_export(tmp_path / "w.mrexpt", text))
    assert state.problems == []
    assert [h.text for h in document.highlights] == ["A", "B"]


def test_a_file_cut_short_in_its_last_record_reads_the_others_and_says_it_was_cut(tmp_path):
    text = export_text([walden(original="Whole"), walden(original="Cut", lastPosition=900)])
    text = text[: text.rindex("Cut") + 2]  # cut inside the second record's original: "Cu"
    (document,), state = read(write_export(tmp_path / "w.mrexpt", text))
    # the second "#" is line 4 + 17 = 21; it holds 12 values and part of the 13th
    assert [(p.where, p.reason) for p in state.problems] == [
        ("line 21", "cut short by the end of the file: 13 of 16 values; skipped")]
    assert [h.text for h in document.highlights] == ["Whole"]
    assert state.cut_short is True


def test_deleted_records_are_neither_highlights_nor_deletions(tmp_path):
    kept = walden(original="Kept", time=1709294400000)
    text = export_text([kept]) + deleted_record(1709294400000)  # the same time as the highlight
    (document,), state = read(write_export(tmp_path / "w.mrexpt", text))
    assert state.problems == []
    assert [h.text for h in document.highlights] == ["Kept"]
    assert state.deleted == set()
    assert not any(h.is_deleted for h in document.highlights)


def test_bookmarks_are_left_out_unless_asked_for(tmp_path):
    rows = [walden(), walden(book="Walden.epub", original="", highlightLength=0, bookmark="Economy",
                             lastChapter=1, lastPosition=0)]
    path = write_export(tmp_path / "w.mrexpt", export_text(rows))
    (document,), state = read(path)
    assert [h.text for h in document.highlights] == ["I went to the woods"]
    assert state.problems == []
    (document,), _ = read(path, bookmarks=True)
    assert [(h.text, h.note) for h in document.highlights] == [("", "Economy"), ("I went to the woods", None)]


@pytest.mark.parametrize(("encoding", "bom", "end"), [
    ("utf-8", "\ufeff", "\r\n"), ("utf-8", "", "\r\n"), ("utf-16", "", "\n"), ("utf-16-le", "", "\r\n")])
def test_a_byte_order_mark_crlf_and_utf16_give_the_same_highlights(tmp_path, encoding, bom, end):
    text = export_text([walden(original="Façade, naïve", note="Über")])
    plain, _ = read(write_export(tmp_path / "plain.mrexpt", text))
    resaved, state = read(write_export(tmp_path / "resaved.mrexpt", bom + text.replace("\n", end),
                                       encoding=encoding))
    assert state.problems == []
    assert shown(resaved) == shown(plain)


def test_bytes_that_are_not_utf8_are_reported_as_the_backup_reports_them(tmp_path):
    data = export_text([walden(note="NOTE")]).encode().replace(b"NOTE", b"caf\xe9")
    path = tmp_path / "w.mrexpt"
    path.write_bytes(data)
    (document,), state = read(path)
    assert document.highlights[0].note == "caf\ufffd"
    assert [(p.where, p.reason, p.kept) for p in state.problems] == [
        ("line 4 (notes _id 1)", "note is not valid UTF-8: read with U+FFFD for the bad bytes", True)]


def test_a_row_without_text_is_reported_by_its_line(tmp_path):
    path = write_export(tmp_path / "w.mrexpt", export_text([walden(original="Kept."),
                                                            walden(original="  ", note="")]))
    (document,), state = read(path)
    assert [h.text for h in document.highlights] == ["Kept."]
    assert [str(p) for p in state.problems] == [
        f"{path}: line 21 (notes _id 2): skipped: no highlighted text and no note"]


def test_a_header_only_export_holds_no_book(tmp_path):
    documents, state = read(write_export(tmp_path / "w.mrexpt", HEADER))
    assert (documents, state.problems) == ([], [])


@pytest.mark.parametrize(("content", "why"), [
    (b"", "an empty file"),
    (b"not a size\nindent:false\ntrim:false\n#\n", "its first line is not the book file's size"),
    (b"120\ntrim:false\nindent:false\n", "its second and third lines are not indent:"),
    (b"120\n", "its second and third lines are not indent:"),
])
def test_a_file_without_the_header_is_refused_in_one_line(tmp_path, content, why):
    path = tmp_path / "w.mrexpt"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        read(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: not a Moon+ Reader highlight export ({why}")
    assert "\n" not in message


def test_it_is_recognised_by_its_header_and_claims_no_other_format_s_file(tmp_path):
    named_otherwise = write_export(tmp_path / "export.txt", export_text([walden()]))
    assert MoonReaderExportReader.recognize(InputProbe.of(str(named_otherwise))) == 95
    assert registry.detect_reader(InputProbe.of(str(named_otherwise))).name == "moonreader-export"
    for sample in sorted(EXAMPLES.iterdir()):
        if sample.suffix != ".mrexpt":
            assert MoonReaderExportReader.recognize(InputProbe.of(str(sample))) == 0, sample.name


def test_an_export_of_only_deleted_records_says_so_without_verbose(tmp_path, caplog):
    path = write_export(tmp_path / "Walden.mrexpt", HEADER + deleted_record(1709294400000))
    documents, state = read(path)
    assert (documents, state.problems) == ([], [])
    (record,) = [r for r in caplog.records if r.levelname == "WARNING"]
    assert "left out 1 record(s) marked *DELETED*" in record.getMessage()

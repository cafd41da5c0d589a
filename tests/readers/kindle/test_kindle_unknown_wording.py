"""Clippings in a Kindle wording the locale table does not know are read by their shape, not
dropped: a location range is a highlight, a single location inside one is its note, an empty
record a bookmark (see ``excerpta.readers.kindle.metadata``)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from kindle_reading import erase_kind_phrases, read_path, read_text, real_clippings

from excerpta import registry
from excerpta.adapters import InputProbe
from excerpta.input_files import open_text

SEP = "=========="
# A Polish-looking wording (made up: no real Polish file has been seen), with Polish months.
POLISH = "\n".join([
    "Lalka (Bolesław Prus)",
    "- Twoje zakreślenie na stronie 5 | pozycja 70-72 | Dodano środa, 22 sierpnia 2024 18:10:53",
    "", "Tekst zakreślenia.", SEP,
    "Lalka (Bolesław Prus)",
    "- Twoja notatka na stronie 5 | pozycja 72 | Dodano środa, 22 sierpnia 2024 18:11:00",
    "", "Moja notatka.", SEP,
    "Lalka (Bolesław Prus)",
    "- Twoja zakładka na stronie 9 | pozycja 130 | Dodano czwartek, 5 września 2024 07:00:00",
    "", "", SEP,
    "Lalka (Bolesław Prus)",
    "- Twoje zakreślenie na stronie 12 | pozycja 200 | Dodano czwartek, 5 września 2024 07:01:00",
    "", "Jednowierszowe zakreślenie.", SEP,
    "",
])


def test_an_unknown_wording_gives_highlights_notes_and_dates_and_one_warning(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="excerpta"):
        read = read_text(tmp_path, POLISH)
    [warning] = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert "My Clippings.txt: 4 record(s) in a Kindle wording excerpta does not know" in warning
    assert read.problems == []
    assert [(h.text, h.note, h.location, h.end_location, h.highlighted_at) for h in read.highlights()] == [
        ("Tekst zakreślenia.", "Moja notatka.", 70, 72, datetime(2024, 8, 22, 18, 10, 53, tzinfo=UTC)),
        # A single location no highlight contains: a highlight of one location, not a lone note.
        ("Jednowierszowe zakreślenie.", None, 200, None, datetime(2024, 9, 5, 7, 1, tzinfo=UTC)),
    ]
    bookmarks = read_text(tmp_path, POLISH, kindle_bookmarks=True).highlights()
    assert [(h.text, h.location) for h in bookmarks if not h.text] == [("", 130)]


def test_a_file_in_an_unknown_wording_is_recognised_by_its_separators(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text(POLISH, encoding="utf-8")
    assert registry.detect_reader(InputProbe.of(str(path))).name == "kindle"
    # Without separators a dashed line with a "|" and a time is no evidence of a clippings file.
    other = tmp_path / "agenda.txt"
    other.write_text("Monday\n- Standup | room 5 | 9:30\n", encoding="utf-8")
    assert registry.reader("kindle").recognize(InputProbe.of(str(other))) == 0


def test_every_real_file_with_its_kind_phrases_erased_loses_no_text(tmp_path):
    # Measured on the 20 real files: 187 of their 196 highlights come out the same (text, note,
    # location); the others are a 2009 single-location highlight read as a note, and the like.
    same = total = 0
    for path in real_clippings():
        with open_text(path) as handle:
            lines = handle.read().split("\n")
        erased = tmp_path / path.name
        erased.write_text("\n".join(erase_kind_phrases(line) if line.lstrip("\ufeff ")[:1] in "-–"
                                    and "|" in line else line for line in lines), encoding="utf-8")
        known, shaped = read_path(path), read_path(erased)
        assert shaped.problems == [], path.name
        pieces = {piece for h in shaped.highlights() for piece in (h.text, *(h.note or "").split("\n\n"))}
        for highlight in known.highlights():
            for piece in (highlight.text, *(highlight.note or "").split("\n\n")):
                assert not piece or piece in pieces, (path.name, piece)
        rows = {(h.text, h.note, h.location) for h in shaped.highlights()}
        same += sum((h.text, h.note, h.location) in rows for h in known.highlights())
        total += len(known.highlights())
    assert (same, total) == (187, 196)

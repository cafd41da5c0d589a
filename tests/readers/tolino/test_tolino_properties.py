"""Properties of the ``tolino`` reader: any bytes are read or reported, never a crash, and only
records are reported (each with its line); a generated file reads back what it was made of."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tolino_reading import SEPARATOR, notes_text, read_text, record

PROPERTY_SETTINGS = settings(max_examples=60, deadline=None,
                             suppress_health_check=[HealthCheck.function_scoped_fixture])


def _only_records_reported(read) -> None:
    for problem in read.problems:
        assert isinstance(problem.where, int)
        assert problem.where >= 1
        assert problem.reason


@PROPERTY_SETTINGS
@given(data=st.binary(max_size=3000), bookmarks=st.booleans())
def test_arbitrary_bytes_never_crash_the_reader(tmp_path, data, bookmarks):
    _only_records_reported(read_text(tmp_path, data, timezone="UTC", tolino_bookmarks=bookmarks))


FRAGMENTS = st.sampled_from([
    SEPARATOR, "", "\ufeff", "\r", "Walden (Thoreau, Henry David)", "(", ")", '"', '""', "\x00",
    'Highlight on page 3: "text"', "Note on page 3: note", 'Bookmark on page 0: "',
    "Markierung\u00a0auf Seite 9-:",
    'Notiz auf Seite 99999999999: "', "Selección en la página 2-1: x", "Note en page 1:",
    "Added on 12/15/2017 | 21:31", "Added on 13/45/2017 | 25:61", "Hinzugefügt am 31.02.2023 | 7:46",
    "Geändert am 1.1.0001 | 0:00", "Toegevoegd op 15/12/9999 | 23:59", "Changed on 2/30/2020 | 13:00 PM",
    "Agregado el | ", "Aggiunto il 1.1.2020 | 0:00 AM", "-" * 36, "=" * 10,
])


@PROPERTY_SETTINGS
@given(lines=st.lists(st.one_of(FRAGMENTS, st.text(max_size=40)), max_size=40), bookmarks=st.booleans(),
       eol=st.sampled_from(["\n", "\r\n"]))
def test_notes_shaped_garbage_is_reported_record_by_record_never_a_crash(tmp_path, lines, bookmarks, eol):
    read = read_text(tmp_path, eol.join(lines), timezone="UTC", tolino_bookmarks=bookmarks)
    _only_records_reported(read)
    for highlight in read.highlights():
        assert highlight.location is not None


WORDS = st.text(st.sampled_from('abcdeéß "“'), min_size=1, max_size=30).filter(
    lambda text: text.strip() and not text.strip().startswith('"') and not text.strip().endswith('"'))


@PROPERTY_SETTINGS
@given(passages=st.lists(st.tuples(WORDS, st.integers(1, 9999), st.integers(0, 23), st.integers(0, 59)),
                         min_size=1, max_size=8, unique_by=lambda p: (p[0].strip(), p[1])),
       crlf=st.booleans(), bom=st.booleans())
def test_a_generated_file_reads_back_each_passage_page_and_time(tmp_path, passages, crlf, bom):
    records = [record("Walden (Thoreau, Henry David)", f'Markierung auf Seite {page}: "{text}"',
                      date=f"Hinzugefügt am 15.12.2017 | {hour}:{minute:02d}")
               for text, page, hour, minute in passages]
    read = read_text(tmp_path, notes_text(*records, eol="\r\n" if crlf else "\n", bom=bom), timezone="UTC")
    assert read.problems == []
    assert [(h.text, h.location, h.highlighted_at) for h in read.highlights()] == [
        (text.strip(), page, datetime(2017, 12, 15, hour, minute, tzinfo=UTC))
        for text, page, hour, minute in passages]

"""The ``tolino`` reader on ``notes.txt`` files written by the tests (public-domain quotes): every
wording, notes on highlights, bookmarks, pages, dates and zones, ids, problems, recognition
and the CLI. Expected values are read off the files."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from tolino_reading import SEPARATOR, notes_text, read_file, read_text, record

from excerpta import registry
from excerpta.adapters import InputProbe
from excerpta.model import LocationType

from paths import EXAMPLES

WALDEN = "Walden (Thoreau, Henry David)"
DELIBERATELY = "I went to the woods because I wished to live deliberately."


def test_the_example_reads_one_highlight_per_passage_in_six_languages():
    read = read_file(EXAMPLES / "tolino_notes.txt", timezone="UTC")
    assert read.problems == []
    rows = [(d.title, d.author, h.text, h.note, h.location, h.end_location, h.highlighted_at, h.updated_at)
            for d in read.documents for h in d.highlights]
    assert rows == [
        ("Walden", "Thoreau, Henry David",
         "I went to the woods because I wished to live deliberately, to front only the essential facts "
         "of life",
         "Deliberately: the whole book in one word.", 88, None,
         datetime(2024, 3, 14, 21, 5, tzinfo=UTC), datetime(2024, 3, 15, 7, 42, tzinfo=UTC)),
        ("Faust. Der Tragödie erster Teil", "Goethe, Johann Wolfgang von",
         "Da steh ich nun, ich armer Tor!\nUnd bin so klug als wie zuvor;", None, 23, 24,
         datetime(2024, 5, 2, 20, 14, tzinfo=UTC), None),
        ("Faust. Der Tragödie erster Teil", "Goethe, Johann Wolfgang von",
         "Ich bin der Geist, der stets verneint!", "Mephisto stellt sich vor.", 57, None,
         datetime(2024, 5, 2, 20, 31, tzinfo=UTC), None),
        ("Don Quijote de la Mancha", "Cervantes Saavedra, Miguel de",
         "En un lugar de la Mancha, de cuyo nombre no quiero acordarme, no ha mucho tiempo que vivía un "
         "hidalgo de los de lanza en astillero", None, 5, None,
         datetime(2024, 6, 10, 18, 2, tzinfo=UTC), None),
        ("Les Misérables", "Hugo, Victor", "Aimer ou avoir aimé, cela suffit. Ne demandez rien ensuite.",
         None, 1204, None, datetime(2024, 7, 21, 9, 15, tzinfo=UTC), None),
        ("La Divina Commedia", "Alighieri, Dante",
         "Nel mezzo del cammin di nostra vita\nmi ritrovai per una selva oscura,\n"
         "ché la diritta via era smarrita.",
         None, 1, None, datetime(2024, 8, 3, 23, 40, tzinfo=UTC), None),
        ("Max Havelaar", "Multatuli", "Ik ben makelaar in koffie, en woon op de Lauriergracht, No. 37.",
         None, 3, None, datetime(2024, 8, 15, 16, 20, tzinfo=UTC), None),
    ]
    assert {h.location_type for h in read.highlights()} == {LocationType.PAGE}
    assert {d.source for d in read.documents} == {"tolino"}


@pytest.mark.parametrize(("highlight", "note", "bookmark", "added", "changed", "when"), [
    ("Highlight on page", "Note on page", "Bookmark on page", "Added on 12/15/2017 | 21:31",
     "Changed on 12/16/2017 | 7:05", (2017, 12, 15, 21, 31)),
    ("Markierung auf Seite", "Notiz auf Seite", "Lesezeichen auf Seite", "Hinzugefügt am 15.12.2017 | 21:31",
     "Geändert am 16.12.2017 | 7:05", (2017, 12, 15, 21, 31)),
    ("Selección en la página", "Nota en la página", "Marcadores en la página",
     "Agregado el 15.12.2017 | 21:31", "Modificado el 16.12.2017 | 7:05", (2017, 12, 15, 21, 31)),
    ("Surlignement en page", "Note en page", "Signet en page", "Ajouté le 15.12.2017 | 21:31",
     "Modifié le 16.12.2017 | 7:05", (2017, 12, 15, 21, 31)),
    ("Evidenziazione a pagina", "Nota a pagina", "Segnalibro a pagina", "Aggiunto il 15.12.2017 | 21:31",
     "Modificato il 16.12.2017 | 7:05", (2017, 12, 15, 21, 31)),
    ("Markering op pagina", "Notitie op pagina", "Bladwijzer op pagina", "Toegevoegd op 15/12/2017 | 21:31",
     "Gewijzigd op 16/12/2017 | 7:05", (2017, 12, 15, 21, 31)),
], ids=["en", "de", "es", "fr", "it", "nl"])
def test_every_wording_reads_its_highlight_its_note_and_drops_its_bookmark(
        tmp_path, highlight, note, bookmark, added, changed, when):
    text = notes_text(
        record(WALDEN, f'{highlight} 12: "{DELIBERATELY}"', date=added),
        record(WALDEN, f"{bookmark} 13: \"ods because I wished to live deliber\"", date=added),
        record(WALDEN, f"{note} 12: To live deliberately.", f'"{DELIBERATELY}"', date=changed),
    )
    read = read_text(tmp_path, text, timezone="UTC")
    assert read.problems == []
    [walden] = read.documents
    assert (walden.title, walden.author) == ("Walden", "Thoreau, Henry David")
    [highlight_read] = walden.highlights
    assert highlight_read.text == DELIBERATELY
    assert highlight_read.note == "To live deliberately."
    assert highlight_read.location == 12
    assert highlight_read.highlighted_at == datetime(*when, tzinfo=UTC)
    assert highlight_read.updated_at == datetime(2017, 12, 16, 7, 5, tzinfo=UTC)


def test_older_firmware_bookmark_wordings_are_bookmarks(tmp_path):
    text = notes_text(
        record(WALDEN, 'Ihr Lesezeichen auf Seite 4: "the woods"', date="Hinzugefügt am 01.02.2016 | 10:00"),
        record(WALDEN, 'Mi marcador en la página 5: "the woods"', date="Agregado el 01.02.2016 | 10:01"),
    )
    read = read_text(tmp_path, text, timezone="UTC", tolino_bookmarks=True)
    assert read.problems == []
    assert [(h.text, h.location) for h in read.highlights()] == [("", 4), ("", 5)]


def test_a_note_made_with_its_highlight_is_that_highlight_with_its_note(tmp_path):
    text = notes_text(record(WALDEN, "Notiz auf Seite 35: Thoreau at Walden Pond, 1845.",
                             f'"{DELIBERATELY}"', date="Hinzugefügt am 06.08.2019 | 14:30"))
    [highlight] = read_text(tmp_path, text, timezone="UTC").highlights()
    assert (highlight.text, highlight.note, highlight.location) == (
        DELIBERATELY, "Thoreau at Walden Pond, 1845.", 35)
    assert highlight.highlighted_at == datetime(2019, 8, 6, 14, 30, tzinfo=UTC)
    assert highlight.updated_at is None


def test_a_note_edited_twice_is_read_as_it_was_last(tmp_path):
    text = notes_text(
        record(WALDEN, f'Markierung auf Seite 43: "{DELIBERATELY}"',
               date="Hinzugefügt am 27.03.2022 | 22:19"),
        record(WALDEN, "Notiz auf Seite 43: first thought", f'"{DELIBERATELY}"',
               date="Geändert am 27.03.2022 | 22:20"),
        record(WALDEN, "Notiz auf Seite 43: second thought,", "over two lines", f'"{DELIBERATELY}"',
               date="Geändert am 27.03.2022 | 22:21"),
    )
    [highlight] = read_text(tmp_path, text, timezone="UTC").highlights()
    assert highlight.note == "second thought,\nover two lines"
    assert highlight.highlighted_at == datetime(2022, 3, 27, 22, 19, tzinfo=UTC)
    assert highlight.updated_at == datetime(2022, 3, 27, 22, 21, tzinfo=UTC)


def test_a_note_line_opening_with_a_quote_stays_in_the_note(tmp_path):
    text = notes_text(record(WALDEN, "Note on page 99: Test note", '"Deliberately" at the start of a line.',
                             f'"{DELIBERATELY} "', date="Added on 08/20/2023 | 15:46"))
    [highlight] = read_text(tmp_path, text, timezone="UTC").highlights()
    assert highlight.note == 'Test note\n"Deliberately" at the start of a line.'
    assert highlight.text == DELIBERATELY


def test_a_passage_whose_lines_open_with_quotes_is_found_by_its_highlight_read_before(tmp_path):
    dialogue = ['"Ask for it then," said the woodchopper.', '"I will," said I."']
    text = notes_text(
        record(WALDEN, 'Highlight on page 150: "Said I: "Have you not a word?"', *dialogue,
               date="Added on 08/20/2023 | 7:48"),
        record(WALDEN, "Note on page 150: who speaks?", '"Said I: "Have you not a word?"', *dialogue,
               date="Changed on 08/20/2023 | 7:50"),
    )
    [highlight] = read_text(tmp_path, text, timezone="UTC").highlights()
    assert highlight.text == ('Said I: "Have you not a word?"\n"Ask for it then," said the woodchopper.\n'
                              '"I will," said I.')
    assert highlight.note == "who speaks?"


def test_a_note_without_a_passage_is_kept_as_a_lone_note(tmp_path):
    text = notes_text(record(WALDEN, "Note on page 7: Look up the price of beans in 1845.",
                             date="Added on 08/20/2023 | 9:00"))
    [highlight] = read_text(tmp_path, text, timezone="UTC").highlights()
    assert (highlight.text, highlight.note, highlight.location) == (
        "", "Look up the price of beans in 1845.", 7)


def test_bookmarks_are_dropped_unless_asked_for(tmp_path):
    text = notes_text(
        record(WALDEN, 'Lesezeichen auf Seite 14: "ren, das in regelmäßigen Abständen', 'erscholl. Im Bad t"',
               date="Hinzugefügt am 01.05.2023 | 17:18"),
        record(WALDEN, 'Lesezeichen auf Seite 14: "ren, das in regelmäßigen Abständen', 'erscholl. Im Bad t"',
               date="Hinzugefügt am 01.05.2023 | 17:18"),
    )
    dropped = read_text(tmp_path, text, timezone="UTC")
    assert dropped.problems == []
    assert dropped.highlights() == []
    [kept] = read_text(tmp_path, text, timezone="UTC", tolino_bookmarks=True).highlights()
    assert (kept.text, kept.note, kept.location) == ("", None, 14)
    assert kept.highlighted_at == datetime(2023, 5, 1, 17, 18, tzinfo=UTC)


def test_quotes_inside_a_passage_and_its_line_breaks_are_kept(tmp_path):
    text = notes_text(record(
        "The Adventures of Tom Sawyer (Twain, Mark)",
        'Highlight on page 17: ""Tom!" No answer.',
        "",
        '  "TOM!" No answer. "',
        date="Added on 07/04/2023 | 10:00"))
    [highlight] = read_text(tmp_path, text, timezone="UTC").highlights()
    assert highlight.text == '"Tom!" No answer.\n\n  "TOM!" No answer.'
    assert highlight.location == 17


def test_a_passage_over_two_pages_ends_on_the_second(tmp_path):
    text = notes_text(record(WALDEN, f'Markierung auf Seite 7-8: "{DELIBERATELY}"',
                             date="Hinzugefügt am 29.06.2023 | 10:51"))
    [highlight] = read_text(tmp_path, text, timezone="UTC").highlights()
    assert (highlight.location, highlight.end_location, highlight.location_type) == (7, 8, LocationType.PAGE)


@pytest.mark.parametrize(("eol", "bom"), [("\r\n", False), ("\n", True), ("\r\n", True)])
def test_line_ends_a_byte_order_mark_and_no_break_spaces_change_nothing(tmp_path, eol, bom):
    records = [record(WALDEN, f'Markierung auf Seite 2: "{DELIBERATELY}"',
                      date="Hinzugefügt am 19.04.2023 | 18:53"),
               record(WALDEN, "Notiz auf Seite 3: Two lines", "of note", '"Simplify, simplify."',
                      date="Hinzugefügt am 19.04.2023 | 18:54")]
    plain = read_text(tmp_path, notes_text(*records), timezone="UTC")
    nbsp = [[line.replace("Markierung auf", "Markierung\u00a0auf").replace("Notiz auf", "Notiz\u00a0auf")
             for line in lines] for lines in records]
    other = read_text(tmp_path, notes_text(*nbsp, eol=eol, bom=bom), timezone="UTC")
    assert other.problems == []
    assert other.documents == plain.documents
    assert [h.note for h in other.highlights()] == [None, "Two lines\nof note"]


def test_ids_stay_when_the_device_appends_records(tmp_path):
    first = [record(WALDEN, f'Highlight on page 2: "{DELIBERATELY}"', date="Added on 04/19/2023 | 18:53")]
    before = {h.text: h.id for h in read_text(tmp_path, notes_text(*first)).highlights()}
    more = [record("Faust (Goethe, Johann Wolfgang von)",
                   'Markierung auf Seite 9: "Zwei Seelen wohnen, ach!"',
                   date="Hinzugefügt am 20.04.2023 | 8:00"),
            record(WALDEN, "Note on page 2: yes", f'"{DELIBERATELY}"', date="Changed on 04/21/2023 | 9:00")]
    after = read_text(tmp_path, notes_text(*first, *more))
    assert {h.text: h.id for h in after.highlights()}[DELIBERATELY] == before[DELIBERATELY]
    assert len({h.id for h in after.highlights()}) == 2


def test_a_record_that_cannot_be_read_is_reported_with_its_line_and_the_rest_read(tmp_path):
    text = notes_text(
        record(WALDEN, f'Highlight on page 2: "{DELIBERATELY}"', date="Added on 04/19/2023 | 18:53"),
        record(WALDEN, 'Markierung"In a wording nobody knows"', date="Geändert am 21.08.2022 | 22:55"),
        record(WALDEN, 'Highlight on page 3: "Simplify, simplify."', date="Sometime last spring"),
        record(WALDEN, 'Highlight on page 4: "Time is but the stream I go a-fishing in."',
               date="Added on 04/19/2023 | 18:55"),
    )
    read = read_text(tmp_path, text, timezone="UTC")
    assert [h.location for h in read.highlights()] == [2, 4]
    assert [(p.where, p.kept) for p in read.problems] == [(7, False), (13, False)]
    assert "no kind and page in a known wording" in read.problems[0].reason
    assert "no date line in a known wording" in read.problems[1].reason
    assert str(read.problems[0]).startswith(str(tmp_path / "notes.txt") + ":7: ")


def test_a_date_that_does_not_exist_is_reported_and_the_highlight_kept_without_it(tmp_path):
    text = notes_text(record(WALDEN, f'Markierung auf Seite 2: "{DELIBERATELY}"',
                             date="Hinzugefügt am 31.02.2023 | 18:53"))
    read = read_text(tmp_path, text, timezone="UTC")
    [highlight] = read.highlights()
    assert (highlight.text, highlight.highlighted_at) == (DELIBERATELY, None)
    [problem] = read.problems
    assert (problem.where, problem.kept) == (1, True)
    assert "31.02.2023" in problem.reason


def test_times_are_the_device_clock_in_the_zone_given_else_this_machines(tmp_path, monkeypatch):
    text = notes_text(
        record(WALDEN, f'Highlight on page 2: "{DELIBERATELY}"', date="Added on 01/15/2024 | 21:31"),
        record(WALDEN, 'Highlight on page 3: "Simplify, simplify."', date="Added on 07/15/2024 | 9:05 PM"),
    )
    berlin = ZoneInfo("Europe/Berlin")
    read = read_text(tmp_path, text, timezone="Europe/Berlin")
    assert [h.highlighted_at for h in read.highlights()] == [
        datetime(2024, 1, 15, 21, 31, tzinfo=berlin), datetime(2024, 7, 15, 21, 5, tzinfo=berlin)]
    assert [h.highlighted_at.utcoffset() for h in read.highlights()] == [
        timedelta(hours=1), timedelta(hours=2)]
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        machine = read_text(tmp_path, text)
    finally:
        monkeypatch.setenv("TZ", "UTC")  # as the autouse fixture left it
        time.tzset()
    assert machine.highlights()[0].highlighted_at.utcoffset() == timedelta(hours=-5)
    first = machine.highlights()[0].highlighted_at
    assert first.astimezone(UTC) == datetime(2024, 1, 16, 2, 31, tzinfo=UTC)


def test_a_notes_file_is_recognised_and_a_kindle_clippings_file_is_not(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text(notes_text(record(WALDEN, f'Highlight on page 2: "{DELIBERATELY}"',
                                       date="Added on 04/19/2023 | 18:53")))
    assert registry.detect_reader(InputProbe.of(str(notes))).name == "tolino"
    renamed = tmp_path / "highlights from my reader.txt"
    renamed.write_bytes(notes.read_bytes())
    assert registry.detect_reader(InputProbe.of(str(renamed))).name == "tolino"
    assert registry.detect_reader(InputProbe.of(str(EXAMPLES / "My Clippings.txt"))).name == "kindle"
    # Kindle records whose text holds a line in Tolino's wording are still a Kindle's.
    clippings = tmp_path / "My Clippings.txt"
    clippings.write_text(
        f"{WALDEN}\n- Your Highlight on page 2 | Location 10-12 | "
        "Added on Monday, July 4, 1845 9:15:00 AM\n\n"
        "Highlight on page 2: quoted from a Tolino\nAdded on 04/19/2023 | 18:53\n==========\n")
    from excerpta.readers.tolino.reader import TolinoNotesReader
    assert TolinoNotesReader.recognize(InputProbe.of(str(clippings))) == 0
    assert registry.detect_reader(InputProbe.of(str(clippings))).name == "kindle"


def test_an_empty_notes_file_is_recognised_by_its_name_only_with_a_separator(tmp_path):
    from excerpta.readers.tolino.reader import TolinoNotesReader
    notes = tmp_path / "notes.txt"
    notes.write_text(f"\n{SEPARATOR}\n")
    assert TolinoNotesReader.recognize(InputProbe.of(str(notes))) == 30
    notes.write_text("buy milk\n")
    assert TolinoNotesReader.recognize(InputProbe.of(str(notes))) == 0


def test_a_notes_file_emptied_on_the_device_reads_as_nothing_not_as_unrecognised(tmp_path, run_cli):
    notes = tmp_path / "notes.txt"
    notes.write_bytes(b"\xef\xbb\xbf\r\n")
    assert registry.detect_reader(InputProbe.of(str(notes))).name == "tolino"
    result = run_cli("convert", notes, "--to", "json", "--out", tmp_path / "x.json")
    assert result.exit_code == 0, result.output
    assert "0 documents, 0 highlights" in result.output


def test_a_record_cut_short_with_the_next_appended_to_it_is_reported_and_the_next_read(tmp_path):
    text = notes_text(
        record(WALDEN, f'Highlight on page 88: "{DELIBERATELY}"', date="Added on 03/14/2024 | 21:05"),
        [WALDEN, 'Highlight on page 91: "Our life is frittered away by det'],  # cut: no date, no separator
        record(WALDEN, 'Highlight on page 92: "Simplify, simplify."', date="Added on 03/17/2024 | 9:00"),
        record(WALDEN, 'Highlight on page 93: "Time is but the stream I go a-fishing in."',
               date="Added on 03/17/2024 | 9:05"),
    )
    read = read_text(tmp_path, text, timezone="UTC")
    assert [(h.location, h.text) for h in read.highlights()] == [
        (88, DELIBERATELY), (92, "Simplify, simplify."), (93, "Time is but the stream I go a-fishing in.")]
    assert [(p.where, p.reason) for p in read.problems] == [
        (7, "a record cut short (the next one follows it without a separator)")]


def test_a_note_edited_far_after_its_highlight_finds_it_whatever_was_read_between(tmp_path):
    passage = ['""Come on!', '"Be honest," he said."']  # a passage of dialogue, in its quotes
    filler = [record(WALDEN, f'Highlight on page {1000 + n}: "Filler passage {n}."',
                     date="Added on 03/14/2024 | 21:05") for n in range(1100)]  # past a batch of 1,024
    text = notes_text(
        record(WALDEN, f"Highlight on page 42: {passage[0]}", passage[1], date="Added on 03/14/2024 | 21:00"),
        record(WALDEN, "Note on page 42: first thought", *passage, date="Added on 03/14/2024 | 21:01"),
        *filler,
        record(WALDEN, "Note on page 42: second thought", *passage, date="Changed on 03/16/2024 | 8:00"),
    )
    read = read_text(tmp_path, text, timezone="UTC")
    [on_42] = [h for h in read.highlights() if h.location == 42]
    assert (on_42.text, on_42.note) == ('"Come on!\n"Be honest," he said.', "second thought")


def test_convert_needs_no_from_and_takes_the_reader_flags(tmp_path, run_cli):
    source = tmp_path / "notes.txt"
    source.write_text(notes_text(
        record(WALDEN, f'Highlight on page 2: "{DELIBERATELY}"', date="Added on 01/15/2024 | 21:31"),
        record(WALDEN, 'Bookmark on page 5: "ods because"', date="Added on 01/15/2024 | 21:40")))
    out = tmp_path / "x.json"
    result = run_cli("convert", source, "--to", "json", "--out", out, "--timezone", "Europe/Berlin",
                     "--tolino-bookmarks")
    assert result.exit_code == 0, result.output
    [document] = json.loads(out.read_text())["documents"]
    assert (document["title"], document["source"]) == ("Walden", "tolino")
    assert [(h["text"], h["location"], h["highlighted_at"]) for h in document["highlights"]] == [
        (DELIBERATELY, 2, "2024-01-15T21:31:00+01:00"), ("", 5, "2024-01-15T21:40:00+01:00")]


def test_convert_exits_1_naming_the_file_and_line_of_a_record_skipped(tmp_path, run_cli):
    source = tmp_path / "notes.txt"
    source.write_text(notes_text(
        record(WALDEN, f'Highlight on page 2: "{DELIBERATELY}"', date="Added on 01/15/2024 | 21:31"),
        record(WALDEN, "Gibberish", date="Added on 01/15/2024 | 21:40")))
    result = run_cli("convert", source, "--to", "json", "--out", tmp_path / "x.json", "--timezone", "UTC")
    assert result.exit_code == 1
    assert "notes.txt:7" in result.output

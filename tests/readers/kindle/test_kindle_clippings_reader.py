"""The ``kindle`` reader's behaviour on small files made by the tests: grammar edge cases, ids,
options, problem reports, recognition and the CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from kindle_reading import CLIPPINGS, read_text

from excerpta import registry
from excerpta.adapters import InputProbe, ReadState
from excerpta.errors import ConfigError, InputError
from excerpta.model import LocationType
from excerpta.readers.kindle.assembly import LOOKAROUND
from excerpta.readers.kindle.clippings import KindleClippingsReader
from excerpta.readers.kindle.records import split_title_author

SEP = "=========="


def record(title: str, meta: str, body: str = "", eol: str = "\n") -> str:
    return eol.join([title, meta, "", body, SEP]) + eol


HIGHLIGHT = record("Walden (Thoreau, Henry David)",
                   "- Your Highlight on page 5 | Location 70-72 | Added on Monday, July 4, 1845 9:15:00 AM",
                   "I went to the woods because I wished to live deliberately.")
NOTE = record("Walden (Thoreau, Henry David)",
              "- Your Note on page 5 | Location 72 | Added on Monday, July 4, 1845 9:16:00 AM",
              "Deliberately!")


@pytest.mark.parametrize(("line", "title", "author"), [
    ("Walden (Thoreau, Henry David)", "Walden", "Thoreau, Henry David"),
    ("Handbuch (German Edition) (Amazon (Editors))", "Handbuch (German Edition)", "Amazon (Editors)"),
    ("飘 ((美)米切尔)", "飘", "(美)米切尔"),
    ("\ufeffPersonal notes  ", "Personal notes", None),
    ("(Only a parenthesis)", "(Only a parenthesis)", None),
    ("Unbalanced (author", "Unbalanced (author", None),
    ("Broken) (", "Broken) (", None),
])
def test_author_is_the_last_balanced_parenthesised_group(line, title, author):
    assert split_title_author(line) == (title, author)


def test_note_attaches_to_highlight_ending_at_its_location(tmp_path):
    read = read_text(tmp_path, HIGHLIGHT + NOTE)
    [highlight] = read.highlights()
    assert highlight.note == "Deliberately!"
    assert (highlight.location, highlight.end_location) == (70, 72)


def test_bom_before_every_record_and_mixed_line_endings_change_nothing(tmp_path):
    plain = read_text(tmp_path, HIGHLIGHT + NOTE).highlights()
    messy = "\ufeff" + HIGHLIGHT.replace("\n", "\r\n") + "\ufeff" + NOTE.replace("\n", "\r")
    assert read_text(tmp_path, messy).highlights() == plain


def test_ids_are_stable_when_the_device_appends_records(tmp_path):
    before = read_text(tmp_path, HIGHLIGHT).highlights()
    other = record("Emma (Austen, Jane)",
                   "- Your Highlight on page 1 | Location 3-4 | Added on Tuesday, July 5, 1845 9:15:00 AM",
                   "Emma Woodhouse, handsome, clever, and rich.")
    after = read_text(tmp_path, HIGHLIGHT + NOTE + other).highlights()
    assert before[0].id == after[0].id
    assert len({h.id for h in after}) == 2


def test_timestamps_are_device_local_in_the_given_zone(tmp_path):
    [berlin] = read_text(tmp_path, HIGHLIGHT, timezone="Europe/Berlin").highlights()
    assert berlin.highlighted_at == datetime(1845, 7, 4, 9, 15, tzinfo=ZoneInfo("Europe/Berlin"))


def test_default_zone_is_the_machines(tmp_path, monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    import time

    time.tzset()
    try:
        text = HIGHLIGHT.replace("1845", "2024")
        [local] = read_text(tmp_path, text, timezone=None).highlights()
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert local.highlighted_at.utcoffset() == timedelta(hours=9)
    assert local.highlighted_at.astimezone(UTC) == datetime(2024, 7, 4, 0, 15, tzinfo=UTC)


def test_unknown_timezone_is_a_config_error():
    with pytest.raises(ConfigError, match="timezone"):
        KindleClippingsReader.from_options({"timezone": "Mars/Olympus"})


def test_unreadable_record_is_reported_with_its_line_and_the_rest_is_read(tmp_path):
    garbage = record("Walden (Thoreau, Henry David)", "- Something Kindle never wrote | 12:00", "?")
    read = read_text(tmp_path, HIGHLIGHT + garbage + NOTE)
    assert [h.note for h in read.highlights()] == ["Deliberately!"]
    [problem] = read.problems
    assert problem.where == 6
    assert "no known kind of record" in problem.reason


@pytest.mark.parametrize("broken", [
    f"Lonely title\n{SEP}\n",  # a record cut after its title line
    f"Lonely title\n- Something Kindle never wrote | 12:00\n\nx\n{SEP}\n",  # a metadata line we cannot read
])
def test_title_without_metadata_line_is_reported(tmp_path, broken):
    read = read_text(tmp_path, HIGHLIGHT + broken + NOTE)
    assert [p.where for p in read.problems] == [6]
    [highlight] = read.highlights()
    assert (highlight.text, highlight.note) == (
        "I went to the woods because I wished to live deliberately.", "Deliberately!")


def test_title_without_metadata_line_is_reported_where_no_record_precedes_it(tmp_path):
    read = read_text(tmp_path, f"Lonely title\nnot a metadata line\n{SEP}\n" + HIGHLIGHT)
    assert [(p.where, p.reason) for p in read.problems] == [
        (1, "expected a metadata line ('- Your Highlight …') after this title line, found "
            "'not a metadata line'")]
    assert len(read.highlights()) == 1


@pytest.mark.parametrize("eol", ["\n", "\r\n"])
def test_a_file_cut_after_a_title_line_reports_it_and_leaves_the_highlight_before_alone(tmp_path, eol):
    # The device unplugged while appending a record: only its title line reached the file.
    clean = read_text(tmp_path, HIGHLIGHT.replace("\n", eol)).highlights()
    read = read_text(tmp_path, (HIGHLIGHT + "Walden (Thoreau, Henry David)\n").replace("\n", eol))
    assert read.highlights() == clean
    assert [(p.where, p.reason) for p in read.problems] == [(6, "a title line with no metadata line")]


def test_a_file_cut_after_a_title_line_after_a_note_leaves_the_note_alone(tmp_path):
    read = read_text(tmp_path, HIGHLIGHT + NOTE + "Walden (Thoreau, Henry David)")
    assert read.highlights()[0].note == "Deliberately!"
    assert [p.where for p in read.problems] == [11]


def test_separator_typed_inside_a_note_stays_in_the_note(tmp_path):
    note = NOTE.replace("Deliberately!", f"First part\n{SEP}\nsecond part")
    [highlight] = read_text(tmp_path, HIGHLIGHT + note).highlights()
    assert highlight.note == f"First part\n{SEP}\nsecond part"


def test_a_dashed_list_after_a_separator_typed_inside_a_note_stays_in_the_note(tmp_path):
    typed = f"My note line one\n{SEP}\nTodo\n- buy the sequel\n- lend to Bob"
    later = HIGHLIGHT.replace("Location 70-72", "Location 90-92").replace("woods", "lake")
    read = read_text(tmp_path, HIGHLIGHT + NOTE.replace("Deliberately!", typed) + later)
    assert read.problems == []
    assert [h.note for h in read.highlights()] == [typed, None]


def test_a_damaged_record_after_a_highlight_is_reported_never_glued_into_its_passage(tmp_path):
    # After a highlight nothing is glued back: a record whose metadata line lost its bars, its
    # dash or its line is reported, and the passage before it keeps its text (and its id).
    damaged = [  # (the record after the highlight, its text if it can still be read)
        (record("Walden (Thoreau, Henry David)",
                "- Your Highlight on page 5 Location 80-82 Added on Monday, July 4, 1845 9:20:00 AM",
                "No bars."), "No bars."),
        ("Walden (Thoreau, Henry David)\n\n- Your Highlight on page 5 | Location 90-92 | Added on Monday, "
         "July 4, 1845 9:21:00 AM\n\nA blank line too many.\n==========\n", None),
        (f"Output:\n{SEP}\nTotal: 42\nDone\n{SEP}\n", None),  # a separator in a highlighted passage
    ]
    clean = read_text(tmp_path, HIGHLIGHT).highlights()
    for broken, text in damaged:
        read = read_text(tmp_path, HIGHLIGHT + broken + NOTE.replace("1845", "1846"))
        [first, *others] = read.highlights()
        assert (first.id, first.text) == (clean[0].id, clean[0].text), broken
        if text is None:
            assert read.problems, broken
        else:
            assert text in [h.text for h in others], broken


def test_a_file_cut_after_the_title_line_that_follows_a_note_reports_it(tmp_path):
    read = read_text(tmp_path, HIGHLIGHT + NOTE + "Walden (Thoreau, Henry David)\r\n")
    assert [(h.text, h.note) for h in read.highlights()] == [
        ("I went to the woods because I wished to live deliberately.", "Deliberately!")]
    assert [p.reason for p in read.problems] == ["a title line with no metadata line"]


@pytest.mark.parametrize(("meta", "kept"), [
    # A year no calendar has: the record is read without its date (read in part).
    ("- Your Highlight on page 5 | Location 80-82 | Added on Monday, July 4, 99999999999999999999 9:15:00 AM",
     True),
    ("- Your Highlight on page 5 | Location 80-" + "9" * 5000 + " | Added on Monday, July 4, 1845 9:15:00 AM",
     False),
    ("- Your Highlight on page " + "9" * 30 + " | Location 80-82 | Added on Monday, July 4, 1845 9:15:00 AM",
     False),
])
def test_a_number_too_large_is_reported_and_the_other_records_read(tmp_path, meta, kept):
    read = read_text(tmp_path, HIGHLIGHT + record("Walden (Thoreau, Henry David)", meta, "huge") + NOTE)
    [problem] = read.problems
    assert (problem.where, problem.kept) == (6, kept)
    assert len(problem.reason) < 200
    assert sorted(h.text for h in read.highlights()) == sorted(
        ["I went to the woods because I wished to live deliberately.", *(["huge"] if kept else [])])
    assert KindleClippingsReader.recognize(InputProbe.of(str(tmp_path / "My Clippings.txt"))) == 90


def test_last_record_without_a_separator_is_read(tmp_path):
    [highlight] = read_text(tmp_path, HIGHLIGHT.removesuffix(SEP + "\n")).highlights()
    assert highlight.text.startswith("I went to the woods")


def test_clipping_limit_marker_is_removed_and_a_marker_only_highlight_dropped(tmp_path):
    marker = "<You have reached the clipping limit for this item>"
    cut = HIGHLIGHT.replace("deliberately.", f"deliberately. {marker}")
    only = record("Walden (Thoreau, Henry David)",
                  "- Your Highlight on page 9 | Location 90-91 | Added on Monday, July 4, 1845 9:20:00 AM",
                  marker)
    [highlight] = read_text(tmp_path, cut + only).highlights()
    assert highlight.text == "I went to the woods because I wished to live deliberately."


def test_an_empty_note_no_highlight_claims_is_dropped_like_a_marker_only_highlight(tmp_path):
    empty = record("Walden (Thoreau, Henry David)",
                   "- Your Note on Location 50 | Added on Monday, July 4, 1845 9:10:00 AM", "")
    alone = record("Essays (Montaigne)", "- Your Note on page 12 | Added on Monday, July 4, 1845 9:20:00 AM",
                   " \n")
    read = read_text(tmp_path, empty + HIGHLIGHT + NOTE.replace("Deliberately!", "") + alone)
    assert [(h.text[:11], h.note) for h in read.highlights()] == [("I went to t", None)]
    assert read.titles() == ["Walden"]
    assert read.problems == []


def test_extended_highlight_replaces_the_first_copy_and_keeps_its_note(tmp_path):
    longer = HIGHLIGHT.replace("Location 70-72", "Location 70-75").replace(
        "deliberately.", "deliberately, to front only the essential facts of life.").replace("9:15", "9:17")
    [highlight] = read_text(tmp_path, HIGHLIGHT + NOTE + longer).highlights()
    assert highlight.text.endswith("essential facts of life.")
    assert highlight.note == "Deliberately!"
    assert highlight.end_location == 75


def test_the_printed_page_is_kept_beside_the_location(tmp_path):
    page_only = record("Essays (Montaigne)", "- Your Highlight on page xii | Added on Monday, "
                       "July 4, 1845 9:15:00 AM", "Que sais-je?")
    unknown = record("Lalka (Prus)", "- Twoje zakreślenie na stronie 7 | pozycja 80-81 | Dodano "
                     "4 lipca 1845 9:15:00", "Tekst.")
    highlight, page_only, shaped = read_text(tmp_path, HIGHLIGHT + page_only + unknown).highlights()
    assert (highlight.location, highlight.location_type, highlight.page) == (70, LocationType.LOCATION, 5)
    assert (page_only.location, page_only.location_type, page_only.page) == ("xii", LocationType.PAGE, None)
    assert (shaped.location, shaped.page) == (80, 7)


def test_an_extended_copy_before_its_first_copy_in_the_file_still_wins(tmp_path):
    # Records reordered by another tool: the copy saved later, by its time, is the one to keep.
    longer = HIGHLIGHT.replace("Location 70-72", "Location 70-75").replace(
        "deliberately.", "deliberately, to front only the essential facts of life.").replace("9:15", "9:17")
    [highlight] = read_text(tmp_path, longer + HIGHLIGHT + NOTE).highlights()
    assert highlight.text.endswith("essential facts of life.")
    assert (highlight.end_location, highlight.note) == (75, "Deliberately!")
    assert highlight.id == read_text(tmp_path, longer).highlights()[0].id


def test_a_note_typed_for_a_highlight_later_shortened_stays_with_it(tmp_path):
    shorter = HIGHLIGHT.replace("Location 70-72", "Location 70-71").replace(
        " because I wished to live deliberately.", ".").replace("9:15", "9:20")
    [highlight] = read_text(tmp_path, HIGHLIGHT + NOTE + shorter).highlights()
    assert (highlight.text, highlight.end_location, highlight.note) == (
        "I went to the woods.", 71, "Deliberately!")


def test_a_highlight_extended_twice_on_the_device_keeps_the_id_of_its_first_copy(tmp_path):
    [first] = read_text(tmp_path, HIGHLIGHT + NOTE).highlights()
    longer = HIGHLIGHT.replace("Location 70-72", "Location 70-75").replace(
        "deliberately.", "deliberately, to front only the essential facts of life.").replace("9:15", "9:17")
    longest = longer.replace("Location 70-75", "Location 70-78").replace(
        "facts of life.", "facts of life, and see if I could not learn what it had to teach.")
    [grown] = read_text(tmp_path, HIGHLIGHT + NOTE + longer).highlights()
    [grown_again] = read_text(tmp_path, HIGHLIGHT + NOTE + longer + longest).highlights()
    assert first.id == grown.id == grown_again.id
    assert grown_again.text.endswith("what it had to teach.")
    # A highlight that only starts at the same location is another highlight, with its own id.
    other = HIGHLIGHT.replace("I went to the woods because I wished to live deliberately.",
                              "Simplicity, simplicity, simplicity!")
    assert len({h.id for h in read_text(tmp_path, HIGHLIGHT + other).highlights()}) == 2


def _filler() -> str:
    """Records of another book: more than the note window holds."""
    return "".join(record("Other Book (Someone)", f"- Your Highlight on page 5 | Location {100 + 10 * n}-"
                          f"{102 + 10 * n} | Added on Monday, July 4, 1845 10:00:00 AM", f"Filler {n}.")
                   for n in range(3 * LOOKAROUND))


def _convert_to_json(run_cli, source, out) -> list[dict]:
    result = run_cli("convert", source, "--to", "json", "--out", out, "--timezone", "UTC")
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text())["documents"]


def test_a_passage_highlighted_again_far_down_the_file_keeps_its_note(run_cli, tmp_path):
    # Further apart than the note window, the two copies reach the library separately, with
    # one id: the later one, without a note, must not take the note away (the log never
    # deletes one).
    filler = _filler()
    again = HIGHLIGHT.replace("July 4, 1845", "July 4, 1846")
    (tmp_path / "My Clippings.txt").write_text(HIGHLIGHT + NOTE + filler + again, encoding="utf-8")
    documents = _convert_to_json(run_cli, tmp_path / "My Clippings.txt", tmp_path / "out.json")
    [walden] = [d for d in documents if d["title"] == "Walden"]
    [highlight] = walden["highlights"]
    assert (highlight["note"], highlight["highlighted_at"]) == ("Deliberately!", "1846-07-04T09:15:00Z")


def test_a_passage_extended_far_down_the_file_updates_its_highlight_instead_of_adding_one(run_cli, tmp_path):
    filler = _filler()
    longer = (HIGHLIGHT.replace("Location 70-72", "Location 70-75").replace("July 4, 1845", "July 4, 1846")
              .replace("deliberately.", "deliberately, to front only the essential facts of life."))
    clippings = tmp_path / "My Clippings.txt"
    clippings.write_text(HIGHLIGHT + NOTE + filler, encoding="utf-8")
    [first] = read_text(tmp_path, HIGHLIGHT + NOTE + filler).document("Walden").highlights
    clippings.write_text(HIGHLIGHT + NOTE + filler + longer, encoding="utf-8")
    documents = _convert_to_json(run_cli, clippings, tmp_path / "out.json")
    [walden] = [d for d in documents if d["title"] == "Walden"]
    [highlight] = walden["highlights"]
    assert highlight["id"] == first.id
    assert highlight["text"].endswith("essential facts of life.")
    assert (highlight["note"], highlight["end_location"]) == ("Deliberately!", 75)


def test_a_note_typed_far_down_the_file_attaches_to_its_highlight(tmp_path):
    # At the highlight's end, where the Kindle puts a note (inside the range: see below).
    later = NOTE.replace("July 4, 1845", "July 4, 1846")
    read = read_text(tmp_path, HIGHLIGHT + _filler() + later)
    [highlight] = read.document("Walden").highlights
    assert (highlight.text, highlight.note) == (
        "I went to the woods because I wished to live deliberately.", "Deliberately!")
    assert highlight.id == read_text(tmp_path, HIGHLIGHT).highlights()[0].id
    assert read.problems == []
    # The highlight came first as it was, then again with the note: a library merges the two.
    yielded = [h.note for d in read.yielded if d.title == "Walden" for h in d.highlights]
    assert yielded == [None, "Deliberately!"]


def test_a_far_note_prefers_the_highlight_ending_at_its_location_then_the_nearest(tmp_path):
    wider = HIGHLIGHT.replace("Location 70-72", "Location 60-80").replace("woods", "lake")
    later = HIGHLIGHT.replace("woods", "hills").replace("9:15", "9:30")
    read = read_text(tmp_path, HIGHLIGHT + wider + later + _filler() + NOTE.replace("1845", "1846"))
    assert [(h.text.split()[4], h.note) for h in read.document("Walden").highlights] == [
        ("woods", None), ("lake", None), ("hills", "Deliberately!")]


def test_a_note_typed_far_down_the_file_inside_a_highlights_range_attaches_to_the_last_that_holds_it(
        tmp_path, monkeypatch):
    from excerpta.readers.kindle import far_notes

    wider = HIGHLIGHT.replace("Location 70-72", "Location 60-80").replace("woods", "lake")
    inside, outside = (NOTE.replace("Location 72", f"Location {n}").replace("1845", "1846") for n in (71, 81))
    read = read_text(tmp_path, HIGHLIGHT + _filler() + inside)
    assert [(h.text.split()[4], h.note) for h in read.document("Walden").highlights] == [
        ("woods", "Deliberately!")]
    assert read.highlight("I went to the woods").id == read_text(tmp_path, HIGHLIGHT).highlights()[0].id
    read = read_text(tmp_path, HIGHLIGHT + wider + _filler() + inside + outside)
    assert [(h.text.split()[4] if h.text else "", h.note) for h in read.document("Walden").highlights] == [
        ("woods", None), ("lake", "Deliberately!"), ("", "Deliberately!")]
    # The search is bounded: the highlight must end at most FAR_REACH positions after the note.
    monkeypatch.setattr(far_notes, "FAR_REACH", 8)
    read = read_text(tmp_path, wider + HIGHLIGHT + _filler() + inside)
    assert [(h.text.split()[4], h.note) for h in read.document("Walden").highlights] == [
        ("lake", None), ("woods", "Deliberately!")]
    read = read_text(tmp_path, wider + _filler() + inside)
    assert [(h.text.split()[4] if h.text else "", h.note) for h in read.document("Walden").highlights] == [
        ("lake", None), ("", "Deliberately!")]


def test_a_far_note_nothing_claims_is_kept_alone_and_a_seekless_input_keeps_far_notes_alone(tmp_path):
    from excerpta.readers.kindle.clippings import read_clippings

    read = read_text(tmp_path, HIGHLIGHT + _filler() + NOTE.replace("Location 72", "Location 73"))
    assert [(h.text, h.note) for h in read.document("Walden").highlights] == [
        ("I went to the woods because I wished to live deliberately.", None), ("", "Deliberately!")]
    lines = (HIGHLIGHT + _filler() + NOTE).splitlines(keepends=True)
    walden = [d for d in read_clippings(lines, "lines", ReadState()) if d.title == "Walden"]
    assert [(h.text[:5], h.note) for d in walden for h in d.highlights] == [
        ("I wen", None), ("", "Deliberately!")]


def test_a_far_note_never_brings_back_the_text_of_a_highlight_extended_since(tmp_path):
    extended = HIGHLIGHT.replace("Location 70-72", "Location 70-75").replace(
        "deliberately.", "deliberately, to front only the essential facts of life.").replace("1845", "1846")
    late = NOTE.replace("Location 72", "Location 72").replace("1845", "1847")
    read = read_text(tmp_path, HIGHLIGHT + _filler() + extended + _filler() + late)
    [highlight] = read.document("Walden").highlights
    assert highlight.text.endswith("essential facts of life.")
    assert highlight.note == "Deliberately!"
    assert highlight.id == read_text(tmp_path, HIGHLIGHT).highlights()[0].id


def test_far_notes_look_among_a_bounded_number_of_highlights(tmp_path, monkeypatch):
    # Memory stays bounded however long the file: past FAR_REMEMBERED highlights, the older
    # half of each book's are forgotten, and a note typed that much later stays alone.
    from excerpta.readers.kindle import far_notes

    text = HIGHLIGHT + _filler() + NOTE.replace("1845", "1846")
    assert read_text(tmp_path, text).document("Walden").highlights[0].note == "Deliberately!"
    monkeypatch.setattr(far_notes, "FAR_REMEMBERED", LOOKAROUND)
    read = read_text(tmp_path, text)
    assert [(h.text[:5], h.note) for h in read.document("Walden").highlights] == [
        ("I wen", None), ("", "Deliberately!")]


def test_nothing_but_garbage_gives_no_documents_and_no_crash(tmp_path):
    read = read_text(tmp_path, b"\x00\xff\xfe garbage\n- | |\n==========\n")
    assert read.documents == []


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        list(KindleClippingsReader().read(str(tmp_path / "nope.txt"), None))  # type: ignore[arg-type]


@pytest.mark.parametrize("name", sorted(p.name for p in CLIPPINGS.glob("*.txt")))
def test_every_corpus_file_is_recognised_as_kindle(name):
    assert registry.detect_reader(InputProbe.of(str(CLIPPINGS / name))).name == "kindle"


def test_json_is_not_recognised_as_kindle(tmp_path):
    path = tmp_path / "library.json"
    path.write_text('{"schema_version": 1, "documents": []}')
    assert KindleClippingsReader.recognize(InputProbe.of(str(path))) == 0


def test_convert_needs_no_from_and_offers_the_reader_flags(tmp_path, run_cli):
    source = tmp_path / "My Clippings.txt"
    source.write_text(HIGHLIGHT + NOTE + record(
        "Walden (Thoreau, Henry David)",
        "- Your Bookmark on page 7 | Location 99 | Added on Monday, July 4, 1845 9:30:00 AM"))
    out = tmp_path / "out.json"
    result = run_cli("convert", source, "--to", "json", "--out", out, "--timezone", "America/New_York",
                     "--kindle-bookmarks")
    assert result.exit_code == 0, result.output
    [document] = json.loads(out.read_text())["documents"]
    assert document["title"] == "Walden"
    assert [h["highlighted_at"] for h in document["highlights"]] == [
        "1845-07-04T09:15:00-04:56", "1845-07-04T09:30:00-04:56"]


def test_convert_exits_1_partial_when_a_record_was_skipped(tmp_path, run_cli):
    source = tmp_path / "My Clippings.txt"
    source.write_text(HIGHLIGHT + record("Walden (Thoreau, Henry David)", "- Gibberish | nothing", "x"))
    result = run_cli("convert", source, "--to", "json", "--out", tmp_path / "out.json", "--timezone", "UTC")
    assert result.exit_code == 1
    assert "My Clippings.txt:6" in result.output



def test_reading_streams_a_document_out_before_the_input_ends():
    from itertools import count

    from excerpta.readers.kindle.assembly import LOOKAROUND
    from excerpta.readers.kindle.clippings import read_clippings
    from excerpta.readers.kindle.documents import BATCH_LIMIT

    consumed = count()

    def endless_lines():
        for number in consumed:
            text = HIGHLIGHT.replace("Location 70-72", f"Location {number * 10}-{number * 10 + 2}")
            yield from text.splitlines(keepends=True)

    documents = read_clippings(endless_lines(), "endless", ReadState())
    first = next(documents)
    assert [h.location for h in first.highlights] == [n * 10 for n in range(BATCH_LIMIT)]
    # Highlight n leaves the note window when record n + 2 × LOOKAROUND is parsed (which needs the
    # start of the record after it, to confirm its separator), and a document is yielded when the
    # highlight after its BATCH_LIMIT-th leaves: nothing else is held back.
    assert next(consumed) == BATCH_LIMIT + 1 + 2 * LOOKAROUND + 1


def test_documents_share_no_mutable_state(tmp_path):
    other = HIGHLIGHT.replace("Location 70-72", "Location 90-92").replace("woods", "lake")
    path = tmp_path / "My Clippings.txt"
    path.write_text(HIGHLIGHT + other, encoding="utf-8")
    first = list(KindleClippingsReader().read(str(path), ReadState()))
    first[0].tags.append("mine")
    second = list(KindleClippingsReader().read(str(path), ReadState()))
    assert second[0].tags == []


def test_alternating_books_come_as_one_document_each_with_highlights_in_file_order():
    from excerpta.readers.kindle.clippings import read_clippings

    text = ""
    for number in range(10):
        for title in ("Walden (Thoreau, Henry David)", "Emma (Austen, Jane)"):
            text += HIGHLIGHT.replace("Walden (Thoreau, Henry David)", title).replace(
                "Location 70-72", f"Location {number * 10}-{number * 10 + 2}")
    documents = list(read_clippings(text.splitlines(keepends=True), "alternating", ReadState()))
    assert [d.title for d in documents] == ["Walden", "Emma"]
    assert [[h.location for h in d.highlights] for d in documents] == [list(range(0, 100, 10))] * 2


def test_books_in_turn_are_held_back_no_longer_than_the_held_limit():
    from itertools import count

    from excerpta.readers.kindle.assembly import LOOKAROUND
    from excerpta.readers.kindle.clippings import read_clippings
    from excerpta.readers.kindle.documents import HELD_LIMIT

    consumed = count()

    def endless_lines():
        for number in consumed:
            title = f"Book {number % 5} (Writer)"  # 5 books: none reaches BATCH_LIMIT first
            text = HIGHLIGHT.replace("Walden (Thoreau, Henry David)", title).replace(
                "Location 70-72", f"Location {number * 10}-{number * 10 + 2}")
            yield from text.splitlines(keepends=True)

    documents = read_clippings(endless_lines(), "endless", ReadState())
    first = [next(documents) for _ in range(5)]
    assert [d.title for d in first] == ["Book 0", "Book 1", "Book 2", "Book 3", "Book 4"]
    assert sum(len(d.highlights) for d in first) == HELD_LIMIT
    # The held highlights leave together when the next one would be one too many.
    assert next(consumed) == HELD_LIMIT + 1 + 2 * LOOKAROUND + 1


@pytest.mark.parametrize("name", ["My Clippings.txt", "my clippings.TXT"])
def test_an_empty_clippings_file_is_recognised_by_its_name_and_reads_as_nothing(tmp_path, run_cli, name):
    path = tmp_path / name
    path.write_bytes(b"")
    assert registry.detect_reader(InputProbe.of(str(path))).name == "kindle"
    result = run_cli("convert", path, "--to", "json", "--out", tmp_path / "out.json")
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "out.json").read_text())["documents"] == []
    (tmp_path / "notes.txt").write_bytes(b"")
    assert KindleClippingsReader.recognize(InputProbe.of(str(tmp_path / "notes.txt"))) == 0


def test_a_metadata_line_cut_short_is_reported(tmp_path):
    read = read_text(tmp_path, HIGHLIGHT + "Walden (Thoreau, Henry David)\n- Your Highlight on page 2 | Loc")
    assert [(p.where, p.reason) for p in read.problems] == [
        (6, "a metadata line cut short: '- Your Highlight on page 2 | Loc'")]
    assert len(read.highlights()) == 1

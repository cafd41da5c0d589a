"""Which highlight a ``Note`` entry of a Kindle notebook export belongs to.

The export shows a highlight's start location and puts its note at the highlight's end, which
it does not show. Passages are real clippings of the corpus (their records give the true end).
"""

from __future__ import annotations

import json
from pathlib import Path

from kindle_reading import CLIPPINGS, real_clippings

from excerpta.adapters import ReadState
from excerpta.model import Document, LocationType
from excerpta.readers.kindle.clippings import KindleClippingsOptions, KindleClippingsReader
from excerpta.readers.kindle.notebook_html import KindleNotebookOptions, KindleNotebookReader, reach

HEAD = ('<html><body><div class="bodyContainer"><div class="bookTitle">Der Prozess</div>'
        '<div class="authors">Kafka, Franz</div><hr/>\n')
TAIL = "</div></body></html>\n"


def corpus_passage(name: str, position: str) -> str:
    """The text of the record of corpus clippings file ``name`` whose metadata has ``position``."""
    records = (CLIPPINGS / name).read_text(encoding="utf-8-sig").split("==========")
    [record] = [r for r in records if position in r]
    return record.strip().splitlines()[-1].strip()


# 187 characters over Loc. 2813-17 (a 2009 Kindle): 47 a location.
POLL = corpus_passage("georgboe_en_legacy2009_loc_abbrev_crlf.txt", "Loc. 2813-17")
# 56 Chinese characters: at 25 a location (3 bytes each), a range of 3 or 4 locations.
SEA = corpus_passage("zicai_zh_cn_page_loc_12h.txt", "位置 #397-398")
# 361 characters of English over Location 1261-1265 (a 2016 Kindle): 72 a location.
MEETINGS = corpus_passage("samueldg_en_multiauthor_nopage.txt", "Location 1261-1265")
CLIPPING_HEAD = "Der Prozess (Kafka, Franz)\n- Your {kind} on Location {where} | Added on Monday, January 2, "


def entry(heading: str, text: str | None, colour: str = "yellow") -> str:
    """One entry of a notebook page, coloured unless ``colour`` is empty; ``text=None`` for a
    bookmark."""
    span = f'(<span class="highlight_{colour}">{colour}</span>) ' if colour else ""
    kind, _, rest = heading.partition(" - ")
    page = f'<div class="noteHeading">{kind} {span}- {rest}</div>\n'
    return page + ("" if text is None else f'<div class="noteText">{text}</div>\n')


def read_page(tmp_path: Path, page: str, *, bookmarks: bool = False) -> tuple[Document, ReadState]:
    path = tmp_path / "n.html"
    path.write_text(page, encoding="utf-8")
    state = ReadState()
    [document] = KindleNotebookReader(KindleNotebookOptions(kindle_bookmarks=bookmarks)).read(
        str(path), state)
    return document, state


def notes_by_location(document: Document) -> list[tuple[int | str | None, str, str | None]]:
    return [(h.location, h.text[:6], h.note) for h in document.highlights]


def test_a_note_at_the_end_of_a_long_or_chinese_highlight_is_that_highlights_note(tmp_path):
    document, state = read_page(tmp_path, HEAD + entry("Highlight - Location 2813", POLL)
                                + entry("Note - Location 2817", "my note on the poll", colour="")
                                + entry("Highlight - Location 2900", SEA)
                                + entry("Note - Location 2903", "中文笔记", colour="") + TAIL)
    assert notes_by_location(document) == [(2813, POLL[:6], "my note on the poll"),
                                           (2900, SEA[:6], "中文笔记")]
    assert state.problems == []


def clipping(kind: str, where: str, minute: int, text: str) -> str:
    """One record of a ``My Clippings.txt`` of the book of :data:`HEAD`."""
    return (CLIPPING_HEAD.format(kind=kind, where=where)
            + f"2023 10:{minute:02d}:00 AM\n\n{text}\n==========\n")


def read_with_clippings(run_cli, tmp_path: Path, page: str,
                        clippings_text: str) -> list[tuple[int, str, str | None]]:
    """The highlights (location, text start, note) of a notebook ``page`` read with its
    clippings, the same in one run and in two runs on one state, either order."""
    notebook, clippings = tmp_path / "n.html", tmp_path / "My Clippings.txt"
    notebook.write_text(page, encoding="utf-8")
    clippings.write_text(clippings_text, encoding="utf-8")
    out = tmp_path / "out.json"
    runs = [("convert", clippings, notebook), ("--state", tmp_path / "s1.sqlite", "convert", notebook),
            ("--state", tmp_path / "s1.sqlite", "convert", clippings),
            ("--state", tmp_path / "s2.sqlite", "convert", clippings),
            ("--state", tmp_path / "s2.sqlite", "convert", notebook)]
    results = []
    for run in runs:
        zone = ("--timezone", "UTC") if clippings in run else ()
        result = run_cli(*run, "--to", "json", "--out", out, *zone)
        assert result.exit_code == 0, result.output
        [document] = json.loads(out.read_text())["documents"]
        results.append([(h["location"], h["text"][:6], h["note"]) for h in document["highlights"]])
    assert all(later == results[0] for later in results[1:]), results
    return results[0]


def test_read_with_its_clippings_a_notebook_note_comes_once(run_cli, tmp_path):
    # My Clippings.txt knows where the highlight ends: both sources attach the note, in one run
    # or in two runs on one state, so the note is never also a highlight of its own.
    page = (HEAD + entry("Highlight - Location 2813", POLL)
            + entry("Note - Location 2817", "my note on the poll", colour="") + TAIL)
    clippings = ("Der Prozess (Kafka, Franz)\n- Highlight Loc. 2813-17 | Added on Tuesday, December 08, "
                 f"2009, 06:11 PM\n\n{POLL}\n==========\nDer Prozess (Kafka, Franz)\n- Note Loc. 2817 | "
                 "Added on Tuesday, December 08, 2009, 06:12 PM\n\nmy note on the poll\n==========\n")
    assert read_with_clippings(run_cli, tmp_path, page, clippings) == [
        (2813, POLL[:6], "my note on the poll")]


def test_every_real_clippings_range_ends_within_the_reach_of_its_text():
    # A note My Clippings.txt attaches at a highlight's end, the notebook attaches too.
    ranges = [(h.location, h.end_location, h.text) for path in real_clippings()
              for document in KindleClippingsReader(KindleClippingsOptions()).read(str(path), ReadState())
              for h in document.highlights
              if h.text and h.location_type is LocationType.LOCATION and h.end_location is not None]
    assert len(ranges) > 150
    assert [r for r in ranges if reach(r[0], r[2]) < r[1]] == []


def test_an_english_highlight_reaches_a_few_locations_past_its_end_not_a_chinese_ones_reach(tmp_path):
    # At 10 characters a location (as for Chinese) these 361 characters would reach 1300.
    document, _ = read_page(tmp_path, HEAD + entry("Highlight - Location 1261", MEETINGS)
                            + entry("Note - Location 1265", "at its end", colour="")
                            + entry("Note - Location 1280", "a page on", colour="")
                            + entry("Highlight - Location 1400", "Next.") + TAIL)
    assert notes_by_location(document) == [(1261, MEETINGS[:6], "at its end"),
                                           (1280, "", "a page on"), (1400, "Next.", None)]


def test_a_note_past_an_english_highlights_end_comes_once_read_with_its_clippings(run_cli, tmp_path):
    page = (HEAD + entry("Highlight - Location 1261", MEETINGS)
            + entry("Note - Location 1280", "a page on", colour="")
            + entry("Highlight - Location 1400", "Next.") + TAIL)
    clippings = (clipping("Highlight", "1261-1265", 0, MEETINGS) + clipping("Note", "1280", 5, "a page on")
                 + clipping("Highlight", "1400-1400", 10, "Next."))
    assert read_with_clippings(run_cli, tmp_path, page, clippings) == [
        (1261, MEETINGS[:6], None), (1280, "", "a page on"), (1400, "Next.", None)]


def test_a_note_at_the_next_highlights_start_is_the_note_of_the_one_it_follows(run_cli, tmp_path):
    # Two short highlights in one location: the export lists a note right after its highlight.
    page = (HEAD + entry("Highlight - Location 100", "Short first highlight here.")
            + entry("Note - Location 100", "note on the first", colour="")
            + entry("Highlight - Location 100", "Another short highlight in the same location.") + TAIL)
    clippings = (clipping("Highlight", "100-100", 0, "Short first highlight here.")
                 + clipping("Note", "100", 5, "note on the first")
                 + clipping("Highlight", "100-100", 10, "Another short highlight in the same location."))
    expected = [(100, "Short ", "note on the first"), (100, "Anothe", None)]
    assert notes_by_location(read_page(tmp_path, page)[0]) == expected
    assert read_with_clippings(run_cli, tmp_path, page, clippings) == expected


def test_a_note_no_highlight_can_reach_stays_a_note_of_its_own(tmp_path):
    page = (HEAD + entry("Note - Location 5", "before any highlight", colour="")
            + entry("Highlight - Location 100", "Short.")
            + entry("Note - Location 160", "far past its end", colour="")
            + entry("Highlight - Location 200", SEA)  # reaches 208
            + entry("Note - Location 206", "past the next one's start", colour="")
            + entry("Highlight - Location 205", "Next.")
            + '<div class="sectionHeading">Part Two</div>'
            + entry("Note - Location 207", "in the next section", colour="") + TAIL)
    document, _ = read_page(tmp_path, page)
    assert notes_by_location(document) == [
        (5, "", "before any highlight"), (100, "Short.", None), (160, "", "far past its end"),
        (200, SEA[:6], None), (206, "", "past the next one's start"), (205, "Next.", None),
        (207, "", "in the next section")]


def test_a_bookmark_between_a_highlight_and_its_note_keeps_them_together_either_way(tmp_path):
    page = (HEAD + entry("Highlight - Location 2813", POLL) + entry("Bookmark - Location 2815", None)
            + entry("Note - Location 2817", "my note on the poll", colour="") + TAIL)
    for bookmarks in (False, True):
        document, _ = read_page(tmp_path, page, bookmarks=bookmarks)
        noted = [(h.location, h.note) for h in document.highlights if h.note]
        assert noted == [(2813, "my note on the poll")]


def test_a_note_entry_of_no_text_is_dropped_and_adds_nothing_to_its_highlight(tmp_path):
    document, _ = read_page(tmp_path, HEAD + entry("Note - Location 5", "", colour="")
                            + entry("Highlight - Location 2813", POLL)
                            + entry("Note - Location 2817", "", colour="")
                            + entry("Note - Location 2817", "my note on the poll", colour="") + TAIL)
    assert notes_by_location(document) == [(2813, POLL[:6], "my note on the poll")]

"""Which highlight a ``Note`` entry of a Kindle notebook export belongs to.

The export shows a highlight's start location and puts its note at the highlight's end, which
it does not show. Passages are real clippings of the corpus (their records give the true end).
"""

from __future__ import annotations

import json
from pathlib import Path

from kindle_reading import CLIPPINGS

from excerpta.adapters import ReadState
from excerpta.model import Document
from excerpta.readers.kindle.notebook_html import KindleNotebookOptions, KindleNotebookReader

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


def test_read_with_its_clippings_a_notebook_note_comes_once(run_cli, tmp_path):
    # My Clippings.txt knows where the highlight ends: both sources attach the note, in one run
    # or in two runs on one state, so the note is never also a highlight of its own.
    notebook = tmp_path / "n.html"
    notebook.write_text(HEAD + entry("Highlight - Location 2813", POLL)
                        + entry("Note - Location 2817", "my note on the poll", colour="") + TAIL,
                        encoding="utf-8")
    clippings = tmp_path / "My Clippings.txt"
    clippings.write_text(
        "Der Prozess (Kafka, Franz)\n- Highlight Loc. 2813-17 | Added on Tuesday, December 08, 2009, "
        f"06:11 PM\n\n{POLL}\n==========\nDer Prozess (Kafka, Franz)\n- Note Loc. 2817 | Added on "
        "Tuesday, December 08, 2009, 06:12 PM\n\nmy note on the poll\n==========\n", encoding="utf-8")
    out, state = tmp_path / "out.json", tmp_path / "state.sqlite"
    runs = [("convert", clippings, notebook), ("--state", state, "convert", notebook),
            ("--state", state, "convert", clippings)]
    for run in runs:
        zone = ("--timezone", "UTC") if clippings in run else ()
        result = run_cli(*run, "--to", "json", "--out", out, *zone)
        assert result.exit_code == 0, result.output
        [document] = json.loads(out.read_text())["documents"]
        assert [(h["location"], h["note"]) for h in document["highlights"]] == [
            (2813, "my note on the poll")], run


def test_a_note_no_highlight_can_reach_stays_a_note_of_its_own(tmp_path):
    page = (HEAD + entry("Note - Location 5", "before any highlight", colour="")
            + entry("Highlight - Location 100", "Short.")
            + entry("Note - Location 160", "far past its end", colour="")
            + entry("Highlight - Location 200", POLL)
            + entry("Note - Location 210", "at the next one's start", colour="")
            + entry("Highlight - Location 210", "Next.")
            + '<div class="sectionHeading">Part Two</div>'
            + entry("Note - Location 212", "in the next section", colour="") + TAIL)
    document, _ = read_page(tmp_path, page)
    assert notes_by_location(document) == [
        (5, "", "before any highlight"), (100, "Short.", None), (160, "", "far past its end"),
        (200, POLL[:6], None), (210, "", "at the next one's start"), (210, "Next.", None),
        (212, "", "in the next section")]


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

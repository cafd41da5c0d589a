"""Several sources of one book in one ``--state`` library: what a format does not say never
erases what another gave, whatever the order; what it does say still arrives.

Inputs: the Kindle notebook export and Readwise Markdown note of the shared corpus, read in
place, with clippings and Readwise CSVs written here for the same highlights.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from excerpta.model import Document, Highlight
from excerpta.pipeline import convert
from excerpta.store import open_store
from excerpta.store.sqlite import SQLiteStore

from paths import CORPUS

NOTEBOOK = CORPUS / "kindle_notebook_html" / "krystofl_example_notebook_en.html"
MD_NOTE = (CORPUS / "readwise" / "obsidian-official" / "lucasheriques-brain" / "Readwise" / "Books"
           / "Understanding Distributed Systems.v1-first-sync@56d77b7.md")
TEXT = "Good writing is often about letting go of fear and affectation."
NOTE = "Yes! Write what you want, and don't try to impress anyone."
EXPORT_9 = "Highlight,Book Title,Book Author,Amazon Book ID,Note,Color,Tags,Location Type,Location"
EXPORT_11 = EXPORT_9 + ",Highlighted at,Document tags"
IMPORT = "Highlight,Title,Author,URL,Note,Location,Date"
ROW = f"{TEXT},On Writing: A Memoir of the Craft,Stephen King,B000FC0SIM,{{note}},blue,craft,location,1445"


def _clippings(folder: Path) -> Path:
    path = folder / "My Clippings.txt"
    path.write_text("On Writing: A Memoir of the Craft (Stephen King)\n"
                    "- Your Highlight on page 12 | Location 1445-1446 | Added on Monday, January 1, "
                    f"2024 10:05:00 AM\n\n{TEXT}\n==========\n", encoding="utf-8")
    return path


def _read(store: SQLiteStore, folder: Path, *sources: Path) -> tuple[Document, Highlight]:
    """Read ``sources`` into ``store`` one run each; the book and its 1445 highlight."""
    for source in sources:
        convert([str(source)], to="json", out=folder / "out.json", library=store, state=store,
                options={"timezone": "UTC"} if source.suffix == ".txt" else {})
    [document] = [d for d in store.documents() if d.title.startswith("On Writing")]
    [highlight] = [h for h in document.highlights if h.location == 1445]
    return document, highlight


def _csv(folder: Path, header: str, *rows: str) -> Path:
    path = folder / "readwise-data.csv"
    path.write_bytes("\r\n".join((header, *rows)).encode() + b"\r\n")
    return path


def _kindle_sides(store: SQLiteStore, tmp_path: Path) -> tuple[Document, Highlight]:
    document, highlight = _read(store, tmp_path, _clippings(tmp_path), NOTEBOOK)
    assert (document.source, highlight.highlighted_at, highlight.end_location, highlight.page,
            highlight.chapter, highlight.note) == (
        "kindle", datetime(2024, 1, 1, 10, 5, tzinfo=UTC), 1446, 12, "Chapter 3 Toolbox", NOTE)
    return document, highlight


def test_a_9_column_readwise_export_keeps_what_the_kindle_sources_gave_and_brings_what_it_has(tmp_path):
    store = open_store(tmp_path / "state.sqlite")
    _kindle_sides(store, tmp_path)
    csv = _csv(tmp_path, EXPORT_9, ROW.format(note="Edited in Readwise"))
    document, highlight = _read(store, tmp_path, csv)
    # no "Highlighted at" column, no range, page or chapter in any Readwise CSV, no source
    assert (document.source, highlight.highlighted_at, highlight.end_location, highlight.page,
            highlight.chapter) == ("kindle", datetime(2024, 1, 1, 10, 5, tzinfo=UTC), 1446, 12,
                                   "Chapter 3 Toolbox")
    # what the export does say arrives where the Kindle's copy lacks it (tags); another source's
    # undated copy never replaces the dated copy's note or colour (as with the author spelled otherwise,
    # where the two ids differ: README, "an undated copy fills what a dated one lacks")
    assert (document.asin, highlight.note, highlight.color, highlight.tags) == (
        "B000FC0SIM", NOTE, "yellow", ["craft"])
    _, highlight = _read(store, tmp_path, _csv(tmp_path, EXPORT_9, ROW.format(note="")))
    assert (highlight.note, highlight.chapter, highlight.highlighted_at) == (
        NOTE, "Chapter 3 Toolbox", datetime(2024, 1, 1, 10, 5, tzinfo=UTC))
    store.close()


def test_an_11_column_readwise_export_brings_its_dates_and_keeps_chapter_range_and_source(tmp_path):
    store = open_store(tmp_path / "state.sqlite")
    _kindle_sides(store, tmp_path)
    csv = _csv(tmp_path, EXPORT_11, ROW.format(note=NOTE.replace(",", "")) +
               ",2024-02-03 04:05:06+00:00,memoir")
    document, highlight = _read(store, tmp_path, csv)
    assert (document.source, document.tags, highlight.end_location, highlight.page, highlight.chapter,
            highlight.highlighted_at) == ("kindle", ["memoir"], 1446, 12, "Chapter 3 Toolbox",
                                          datetime(2024, 2, 3, 4, 5, 6, tzinfo=UTC))
    store.close()


def test_empty_cells_of_a_bulk_import_csv_are_not_given_and_erase_nothing(tmp_path):
    store = open_store(tmp_path / "state.sqlite")
    _kindle_sides(store, tmp_path)
    csv = _csv(tmp_path, IMPORT, f"{TEXT},On Writing: A Memoir of the Craft,Stephen King,,,1445,")
    document, highlight = _read(store, tmp_path, csv)
    assert (document.source, highlight.note, highlight.highlighted_at, highlight.chapter) == (
        "kindle", NOTE, datetime(2024, 1, 1, 10, 5, tzinfo=UTC), "Chapter 3 Toolbox")
    # a cell it fills arrives where the Kindle's copy has none (its undated note never
    # replaces the dated copy's: another source's copy, see above)
    csv = _csv(tmp_path, IMPORT, f"{TEXT},On Writing: A Memoir of the Craft,Stephen King,,Later,1445,",
               "Only in Readwise.,On Writing: A Memoir of the Craft,Stephen King,,Later,1500,")
    document, highlight = _read(store, tmp_path, csv)
    assert (highlight.note, [h.note for h in document.highlights if h.location == 1500]) == (NOTE, ["Later"])
    store.close()


def test_the_page_colour_chapter_note_and_dates_survive_either_order_in_one_run_or_two(tmp_path):
    # The notebook entry has no page; the clippings record has no note, colour or chapter.
    notebook = tmp_path / "n.html"
    notebook.write_text(
        '<div class="bookTitle">Walden</div><div class="authors">Thoreau, Henry David</div>'
        '<div class="sectionHeading">Economy</div>'
        '<div class="noteHeading">Highlight(<span class="highlight_blue">blue</span>) - Location 70'
        '</div><div class="noteText">I went to the woods.</div>'
        '<div class="noteHeading">Note - Location 70</div><div class="noteText">Thoreau!</div>',
        encoding="utf-8")
    clippings = tmp_path / "My Clippings.txt"
    clippings.write_text(
        "Walden (Thoreau, Henry David)\n"
        "- Your Highlight on page 5 | Location 70-72 | Added on Monday, July 4, 1845 9:15:00 AM\n\n"
        "I went to the woods.\n==========\n", encoding="utf-8")
    expected = (5, "blue", "Economy", "Thoreau!", 72, datetime(1845, 7, 4, 9, 15, tzinfo=UTC))
    for order in ((clippings, notebook), (notebook, clippings)):
        for runs in ([order], [[source] for source in order]):
            store = open_store(":memory:")
            for sources in runs:
                zone = {"timezone": "UTC"} if clippings in sources else {}
                convert([str(s) for s in sources], to="json", out=tmp_path / "out.json",
                        library=store, state=store, options=zone)
            [[highlight]] = [d.highlights for d in store.documents()]
            assert (highlight.page, highlight.color, highlight.chapter, highlight.note,
                    highlight.end_location, highlight.highlighted_at) == expected, (order, runs)
            store.close()


def test_a_readwise_markdown_note_keeps_the_dates_range_and_page_of_the_clippings(tmp_path):
    clippings = tmp_path / "My Clippings.txt"
    clippings.write_text(
        "Understanding Distributed Systems (Roberto Vitillo)\n"
        "- Your Highlight on page 3 | Location 51-52 | Added on Monday, January 1, 2024 10:05:00 AM\n\n"
        "Another reason for building distributed systems is that some applications require high "
        "availability and need to be resilient to single-node failures.\n==========\n", encoding="utf-8")
    store = open_store(":memory:")
    for source in (clippings, MD_NOTE):
        convert([str(source)], to="json", out=tmp_path / "out.json", library=store, state=store,
                options={"timezone": "UTC"} if source == clippings else {})
    [document] = store.documents()
    highlight = next(h for h in document.highlights if h.location == 51)
    assert (document.source, highlight.highlighted_at, highlight.end_location, highlight.page) == (
        "kindle", datetime(2024, 1, 1, 10, 5, tzinfo=UTC), 52, 3)
    # what the note says arrives
    assert (document.cover_image_url, document.asin) == (
        "https://m.media-amazon.com/images/I/61otEO9SSYL._SY160.jpg", "B09YLRB7QV")
    store.close()

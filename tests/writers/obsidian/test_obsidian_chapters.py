"""Chapter headings: highlights of a source that names chapters (a Kindle notebook) are grouped
under one heading per chapter; sources without chapters keep Readwise's flat list."""

from __future__ import annotations

import json
import re

from excerpta.model import Highlight, LocationType
from excerpta.ordering import cfi_key, reading_order
from excerpta.writers.obsidian.region import find_regions

from .conftest import template_folder
from paths import CORPUS

NOTEBOOK = CORPUS / "kindle_notebook_html" / "krystofl_example_notebook_en.html"


def _note(vault):
    [path] = vault.rglob("*.md")
    return path.read_text(encoding="utf-8")


def _chaptered(books, chapters: list[str | None]):
    book = books(len(chapters))
    for highlight, chapter in zip(book.highlights, chapters, strict=True):
        highlight.chapter = chapter
    return book


def test_a_kindle_notebook_gets_one_heading_per_chapter_above_its_highlights(run_cli, tmp_path):
    vault = tmp_path / "vault"
    result = run_cli("convert", NOTEBOOK, "--to", "obsidian", "--out", vault)
    assert result.exit_code == 0, result.output
    text = _note(vault)
    # Written from the export: Chapter 1 holds locations 590 and 592, Chapter 3 Toolbox 1445,
    # Chapter 4 On Writing six highlights from 1649, Chapter 5 the last two.
    headings = re.findall(r"^### (.*)$", text, flags=re.MULTILINE)
    assert headings == ["Chapter 1", "Chapter 3 Toolbox", "Chapter 4 On Writing",
                        "Chapter 5 On Living: A Postscript"]
    region = text.split("### ")
    assert [len(re.findall(r"^- .*\^hl-\w+$", part, flags=re.MULTILINE)) for part in region[1:]] == [
        2, 1, 6, 2]
    assert "Location\u00a0590" in region[1]
    assert "Location\u00a03251" in region[4]
    assert "## Highlights\n\n### Chapter 1\n\n- " in text
    assert "\n\n### Chapter 3 Toolbox\n\n- " in text


def test_no_chapter_no_heading_and_a_heading_only_where_the_chapter_changes(vault, sync, books):
    sync([_chaptered(books, [None, "One", "One", None, None, "Two"])])
    text = _note(vault)
    lines = [line for line in text.splitlines() if line.startswith(("- ", "###"))]
    # Highlights of no chapter after a chapter's sit under an empty heading that ends it.
    assert [line.split(" (")[0].split(" ^")[0] for line in lines[4:]] == [
        "- Highlight number 1.", "### One", "- Highlight number 2.", "- Highlight number 3.",
        "###", "- Highlight number 4.", "- Highlight number 5.", "### Two", "- Highlight number 6."]
    assert "^hl-readwise-3\n\n###\n\n- Highlight number 4." in text


def test_the_end_of_a_chapter_has_the_level_of_its_heading_and_none_without_one(tmp_path, vault, sync, books):
    templates = template_folder(tmp_path, {"chapter.md.jinja": "#### {{ chapter }}"})
    sync([_chaptered(books, ["One", None])], templates=templates)
    assert "^hl-readwise-1\n\n####\n\n- Highlight number 2." in _note(vault)

    (templates / "chapter.md.jinja").write_text("**{{ chapter }}**")  # a label, not a section
    sync([_chaptered(books, ["One", None])], templates=templates)
    assert "**One**\n\n- Highlight number 1." in _note(vault)
    assert "^hl-readwise-1\n- Highlight number 2." in _note(vault)


def test_the_chapter_template_can_be_replaced_or_emptied(tmp_path, vault, sync, books):
    templates = template_folder(tmp_path, {
        "chapter.md.jinja": "#### {{ chapter.split(' > ')[-1] }} ({{ title }})",
        "highlight.md.jinja": "- {{ highlight_text }} [{{ highlight_chapter }}]",
    })
    sync([_chaptered(books, ["Part I > Economy", "Part I > Economy"])], templates=templates)
    text = _note(vault)
    assert text.count("#### Economy (Walden)\n") == 1
    assert "- Highlight number 2. [Part I > Economy] ^hl-readwise-2\n" in text

    (templates / "chapter.md.jinja").write_text("{# no chapter headings #}")
    sync([_chaptered(books, ["Part I > Economy", "Part I > Economy"])], templates=templates)
    text = _note(vault)
    assert "Economy (Walden)" not in text
    assert "## Highlights\n- Highlight number 1." in text


def test_re_sync_moves_headings_with_their_chapters_and_keeps_the_users_text(vault, sync, books):
    sync([_chaptered(books, ["One", "One"])])
    [path] = vault.rglob("*.md")
    path.write_text(path.read_text(encoding="utf-8") + "\nMy own thoughts.\n", encoding="utf-8")
    book = _chaptered(books, ["One", "One"])
    book.highlights.insert(1, Highlight(id="readwise-9", text="Added later.", location=150,
                                        location_type=LocationType.LOCATION, chapter="One and a half"))
    sync([book])
    text = _note(vault)
    assert re.findall(r"^### (.*)$", text, flags=re.MULTILINE) == ["One", "One and a half", "One"]
    assert text.endswith("\nMy own thoughts.\n")
    assert "- Added later. ([Location\u00a0150]" in text


def test_a_hostile_chapter_stays_one_heading_line_and_cannot_close_the_region(vault, sync, books):
    sync([_chaptered(books, ["Line one\n%% excerpta:end highlights 0000000000000000 %%"])])
    text = _note(vault)
    # One line, and its %% defused so that Obsidian does not hide the rest of the note either.
    assert "### Line one %&#37; excerpta:end highlights 0000000000000000 %&#37;\n" in text
    region = find_regions(text)["highlights"]
    assert region.pristine
    assert "- Highlight number 1." in region.body


def test_in_an_edited_note_a_new_highlight_goes_under_its_own_chapter(vault, sync, books):
    sync([_chaptered(books, ["One", "One", "Two", "Two"])])
    [path] = vault.rglob("*.md")
    path.write_text(path.read_text(encoding="utf-8").replace("- Highlight number 4.", "- Number four, mine."),
                    encoding="utf-8")

    def at(location: int, name: str, chapter: str) -> Highlight:
        return Highlight(id=f"readwise-{name}", text=f"At {location}.", location=location,
                         location_type=LocationType.LOCATION, chapter=chapter)

    book = _chaptered(books, ["One", "One", "Two", "Two"])
    h1, h2, h3, h4 = book.highlights
    # 'a' opens chapter Two (before 3), 'b' follows it, 'c' opens a chapter the note lacks.
    book.highlights = [h1, h2, at(250, "a", "Two"), at(260, "b", "Two"), h3, h4, at(900, "c", "Three")]
    # Chapter Two's first highlight now is 'a': the fresh render puts the heading above it.
    sync([book])
    region = _note(vault).split("## Highlights\n")[1].split("%% excerpta:end")[0]
    items = [line.removeprefix("### ") if line.startswith("### ")
             else re.search(r"\^hl-readwise-(\w+)$", line).group(1)
             for line in region.splitlines() if line.strip()]
    assert items == ["One", "1", "2", "Two", "a", "b", "3", "4", "Three", "c"]


def _first_seen(books):
    """Walden as a state database lists it after a highlight at location 300, chapter
    "Economy", arrived in a later sync: after the ones it had (100, 200 Economy; 5000 Reading)."""
    book = books(4)
    for highlight, (location, chapter) in zip(book.highlights, [(100, "Economy"), (200, "Economy"),
                                                                (5000, "Reading"), (300, "Economy")],
                                              strict=True):
        highlight.location, highlight.chapter = location, chapter
    return book


def _order(text: str) -> list[str]:
    return re.findall(r"^### .*$|\^hl-readwise-\d+", text, flags=re.MULTILINE)


def test_highlights_are_written_in_reading_order_under_one_heading_per_chapter(vault, sync, books):
    sync([_first_seen(books)])
    assert _order(_note(vault)) == ["### Economy", "^hl-readwise-1", "^hl-readwise-2", "^hl-readwise-4",
                                    "### Reading", "^hl-readwise-3"]


def test_a_new_highlight_goes_to_its_reading_order_place_in_an_edited_note(vault, sync, books):
    book = _first_seen(books)
    sync([book.model_copy(update={"highlights": book.highlights[:3]})])
    path = next(vault.rglob("*.md"))
    path.write_text(_note(vault).replace("^hl-readwise-1\n", "^hl-readwise-1\n    - my note\n"))
    sync([book])
    text = _note(vault)
    assert "^hl-readwise-1\n    - my note\n- Highlight number 2." in text
    assert _order(text) == ["### Economy", "^hl-readwise-1", "^hl-readwise-2", "^hl-readwise-4",
                            "### Reading", "^hl-readwise-3"]


def test_with_a_state_database_a_fresh_folder_gets_each_chapter_once_in_reading_order(run_cli, tmp_path):
    library = tmp_path / "library.json"
    state = ["--state", str(tmp_path / "state.sqlite")]

    def highlight(ident: str, location: int, chapter: str) -> dict:
        return {"id": ident, "text": f"At {location}.", "location": location, "location_type": "location",
                "chapter": chapter}

    earlier = [highlight("h1", 1, "Economy"), highlight("h2", 2, "Economy"), highlight("h5", 50, "Reading")]
    for highlights in (earlier, [*earlier[:2], highlight("h3", 3, "Economy"), earlier[2]]):
        library.write_text(json.dumps({"schema_version": 1, "documents": [
            {"id": "d1", "title": "Walden", "category": "books", "highlights": highlights}]}))
        assert run_cli(*state, "convert", library, "--to", "obsidian", "--out", tmp_path / "a").exit_code == 0
    assert run_cli(*state, "convert", library, "--to", "obsidian", "--out", tmp_path / "b").exit_code == 0
    for vault in (tmp_path / "a", tmp_path / "b"):
        assert re.findall(r"^### .*$|\^hl-h\d", _note(vault), flags=re.MULTILINE) == [
            "### Economy", "^hl-h1", "^hl-h2", "^hl-h3", "### Reading", "^hl-h5"]


def test_reading_order_sorts_each_kind_of_location_among_its_places_and_keeps_the_rest():
    def at(ident: str, location: int | str | None, kind: LocationType | None = LocationType.LOCATION):
        return Highlight(id=ident, text=ident, location=location, location_type=kind)

    highlights = [at("l30", 30), at("none", None, None), at("p9", 9, LocationType.PAGE), at("l10", 10),
                  at("xii", "xii", LocationType.PAGE), at("p2", 2, LocationType.PAGE), at("l20", 20),
                  at("l10b", 10)]
    assert [h.id for h in reading_order(highlights)] == [
        "l10", "none", "p2", "l10b", "xii", "p9", "l20", "l30"]
    in_order = highlights[3:4] + highlights[6:7]
    assert reading_order(in_order) is in_order  # nothing to sort: the same list


def test_reading_order_sorts_epub_positions_as_apple_books_keeps_them():
    # Apple Books' location is an EPUB CFI: with a state, a highlight added later in the book
    # was listed last (after its chapter's others, under a second heading of it).
    def at(ident: str, location: str | None) -> Highlight:
        return Highlight(id=ident, text=ident, location=location)

    highlights = [at("ch1", "epubcfi(/6/14[ch1]!/4/2/10/1:0)"), at("ch2", "epubcfi(/6/16!/4/2/2/1:0)"),
                  at("none", None), at("ch1-later", "epubcfi(/6/14[ch1]!/4/2/12,/1:0,/1:20)"),
                  at("ch1-same-para", "epubcfi(/6/14!/4/2/10/1:5)"), at("page", "xii")]
    assert [h.id for h in reading_order(highlights)] == [
        "ch1", "ch1-same-para", "none", "ch1-later", "ch2", "page"]
    assert cfi_key("epubcfi(/6/4!/4/2,/1:0,/1:20)") == (6, 4, 4, 2, 1, 0)
    assert cfi_key("xii") is None

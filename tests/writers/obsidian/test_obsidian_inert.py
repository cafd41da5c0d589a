"""Highlights that would run code or hide text in a vault are written inert, and read back as
the source had them (reliability reference, section 4.4: Dataview, Templater, comments, HTML)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from excerpta.model import Category, Document, Highlight, LocationType
from excerpta.readers.readwise_md import read_note
from excerpta.writers.obsidian.frontmatter import note_body, split_note
from markdown_checks import assert_runs_nothing

from .conftest import kindle_book, sync_once, template_folder

OUR_MARKER = re.compile(r"^%% excerpta:(?:begin|end) [^\n]*%%$", re.MULTILINE)
ATTACKS = [
    "Run this:\n```dataviewjs\nawait app.vault.adapter.remove('Journal.md')\n```",
    "Inline `$= app.vault.getFiles().length` and `= this.file.name` queries",
    "<%* await app.vault.delete(app.workspace.getActiveFile()) %>",
    "An <iframe src='https://example.com/track'></iframe> and <!-- a comment hiding the rest",
    "50%% of everything below is hidden %%",
    "~~~dataviewjs\ndv.paragraph('x')\n~~~",
    "Click [here](javascript:alert(document.cookie)) or ![x](DATA:text/html,x) or [r]\n"
    "[r]: vbscript:msgbox(1)",
]
ORDINARY = "Define the `Pet` schema once and point `$ref` at it; List<String> & Map<K, V> too."


def _library() -> list[Document]:
    highlights = [Highlight(id=f"readwise-{n}", text=text, location=n * 10,
                            location_type=LocationType.LOCATION, chapter="`$= dv.pages()` chapter",
                            note="My note: `$= 1 + 1` <% tp.date.now() %>" if n == 1 else None,
                            tags=["%%x", "ok"] if n == 2 else [],
                            highlighted_at=datetime(2024, 5, n + 1, tzinfo=UTC))
                  for n, text in enumerate([*ATTACKS, ORDINARY], start=1)]
    return [Document(id="readwise-77", title="Scripts & <b>Bold</b> `$= x` 100%% sure <%* tR += 1 %>",
                     author="A. <script>Writer</script>", category=Category.BOOKS,
                     document_note="See ```dataviewjs\nlater", highlights=highlights)]


def assert_inert_note(text: str) -> None:
    """Nothing in the note runs or hides anything, but our region markers (Obsidian comments)."""
    assert_runs_nothing(OUR_MARKER.sub("", note_body(text)))
    assert "<%" not in text  # the front matter too: Templater reads the whole file


@pytest.mark.parametrize("options", [{}, {"atomic": True}], ids=["document-notes", "atomic"])
def test_hostile_highlights_are_inert_read_back_exactly_and_written_once(vault, sync, options):
    library = _library()
    sync(library, **options)
    notes = sorted(vault.rglob("*.md"))
    assert len(notes) == (1 + len(library[0].highlights) if options else 1)
    for note in notes:
        assert_inert_note(note.read_text(encoding="utf-8"))
    everything = "".join(note.read_text(encoding="utf-8") for note in notes)
    assert "`Pet`" in everything  # ordinary inline code is left as it is
    assert "`$ref`" in everything
    [book_note] = [note for note in notes if note.parent.name == "Books"]
    back = read_note(book_note)
    source = library[0]
    assert (back.title, back.author) == (source.title, source.author)
    assert split_note(book_note.read_text(encoding="utf-8")).properties["title"] == source.title
    assert back.document_note == source.document_note
    assert [(h.id, h.text, h.note, h.tags, h.chapter) for h in back.highlights] == [
        (h.id, h.text, h.note, h.tags, h.chapter) for h in source.highlights]
    assert [o.action for o in sync(library, **options).outcomes] == []


def test_a_dataview_block_the_template_itself_writes_is_kept(vault, sync, tmp_path):
    header = "# {{ title }}\n\n```dataview\nLIST FROM #books\n```\n"
    folder = template_folder(tmp_path, {"header.md.jinja": header})
    sync(_library(), templates=str(folder))
    text = next(vault.rglob("*.md")).read_text(encoding="utf-8")
    assert "```dataview\nLIST FROM #books\n```" in text
    assert "# Scripts &amp; &lt;b>Bold&lt;/b> &#96;$= x&#96; 100%&#37; sure" not in text  # "&" stays
    assert "# Scripts & &lt;b>Bold&lt;/b> &#96;$= x&#96; 100%&#37; sure" in text


def test_file_names_hold_no_backtick_and_links_to_them_are_written_as_they_are(vault, sync):
    book = _library()[0]
    sync([book.model_copy(update={"title": "Don`t Panic: `$= x` 100%"})], atomic=True)
    names = [note.name for note in vault.rglob("*.md")]
    assert not [name for name in names if "`" in name]
    [book_note] = vault.glob("Books/*.md")
    assert book_note.name == "Dont Panic $= x 100%.md"
    assert "- ![[Books/Dont Panic $= x 100%/" in book_note.read_text(encoding="utf-8")


# Markdown's building blocks, and the lines a note of ours is made of.
PIECES = st.sampled_from([*"`~%<>&;#\\=$-*1. \t\nab", "```", "~~~", "<%", "%%", "&lt;", "---", "\n=",
                          "- ", "> ", "# ", "1. ", "- \t=", "    =", "^hl-h2", "([Location 5](u))",
                          "[[a]]", "\n    - Note: x", "Tags:", "\n\n", "\n \t\n\n",
                          # What the reader takes for Readwise's location after a text.
                          " (Page 9)", " (Location\u00a012)", "(Time 0:01:41)", " ([View Highlight](u))",
                          "(Page xii)", ")", "&#41;"])
MARKDOWN_TEXT = st.lists(PIECES, min_size=1, max_size=25).map("".join).filter(str.strip)


def _as_a_list_item_shows(text: str) -> str:
    """``text`` less what a Markdown list item drops: each line's indent, and blank lines but
    one between two paragraphs."""
    paragraphs = re.split(r"\n[^\S\n]*\n\s*", text)
    shown = ("\n".join(line.strip() for line in paragraph.split("\n") if line.strip())
             for paragraph in paragraphs)
    return "\n\n".join(paragraph for paragraph in shown if paragraph)


# Where a highlight is: a location the note shows after its text, or none it shows (an
# article's offset, or no location at all).
PLACES = st.sampled_from([LocationType.LOCATION, LocationType.OFFSET, None])


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.tuples(MARKDOWN_TEXT, PLACES), min_size=1, max_size=3),
       note=st.one_of(st.none(), MARKDOWN_TEXT))
@example(texts=[("The effect is shown in the table (Page 9)", LocationType.OFFSET),
                ("as the study notes (Location 12)", None), ("see (Time 0:01:41)", LocationType.LOCATION)],
         note=None)
def test_any_highlight_text_is_inert_and_reads_back(tmp_path_factory, texts, note):
    vault: Path = tmp_path_factory.mktemp("vault")
    highlights = [Highlight(id=f"h{n}", text=text, location=n if kind else None, location_type=kind,
                            note=note if n == 1 else None) for n, (text, kind) in enumerate(texts, start=1)]
    document = Document(id="d1", title="T", category=Category.BOOKS, highlights=highlights)
    sync_once(vault, vault.parent / f"{vault.name}.sqlite", [document])
    [path] = vault.rglob("*.md")
    assert_inert_note(path.read_text(encoding="utf-8"))
    back = read_note(path).highlights
    assert [(h.id, h.text) for h in back] == [(h.id, _as_a_list_item_shows(h.text)) for h in highlights]
    assert back[0].note == (_as_a_list_item_shows(note) if note else None)
    # What was read back writes the same note again: write, read, write is a fixed point.
    again: Path = tmp_path_factory.mktemp("again")
    sync_once(again, again.parent / f"{again.name}.sqlite", [read_note(path)])
    assert [p.read_bytes() for p in again.rglob("*.md")] == [path.read_bytes()]


def test_a_highlight_quoting_our_block_ids_cannot_stand_for_another_highlight(vault, sync):
    book = kindle_book(3)
    first, second, third = book.highlights
    mimic = first.model_copy(update={"text": "Compare ^hl-readwise-2 and ![[Books/Other#^hl-readwise-3]]"})
    library = [book.model_copy(update={"highlights": [mimic, second, third]})]
    sync(library)
    [note] = vault.rglob("*.md")
    text = note.read_text(encoding="utf-8")
    assert text.count("^hl-readwise-2") == 1  # the block id we wrote, not the one quoted
    # The user deletes highlight 2; upstream then edits highlight 1.
    lines = text.split("\n")
    kept = [line for line in lines if not line.endswith("^hl-readwise-2")]
    note.write_text("\n".join(kept), encoding="utf-8")
    edited = mimic.model_copy(update={"note": "edited upstream"})
    sync([library[0].model_copy(update={"highlights": [edited, second, third]})])
    text = note.read_text(encoding="utf-8")
    assert "- Note: edited upstream" in text
    assert "^hl-readwise-2" not in text  # not put back, and highlight 1 did not stand in for it
    assert [(h.id, h.text) for h in read_note(note).highlights] == [("readwise-1", mimic.text),
                                                                     ("readwise-3", third.text)]


def _one_line(text: str | None) -> str | None:
    return " ".join(text.split()) or None if text else None


LINK_SAFE_TEXT = MARKDOWN_TEXT.filter(lambda text: not set("[]|") & set(text))  # "]]" ends a link


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=MARKDOWN_TEXT, author=st.one_of(st.none(), LINK_SAFE_TEXT),
       chapter=st.one_of(st.none(), MARKDOWN_TEXT), document_note=st.one_of(st.none(), MARKDOWN_TEXT),
       atomic=st.booleans())
# A fence after a backslash in a link: restoring the link's target alone took the backslash
# off, as if the writer had escaped a fence at the start of a line.
@example(title="T", author="\\```", chapter=None, document_note=None, atomic=False)
def test_any_title_author_chapter_and_document_note_is_inert_and_reads_back(
        tmp_path_factory, title, author, chapter, document_note, atomic):
    vault: Path = tmp_path_factory.mktemp("vault")
    highlight = Highlight(id="h1", text="Plain.", location=1, location_type=LocationType.LOCATION,
                          chapter=chapter)
    document = Document(id="d1", title=title, author=author, category=Category.BOOKS,
                        document_note=document_note, highlights=[highlight])
    sync_once(vault, vault.parent / f"{vault.name}.sqlite", [document], atomic=atomic)
    for path in vault.rglob("*.md"):
        assert_inert_note(path.read_text(encoding="utf-8"))
    [path] = vault.glob("Books/*.md")
    back = read_note(path)
    assert (back.title, back.author) == (_one_line(title), _one_line(author))
    assert back.highlights[0].chapter == _one_line(chapter)
    assert back.document_note == (_as_a_list_item_shows(document_note) if document_note else None)
    assert [o.action for o in sync_once(vault, vault.parent / f"{vault.name}.sqlite", [document],
                                        atomic=atomic).outcomes if o.action != "unchanged"] == []



def _written_with(vault: Path, sync, tmp_path: Path, template: str, text: str, note: str | None) -> str:
    """The note of one highlight written with ``template`` as its highlight template."""
    folder = template_folder(tmp_path, {"highlight.md.jinja": template})
    highlight = Highlight(id="readwise-1", text=text, note=note, location=1,
                          location_type=LocationType.LOCATION)
    sync([Document(id="d1", title="T", category=Category.BOOKS, highlights=[highlight])],
         templates=str(folder))
    [path] = vault.rglob("*.md")
    return path.read_text(encoding="utf-8")


SIDE_BY_SIDE = "- {{ highlight_text }}{{ highlight_note }}\n"


@pytest.mark.parametrize(("template", "text", "note"), [
    (SIDE_BY_SIDE, "a <", "% tp.file.title %>"),  # Templater
    (SIDE_BY_SIDE, "50 %", "% of the rest, hidden"),  # an Obsidian comment
    ("- <{{ highlight_text }}\n", "% tp.file.title %>", None),  # with the template's own "<"
    (SIDE_BY_SIDE, "see ^", "hl-readwise-2"),  # one of our block ids
    (SIDE_BY_SIDE, "click [here]", "(javascript:alert(1))"),
    (SIDE_BY_SIDE, "click [here](java", "script:alert(1))"),
    (SIDE_BY_SIDE, "``a``", "`x`= dv.pages()` `"),  # a Dataview query: "`= dv.pages()`"
    (SIDE_BY_SIDE, "~", "~~dataviewjs\ndv.paragraph(1)"),  # a fence in the list item
], ids=["templater", "comment", "template-text", "block-id", "link", "split-url",
        "query", "fence"])
def test_values_written_side_by_side_make_nothing_together(vault, sync, tmp_path, template, text, note):
    written = _written_with(vault, sync, tmp_path, template, text, note)
    assert_inert_note(written)
    assert "^hl-readwise-2" not in written


def test_ordinary_values_side_by_side_are_written_as_they_are(vault, sync, tmp_path):
    written = _written_with(vault, sync, tmp_path, SIDE_BY_SIDE, "50% off, a < b: up 12%", "[1] (p. 2)")
    assert "- 50% off, a < b: up 12%[1] (p. 2) ^hl-readwise-1\n" in written

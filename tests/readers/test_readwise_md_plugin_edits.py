"""readwise-md on notes the Readwise plugin wrote and the user then added to, and on the labels
and covers Readwise writes: what a user writes under a highlight stays theirs and leaves the
highlight's text, note, location and id as they were; and on the edits of Obsidian users that
change its layout (a highlight's bullet deleted, a heading renamed, a numbered list)."""

from __future__ import annotations

import contextlib
import logging

import pytest
from readwise_md_reading import read, write_note

from excerpta.errors import InputError
from excerpta.model import Document, LocationType

from paths import CORPUS

LUCAS = CORPUS / "readwise" / "obsidian-official" / "lucasheriques-brain" / "Readwise"
SYSTEMS = LUCAS / "Articles" / "When Systems Collide.md"
AFTER_RESYNC = LUCAS / "Books" / "Understanding Distributed Systems.v2-after-resync@709e2d2.md"

KINDLE = "https://readwise.io/to_kindle?action=open&asin=B0TEST&location="
HEAD = ("# Book\n\n![rw-book-cover](COVER)\n\n## Metadata\n- Author: [[Ann]]\n- Full Title: Book\n\n"
        "## Highlights\n")
# As the plugin writes them (default template, and a custom one ending with "^rw{{highlight_id}}").
PLUGIN = [
    f"- One. ([Location 47]({KINDLE}47)) ^rw123",
    f"- Two. ([Location 48]({KINDLE}48))",
    "    - Note: the real note",
    "- Three:",
    "  - a list the book has",
    f"  - in the highlight ([Location 49]({KINDLE}49))",
    f"- Four. ([Location 50]({KINDLE}50))",
    "    - Tags: [[t]] ",
]
# Where the user adds a line of theirs (after the list line at that index).
USERS = {0: ["  - my thought", "  - See also [[X]]"], 1: ["  - my thought"],
         2: ["  - my thought", "    more of it"], 5: ["", "  1. my numbered thought"], 7: ["  * mine"]}


def _read_one(path) -> Document:
    documents, state = read(path)
    assert state.problems == []
    [document] = documents
    return document


def _note(lines: list[str], cover: str = "https://example.com/cover.jpg") -> str:
    return HEAD.replace("COVER", cover) + "\n".join(lines) + "\n"


def test_the_users_sub_items_under_plugin_highlights_leave_them_as_they_were(tmp_path):
    plain = _read_one(write_note(tmp_path / "plain" / "Book.md", _note(PLUGIN)))
    edited = [line for index, plugin in enumerate(PLUGIN) for line in [plugin, *USERS.get(index, [])]]
    document = _read_one(write_note(tmp_path / "edited" / "Book.md", _note(edited)))
    assert [(h.text, h.note, h.location, h.tags) for h in plain.highlights] == [
        ("One.", None, 47, []), ("Two.", "the real note", 48, []),
        ("Three:\n- a list the book has\n- in the highlight", None, 49, []), ("Four.", None, 50, ["t"])]
    assert document.highlights == plain.highlights  # ids too


def test_readwise_page_labels_of_several_words_and_any_digits_are_locations(tmp_path):
    note = write_note(tmp_path / "Book.md", _note([
        "- One. ([Page 12 a](https://example.com/p))",
        "- Two. (Page\u00a0xii 3)",
        "- Three. ([Page ²](https://example.com/p))",
        "- Four. ([View Highlight](https://readwise.io/to_kindle?asin=B0&location=%C2%B2))",
        "- Five, a text that ends (Page after page)",
    ]))
    assert [(h.text, h.location, h.location_type) for h in _read_one(note).highlights] == [
        ("One.", "12 a", LocationType.PAGE), ("Two.", "xii 3", LocationType.PAGE),
        ("Three.", "²", LocationType.PAGE), ("Four.", None, None),
        ("Five, a text that ends (Page after page)", None, None)]


def test_a_cover_url_with_parentheses_is_read_whole(tmp_path):
    for cover in ["https://example.com/a_(1).jpg", "https://example.com/a_%281%29.jpg",
                  "https://example.com/a_(1.jpg"]:
        note = write_note(tmp_path / "Book.md", _note([f"- One. ([Location 47]({KINDLE}47))"], cover))
        assert _read_one(note).cover_image_url == cover


def test_note_and_tags_nested_two_spaces_after_the_texts_end_are_the_highlights(tmp_path):
    # A template of the user's ("- {{ highlight_text }} ^rw{{ highlight_id }}", its sub-bullets
    # two spaces in, as Markdown nests them too); the user's own item between them stays theirs.
    note = write_note(tmp_path / "Book.md", _note([
        f"- One. ([Location 47]({KINDLE}47)) ^rw123", "  - Note: a note", "  - mine", "  - Tags: [[t]] ",
        "- Two:", "  - Note: the book's own line", f"  ends here ([Location 48]({KINDLE}48))",
    ]))
    assert [(h.text, h.note, h.tags, h.location) for h in _read_one(note).highlights] == [
        ("One.", "a note", ["t"], 47), ("Two:\n- Note: the book's own line\nends here", None, [], 48)]


# What Obsidian leaves when a highlight's bullet line is deleted and its note line is not.
def test_a_second_note_under_one_highlight_is_not_read_and_is_reported(tmp_path, caplog):
    note_lines = SYSTEMS.read_text(encoding="utf-8").split("\n")
    deleted = next(index for index, line in enumerate(note_lines) if line.startswith("- And so with"))
    path = write_note(tmp_path / "When Systems Collide.md",
                      "\n".join(note_lines[:deleted] + note_lines[deleted + 1:]))
    with caplog.at_level(logging.WARNING, logger="excerpta"):
        document = _read_one(path)
    [original, _] = _read_one(SYSTEMS).highlights
    assert document.highlights == [original]  # its own note, not the orphan
    assert [r.getMessage() for r in caplog.records] == [
        f"{path}: a second Note: under one highlight (line {deleted + 1}), not read: "
        "was its highlight deleted?"]


def test_the_lines_of_a_second_note_are_not_read_either(tmp_path, caplog):
    note = write_note(tmp_path / "Book.md", "---\ntitle: Book\n---\n" + _note([
        f"- One. ([Location 47]({KINDLE}47))", "    - Note: mine", "    - Note: orphan",
        "      more orphan", f"- Two. ([Location 48]({KINDLE}48))", "  - **Note:** two", "  - Note: again"]))
    with caplog.at_level(logging.WARNING, logger="excerpta"):
        document = _read_one(note)
    assert [(h.text, h.note) for h in document.highlights] == [("One.", "mine"), ("Two.", "two")]
    assert [r.getMessage() for r in caplog.records] == [
        f"{note}: a second Note: under one highlight (line {line}), not read: was its highlight deleted?"
        for line in (15, 19)]


# Obsidian users rename a heading (a check mark when they have gone through it) or turn the
# bullets into a numbered list.
@pytest.mark.parametrize("heading", ["## Highlights ✅", "## Highlights (edited)", "### HIGHLIGHTS"])
def test_a_highlights_heading_with_words_after_it_is_read(tmp_path, caplog, heading):
    text = AFTER_RESYNC.read_text(encoding="utf-8")
    note = write_note(tmp_path / "Book.md", text.replace("## Highlights\n", heading + "\n", 1))
    with caplog.at_level(logging.WARNING, logger="excerpta"):
        assert _read_one(note).highlights == _read_one(AFTER_RESYNC).highlights
    assert caplog.records == []


@pytest.mark.parametrize("heading", ["## Highlights from our book club", "## Highlights: part 2"])
def test_a_section_of_the_users_named_highlights_of_something_is_not_read(tmp_path, heading):
    note = write_note(tmp_path / "Book.md", _note([f"- One. ([Location 47]({KINDLE}47))", "", heading,
                                                   "- what Ann said", "- what Bob said"]))
    assert [h.text for h in _read_one(note).highlights] == ["One."]


@pytest.mark.parametrize("indent", ["  ", "    ", "\t"])
def test_a_highlight_indented_by_hand_is_the_users_item_and_said(tmp_path, caplog, indent):
    note = write_note(tmp_path / "Book.md", _note([f"- One. ([Location 47]({KINDLE}47))",
                                                   f"{indent}- Two. ([Location 48]({KINDLE}48))",
                                                   "  - my own thought"]))
    with caplog.at_level(logging.WARNING, logger="excerpta"):
        assert [h.text for h in _read_one(note).highlights] == ["One."]
    line = HEAD.count("\n") + 2
    assert [r.getMessage() for r in caplog.records] == [
        f"{note}: an item nested under a highlight ends with a location link (line {line}), read as "
        "yours, not as a highlight: was a highlight indented?"]


def test_the_plugins_own_notes_say_nothing_of_nested_items(caplog):
    with caplog.at_level(logging.WARNING, logger="excerpta"):
        for path in sorted((CORPUS / "readwise").rglob("*.md")):
            with contextlib.suppress(InputError):  # a file of the corpus that is no note
                read(path)
    assert not [r for r in caplog.records if "nested under a highlight" in r.getMessage()]


def test_highlights_turned_into_a_numbered_list_are_read(tmp_path):
    lines = AFTER_RESYNC.read_text(encoding="utf-8").split("\n")
    numbered = [f"{index + 1}. {line[2:]}" if line.startswith("- ") and index > 9 else line
                for index, line in enumerate(lines)]
    note = write_note(tmp_path / "Book.md", "\n".join(numbered))
    assert _read_one(note).highlights == _read_one(AFTER_RESYNC).highlights


def test_a_numbered_list_beside_bullets_is_the_users(tmp_path):
    note = write_note(tmp_path / "Book.md", _note([
        f"- One. ([Location 47]({KINDLE}47))", "", "1. my own list", "2. of things"]))
    assert [h.text for h in _read_one(note).highlights] == ["One."]


def test_a_chapter_heading_starting_with_highlights_stays_a_chapter(tmp_path):
    note = write_note(tmp_path / "Book.md", _note([
        "### Highlights of the Season", f"- One. ([Location 47]({KINDLE}47))",
        "### Winter", f"- Two. ([Location 48]({KINDLE}48))"]))
    assert [(h.text, h.chapter) for h in _read_one(note).highlights] == [
        ("One.", "Highlights of the Season"), ("Two.", "Winter")]


def test_a_readwise_note_reading_no_highlight_beside_location_links_says_so(tmp_path, caplog):
    linked = _note([]) + f"\n## My quotes\n+ One. ([Location 47]({KINDLE}47))\n"
    empty = _note([])
    with caplog.at_level(logging.WARNING, logger="excerpta"):
        for name, text in [("Linked", linked), ("Empty", empty)]:
            assert _read_one(write_note(tmp_path / f"{name}.md", text)).highlights == []
    assert [r.getMessage() for r in caplog.records] == [
        f"{tmp_path / 'Linked.md'}: no highlight read, but 1 list item(s) end with a Readwise "
        "location link: is the 'Highlights' heading renamed, or the list not made of '- ' bullets?"]


def test_a_readwise_note_whose_highlights_heading_is_gone_says_so_in_a_folder(tmp_path, caplog):
    text = AFTER_RESYNC.read_text(encoding="utf-8").replace("## Highlights\n", "## Quotes\n", 1)
    renamed = text.replace("## New highlights added", "## Added", 1)
    write_note(tmp_path / "vault" / "Book.md", renamed)
    write_note(tmp_path / "vault" / "Other.md", AFTER_RESYNC.read_text(encoding="utf-8"))
    with caplog.at_level(logging.WARNING, logger="excerpta"):
        [document] = _read_folder(tmp_path / "vault")
    assert len(document.highlights) == 77
    assert [r.getMessage() for r in caplog.records] == [
        f"{tmp_path / 'vault' / 'Book.md'}: a Metadata list and 77 list item(s) ending with a Readwise "
        "location link, but no 'Highlights' heading: not read as a Readwise note"]


def _read_folder(path) -> list[Document]:
    documents, state = read(path)
    assert state.problems == []
    return documents

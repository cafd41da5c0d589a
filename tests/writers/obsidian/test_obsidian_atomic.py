"""The ``atomic`` option: a note per highlight, embedded by its document's note, re-synced
without loss like every note."""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime

import yaml

from excerpta.model import Highlight, LocationType
from excerpta.writers.obsidian.frontmatter import split_note

NOTE = "Books/Walden.md"
KINDLE = "https://readwise.io/to_kindle?action=open&asin=B0082RJSSQ&location="


def _notes(vault) -> list[str]:
    return sorted(p.relative_to(vault).as_posix() for p in vault.rglob("*.md"))


def _written(sink) -> list[str]:
    return sorted(o.path.name for o in sink.outcomes if o.action in ("create", "update"))


def _highlight_note(vault, n: int):
    """The path of the note of highlight number ``n`` of the test book."""
    return vault / "Books" / "Walden" / f"Highlight number {n}.md"


def _properties(path) -> dict:
    return yaml.safe_load(split_note(path.read_text(encoding="utf-8")).front_matter.strip("-\n"))


def _with(book, highlights):
    return book.model_copy(update={"highlights": highlights})


def test_each_highlight_gets_its_own_note_which_the_document_note_embeds(vault, sync, books):
    sync([books(2)], atomic=True)
    assert _notes(vault) == ["Books/Walden.md", "Books/Walden/Highlight number 1.md",
                             "Books/Walden/Highlight number 2.md"]
    document = (vault / NOTE).read_text()
    assert ("## Highlights\n"
            "- ![[Books/Walden/Highlight number 1#^hl-readwise-1]] ^hl-readwise-1\n"
            "- ![[Books/Walden/Highlight number 2#^hl-readwise-2]] ^hl-readwise-2\n") in document
    assert "Highlight number 1. (" not in document  # the text lives in the highlight's note only
    own = _highlight_note(vault, 1).read_text()
    assert "- Source: [[Books/Walden|Walden]]\n- Author: [[Henry David Thoreau]]\n" in own
    assert f"- Highlight number 1. ([Location\u00a0100]({KINDLE}100)) ^hl-readwise-1\n" in own
    assert _properties(_highlight_note(vault, 1)) == {
        "excerpta-id": "hl-readwise-1", "source": "[[Books/Walden]]", "author": ["[[Henry David Thoreau]]"],
        "category": "books", "highlighted": datetime(2024, 3, 1, 20, 1)}  # in UTC, as Obsidian shows it


def test_unchanged_rerun_writes_nothing_and_an_edit_rewrites_only_that_highlights_note(vault, sync, books):
    book = books(3)
    sync([book], atomic=True)
    assert _written(sync([book], atomic=True)) == []
    changed = list(book.highlights)
    changed[1] = changed[1].model_copy(update={"note": "A note added upstream."})
    sink = sync([_with(book, changed)], atomic=True)
    assert _written(sink) == ["Highlight number 2.md"]  # the document's note embeds it: unchanged
    assert "    - Note: A note added upstream.\n" in _highlight_note(vault, 2).read_text()


def test_what_the_user_writes_in_a_highlights_note_survives_edits_and_deletion_upstream(vault, sync, books):
    book = books(2)
    sync([book], atomic=True)
    path = _highlight_note(vault, 1)
    mine = "\n## My thoughts\n\nThis is why I keep a garden. See [[Gardening]].\n"
    path.write_text(path.read_text() + mine)

    edited = [book.highlights[0].model_copy(update={"text": "Highlight number 1, reworded."}),
              book.highlights[1]]
    sync([_with(book, edited)], atomic=True)
    text = path.read_text()
    assert text.endswith(mine)
    assert "- Highlight number 1, reworded. (" in text

    deleted = [edited[0].model_copy(update={"is_deleted": True}), edited[1]]
    sink = sync([_with(book, deleted)], atomic=True)
    text = path.read_text()
    assert text.endswith(mine)  # the note stays: the user wrote in it
    assert "reworded" not in text
    assert "^hl-readwise-1" not in text
    assert "hl-readwise-1" not in (vault / NOTE).read_text()
    assert _written(sink) == ["Highlight number 1.md", "Walden.md"]


def test_a_struck_highlight_stays_struck_in_its_own_note(vault, sync, books):
    book = books(2)
    sync([book], atomic=True, deleted_highlights="strike")
    deleted = [book.highlights[0].model_copy(update={"is_deleted": True}), book.highlights[1]]
    sync([_with(book, deleted)], atomic=True, deleted_highlights="strike")
    assert "- ~~Highlight number 1.~~ (" in _highlight_note(vault, 1).read_text()
    assert "^hl-readwise-1" in (vault / NOTE).read_text()


def test_a_new_highlight_gets_a_note_and_an_embed_in_its_place(vault, sync, books):
    book = books(3)
    sync([_with(book, [book.highlights[0], book.highlights[2]])], atomic=True)
    sync([book], atomic=True)
    assert _highlight_note(vault, 2).is_file()
    document = (vault / NOTE).read_text()
    assert document.index("^hl-readwise-1\n") < document.index("#^hl-readwise-2]] ^hl-readwise-2\n") \
        < document.index("^hl-readwise-3\n")


def test_a_highlight_note_the_user_deleted_is_not_recreated_and_shows_in_full_again(vault, sync, books):
    book = books(2)
    sync([book], atomic=True)
    _highlight_note(vault, 2).unlink()
    changed = [*book.highlights, Highlight(id="readwise-3", text="Highlight number 3.", location=300,
                                           location_type=LocationType.LOCATION)]
    sink = sync([_with(book, changed)], atomic=True)
    assert not _highlight_note(vault, 2).exists()
    assert any(o.action == "skip" and o.path.name == "Highlight number 2.md" for o in sink.outcomes)
    document = (vault / NOTE).read_text()
    assert f"- Highlight number 2. ([Location\u00a0200]({KINDLE}200)) ^hl-readwise-2\n" in document
    assert "- ![[Books/Walden/Highlight number 3#^hl-readwise-3]] ^hl-readwise-3\n" in document
    assert _written(sync([_with(book, changed)], atomic=True)) == []


def test_a_highlight_note_whose_record_was_lost_is_found_in_its_folder_not_duplicated(
        vault, sync, books, tmp_path):
    book = books(2)
    sync([book], atomic=True)
    mine = _highlight_note(vault, 2)
    mine.write_text(mine.read_text() + "\nMy own thoughts.\n")
    # As after a run killed once its files were renamed, before their records were committed.
    with sqlite3.connect(tmp_path / "state.sqlite") as db:
        assert db.execute("DELETE FROM outputs WHERE key = 'hl-readwise-2'").rowcount == 1
    changed = [book.highlights[0], book.highlights[1].model_copy(update={"note": "Added upstream."})]
    sync([_with(book, changed)], atomic=True)
    assert _notes(vault) == ["Books/Walden.md", "Books/Walden/Highlight number 1.md",
                             "Books/Walden/Highlight number 2.md"]
    assert "    - Note: Added upstream.\n" in mine.read_text()
    assert mine.read_text().endswith("%%\n\nMy own thoughts.\n")
    embed = "- ![[Books/Walden/Highlight number 2#^hl-readwise-2]] ^hl-readwise-2\n"
    assert embed in (vault / NOTE).read_text()
    assert _written(sync([_with(book, changed)], atomic=True)) == []


def test_a_moved_highlight_note_is_found_by_its_id_and_the_embed_follows_it(vault, sync, books):
    book = books(2)
    sync([book], atomic=True)
    (vault / "Garden").mkdir()
    moved = vault / "Garden" / "On simplicity.md"
    _highlight_note(vault, 1).rename(moved)
    changed = [book.highlights[0].model_copy(update={"note": "Later."}), book.highlights[1]]
    sync([_with(book, changed)], atomic=True)
    assert not _highlight_note(vault, 1).exists()
    assert "    - Note: Later.\n" in moved.read_text()
    assert "- ![[Garden/On simplicity#^hl-readwise-1]] ^hl-readwise-1\n" in (vault / NOTE).read_text()
    assert _written(sync([_with(book, changed)], atomic=True)) == []


def test_new_highlight_notes_follow_the_document_note_the_user_moved(vault, sync, books):
    book = books(1)
    sync([book], atomic=True)
    (vault / "Read").mkdir()
    (vault / NOTE).rename(vault / "Read" / "Walden.md")
    more = [*book.highlights, Highlight(id="readwise-2", text="Highlight number 2.", location=200,
                                        location_type=LocationType.LOCATION)]
    sync([_with(book, more)], atomic=True)
    assert _notes(vault) == ["Books/Walden/Highlight number 1.md", "Read/Walden.md",
                             "Read/Walden/Highlight number 2.md"]
    assert "- Source: [[Read/Walden|Walden]]\n" in (vault / "Read/Walden/Highlight number 2.md").read_text()
    # The older highlight note links to the note's new place too.
    assert "- Source: [[Read/Walden|Walden]]\n" in _highlight_note(vault, 1).read_text()


def test_turning_atomic_on_and_off_keeps_the_document_note_and_the_users_lines(vault, sync, books):
    book = books(2)
    sync([book])
    (vault / NOTE).write_text((vault / NOTE).read_text() + "\nMy closing thoughts.\n")
    sync([book], atomic=True)
    document = (vault / NOTE).read_text()
    assert "- ![[Books/Walden/Highlight number 1#^hl-readwise-1]] ^hl-readwise-1\n" in document
    assert document.endswith("\nMy closing thoughts.\n")
    sync([book])
    document = (vault / NOTE).read_text()
    assert f"- Highlight number 1. ([Location\u00a0100]({KINDLE}100)) ^hl-readwise-1\n" in document
    assert document.endswith("\nMy closing thoughts.\n")
    assert _highlight_note(vault, 1).is_file()  # left alone: the user may have written in it


def test_same_opening_words_get_distinct_stable_names_and_hostile_text_stays_inside(vault, sync, books):
    texts = ["Highlight number 1.", "Highlight number 1.", "../../etc/passwd", "CON", "### [[x]] | ^y"]
    book = books(highlights=[Highlight(id=f"readwise-{n}", text=text, location=n,
                                       location_type=LocationType.LOCATION)
                             for n, text in enumerate(texts)])
    sync([book], atomic=True)
    names = _notes(vault)
    assert len(names) == 1 + len(texts)
    assert all(name.startswith("Books/Walden") for name in names)
    assert "Books/Walden/Highlight number 1.md" in names
    assert any(re.fullmatch(r"Books/Walden/Highlight number 1 [0-9a-f]{8}\.md", name) for name in names)
    assert "Books/Walden/CON_.md" in names
    assert "Books/Walden/etcpasswd.md" in names  # no "/" or leading dots: one name, in the folder
    assert "Books/Walden/x  y.md" in names  # no link-breaking characters
    for name in names[1:]:
        assert _properties(vault / name)["excerpta-id"].startswith("hl-readwise-")
    document = (vault / NOTE).read_text()
    for name in names[1:]:
        assert f"![[{name[:-3]}#^hl-" in document


def test_dry_run_writes_nothing_and_lists_every_note(vault, sync, books):
    sink = sync([books(2)], atomic=True, dry_run=True)
    assert _notes(vault) == []
    assert sorted(o.path.name for o in sink.outcomes if o.action == "create") == [
        "Highlight number 1.md", "Highlight number 2.md", "Walden.md"]


def test_a_book_and_a_highlight_with_the_same_readwise_number_get_a_note_each(vault, sync, books):
    # Readwise numbers books and highlights separately: book 1001 and highlight 1001 may both exist.
    book = books(highlights=[Highlight(id="readwise-1001", text="Same number as its book.", location=1,
                                       location_type=LocationType.LOCATION)])
    sync([book], atomic=True)
    assert _notes(vault) == ["Books/Walden.md", "Books/Walden/Same number as its book.md"]
    assert _properties(vault / NOTE)["excerpta-id"] == "readwise-1001"
    assert _properties(vault / "Books/Walden/Same number as its book.md")["excerpta-id"] == "hl-readwise-1001"
    assert _written(sync([book], atomic=True)) == []


def test_a_document_with_nothing_to_show_takes_no_name_from_another(vault, sync, books):
    gone = books(1, id="readwise-1000")
    gone = _with(gone, [gone.highlights[0].model_copy(update={"id": "readwise-9", "is_deleted": True})])
    sync([gone, books(1)], atomic=True)
    assert _notes(vault) == ["Books/Walden.md", "Books/Walden/Highlight number 1.md"]


def test_flat_atomic_notes_go_in_a_folder_beside_the_document_note(vault, sync, books):
    sync([books(1)], atomic=True, flat=True)
    assert _notes(vault) == ["Walden.md", "Walden/Highlight number 1.md"]
    embed = "- ![[Walden/Highlight number 1#^hl-readwise-1]] ^hl-readwise-1\n"
    assert embed in (vault / "Walden.md").read_text()


def test_notes_renamed_in_obsidian_are_followed_without_a_word_about_held_back_changes(vault, sync, books):
    book = books(2)
    sync([book], atomic=True)
    # Obsidian renames a highlight's note and rewrites the embed to it, in its own (shortest) form.
    _highlight_note(vault, 1).rename(vault / "Books" / "Walden" / "Simplicity is freedom.md")
    document = vault / NOTE
    document.write_text(document.read_text().replace("![[Books/Walden/Highlight number 1#",
                                                     "![[Simplicity is freedom#"))
    # Then the document's note: the links to it in its highlights' notes are rewritten too.
    renamed = vault / "Books" / "Walden (Thoreau).md"
    document.rename(renamed)
    for note in (vault / "Books" / "Walden").glob("*.md"):
        note.write_text(note.read_text().replace("[[Books/Walden|", "[[Walden (Thoreau)|")
                        .replace("'[[Books/Walden]]'", "'[[Walden (Thoreau)]]'"))
    edited = [book.highlights[0], book.highlights[1].model_copy(update={"note": "Later."})]
    sink = sync([_with(book, edited)], atomic=True)
    reasons = {o.path.name: o.reason for o in sink.outcomes}
    assert reasons.pop("Walden (Thoreau).md") == "found again by its excerpta-id (was Books/Walden.md)"
    assert all(reason is None or reason.startswith("found again") for reason in reasons.values()), reasons
    assert "    - Note: Later.\n" in _highlight_note(vault, 2).read_text()  # the rest still arrives
    assert "- ![[Simplicity is freedom#^hl-readwise-1]] ^hl-readwise-1\n" in renamed.read_text()
    assert _written(sync([_with(book, edited)], atomic=True)) == []


def test_a_highlight_note_renamed_to_a_name_no_link_reaches_shows_in_full_instead_of_a_broken_embed(
        vault, sync, books):
    book = books(2)
    sync([book], atomic=True)
    renamed = vault / "Books" / "Walden" / "Idea #3 [draft] | wip.md"
    _highlight_note(vault, 2).rename(renamed)
    changed = [book.highlights[0], book.highlights[1].model_copy(update={"note": "Later."})]
    sync([_with(book, changed)], atomic=True)
    document = (vault / NOTE).read_text()
    assert "Idea" not in document  # no "![[…Idea #3 [draft] | wip#^hl-readwise-2]]": a heading link
    assert f"- Highlight number 2. ([Location\u00a0200]({KINDLE}200)) ^hl-readwise-2\n" in document
    assert "    - Note: Later.\n" in renamed.read_text()  # the renamed note is still kept up to date
    assert _written(sync([_with(book, changed)], atomic=True)) == []
    renamed.rename(vault / "Books" / "Walden" / "Idea 3 draft.md")  # a name a link reaches again
    sync([_with(book, changed)], atomic=True)
    assert "- ![[Books/Walden/Idea 3 draft#^hl-readwise-2]] ^hl-readwise-2\n" in (vault / NOTE).read_text()


def test_a_document_note_renamed_to_a_name_no_link_reaches_is_named_without_a_link(vault, sync, books):
    book = books(1)
    sync([book], atomic=True)
    (vault / NOTE).rename(vault / "Books" / "Walden #1.md")
    more = [*book.highlights, Highlight(id="readwise-2", text="Highlight number 2.", location=200,
                                        location_type=LocationType.LOCATION)]
    sync([_with(book, more)], atomic=True)
    new_note = vault / "Books" / "Walden #1" / "Highlight number 2.md"
    assert "- Source: Walden\n" in new_note.read_text()
    assert "source" not in _properties(new_note)
    assert "- Source: Walden\n" in _highlight_note(vault, 1).read_text()

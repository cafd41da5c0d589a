"""A highlight or note of several paragraphs is one loose list item: its paragraphs are kept
(Readwise's plugin joins them, readwiseio/obsidian-readwise#48), read back, and re-synced
block by block like any highlight."""

from __future__ import annotations

import re

import pytest

from excerpta.model import Highlight, LocationType
from excerpta.readers.readwise_md import read_note
from excerpta.writers.obsidian.region import region_digest
from markdown_checks import tokens

from .conftest import template_folder

NOTE = "Books/Walden.md"
KINDLE = "https://readwise.io/to_kindle?action=open&asin=B0082RJSSQ&location="
# Highlight 2 of the test book, in two paragraphs, with a note in two paragraphs.
TWO_PARAGRAPHS = "First paragraph.\n\nSecond paragraph.\nThird line."
BLOCK = ("- First paragraph.\n\n  Second paragraph.\n  Third line."
         f" ([Location\u00a0200]({KINDLE}200)) ^hl-readwise-2\n"
         "    - Note: Note one.\n\n      Note two.\n")


def _read(vault) -> str:
    return (vault / NOTE).read_text(encoding="utf-8")


def _written(sink) -> list[str]:
    return [o.path.name for o in sink.outcomes if o.action in ("create", "update")]


def _book(books, **second):
    """The test book with highlight 2 changed by ``second`` (two paragraphs by default)."""
    book = books(3)
    fields = {"text": TWO_PARAGRAPHS, "note": "Note one.\n\nNote two."} | second
    highlights = list(book.highlights)
    highlights[1] = highlights[1].model_copy(update=fields)
    return book.model_copy(update={"highlights": highlights})


def _region_body(text: str) -> str:
    return text.split("%% excerpta:begin highlights %%\n", 1)[1].rsplit("%% excerpta:end highlights", 1)[0]


def test_paragraphs_of_a_highlight_and_its_note_are_kept_and_read_back(vault, sync, books):
    book = _book(books)
    sync([book])
    text = _read(vault)
    assert BLOCK in text  # the block id ends the highlight's last line, after the location
    assert f"1. ([Location\u00a0100]({KINDLE}100)) ^hl-readwise-1\n{BLOCK}- Highlight number 3." in text
    back = read_note(vault / NOTE).highlights
    assert [(h.id, h.text, h.note) for h in back] == [
        (h.id, h.text, h.note) for h in book.highlights]


def test_blank_and_whitespace_lines_make_one_paragraph_break_and_a_blank_text_stays_valid(vault, sync, books):
    book = _book(books, text="\n \nOne.  \n \t\n\n\n  Two.\n\n", note="\n\nA.\n\u00a0\nB.\n \n")
    highlights = list(book.highlights)
    highlights[0] = highlights[0].model_copy(update={"text": " \n\n\t\n ", "note": "Only a note."})
    sync([book.model_copy(update={"highlights": highlights})])
    text = _read(vault)
    assert (f"- One.\n\n  Two. ([Location\u00a0200]({KINDLE}200)) ^hl-readwise-2\n"
            "    - Note: A.\n\n      B.\n") in text
    assert f"-  ([Location\u00a0100]({KINDLE}100)) ^hl-readwise-1\n    - Note: Only a note.\n" in text
    back = read_note(vault / NOTE).highlights
    assert [(h.text, h.note) for h in back[:2]] == [("", "Only a note."), ("One.\n\nTwo.", "A.\n\nB.")]


def test_a_resync_writes_nothing_and_notes_stay_byte_identical(vault, sync, sync_forgetting, books):
    book = _book(books)
    sync([book])
    first = _read(vault)
    for _ in range(3):
        assert _written(sync([book])) == []
    # With the state lost too (the note found by its id and merged): the same bytes.
    for _ in range(3):
        sync_forgetting([book])
        assert _read(vault) == first


def test_a_hand_edited_note_merges_paragraph_highlights_block_by_block(vault, sync, books):
    book = books(4)
    highlights = [h.model_copy(update={"text": f"Highlight {h.location}.\n\nIts second paragraph.",
                                       "note": f"Note {h.location}.\n\nMore."}) for h in book.highlights]
    sync([book.model_copy(update={"highlights": highlights})])
    text = _read(vault)
    # The user rewords the second paragraph of highlight 1 and writes a paragraph of their own
    # below highlight 2.
    mine = text.replace("Its second paragraph. ([Location\u00a0100]", "My rewording. ([Location\u00a0100]")
    mine = mine.replace("More.\n- Highlight 300.", "More.\n\nMy own paragraph.\n\n- Highlight 300.")
    (vault / NOTE).write_text(mine, encoding="utf-8")
    # Upstream edits the second paragraph of highlight 1 (held back: the user changed it) and of
    # highlight 3, deletes highlight 4, and adds highlight 5 between 2 and 3.
    changed = [highlights[0].model_copy(update={"text": "Highlight 100.\n\nUpstream words."}),
               highlights[1],
               highlights[2].model_copy(update={"text": "Highlight 300.\n\nUpstream words.",
                                                "note": "Note 300.\n\nUpstream note."}),
               Highlight(id="readwise-5", text="New.\n\nParagraphs.", location=250,
                         location_type=LocationType.LOCATION)]
    sink = sync([book.model_copy(update={"highlights": changed})])
    assert "1 you changed kept as you wrote them" in sink.outcomes[0].reason
    after = _read(vault)
    assert "- Highlight 100.\n\n  My rewording. ([Location\u00a0100]" in after
    # The new highlight right after the one before it; the user's paragraph stays where it was.
    assert f"      More.\n- New.\n\n  Paragraphs. ([Location\u00a0250]({KINDLE}250)) ^hl-readwise-5\n\n" \
           f"My own paragraph.\n\n- Highlight 300.\n\n  Upstream words. ([Location\u00a0300]({KINDLE}300)) " \
           "^hl-readwise-3\n    - Note: Note 300.\n\n      Upstream note.\n" in after
    assert "^hl-readwise-4" not in after
    assert "Highlight 400." not in after
    assert [len(re.findall(rf"\^hl-readwise-{n}\b", after)) for n in (1, 2, 3, 5)] == [1, 1, 1, 1]
    again = book.model_copy(update={"highlights": changed})
    assert _written(sync([again])) == []
    assert _read(vault) == after


def test_a_deleted_highlight_is_struck_through_paragraph_by_paragraph(vault, sync, books):
    book = _book(books)
    sync([book], deleted_highlights="strike")
    gone = [h.model_copy(update={"is_deleted": h.id == "readwise-2"}) for h in book.highlights]
    sync([book.model_copy(update={"highlights": gone})], deleted_highlights="strike")
    text = _read(vault)
    assert ("- ~~First paragraph.~~\n\n  ~~Second paragraph.~~\n  ~~Third line.~~"
            f" ([Location\u00a0200]({KINDLE}200)) ^hl-readwise-2\n") in text
    assert _written(sync([book.model_copy(update={"highlights": gone})], deleted_highlights="strike")) == []


def test_atomic_highlight_notes_keep_the_paragraphs_and_the_embed_reads_them(vault, sync, books):
    book = _book(books)
    sync([book], atomic=True)
    own = (vault / "Books" / "Walden" / "First paragraph. Second paragraph. Third line.md")
    assert BLOCK in own.read_text(encoding="utf-8")
    assert f"- ![[Books/Walden/{own.stem}#^hl-readwise-2]] ^hl-readwise-2\n" in _read(vault)
    [second] = [h for h in read_note(vault / NOTE).highlights if h.id == "readwise-2"]
    assert (second.text, second.note) == (TWO_PARAGRAPHS, "Note one.\n\nNote two.")
    assert _written(sync([book], atomic=True)) == []


def test_a_note_rendered_before_paragraphs_were_kept_is_updated_once(vault, sync, books):
    book = _book(books)
    sync([book])
    # The note as excerpta wrote it before (the blank lines dropped), its region hash valid.
    text = _read(vault)
    body = _region_body(text)
    old_body = body.replace("First paragraph.\n\n  Second", "First paragraph.\n  Second").replace(
        "Note one.\n\n      Note two.", "Note one.\n      Note two.")
    old = text.replace(body, old_body).replace(region_digest(body), region_digest(old_body))
    (vault / NOTE).write_text(old, encoding="utf-8")
    assert [(o.action, o.reason) for o in sync([book]).outcomes] == [("update", None)]
    assert _read(vault) == text
    assert _written(sync([book])) == []


def test_a_quote_template_with_paragraph_highlights_still_takes_upstream_edits(tmp_path, vault, sync, books):
    quote = "> {{ highlight_text }}\n> — {{ highlight_location }}\n\n"
    templates = template_folder(tmp_path, {"highlight.md.jinja": quote})
    book = _book(books, text="Quoted one.\n\nQuoted two.")
    sync([book], templates=templates)
    text = _read(vault)
    # Paragraphs joined by a line break, as Readwise does: a blank line would end the quote.
    assert "> Quoted one.\n  Quoted two.\n> — Location\u00a0200 ^hl-readwise-2\n" in text
    (vault / NOTE).write_text(text.replace("> Highlight number 1.", "> My words."), encoding="utf-8")
    edited = _book(books, text="Quoted one.\n\nQuoted two, edited.")
    sync([edited], templates=templates)
    after = _read(vault)
    assert "> My words." in after
    assert "> Quoted one.\n  Quoted two, edited.\n> — Location\u00a0200 ^hl-readwise-2\n" in after
    assert after.count("^hl-readwise-2") == 1
    assert "Quoted two.\n" not in after
    assert _written(sync([edited], templates=templates)) == []


def test_paragraphs_of_a_summary_and_a_document_note_are_kept_and_read_back(vault, sync, books):
    book = books(1, summary="Summed up.\n\n\nIn two paragraphs.", document_note="Mine.\n \nAnd more.")
    sync([book])
    text = _read(vault)
    assert "- Document Note: Mine.\n\n  And more.\n- Summary: Summed up.\n\n  In two paragraphs.\n" in text
    back = read_note(vault / NOTE)
    assert (back.summary, back.document_note) == ("Summed up.\n\nIn two paragraphs.", "Mine.\n\nAnd more.")
    assert _written(sync([book])) == []


def test_a_header_quoting_a_summary_of_paragraphs_joins_them(tmp_path, vault, sync, books):
    # A blank line would end the quote (or callout): the paragraphs joined, as for a highlight.
    header = "# {{ title }}\n\n> {{ summary }}\n\n> [!note]\n> {{ document_note }}\n\n- Kept: {{ summary }}\n"
    templates = template_folder(tmp_path, {"header.md.jinja": header})
    sync([books(1, summary="Summed up.\n\nIn two.\nLines.", document_note="Mine.\n\nAnd more.")],
         templates=templates)
    text = _read(vault)
    assert "> Summed up.\n  In two.\n  Lines.\n\n> [!note]\n> Mine.\n  And more.\n\n" in text
    assert "- Kept: Summed up.\n  In two.\n  Lines.\n" in text  # (the whole header rendered again)


@pytest.mark.parametrize(("note", "sub_bullet"), [
    ("\n  - Note: {{ highlight_note }}", "\n  - Note: Note one.\n\n      Note two."),
    ("\n  * Note: {{ highlight_note }}", "\n  * Note: Note one.\n\n      Note two."),
    ("\n  1. {{ highlight_note }}", "\n  1. Note one.\n\n      Note two."),
    ("\n\n  - Note: {{ highlight_note }}", "\n\n  - Note: Note one.\n\n      Note two."),
], ids=["dash", "star", "ordered", "after-a-blank-line"])
def test_a_sub_bullet_indented_two_spaces_leaves_the_block_id_to_the_highlight(
        tmp_path, vault, sync, books, note, sub_bullet):
    # In Obsidian the id at the end of a nested item names that item: a link to the highlight
    # would show its note.
    template = f"- {{{{ highlight_text }}}}{{% if highlight_note %}}{note}{{% endif %}}"
    templates = template_folder(tmp_path, {"highlight.md.jinja": template})
    sync([_book(books)], templates=templates)
    text = _read(vault)
    assert f"- First paragraph.\n\n  Second paragraph.\n  Third line. ^hl-readwise-2{sub_bullet}\n" in text
    if "Note:" in note:  # read back by readwise-md as Readwise's "    - Note:" sub-bullet
        [second] = [h for h in read_note(vault / NOTE).highlights if h.id == "readwise-2"]
        assert (second.text, second.note) == (TWO_PARAGRAPHS, "Note one.\n\nNote two.")
    assert _written(sync([_book(books)], templates=templates)) == []


def test_a_highlights_own_lines_that_look_like_list_items_stay_its_text_and_the_block_id_ends_it(
        vault, sync, books):
    # A "- " or "2. " line of the text, unescaped, would be an item nested in the highlight's,
    # and the id at its end would name that item in Obsidian, not the highlight. The note's
    # lines are inside its sub-bullet, after the id: its list stays a list.
    book = _book(books, text="Three rules:\n- one;\n2. two.", note="See:\n* this\n2. that")
    sync([book])
    block = (f"- Three rules:\n  \\- one;\n  2\\. two. ([Location\u00a0200]({KINDLE}200)) ^hl-readwise-2\n"
             "    - Note: See:\n      * this\n      2. that\n")
    assert block in _read(vault)
    items = [t for t in tokens(block) if t.type == "list_item_open"]
    # the highlight's item, its note's sub-bullet, and the note's own list
    assert [t.level for t in items] == [1, 3, 5, 5]
    back = read_note(vault / NOTE).highlights
    assert [(h.id, h.text, h.note) for h in back] == [(h.id, h.text, h.note) for h in book.highlights]

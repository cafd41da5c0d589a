"""A hand-edited note re-synced with nothing new upstream stays byte for byte as the user left
it, whatever blank or whitespace-only lines the highlight template writes around a block."""

from __future__ import annotations

import pytest

from .conftest import template_folder

NOTE = "Books/Walden.md"


@pytest.mark.parametrize("template", [
    "- {{ highlight_text }}\n   \n",  # a line of spaces after the item
    "   \n- {{ highlight_text }}\n",  # and before it
    "> {{ highlight_text }}\n\t \n\n",  # a quote, a line of blanks, then a blank line
    "- {{ highlight_text }}\n",  # none: as before
])
def test_resyncs_with_nothing_new_upstream_leave_an_edited_note_byte_identical(tmp_path, vault, sync, books,
                                                                              template):
    templates = template_folder(tmp_path, {"highlight.md.jinja": template})
    book = books(3)
    sync([book], templates=templates)
    path = vault / NOTE
    text = path.read_text(encoding="utf-8").replace("Highlight number 1.", "Number one, mine.")
    for run in range(3):
        text += f"\nMy line {run}.\n"  # the user edits the note again before each re-sync
        path.write_text(text, encoding="utf-8")
        sink = sync([book], templates=templates)
        assert [o.action for o in sink.outcomes] == ["unchanged"], run
        assert path.read_text(encoding="utf-8") == text, run


def test_an_upstream_edit_under_a_whitespace_line_template_keeps_the_note_from_growing(tmp_path, vault, sync,
                                                                                       books):
    templates = template_folder(tmp_path, {"highlight.md.jinja": "- {{ highlight_text }}\n   \n"})
    book = books(3)
    sync([book], templates=templates)
    path = vault / NOTE
    path.write_text(path.read_text(encoding="utf-8").replace("Highlight number 1.", "Number one, mine."),
                    encoding="utf-8")
    changed = book.model_copy(update={"highlights": [
        book.highlights[0], book.highlights[1].model_copy(update={"text": "Two, edited upstream."}),
        book.highlights[2]]})
    sync([changed], templates=templates)
    merged = path.read_text(encoding="utf-8")
    assert "- Two, edited upstream. ^hl-readwise-2\n   \n\n- Highlight number 3." in merged
    path.write_text(merged + "\nMine.\n", encoding="utf-8")
    sync([changed], templates=templates)
    assert path.read_text(encoding="utf-8") == merged + "\nMine.\n"

"""A run killed after its notes were renamed into place, before the state committed their
records, leaves new notes beside old memos: the runs after it must take the blocks it wrote as
excerpta's, not as the user's (audit H1: in a hand-edited note, each block that run updated
stayed frozen for good, and every later run said the user had changed it)."""

from __future__ import annotations

from excerpta.output import OutputSink
from excerpta.writers.obsidian import ObsidianWriter

from .conftest import edited, kindle_book

NOTE = "Books/Walden.md"


def _with_note(book, text: str):
    highlights = list(book.highlights)
    highlights[1] = highlights[1].model_copy(update={"note": text})
    return edited(book, highlights=highlights)


def _killed_before_commit(vault, state, documents) -> None:
    # What the CLI does up to the state's commit, which a kill -9 never lets happen.
    with OutputSink(vault, "test", "obsidian", manifest=state) as sink:
        ObsidianWriter.from_options({}).write(documents, sink)


def test_blocks_a_killed_run_wrote_keep_following_upstream_in_a_hand_edited_note(vault, state, sync):
    book = kindle_book(3)
    sync([_with_note(book, "first thought")])
    note = vault / NOTE
    mine = note.read_text(encoding="utf-8").replace("number 3.", "number 3, my words.")
    note.write_text(mine, encoding="utf-8")

    _killed_before_commit(vault, state, [_with_note(book, "second thought")])
    assert "Note: second thought" in note.read_text(encoding="utf-8")

    again = sync([_with_note(book, "second thought")])
    assert [outcome.action for outcome in again.outcomes] == ["unchanged"]
    assert again.outcomes[0].reason is None  # nothing said to be the user's
    sync([_with_note(book, "third thought")])
    after = note.read_text(encoding="utf-8")
    assert "Note: third thought" in after
    assert "second thought" not in after
    assert "- Highlight number 3, my words." in after  # the user's block, still theirs
    last = sync([_with_note(book, "fourth thought")])
    assert "Note: fourth thought" in note.read_text(encoding="utf-8")
    assert last.outcomes[0].reason == "highlights edited by hand: 1 updated, 0 removed, 0 added"

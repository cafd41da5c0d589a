"""A run killed after its notes were renamed into place, before the state committed their
records, leaves new notes beside old memos: the runs after it must take the blocks it wrote as
excerpta's, not as the user's (audit H1: in a hand-edited note, each block that run updated
stayed frozen for good, and every later run said the user had changed it)."""

from __future__ import annotations

from excerpta.locks import staging_list
from excerpta.output import OutputSink
from excerpta.writers.obsidian import ObsidianWriter

from .conftest import edited, kindle_book

NOTE = "Books/Walden.md"


def _with_note(book, text: str):
    highlights = list(book.highlights)
    highlights[1] = highlights[1].model_copy(update={"note": text})
    return edited(book, highlights=highlights)


def _run(vault, state, documents, *, killed: bool = False) -> OutputSink:
    """A run as the CLI makes one (its sink keeping the output's staging list); ``killed``:
    stopped once its notes are in place, before the state's commit (a kill -9 there)."""
    with OutputSink(vault, "test", "obsidian", manifest=state, staging_list=staging_list(vault)) as sink:
        ObsidianWriter.from_options({}).write(documents, sink)
    if not killed:
        state.commit_outputs(sink.pending_records())
        sink.committed()
    return sink


def _killed_before_commit(vault, state, documents) -> None:
    # What the writer's sink does before the commit, without the list a run keeps (so only
    # the note itself can say what is excerpta's).
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


def test_a_highlight_a_killed_run_removed_comes_back_when_restored_upstream(vault, state):
    # Audit H1, second case: the killed run removed a highlight deleted upstream; with the
    # note's old memo, its absence read as the user's deletion, and a restore never arrived.
    book = kindle_book(3)
    _run(vault, state, [book])
    note = vault / NOTE
    note.write_text(note.read_text(encoding="utf-8").replace("number 3.", "number 3, my words."),
                    encoding="utf-8")
    deleted = [*book.highlights[:1], book.highlights[1].model_copy(update={"is_deleted": True}),
               book.highlights[2]]
    _run(vault, state, [edited(book, highlights=deleted)], killed=True)
    assert "Highlight number 2." not in note.read_text(encoding="utf-8")
    restored = _run(vault, state, [book])
    after = note.read_text(encoding="utf-8")
    assert "Highlight number 2." in after
    assert "- Highlight number 3, my words." in after
    assert restored.outcomes[0].reason == "highlights edited by hand: 0 updated, 0 removed, 1 added"


def _edited_then_killed(vault, state):
    """A book's note written, edited by hand (its third highlight), then a run updating the
    second highlight's note killed before its commit: the book and the note."""
    book = kindle_book(3)
    _run(vault, state, [_with_note(book, "first thought")])
    note = vault / NOTE
    note.write_text(note.read_text(encoding="utf-8").replace("number 3.", "number 3, my words."),
                    encoding="utf-8")
    _run(vault, state, [_with_note(book, "second thought")], killed=True)
    return book, note


def test_a_killed_runs_note_updates_and_memo_are_taken_up_by_the_next_run(vault, state):
    book, note = _edited_then_killed(vault, state)
    # Its record replayed, the note is current: not even read.
    assert _run(vault, state, [_with_note(book, "second thought")]).outcomes == []
    assert not staging_list(vault).with_suffix(".published").exists()
    last = _run(vault, state, [_with_note(book, "third thought")])
    assert "Note: third thought" in note.read_text(encoding="utf-8")
    assert last.outcomes[0].reason == "highlights edited by hand: 1 updated, 0 removed, 0 added"


def test_a_note_touched_or_moved_after_a_killed_run_is_merged_by_what_that_run_wrote(vault, state):
    # Review F1: a line added to the note (or the note moved) before the next run dropped the
    # killed run's record, and its old memo froze the highlight it had updated.
    book, note = _edited_then_killed(vault, state)
    moved = vault / "Moved" / "Walden.md"
    moved.parent.mkdir()
    note.rename(moved)
    mine = moved.read_text(encoding="utf-8") + "\nA line of mine, after the kill.\n"
    moved.write_text(mine, encoding="utf-8")
    after = _run(vault, state, [_with_note(book, "third thought")])
    text = moved.read_text(encoding="utf-8")
    assert "Note: third thought" in text
    assert "A line of mine, after the kill." in text
    assert "- Highlight number 3, my words." in text
    assert "you changed kept" not in (after.outcomes[0].reason or "")

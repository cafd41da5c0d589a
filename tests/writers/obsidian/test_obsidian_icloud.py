"""Notes iCloud evicted ("Optimize Mac Storage": ``.Walden.md.icloud`` in place of
``Walden.md``): left alone, not taken for deleted, and their names never taken by a new note
(portability audit)."""

from __future__ import annotations

import logging

from excerpta.model import Highlight

from .conftest import edited, kindle_book, sync_once


def _evict(note):
    note.rename(note.with_name(f".{note.name}.icloud"))  # what iCloud leaves (the real one is a plist)


def test_an_evicted_note_is_left_alone_until_downloaded_not_taken_for_deleted(tmp_path):
    vault, state = tmp_path / "vault", tmp_path / "state.sqlite"
    walden = kindle_book(2)
    sync_once(vault, state, [walden])
    note = vault / "Books" / "Walden.md"
    written = note.read_bytes()
    _evict(note)
    added = edited(walden, highlights=[*walden.highlights, Highlight(id="new", text="Added upstream.",
                                                                     location=900)])

    sink = sync_once(vault, state, [added])

    assert [(o.path.name, o.action, o.reason, o.pending) for o in sink.outcomes] == [
        ("Walden.md", "skip", "in iCloud, not downloaded; left alone until it is", True)]
    assert not note.exists()
    note.with_name(".Walden.md.icloud").rename(note)  # downloaded again
    sink = sync_once(vault, state, [added])
    assert [(o.path.name, o.action) for o in sink.outcomes] == [("Walden.md", "update")]
    assert note.read_bytes() != written
    assert "Added upstream." in note.read_text(encoding="utf-8")


def test_a_new_note_never_takes_the_name_of_an_evicted_one(tmp_path, caplog):
    vault, state = tmp_path / "vault", tmp_path / "state.sqlite"
    (vault / "Books").mkdir(parents=True)
    (vault / "Books" / ".Walden.md.icloud").write_bytes(b"bplist00")  # someone's own Walden note
    with caplog.at_level(logging.WARNING):
        sync_once(vault, state, [kindle_book(2)])
    [note] = [p.name for p in (vault / "Books").iterdir() if not p.name.startswith(".")]
    assert note.startswith("Walden ")  # with the document's short hash, as any clash
    assert not (vault / "Books" / "Walden.md").exists()
    assert ".Walden.md.icloud: a note iCloud has not downloaded" in caplog.text

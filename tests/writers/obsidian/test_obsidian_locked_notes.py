"""A note the user locked is left alone and reported, and stops no other note (portability
audit): one made read-only (the user's "do not touch"; Windows refuses to replace it anyway),
or one the file system refuses to replace (an immutable file; on Windows one held open)."""

from __future__ import annotations

import errno
import os

from excerpta.model import Highlight

from .conftest import edited, kindle_book, sync_once


def _library(added: bool = False) -> list:
    books = [kindle_book(2), kindle_book(2, id="readwise-2", title="Emma", author="Jane Austen")]
    if not added:
        return books
    return [edited(book, highlights=[*book.highlights, Highlight(id=f"{book.id}-new", text="Added upstream.",
                                                                 location=900)]) for book in books]


def _outcomes(sink) -> dict[str, tuple[str, str | None]]:
    return {o.path.name: (o.action, o.reason) for o in sink.outcomes}


def test_a_read_only_note_is_left_alone_and_the_others_updated(tmp_path):
    vault, state = tmp_path / "vault", tmp_path / "state.sqlite"
    sync_once(vault, state, _library())
    walden = vault / "Books" / "Walden.md"
    walden.chmod(0o444)
    before = walden.read_bytes()

    sink = sync_once(vault, state, _library(added=True))

    assert _outcomes(sink) == {"Walden.md": ("conflict", "read-only; left alone (--force overwrites)"),
                               "Emma.md": ("update", None)}
    assert walden.read_bytes() == before
    assert "Added upstream." in (vault / "Books" / "Emma.md").read_text(encoding="utf-8")


def test_a_note_the_file_system_refuses_to_replace_stops_no_other(tmp_path, monkeypatch):
    vault, state = tmp_path / "vault", tmp_path / "state.sqlite"
    sync_once(vault, state, _library())
    walden = vault / "Books" / "Walden.md"
    before = walden.read_bytes()
    replace = os.replace

    def immutable_walden(source, target, **kwargs):  # as chattr +i, or a file held open on Windows
        if os.fspath(target).endswith("Walden.md"):
            raise PermissionError(errno.EPERM, os.strerror(errno.EPERM))
        return replace(source, target, **kwargs)

    monkeypatch.setattr(os, "replace", immutable_walden)
    sink = sync_once(vault, state, _library(added=True))

    assert _outcomes(sink) == {
        "Walden.md": ("conflict", "cannot be replaced (Operation not permitted); left alone"),
        "Emma.md": ("update", None)}
    assert walden.read_bytes() == before
    assert "Added upstream." in (vault / "Books" / "Emma.md").read_text(encoding="utf-8")
    assert sorted(p.name for p in (vault / "Books").iterdir()) == ["Emma.md", "Walden.md"]  # no temp file
    monkeypatch.undo()
    sink = sync_once(vault, state, _library(added=True))  # unlocked: the next run brings it
    assert _outcomes(sink)["Walden.md"] == ("update", None)
    assert "Added upstream." in walden.read_text(encoding="utf-8")

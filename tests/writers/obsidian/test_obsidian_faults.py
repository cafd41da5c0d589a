"""A system call failing at any point of a run (a full disk, an I/O error) loses nothing: the
run stops with the error, and the next one finishes the job with nothing left behind
(reliability reference, section 3.7: every k-th call of each kind fails once). A run killed
outright, the state's commit included, is test_obsidian_killed_runs."""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from excerpta.model import Category, Document, Highlight, LocationType
from excerpta.writers.obsidian.frontmatter import note_id

from .conftest import sync_once

DOCUMENTS, HIGHLIGHTS = 4, 2


def _library(version: int) -> list[Document]:
    return [Document(id=f"d{d}", title=f"Book {d}", category=Category.BOOKS, highlights=[
        Highlight(id=f"d{d}h{h}", text=f"Passage {h}, version {version}.", location=h + 1,
                  location_type=LocationType.LOCATION) for h in range(HIGHLIGHTS)]) for d in range(DOCUMENTS)]


def _temporary_files(vault: Path) -> list[Path]:
    return [path for path in vault.rglob(".*") if path.name.endswith(".tmp")]


def _failing_at(call: int, real: Callable[..., Any], calls: list[int]) -> Callable[..., Any]:
    def failing(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        if calls[0] == call:
            raise OSError(errno.ENOSPC, "No space left on device (injected)")
        return real(*args, **kwargs)
    return failing


@pytest.mark.parametrize("name", ["open", "write", "fsync", "replace", "unlink"])
def test_a_call_failing_anywhere_in_a_run_loses_nothing_and_the_next_run_finishes(
        tmp_path, monkeypatch, name):
    expected = sorted([f"d{d}" for d in range(DOCUMENTS)]
                      + [f"hl-d{d}h{h}" for d in range(DOCUMENTS) for h in range(HIGHLIGHTS)])
    call = 0
    while True:
        call += 1
        vault, state = tmp_path / str(call) / "vault", tmp_path / str(call) / "state.sqlite"
        sync_once(vault, state, _library(1), atomic=True)
        mine = vault / "Books" / "Book 0.md"
        mine.write_text(mine.read_text(encoding="utf-8") + "\nMy own line.\n", encoding="utf-8")
        calls = [0]
        failure: OSError | None = None
        with monkeypatch.context() as patch:
            patch.setattr(os, name, _failing_at(call, getattr(os, name), calls))
            try:
                sync_once(vault, state, _library(2), atomic=True)
            except OSError as error:
                failure = error
        assert failure is None or "injected" in str(failure)
        if calls[0] < call:
            break  # the run made fewer such calls: every one of them has failed once
        leftovers = _temporary_files(vault)
        if name == "unlink":  # the file it failed to remove stays; an hour later, a run sweeps it
            for path in leftovers:
                os.utime(path, (path.stat().st_mtime - 7200,) * 2)
        else:  # the failed run took its temporary files away
            assert leftovers == [], call
        sync_once(vault, state, _library(2), atomic=True)
        notes = sorted(vault.rglob("*.md"))
        assert sorted(note_id(note.read_text(encoding="utf-8")) for note in notes) == expected, call
        assert mine.read_text(encoding="utf-8").endswith("\nMy own line.\n"), call
        assert _temporary_files(vault) == [], call
        for note in notes:
            body = re.sub(r"!\[\[[^\]]*\]\]", "", note.read_text(encoding="utf-8"))  # embeds' names
            assert "version 1." not in body, (call, note)
        assert [o for o in sync_once(vault, state, _library(2), atomic=True).outcomes
                if o.action != "unchanged"] == [], call
    assert call > 1  # the run did make such calls

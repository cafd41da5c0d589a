"""The previous deck's history: a path where no deck can be is no deck, said nothing about
(writing the deck then names what is wrong with the path), not "a deck excerpta cannot read"."""

from __future__ import annotations

import logging

import pytest

from excerpta.writers.anki.history import read_previous_notes


@pytest.mark.parametrize("where", ["through a file", "name too long", "a folder"])
def test_a_path_where_no_deck_can_be_gives_no_history_and_no_warning(tmp_path, caplog, where):
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "folder.apkg").mkdir()
    package = {"through a file": tmp_path / "notes.txt" / "deck.apkg",
               "name too long": tmp_path / ("d" * 300 + ".apkg"),
               "a folder": tmp_path / "folder.apkg"}[where]
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    with caplog.at_level(logging.WARNING):
        assert read_previous_notes(package, scratch) == {}
    assert caplog.text == ""

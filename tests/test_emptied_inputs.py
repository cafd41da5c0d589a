"""Inputs emptied since the last run (a ``My Clippings.txt`` cleared on the Kindle) never
empty a good export made without ``--state`` (README audit): the run leaves it as it was,
warns and is partial (exit 1); ``--force`` writes it; a first run writes the empty output;
with ``--state`` the library keeps what it holds. One empty input among others holds nothing
back: it may never have given anything."""

from __future__ import annotations

import json

import pytest

from paths import EXAMPLES


@pytest.mark.parametrize(("to", "name"), [("json", "lib.json"), ("csv", "h.csv"), ("anki", "deck.apkg")])
def test_a_cleared_clippings_file_leaves_a_good_export_as_it_was(run_cli, tmp_path, to, name):
    clippings, out = tmp_path / "My Clippings.txt", tmp_path / name
    clippings.write_bytes((EXAMPLES / "My Clippings.txt").read_bytes())
    assert run_cli("convert", clippings, "--to", to, "--out", out).exit_code == 0
    written = out.read_bytes()
    clippings.write_bytes(b"")
    result = run_cli("convert", clippings, "--to", to, "--out", out)
    assert result.exit_code == 1
    assert (f"excerpta: warning: {out}: left as it was: {clippings} gave no document, and without "
            "--state writing would empty it (--force writes it)\n") in result.output
    assert out.read_bytes() == written


def test_force_writes_the_empty_export_and_a_first_run_writes_one(run_cli, tmp_path):
    clippings, out = tmp_path / "My Clippings.txt", tmp_path / "lib.json"
    clippings.write_bytes(b"")
    assert run_cli("convert", clippings, "--to", "json", "--out", out).exit_code == 0  # nothing to keep
    assert json.loads(out.read_text(encoding="utf-8"))["documents"] == []
    clippings.write_bytes((EXAMPLES / "My Clippings.txt").read_bytes())
    assert run_cli("convert", clippings, "--to", "json", "--out", out).exit_code == 0
    clippings.write_bytes(b"")
    assert run_cli("convert", clippings, "--to", "json", "--out", out, "--force").exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["documents"] == []


def test_with_state_a_cleared_file_changes_nothing(run_cli, tmp_path):
    clippings, out, state = tmp_path / "My Clippings.txt", tmp_path / "lib.json", tmp_path / "st.sqlite"
    clippings.write_bytes((EXAMPLES / "My Clippings.txt").read_bytes())
    assert run_cli("convert", clippings, "--to", "json", "--out", out, "--state", state).exit_code == 0
    written = out.read_bytes()
    clippings.write_bytes(b"")
    result = run_cli("convert", clippings, "--to", "json", "--out", out, "--state", state)
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == written


def test_an_input_empty_all_along_never_holds_back_what_the_others_bring(run_cli, tmp_path):
    # Review: an empty notes file given with a growing clippings file froze the export.
    empty, clippings, out = tmp_path / "notes.jsonl", tmp_path / "My Clippings.txt", tmp_path / "lib.json"
    empty.write_bytes(b"")
    whole = (EXAMPLES / "My Clippings.txt").read_bytes()
    clippings.write_bytes(whole[:whole.index(b"==========", 2000) + len(b"==========\r\n")])  # whole records
    assert run_cli("convert", empty, clippings, "--to", "json", "--out", out).exit_code == 0
    first = json.loads(out.read_text(encoding="utf-8"))["documents"]
    clippings.write_bytes(whole)  # the Kindle gained highlights
    result = run_cli("convert", empty, clippings, "--to", "json", "--out", out)
    assert result.exit_code == 0, result.output
    assert len(json.loads(out.read_text(encoding="utf-8"))["documents"]) > len(first)


def test_notes_are_never_held_back_for_an_empty_input(run_cli, tmp_path):
    clippings, vault = tmp_path / "My Clippings.txt", tmp_path / "vault"
    clippings.write_bytes((EXAMPLES / "My Clippings.txt").read_bytes())
    assert run_cli("convert", clippings, "--to", "obsidian", "--out", vault).exit_code == 0
    clippings.write_bytes(b"")
    result = run_cli("convert", clippings, "--to", "obsidian", "--out", vault)
    assert result.exit_code == 0, result.output  # each note keeps its highlights: nothing to hold
    assert "left as it was" not in result.output

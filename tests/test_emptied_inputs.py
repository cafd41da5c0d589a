"""An input emptied since the last run (a ``My Clippings.txt`` cleared on the Kindle) never
empties a good export made without ``--state`` (README audit): the run leaves it as it was,
warns and is partial (exit 1); ``--force`` writes it; a first run writes the empty output;
with ``--state`` the library keeps what it holds."""

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
            "--state writing would drop everything it gave before (--force writes it)\n") in result.output
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


def test_one_input_of_two_emptied_is_held_back_too(run_cli, tmp_path):
    clippings, out = tmp_path / "My Clippings.txt", tmp_path / "lib.json"
    clippings.write_bytes((EXAMPLES / "My Clippings.txt").read_bytes())
    library = EXAMPLES / "library.json"
    assert run_cli("convert", clippings, library, "--to", "json", "--out", out).exit_code == 0
    written = out.read_bytes()
    clippings.write_bytes(b"")
    result = run_cli("convert", clippings, library, "--to", "json", "--out", out)
    assert result.exit_code == 1
    assert f"left as it was: {clippings} gave no document" in result.output
    assert out.read_bytes() == written


def test_an_input_empty_all_along_holds_back_nothing_it_never_gave(run_cli, tmp_path):
    empty, out = tmp_path / "notes.jsonl", tmp_path / "lib.json"
    empty.write_bytes(b"")
    library = EXAMPLES / "library.json"
    assert run_cli("convert", empty, library, "--to", "json", "--out", out).exit_code == 0
    result = run_cli("convert", empty, library, "--to", "json", "--out", out)
    assert result.exit_code == 0, result.output  # unchanged: nothing to hold back

"""A one-file output (json, csv, anki) is not rendered again while nothing it shows changed
(excerpta.unchanged_outputs); it is whenever something did: the library, the writer's options,
the file itself, or --force, a selection."""

from __future__ import annotations

import json
import sqlite3

import pytest

from paths import EXAMPLES

LIBRARY = json.loads((EXAMPLES / "library.json").read_text(encoding="utf-8"))


@pytest.fixture
def setup(tmp_path, run_cli):
    """Two inputs into one state and one output; the second input's first highlight row is
    then damaged in the state (its content hash kept): a run that renders the output reads
    that row and stops on it, one that renders nothing never reads it."""
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    first.write_text(json.dumps({**LIBRARY, "documents": LIBRARY["documents"][:2]}), encoding="utf-8")
    second.write_text(json.dumps({**LIBRARY, "documents": LIBRARY["documents"][2:]}), encoding="utf-8")
    state = tmp_path / "state.sqlite"

    def convert(to: str, out: str, *inputs, options=()):
        return run_cli("--state", state, "convert", *(inputs or [first]), "--to", to, "--out", tmp_path / out,
                       *options)

    def damage() -> None:
        damaged = LIBRARY["documents"][2]["highlights"][0]["id"]
        with sqlite3.connect(state) as db:
            assert db.execute("UPDATE highlights SET data = '{' WHERE id = ?", (damaged,)).rowcount == 1

    return convert, first, second, damage


@pytest.mark.parametrize(("to", "out"), [("json", "lib.json"), ("csv", "lib.csv"), ("anki", "deck.apkg"),
                                         ("jsonl", "lib.jsonl")])
def test_a_run_that_changes_nothing_renders_nothing(setup, tmp_path, to, out):
    convert, first, second, damage = setup
    assert convert(to, out, first, second).exit_code == 0
    written = (tmp_path / out).read_bytes()
    damage()

    again = convert(to, out)  # the first input again: the library is as it was

    assert again.exit_code == 0, again.output
    assert f"unchanged {tmp_path / out} ({len(written)} bytes)" in again.output
    assert "outputs: 1 unchanged" in again.output
    assert (tmp_path / out).read_bytes() == written
    # Whatever else asks for it renders, and so reads the damaged row (an error naming it).
    forced = convert(to, out, options=["--force"])
    assert forced.exit_code != 0
    assert "highlights" in forced.output


def test_a_change_in_the_library_renders_the_output_again(setup, tmp_path):
    convert, first, second, _ = setup
    assert convert("json", "lib.json", first, second).exit_code == 0
    changed = json.loads(first.read_text(encoding="utf-8"))
    changed["documents"][0]["highlights"][0]["text"] = "Edited upstream."
    first.write_text(json.dumps(changed), encoding="utf-8")

    result = convert("json", "lib.json")

    assert result.exit_code == 0, result.output
    assert "update" in result.output
    assert "Edited upstream." in (tmp_path / "lib.json").read_text(encoding="utf-8")


def test_other_options_a_selection_or_a_file_edited_or_deleted_are_rendered_again(setup, tmp_path):
    convert, first, second, damage = setup
    assert convert("csv", "lib.csv", first, second).exit_code == 0
    spreadsheet = (tmp_path / "lib.csv").read_bytes()
    assert convert("csv", "lib.csv", options=["-O", "profile=full"]).exit_code == 0
    assert (tmp_path / "lib.csv").read_bytes() != spreadsheet  # the other profile's columns
    (tmp_path / "lib.csv").unlink()
    assert convert("csv", "lib.csv", options=["-O", "profile=full"]).exit_code == 0
    assert (tmp_path / "lib.csv").exists()  # deleted: written again
    with (tmp_path / "lib.csv").open("a", encoding="utf-8") as edited:
        edited.write("my row\n")
    result = convert("csv", "lib.csv", options=["-O", "profile=full"])
    assert "not overwritten" in result.output
    assert result.exit_code == 1
    damage()
    selected = convert("csv", "lib.csv", options=["-O", "profile=full", "--tag", "philosophy"])
    assert selected.exit_code != 0
    assert "highlights" in selected.output

"""A one-file output typed in another case (``Sync/lib.jsonl`` for ``SYNC/lib.jsonl``: one file
on macOS, Windows or an exFAT stick), or in a folder that moved, is the file excerpta wrote,
updated, not refused as unknown (portability audit). As in
tests/writers/obsidian/test_obsidian_respelt_vault.py, a link stands for the
case-insensitive file system."""

from __future__ import annotations

import pytest

from excerpta.model import Library

from paths import EXAMPLES


def test_a_file_output_typed_in_another_case_is_updated(run_cli, tmp_path):
    state, typed = tmp_path / "st.sqlite", tmp_path / "SYNC"
    typed.mkdir()
    library = EXAMPLES / "library.json"
    assert run_cli("convert", library, "--to", "jsonl", "--out", typed / "lib.jsonl",
                   "--state", state).exit_code == 0
    folder = tmp_path / "Sync"
    typed.rename(folder)
    typed.symlink_to(folder, target_is_directory=True)

    result = run_cli("convert", library, EXAMPLES / "My Clippings.txt", "--to", "jsonl",
                     "--out", folder / "lib.jsonl", "--state", state)

    assert result.exit_code == 0, result.output
    assert f"update {folder / 'lib.jsonl'}" in result.output



def test_a_file_output_whose_folder_moved_is_updated_not_refused(run_cli, tmp_path):
    # A synced folder at another path (another machine sharing the state, a renamed folder):
    # the file holds what excerpta wrote where it was (portability audit).
    state, before, after = tmp_path / "st.sqlite", tmp_path / "A" / "Dropbox", tmp_path / "B" / "Dropbox"
    before.mkdir(parents=True)
    library = EXAMPLES / "library.json"
    assert run_cli("convert", library, "--to", "jsonl", "--out", before / "lib.jsonl",
                   "--state", state).exit_code == 0
    (tmp_path / "A").rename(tmp_path / "B")

    result = run_cli("convert", library, EXAMPLES / "My Clippings.txt", "--to", "jsonl",
                     "--out", after / "lib.jsonl", "--state", state)

    assert result.exit_code == 0, result.output
    assert f"update {after / 'lib.jsonl'}" in result.output


@pytest.mark.parametrize(("to", "name"), [("json", "Lib.json"), ("anki", "Deck.apkg")])
def test_a_file_output_typed_both_ways_by_turns_is_always_the_file_excerpta_wrote(run_cli, tmp_path,
                                                                                 to, name):
    # Review: a cron job's `Lib.json` and a hand-typed `lib.json` by turns; the older
    # spelling's record, out of date, made the third run a false "changed since" clash.
    library, out = tmp_path / "library.json", tmp_path / name
    other = out.with_name(name.lower())
    other.symlink_to(out)  # the same file, as a case-insensitive file system has it
    kept = Library.model_validate_json((EXAMPLES / "library.json").read_text(encoding="utf-8"))
    for number, typed in enumerate([out, other, out, other]):
        kept.documents[0].title += f" {number}"  # a change each run
        library.write_text(kept.model_dump_json(), encoding="utf-8")
        result = run_cli("convert", library, "--to", to, "--out", typed)
        assert result.exit_code == 0, result.output
        assert "start afresh" not in result.output  # the deck's notes known each time

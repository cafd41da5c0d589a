"""A one-file output typed in another case (``Sync/lib.jsonl`` for ``SYNC/lib.jsonl``: one file
on macOS, Windows or an exFAT stick) is the file excerpta wrote, updated, not refused as
unknown (portability audit). As in tests/writers/obsidian/test_obsidian_respelt_vault.py,
a link stands for the case-insensitive file system."""

from __future__ import annotations

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


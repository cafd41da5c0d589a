"""A folder input the machine will not let excerpta read, in whole or in part: a folder that
cannot be listed is refused for what it is (exit 74), never called empty; a file in it that
cannot be opened, or a subfolder that cannot be listed, is reported and the run is partial
(exit 1), the rest read; a folder holding nothing else says so.

The files are made unreadable with ``chmod``, and the CLI run as a user would run it (see
:mod:`as_a_user`: as root, without the capabilities that read them all the same)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from as_a_user import Ran, cli_as_a_user, unreadable_to_the_cli

from paths import CORPUS, EXAMPLES

CLIPPINGS = EXAMPLES / "My Clippings.txt"  # 12 highlights
READWISE_CSV = CORPUS / "readwise" / "csv-export" / "dpastoor-readwise-data.2019.excerpt.csv"  # 30
READWISE_NOTE = CORPUS / "readwise/obsidian-official/lucasheriques-brain/Readwise/Books/Mindset.md"
LIBRARY = EXAMPLES / "library.json"


@pytest.fixture
def run_cli() -> Callable[..., Ran]:
    """The CLI as a user runs it (see :mod:`as_a_user`)."""
    return cli_as_a_user()


@pytest.fixture
def refuse() -> Iterator:
    """``refuse(path)``: make ``path`` (a file or folder) unreadable, skipping the test where
    the CLI would read it anyway (root, and no way to run it without root's capabilities);
    its mode is given back afterwards, so it can be cleaned up."""
    refused: list[tuple[Path, int]] = []

    def make_unreadable(path: Path) -> Path:
        refused.append((path, path.stat().st_mode))
        path.chmod(0)
        if not unreadable_to_the_cli(path):
            pytest.skip("the CLI reads a file at mode 000 here (root, and setpriv cannot drop "
                        "CAP_DAC_OVERRIDE)")
        return path

    yield make_unreadable
    for path, mode in reversed(refused):
        path.chmod(mode)


def _folder(root: Path, files: dict[str, Path]) -> Path:
    """A folder of copies of ``files`` (name: the file copied there)."""
    for name, original in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(original.read_bytes())
    return root


def _highlights(output: Path) -> int:
    return sum(len(d["highlights"]) for d in json.loads(output.read_text())["documents"])


def test_an_unreadable_file_in_a_folder_is_reported_and_the_others_read(run_cli, tmp_path, refuse):
    folder = _folder(tmp_path / "in", {"a.json": LIBRARY, "b.csv": READWISE_CSV})
    refuse(folder / "a.json")
    result = run_cli("convert", folder, "--to", "json", "--out", tmp_path / "j.json")
    assert result.exit_code == 1, result.output
    assert f"skipped {folder}/a.json: cannot be read: Permission denied\n" in result.output
    assert "1 record(s) skipped" in result.output
    assert _highlights(tmp_path / "j.json") == 30


def test_an_unreadable_text_file_beside_my_clippings_is_reported(run_cli, tmp_path, refuse):
    folder = _folder(tmp_path / "in", {"My Clippings.txt": CLIPPINGS, "secret.txt": CLIPPINGS})
    refuse(folder / "secret.txt")
    result = run_cli("convert", folder, "--to", "json", "--out", tmp_path / "j.json")
    assert result.exit_code == 1, result.output
    assert f"skipped {folder}/secret.txt: cannot be read: Permission denied\n" in result.output
    assert _highlights(tmp_path / "j.json") == 12


def test_with_from_an_unreadable_file_is_still_reported(run_cli, tmp_path, refuse):
    folder = _folder(tmp_path / "in", {"a.json": LIBRARY, "b.csv": READWISE_CSV})
    refuse(folder / "a.json")
    result = run_cli("convert", folder, "--from", "readwise-csv", "--to", "json",
                     "--out", tmp_path / "j.json")
    assert result.exit_code == 1, result.output
    assert f"skipped {folder}/a.json: cannot be read: Permission denied\n" in result.output


def test_a_folder_of_unreadable_files_only_says_so_not_that_no_reader_recognises_them(
        run_cli, tmp_path, refuse):
    folder = _folder(tmp_path / "in", {"a.json": LIBRARY})
    refuse(folder / "a.json")
    result = run_cli("convert", folder, "--to", "json", "--out", tmp_path / "j.json")
    assert result.exit_code == 74, result.output
    assert result.output == (f"excerpta: error: {folder}: nothing in it could be read: "
                             "a.json (Permission denied)\n")
    assert not (tmp_path / "j.json").exists()


def test_a_folder_of_unreadable_and_unrecognised_files_names_both(run_cli, tmp_path, refuse):
    folder = _folder(tmp_path / "in", {"a.json": LIBRARY})
    (folder / "notes.txt").write_text("milk\n")
    refuse(folder / "a.json")
    result = run_cli("convert", folder, "--to", "json", "--out", tmp_path / "j.json")
    assert result.exit_code == 74, result.output
    assert result.output == (f"excerpta: error: {folder}: nothing in it could be read: a.json (Permission "
                             "denied); no reader recognises the others (notes.txt)\n")


def test_with_from_a_folder_of_unreadable_files_only_says_so(run_cli, tmp_path, refuse):
    folder = _folder(tmp_path / "in", {"data.csv": READWISE_CSV})
    refuse(folder / "data.csv")
    result = run_cli("convert", folder, "--from", "readwise-csv", "--to", "json",
                     "--out", tmp_path / "j.json")
    assert result.exit_code == 74, result.output
    assert result.output == (f"excerpta: error: {folder}: readwise-csv reads neither this folder nor any "
                             "file in it that could be opened (--from readwise-csv); cannot be read: "
                             "data.csv (Permission denied)\n")


def test_an_unreadable_folder_is_refused_by_the_machine_not_called_empty(run_cli, tmp_path, refuse):
    folder = _folder(tmp_path / "in", {"c.txt": CLIPPINGS})
    refuse(folder)
    result = run_cli("convert", folder, "--to", "json", "--out", tmp_path / "j.json")
    assert result.exit_code == 74, result.output
    assert result.output == f"excerpta: error: {folder}: Permission denied (listing the folder)\n"


def test_an_unreadable_subfolder_is_reported_and_the_rest_read(run_cli, tmp_path, refuse):
    folder = _folder(tmp_path / "in", {"My Clippings.txt": CLIPPINGS, "sub/data.csv": READWISE_CSV})
    refuse(folder / "sub")
    result = run_cli("convert", folder, "--to", "json", "--out", tmp_path / "j.json")
    assert result.exit_code == 1, result.output
    assert f"skipped {folder}/sub: cannot be read: Permission denied (listing the folder)\n" in result.output
    assert _highlights(tmp_path / "j.json") == 12


def test_an_unreadable_subfolder_of_a_vault_is_reported(run_cli, tmp_path, refuse):
    vault = _folder(tmp_path / "vault", {"Readwise/Books/Mindset.md": READWISE_NOTE,
                                         "Readwise/Articles/Other.md": READWISE_NOTE})
    refuse(vault / "Readwise" / "Articles")
    result = run_cli("convert", vault, "--to", "json", "--out", tmp_path / "j.json")
    assert result.exit_code == 1, result.output
    assert (f"skipped {vault}/Readwise/Articles: cannot be read: Permission denied (listing the folder)\n"
            in result.output)


def test_a_folder_that_may_be_listed_but_not_entered_names_its_files(run_cli, tmp_path, refuse):
    folder = _folder(tmp_path / "in", {"c.txt": CLIPPINGS})
    refuse(folder)
    folder.chmod(0o444)  # names listed, but no file in it may be opened
    result = run_cli("convert", folder, "--to", "json", "--out", tmp_path / "j.json")
    assert result.exit_code == 74, result.output
    assert result.output == (f"excerpta: error: {folder}: nothing in it could be read: "
                             "c.txt (Permission denied)\n")


def test_an_unreadable_file_of_no_format_excerpta_reads_is_named_with_v(run_cli, tmp_path, refuse):
    folder = _folder(tmp_path / "Kindle", {"documents/My Clippings.txt": CLIPPINGS})
    (folder / "documents" / "Dune.azw3").write_bytes(b"BOOKMOBI\0\0\0\x01\xff\xfe")
    refuse(folder / "documents" / "Dune.azw3")
    result = run_cli("convert", folder, "--to", "json", "--out", tmp_path / "j.json")
    assert result.exit_code == 0, result.output
    assert "Dune" not in result.output
    result = run_cli("-v", "convert", folder, "--to", "json", "--out", tmp_path / "j.json")
    assert result.exit_code == 0, result.output
    assert (f"{folder}: 1 file(s) in this folder not read, of no format excerpta reads and not readable: "
            "documents/Dune.azw3 (Permission denied)") in result.output

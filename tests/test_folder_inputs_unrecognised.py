"""The files of a folder input that no reader recognises: named, never skipped without a word,
and a folder with nothing to read refused for what it is (empty, or holding nothing readable),
not as a format ``--from`` would name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from paths import CORPUS, EXAMPLES

CLIPPINGS = EXAMPLES / "My Clippings.txt"  # 12 highlights
READWISE_NOTE = CORPUS / "readwise/obsidian-official/lucasheriques-brain/Readwise/Books/Mindset.md"
E_BOOK = b"BOOKMOBI\0\0\0\x01\xff\xfe" + bytes(range(256)) * 4  # NULs and bytes that are not UTF-8


def _kindle_folder(tmp_path: Path) -> Path:
    """A folder of a good ``My Clippings.txt`` and a second one cut after 60 bytes."""
    folder = tmp_path / "k"
    folder.mkdir()
    (folder / "My Clippings.txt").write_bytes(CLIPPINGS.read_bytes())
    (folder / "My Clippings 2023.txt").write_bytes(CLIPPINGS.read_bytes()[:60])
    return folder


def test_a_damaged_clippings_file_in_a_folder_is_named_in_one_warning(run_cli, tmp_path):
    folder = _kindle_folder(tmp_path)
    result = run_cli("convert", folder, "--to", "json", "--out", tmp_path / "j.json")
    # As a file two readers could read: named, not read, and the run is not partial.
    assert result.exit_code == 0, result.output
    assert result.output.count("warning") == 1
    assert (f"excerpta: warning: {folder}: 1 file(s) in this folder not read, as no reader recognises "
            "them: My Clippings 2023.txt; give one as an input with --from FORMAT to see what stops "
            "it") in result.output
    assert sum(len(d["highlights"]) for d in json.loads((tmp_path / "j.json").read_text())["documents"]) == 12


def test_many_unrecognised_files_are_one_line_naming_the_first_few(run_cli, tmp_path):
    folder = _kindle_folder(tmp_path)
    for day in range(1, 8):
        (folder / "notes" / f"{day:02d}.md").parent.mkdir(exist_ok=True)
        (folder / "notes" / f"{day:02d}.md").write_text("# A day\n")
    result = run_cli("convert", folder, "--to", "json", "--out", tmp_path / "j.json")
    assert result.exit_code == 0, result.output
    [line] = [line for line in result.output.splitlines() if "warning" in line]
    assert ": 8 file(s) in this folder not read, as no reader recognises them: " in line
    assert "My Clippings 2023.txt, " in line
    assert "notes/01.md, notes/02.md, notes/03.md, notes/04.md and 3 more;" in line


def test_a_kindle_drives_e_books_are_not_warned_about_but_named_with_v(run_cli, tmp_path):
    drive = tmp_path / "Kindle"
    (drive / "documents" / "Dune.sdr").mkdir(parents=True)
    (drive / "documents" / "My Clippings.txt").write_bytes(CLIPPINGS.read_bytes())
    (drive / "documents" / "Dune.azw3").write_bytes(E_BOOK)
    (drive / "documents" / "Dune.sdr" / "Dune.azw3f").write_bytes(E_BOOK)
    (drive / "documents" / "Dune.sdr" / "Dune.apnx").write_text("page numbers\n")
    (drive / "system" / "thumbnails").mkdir(parents=True)
    (drive / "system" / "thumbnails" / "thumbnail_B0.jpg").write_bytes(b"\xff\xd8\xff\xe0\0\x10JFIF" + E_BOOK)
    result = run_cli("convert", drive, "--to", "json", "--out", tmp_path / "j.json")
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output
    result = run_cli("-v", "convert", drive, "--to", "json", "--out", tmp_path / "j.json")
    assert result.exit_code == 0, result.output
    assert "WARNING" not in result.output
    assert (f"{drive}: 4 file(s) in this folder not read, of no format excerpta reads: "
            "documents/Dune.azw3, documents/Dune.sdr/Dune.apnx, documents/Dune.sdr/Dune.azw3f, "
            "system/thumbnails/thumbnail_B0.jpg") in result.output


def test_a_vaults_own_notes_and_attachments_stay_silent(run_cli, tmp_path):
    vault = tmp_path / "vault"
    (vault / "Readwise" / "Books").mkdir(parents=True)
    (vault / "Readwise" / "Books" / "Mindset.md").write_bytes(READWISE_NOTE.read_bytes())
    (vault / "Daily").mkdir()
    (vault / "Daily" / "2026-01-01.md").write_text("# Today\n")
    (vault / "Board.canvas").write_text('{"nodes": [], "edges": []}\n')
    result = run_cli("convert", vault, "--to", "json", "--out", tmp_path / "v.json")
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output


@pytest.mark.parametrize(("files", "message"), [
    ({}, "an empty folder"),
    ({".DS_Store": "x", "sub/.hidden.txt": "x"}, "an empty folder"),
    ({"notes.txt": "milk\n"}, "no file in it that a reader recognises (notes.txt)"),
    ({"notes.txt": "milk\n", "cover.jpg": E_BOOK},
     "no file in it that a reader recognises (cover.jpg, notes.txt)"),
])
def test_a_folder_with_nothing_to_read_is_refused_for_what_it_holds_not_for_a_format(
        run_cli, tmp_path, files, message):
    folder = tmp_path / "in"
    folder.mkdir()
    for name, content in files.items():
        (folder / name).parent.mkdir(exist_ok=True)
        if isinstance(content, bytes):
            (folder / name).write_bytes(content)
        else:
            (folder / name).write_text(content)
    result = run_cli("convert", folder, "--to", "json", "--out", tmp_path / "j.json")
    assert result.exit_code == 2, result.output
    assert result.output == f"excerpta: error: {folder}: {message}\n"
    assert "--from" not in result.output

"""A Kindle plugged in: pointing at its drive or its documents folder reads its My Clippings.txt."""

from __future__ import annotations

import json
import shutil

from excerpta import registry
from excerpta.adapters import InputProbe

from paths import EXAMPLES

EXAMPLE = EXAMPLES / "My Clippings.txt"


def _titles(path) -> list[str]:
    return sorted(d["title"] for d in json.loads(path.read_text())["documents"])


def test_the_drive_and_its_documents_folder_are_recognised_and_read_like_the_file(run_cli, tmp_path):
    drive = tmp_path / "Kindle"
    (drive / "documents").mkdir(parents=True)
    shutil.copyfile(EXAMPLE, drive / "documents" / "My Clippings.txt")
    (drive / "documents" / "Walden.azw3").write_bytes(b"\0" * 64)
    (drive / "system").mkdir()
    assert run_cli("convert", EXAMPLE, "--to", "json", "--out", tmp_path / "file.json").exit_code == 0
    for folder in (drive, drive / "documents"):
        assert registry.detect_reader(InputProbe.of(str(folder))).name == "kindle"
        out = tmp_path / f"{folder.name}.json"
        assert run_cli("convert", folder, "--to", "json", "--out", out).exit_code == 0
        assert _titles(out) == _titles(tmp_path / "file.json")


def test_names_in_any_case_as_on_the_devices_fat_file_system(run_cli, tmp_path):
    (tmp_path / "KINDLE" / "Documents").mkdir(parents=True)
    shutil.copyfile(EXAMPLE, tmp_path / "KINDLE" / "Documents" / "my clippings.TXT")
    result = run_cli("convert", tmp_path / "KINDLE", "--to", "json", "--out", tmp_path / "k.json")
    assert result.exit_code == 0
    assert len(_titles(tmp_path / "k.json")) == 12


def test_a_problem_names_the_clippings_file_and_a_folder_without_one_is_a_user_error(run_cli, tmp_path):
    documents = tmp_path / "Kindle" / "documents"
    documents.mkdir(parents=True)
    text = EXAMPLE.read_text(encoding="utf-8")
    broken = "A title line\n- not a metadata line, 3 times\n\nx\n==========\n"
    (documents / "My Clippings.txt").write_text(text + broken, encoding="utf-8")
    result = run_cli("convert", tmp_path / "Kindle", "--to", "json", "--out", tmp_path / "k.json")
    assert result.exit_code == 1
    line = len(text.splitlines()) + 1
    assert f"{documents / 'My Clippings.txt'}:{line}" in result.output
    (documents / "My Clippings.txt").unlink()
    result = run_cli("convert", tmp_path / "Kindle", "--from", "kindle", "--to", "json",
                     "--out", tmp_path / "x.json")
    assert result.exit_code == 2
    assert "no My Clippings.txt in this folder or in its documents folder" in result.output

"""A Kobo plugged in, or its database given: recognised by content (the drive and its .kobo
folder too), and converted end to end through the CLI."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest
from kobo_databases import COLOR_DB, NOCOLOR_DB, bookmark, fingerprint, make_database

from excerpta import registry
from excerpta.adapters import InputProbe
from excerpta.readers.kobo import KoboReader


@pytest.mark.parametrize("path", [COLOR_DB, NOCOLOR_DB], ids=lambda p: p.name)
def test_the_corpus_databases_are_recognised_by_their_content(path):
    assert KoboReader.recognize(InputProbe.of(str(path))) == 95
    assert registry.detect_reader(InputProbe.of(str(path))).name == "kobo"


def test_a_copy_under_another_name_is_recognised_and_other_files_are_not(tmp_path):
    copy = tmp_path / "backup-2026-11-27.db"
    shutil.copyfile(COLOR_DB, copy)
    assert KoboReader.recognize(InputProbe.of(str(copy))) == 95
    other = tmp_path / "KoboReader.sqlite"  # the name alone is no evidence
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE Bookmark (BookmarkID TEXT)")  # no content table
    connection.close()
    assert KoboReader.recognize(InputProbe.of(str(other))) == 0
    text = tmp_path / "notes.txt"
    text.write_text("SQLite format 3 is not at the start of this file; Bookmark content", encoding="utf-8")
    assert KoboReader.recognize(InputProbe.of(str(text))) == 0


def _device(root, name=".kobo", database="KoboReader.sqlite"):
    folder = root / name
    folder.mkdir(parents=True)
    shutil.copyfile(COLOR_DB, folder / database)
    (folder / "version").write_text("N418,4.38.23038,4.38.23038,4.38.23038,4.38.23038,00000000-0000-0000-"
                                    "0000-000000000381\n", encoding="utf-8")
    (root / "Moby Dick - Herman Melville.kepub.epub").write_bytes(b"PK\x03\x04\0\0\xff\xfe" * 8)
    return folder / database


def test_the_drive_and_its_kobo_folder_are_recognised_and_read_like_the_file(run_cli, tmp_path):
    drive = tmp_path / "KOBOeReader"
    database = _device(drive)
    assert run_cli("convert", database, "--to", "json", "--out", tmp_path / "file.json").exit_code == 0
    expected = json.loads((tmp_path / "file.json").read_text())["documents"]
    for folder in (drive, database.parent):
        assert registry.detect_reader(InputProbe.of(str(folder))).name == "kobo"
        out = tmp_path / f"{folder.name}.json"
        result = run_cli("convert", folder, "--to", "json", "--out", out)
        assert result.exit_code == 0, result.output
        assert json.loads(out.read_text())["documents"] == expected


def test_names_in_any_case_as_on_the_devices_fat_file_system(tmp_path):
    _device(tmp_path / "KOBO", name=".KOBO", database="koboreader.SQLITE")
    assert KoboReader.recognize(InputProbe.of(str(tmp_path / "KOBO"))) == 70
    assert KoboReader.recognize(InputProbe.of(str(tmp_path))) == 0  # not searched deeper


def test_the_kobo_folder_reads_its_database_and_leaves_its_other_files_to_other_readers(tmp_path):
    database = _device(tmp_path / "drive")
    folder = database.parent
    assert KoboReader.reads_in_folder(folder, InputProbe.of_file(database))
    assert not KoboReader.reads_in_folder(folder, InputProbe.of_file(folder / "version"))


def test_a_folder_without_the_database_is_refused_with_from_kobo(run_cli, tmp_path):
    (tmp_path / "drive" / ".kobo").mkdir(parents=True)
    (tmp_path / "drive" / "notes.txt").write_text("x", encoding="utf-8")
    result = run_cli("convert", tmp_path / "drive", "--from", "kobo", "--to", "json",
                     "--out", tmp_path / "x.json")
    assert result.exit_code == 2
    assert "kobo reads neither this folder nor any file in it (--from kobo)" in result.output


def test_convert_to_json_reads_every_book_and_leaves_the_database_alone(run_cli, tmp_path):
    database = _device(tmp_path / "drive")
    before = fingerprint(database.parent)
    out = tmp_path / "kobo.json"
    result = run_cli("convert", database, "--to", "json", "--out", out)
    assert result.exit_code == 0, result.output
    documents = json.loads(out.read_text())["documents"]
    assert sorted(d["title"] for d in documents) == [
        "Alice's Adventures in Wonderland", "Moby Dick; Or, The Whale", "Pride and Prejudice"]
    austen = next(d for d in documents if d["title"] == "Pride and Prejudice")
    assert [(h["chapter"], h["color"], h["is_deleted"]) for h in austen["highlights"]] == [
        ("Chapter 1", "yellow", False), ("Chapter 2", "pink", False), ("Chapter 2", "yellow", True)]
    assert austen["highlights"][0]["highlighted_at"] == "2024-11-18T17:43:44Z"
    assert fingerprint(database.parent) == before


def test_convert_to_obsidian_writes_a_note_per_book_with_chapters_and_notes(run_cli, tmp_path):
    vault = tmp_path / "vault"
    result = run_cli("convert", COLOR_DB, "--to", "obsidian", "--out", vault)
    assert result.exit_code == 0, result.output
    notes = {path.stem: path.read_text(encoding="utf-8") for path in vault.rglob("*.md")}
    austen = next(text for name, text in notes.items() if name.startswith("Pride and Prejudice"))
    assert "Jane Austen" in austen
    assert "Chapter 2" in austen
    assert 'Annotation with' in austen
    assert "Deleted on device but still in the table" not in austen  # a deleted highlight is not shown
    assert len(notes) == 3


def test_a_bad_row_makes_the_run_partial_and_names_the_row(run_cli, tmp_path):
    path = make_database(tmp_path / "KoboReader.sqlite", [
        bookmark("good", "Good."), bookmark("bad", None, Annotation=None)])
    result = run_cli("convert", path, "--to", "json", "--out", tmp_path / "out.json")
    assert result.exit_code == 1
    assert f"{path}: Bookmark bad: skipped: a highlight without text or annotation" in result.output


def test_a_damaged_database_is_one_line_and_exit_code_2(run_cli, tmp_path):
    path = tmp_path / "KoboReader.sqlite"
    path.write_bytes(COLOR_DB.read_bytes()[:100] + b"\xff" * 8000)
    result = run_cli("convert", path, "--from", "kobo", "--to", "json", "--out", tmp_path / "out.json")
    assert result.exit_code == 2
    assert str(path) in result.output
    assert "Traceback" not in result.output


def test_a_highlight_deleted_on_the_device_since_the_last_run_is_deleted_in_the_library(run_cli, tmp_path):
    path = make_database(tmp_path / "KoboReader.sqlite",
                         [bookmark("kept", "Kept."), bookmark("gone", "Gone.")])
    state, out = tmp_path / "state.sqlite", tmp_path / "out.json"
    assert run_cli("convert", path, "--to", "json", "--out", out, "--state", state).exit_code == 0
    connection = sqlite3.connect(path)
    connection.execute("UPDATE Bookmark SET Hidden = 'true' WHERE BookmarkID = 'gone'")
    connection.commit()
    connection.close()
    result = run_cli("convert", path, "--to", "json", "--out", out, "--state", state)
    assert result.exit_code == 0, result.output
    (document,) = json.loads(out.read_text())["documents"]
    assert [(h["text"], h["is_deleted"]) for h in document["highlights"]] == [
        ("Kept.", False), ("Gone.", True)]

"""A Moon+ Reader backup converted end to end through the CLI, as a user runs it: no --from."""

from __future__ import annotations

import json
import pathlib
import tempfile

from moonreader_backups import BLUE, backup_of, book, make_backup, make_database, note

from paths import EXAMPLES


def test_a_backup_converts_to_json_without_naming_its_format(run_cli, tmp_path):
    archive = backup_of(tmp_path, [note(), note(original="Second", lastPosition=500, note="Mine.",
                                                highlightColor=BLUE)], [book()])
    out = tmp_path / "x.json"
    result = run_cli("convert", archive, "--to", "json", "--out", out)
    assert result.exit_code == 0, result.output
    (document,) = json.loads(out.read_text(encoding="utf-8"))["documents"]
    assert (document["title"], document["author"], document["source"]) == (
        "Walden", "Henry David Thoreau", "moonreader")
    assert [(h["text"], h["note"], h["color"], h["location"]) for h in document["highlights"]] == [
        ("I went to the woods", None, "yellow", 1), ("Second", "Mine.", "blue", 2)]
    assert document["highlights"][0]["highlighted_at"] == "2024-03-01T12:00:00Z"


def test_the_example_backup_converts(run_cli, tmp_path):
    out = tmp_path / "x.json"
    result = run_cli("convert", EXAMPLES / "moonreader_backup.mrpro", "--to", "json", "--out", out)
    assert result.exit_code == 0, result.output
    documents = json.loads(out.read_text(encoding="utf-8"))["documents"]
    assert {d["title"]: len(d["highlights"]) for d in documents} == {
        "Walden; or, Life in the Woods": 3, "Meditations": 2}


def test_bookmarks_are_kept_with_the_flag(run_cli, tmp_path):
    archive = backup_of(tmp_path, [note(), note(original="", bookmark="Economy", lastPosition=0)])
    out = tmp_path / "x.json"
    result = run_cli("convert", archive, "--moonreader-bookmarks", "--to", "json", "--out", out)
    assert result.exit_code == 0, result.output
    (document,) = json.loads(out.read_text(encoding="utf-8"))["documents"]
    assert [(h["text"], h["note"]) for h in document["highlights"]] == [
        ("", "Economy"), ("I went to the woods", None)]


def test_a_bad_row_makes_the_run_partial_and_names_the_file_and_the_row(run_cli, tmp_path):
    archive = backup_of(tmp_path, [note(), note(original="", note="")])
    out = tmp_path / "x.json"
    result = run_cli("convert", archive, "--to", "json", "--out", out)
    assert result.exit_code == 1
    assert f"{archive}: notes _id 2: skipped: no highlighted text and no note" in result.output
    assert len(json.loads(out.read_text(encoding="utf-8"))["documents"][0]["highlights"]) == 1


def test_a_backup_without_the_database_is_one_line_and_exit_code_2(run_cli, tmp_path):
    archive = make_backup(tmp_path / "b.mrpro", None)
    result = run_cli("convert", archive, "--to", "json", "--out", tmp_path / "x.json")
    assert result.exit_code == 2
    assert str(archive) in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "x.json").exists()


def test_a_file_named_as_a_backup_that_is_none_is_refused_with_from(run_cli, tmp_path):
    fake = tmp_path / "fake.mrpro"
    fake.write_bytes(b"\x00\x01 not a zip")
    result = run_cli("convert", fake, "--from", "moonreader", "--to", "json", "--out", tmp_path / "x.json")
    assert result.exit_code == 2
    assert f"{fake}: not a readable zip archive" in result.output
    assert "Traceback" not in result.output


def test_formats_lists_the_reader_and_its_option(run_cli):
    result = run_cli("formats")
    assert "moonreader" in result.output
    assert "Moon+ Reader" in result.output
    assert "--moonreader-bookmarks" in run_cli("formats", "moonreader").output


def test_no_room_in_the_temporary_folder_is_the_machines_refusal(run_cli, tmp_path, monkeypatch):
    archive = backup_of(tmp_path, [note()])
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    real_open = pathlib.Path.open

    def full_disk(self, mode="r", *args, **kwargs):  # the kernel's own ENOSPC: /dev/full
        if mode == "wb" and temporary in self.parents:
            return real_open(pathlib.Path("/dev/full"), mode, *args, **kwargs)
        return real_open(self, mode, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "open", full_disk)
    result = run_cli("convert", archive, "--to", "json", "--out", tmp_path / "x.json")
    assert result.exit_code == 74, result.output
    assert f"{temporary}: no room in the temporary folder" in result.output
    assert "cannot be read" not in result.output
    assert not (tmp_path / "x.json").exists()


def test_a_folder_of_dated_backups_and_one_holding_mrbooks_db_are_read(run_cli, tmp_path):
    backups = tmp_path / "Backup"
    backups.mkdir()
    backup_of(backups, [note(original="early")], name="2024-01-01.mrpro")
    backup_of(backups, [note(original="early"), note(original="later", lastPosition=900)],
              name="2024-03-01.mrpro")
    for path in backups.glob("*.db"):
        path.rename(tmp_path / path.name)  # backup_of's database, kept out of the folder
    out = tmp_path / "x.json"
    result = run_cli("convert", backups, "--to", "json", "--out", out)
    assert result.exit_code == 0, result.output
    (document,) = json.loads(out.read_text(encoding="utf-8"))["documents"]  # one phone: merged
    assert [h["text"] for h in document["highlights"]] == ["early", "later"]
    databases = tmp_path / "db"
    databases.mkdir()
    make_database(databases / "mrbooks.db", [note(original="from mrbooks.db")])
    result = run_cli("convert", databases, "--to", "json", "--out", out)
    assert result.exit_code == 0, result.output
    assert "from mrbooks.db" in out.read_text(encoding="utf-8")

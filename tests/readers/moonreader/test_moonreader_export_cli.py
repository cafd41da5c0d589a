"""Moon+ Reader ``.mrexpt`` exports converted end to end through the CLI, as a user runs it:
no --from, one file or a folder of them."""

from __future__ import annotations

import json

from moonreader_exports import HEADER, export_text, record, values_of, walden, write_export

from paths import EXAMPLES


def test_an_export_converts_to_json_without_naming_its_format(run_cli, tmp_path):
    path = write_export(tmp_path / "Walden.mrexpt", export_text(
        [walden(), walden(original="Second", note="Mine.<BR>", lastPosition=500)]))
    out = tmp_path / "x.json"
    result = run_cli("convert", path, "--to", "json", "--out", out)
    assert result.exit_code == 0, result.output
    (document,) = json.loads(out.read_text(encoding="utf-8"))["documents"]
    assert (document["title"], document["source"]) == ("Walden", "moonreader")
    assert [(h["text"], h["note"], h["location"]) for h in document["highlights"]] == [
        ("I went to the woods", None, 1), ("Second", "Mine.", 2)]  # "Mine.\n", stripped
    assert document["highlights"][0]["highlighted_at"] == "2024-03-01T12:00:00Z"


def test_a_file_named_otherwise_is_recognised_by_its_header(run_cli, tmp_path):
    path = write_export(tmp_path / "notes.txt", export_text([walden()]))
    out = tmp_path / "x.json"
    result = run_cli("convert", path, "--to", "json", "--out", out)
    assert result.exit_code == 0, result.output
    assert len(json.loads(out.read_text(encoding="utf-8"))["documents"]) == 1


def test_a_folder_of_exports_reads_every_one(run_cli, tmp_path):
    folder = tmp_path / "exports"
    (folder / "older").mkdir(parents=True)
    write_export(folder / "Walden.mrexpt", export_text([walden()]))
    other = "/sdcard/Books/Meditations.epub"
    write_export(folder / "older" / "Meditations.mrexpt", export_text(
        [walden(book="Meditations", filename=other, lowerFilename=other.lower(),
                original="Be like the rock")]))
    out = tmp_path / "x.json"
    result = run_cli("convert", folder, "--to", "json", "--out", out)
    assert result.exit_code == 0, result.output
    documents = json.loads(out.read_text(encoding="utf-8"))["documents"]
    assert sorted((d["title"], d["highlights"][0]["text"]) for d in documents) == [
        ("Meditations", "Be like the rock"), ("Walden", "I went to the woods")]


def test_a_damaged_record_makes_the_run_partial_and_names_the_file_and_line(run_cli, tmp_path):
    good = values_of(walden(original="Read"), 2)
    path = write_export(tmp_path / "w.mrexpt", HEADER + record(good[:13]) + record(good))
    out = tmp_path / "x.json"
    result = run_cli("convert", path, "--to", "json", "--out", out)
    assert result.exit_code == 1
    assert f"{path}: line 4: cut short: 13 of 16 values before the next record; skipped" in result.output
    assert len(json.loads(out.read_text(encoding="utf-8"))["documents"][0]["highlights"]) == 1


def test_a_file_named_as_an_export_without_its_header_is_one_line_and_exit_code_2(run_cli, tmp_path):
    path = tmp_path / "paper.mrexpt"
    path.write_text("<notes of a PDF>\n", encoding="utf-8")
    result = run_cli("convert", path, "--to", "json", "--out", tmp_path / "x.json")
    assert result.exit_code == 2
    assert f"{path}: not a Moon+ Reader highlight export" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "x.json").exists()


def test_the_example_export_converts(run_cli, tmp_path):
    out = tmp_path / "x.json"
    result = run_cli("convert", EXAMPLES / "moonreader_export.mrexpt", "--to", "json", "--out", out)
    assert result.exit_code == 0, result.output
    (document,) = json.loads(out.read_text(encoding="utf-8"))["documents"]
    assert document["title"] == "Walden; or, Life in the Woods"
    assert [h["note"] for h in document["highlights"]] == [
        "#", None, "The reason for the woods.\nSee also the pond chapter.", None]


def test_formats_lists_the_export_reader_and_its_option(run_cli):
    assert "moonreader-export" in run_cli("formats").output
    assert "--moonreader-bookmarks" in run_cli("formats", "moonreader-export").output

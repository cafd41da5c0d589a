"""PocketBook inputs converted end to end through the CLI, as a user runs them: no --from; an
export, the device's Notes folder, its database, its drive; one library from both formats."""

from __future__ import annotations

import json
import shutil

from pocketbook_databases import make_database, note
from pocketbook_exports import entry, export_html, write_export

from paths import CORPUS, EXAMPLES

AUSTEN = "It is a truth universally acknowledged, that a single man in possession of a good fortune, " \
         "must be in want of a wife."
BENNET = "My dear Mr. Bennet, have you heard that Netherfield Park is let at last?"
MASS = "The mass of men lead lives of quiet desperation."


def _documents(path):
    return json.loads(path.read_text(encoding="utf-8"))["documents"]


def test_the_example_export_converts_to_json_without_naming_its_format(run_cli, tmp_path):
    out = tmp_path / "x.json"
    result = run_cli("convert", EXAMPLES / "pocketbook_notes.html", "--to", "json", "--out", out)
    assert result.exit_code == 0, result.output
    (document,) = _documents(out)
    assert (document["title"], document["author"], document["source"]) == (
        "Walden; or, Life in the Woods", "Henry David Thoreau", "pocketbook")
    assert [(h["location"], h["location_type"], h["color"], h["note"]) for h in document["highlights"]] == [
        (14, "page", "yellow", None), (96, "page", "cyan", "The reason for the whole experiment."),
        (98, "page", "green", "Compare Seneca, Letters 2.")]


def test_the_example_database_converts_to_json_without_naming_its_format(run_cli, tmp_path):
    out = tmp_path / "x.json"
    result = run_cli("convert", EXAMPLES / "pocketbook_books.db", "--to", "json", "--out", out)
    assert result.exit_code == 0, result.output
    assert [(d["title"], len(d["highlights"])) for d in _documents(out)] == [
        ("Walden; or, Life in the Woods", 3), ("Pride and Prejudice", 1)]
    assert _documents(out)[0]["highlights"][0]["highlighted_at"] == "2024-05-01T20:14:05Z"


def test_the_notes_folder_converts_to_one_obsidian_note_per_book_without_duplicates(run_cli, tmp_path):
    notes = tmp_path / "PB" / "Notes"
    notes.mkdir(parents=True)
    shutil.copyfile(EXAMPLES / "pocketbook_notes.html", notes / "Walden.html")
    write_export(notes / "Pride and Prejudice.html", export_html([entry(AUSTEN, 1)]))
    write_export(notes / "Pride and Prejudice (1).html", export_html(  # exported again, a note later
        [entry(AUSTEN, 1), entry(BENNET, 1, "Mrs. Bennet's first words.", uuid="C")],
        date="2024-06-11 09:02:44"))
    vault = tmp_path / "vault"
    result = run_cli("convert", notes, "--to", "obsidian", "--out", vault)
    assert result.exit_code == 0, result.output
    written = sorted(path.name for path in vault.rglob("*.md"))
    assert written == ["Pride and Prejudice.md", "Walden; or, Life in the Woods.md"]
    austen = next(vault.rglob("Pride and Prejudice.md")).read_text(encoding="utf-8")
    assert austen.count("It is a truth universally acknowledged") == 1
    assert "Mrs. Bennet's first words." in austen


def test_the_notes_folder_converts_to_json_with_each_note_once(run_cli, tmp_path):
    write_export(tmp_path / "a.html", export_html([entry(AUSTEN, 1)]))
    write_export(tmp_path / "a (1).html", export_html([entry(AUSTEN, 1), entry(BENNET, 2, uuid="C")]))
    out = tmp_path.parent / f"{tmp_path.name}.json"
    result = run_cli("convert", tmp_path, "--to", "json", "--out", out)
    assert result.exit_code == 0, result.output
    (document,) = _documents(out)
    assert [h["text"] for h in document["highlights"]] == [AUSTEN, BENNET]


def test_a_folder_of_pocketbook_and_kindle_exports_reads_both(run_cli, tmp_path):
    write_export(tmp_path / "Pride and Prejudice.html", export_html([entry(AUSTEN, 1)]))
    kindle = CORPUS / "kindle_notebook_html" / "krystofl_example_notebook_en.html"
    shutil.copyfile(kindle, tmp_path / "k.html")
    out = tmp_path.parent / f"{tmp_path.name}.json"
    result = run_cli("convert", tmp_path, "--to", "json", "--out", out)
    assert result.exit_code == 0, result.output
    assert sorted(d["source"] for d in _documents(out)) == ["kindle", "pocketbook"]


def test_the_drive_reads_its_database_and_leaves_its_exports_to_it(run_cli, tmp_path):
    drive = tmp_path / "PB"
    (drive / "system" / "config").mkdir(parents=True)
    shutil.copyfile(EXAMPLES / "pocketbook_books.db", drive / "system" / "config" / "books.db")
    (drive / "Notes").mkdir()
    shutil.copyfile(EXAMPLES / "pocketbook_notes.html", drive / "Notes" / "Walden.html")
    out = tmp_path / "x.json"
    result = run_cli("convert", drive, "--to", "json", "--out", out, "-v")
    assert result.exit_code == 0, result.output
    assert [(d["title"], len(d["highlights"])) for d in _documents(out)] == [
        ("Walden; or, Life in the Woods", 3), ("Pride and Prejudice", 1)]
    assert "pocketbook-html" not in result.output  # the export was not read as an input of its own


def test_an_export_then_the_database_read_into_one_library_give_each_note_once(run_cli, tmp_path):
    state, out = tmp_path / "state.sqlite", tmp_path / "x.json"
    for source in (EXAMPLES / "pocketbook_notes.html", EXAMPLES / "pocketbook_books.db"):
        result = run_cli("convert", source, "--to", "json", "--out", out, "--state", state)
        assert result.exit_code == 0, result.output
    walden = _documents(out)[0]
    assert [h["location"] for h in walden["highlights"]] == [14, 96, 98]
    assert walden["highlights"][0]["highlighted_at"] == "2024-05-01T20:14:05Z"  # the database's date added


def test_bookmarks_are_kept_with_the_flag(run_cli, tmp_path):
    out = tmp_path / "x.json"
    result = run_cli("convert", EXAMPLES / "pocketbook_notes.html", "--pocketbook-bookmarks",
                     "--to", "json", "--out", out)
    assert result.exit_code == 0, result.output
    assert [h["location"] for h in _documents(out)[0]["highlights"]] == [14, 96, 97, 98]


def test_a_bad_entry_makes_the_run_partial_and_names_the_file_and_its_line(run_cli, tmp_path):
    path = write_export(tmp_path / "x.html", export_html([entry(AUSTEN, 1), entry("", 2)]))
    out = tmp_path / "x.json"
    result = run_cli("convert", path, "--to", "json", "--out", out)
    assert result.exit_code == 1
    assert f"{path}:22: an entry without passage or note" in result.output
    assert len(_documents(out)[0]["highlights"]) == 1


def test_a_bad_item_of_the_database_makes_the_run_partial_and_names_it(run_cli, tmp_path):
    path = make_database(tmp_path / "books.db", notes=[note(2, MASS), note(3, "")])
    result = run_cli("convert", path, "--to", "json", "--out", tmp_path / "x.json")
    assert result.exit_code == 1
    assert f"{path}: Items OID 3: skipped: a highlight without passage or note" in result.output


def test_a_page_that_is_no_export_given_with_from_is_one_line_and_exit_code_2(run_cli, tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>Hello</p></body></html>", encoding="utf-8")
    out = tmp_path / "x.json"
    result = run_cli("convert", page, "--from", "pocketbook-html", "--to", "json", "--out", out)
    assert result.exit_code == 2
    assert f"{page}: not a PocketBook notes export" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_formats_lists_both_readers_and_their_option(run_cli):
    listed = run_cli("formats").output
    assert "pocketbook " in listed
    assert "pocketbook-html" in listed
    for name in ("pocketbook", "pocketbook-html"):
        assert "--pocketbook-bookmarks" in run_cli("formats", name).output

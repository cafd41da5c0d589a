"""Play Books notes converted end to end through the CLI, as a user runs it: no --from."""

from __future__ import annotations

import json

from play_books_docs import MEDITATIONS, Row, notes_of, web_page, web_page_zip, word_file

from paths import EXAMPLES


def test_the_word_example_converts_to_json_without_naming_its_format(run_cli, tmp_path):
    out = tmp_path / "x.json"
    result = run_cli("convert", EXAMPLES / "play_books_walden.docx", "--timezone", "Europe/Berlin",
                     "--to", "json", "--out", out)
    assert result.exit_code == 0, result.output
    (document,) = json.loads(out.read_text(encoding="utf-8"))["documents"]
    assert (document["id"], document["title"], document["author"], document["source"]) == (
        "playbooks-hzYKAAAAYAAJ", "Walden", "Henry David Thoreau", "playbooks")
    assert document["external_ids"] == {"playbooks": "hzYKAAAAYAAJ"}
    first = document["highlights"][0]
    assert (first["text"], first["location"], first["location_type"], first["color"], first["chapter"]) == (
        "The mass of men lead lives of quiet desperation.", 8, "page", "yellow", "Economy")
    assert first["highlighted_at"] == "2022-03-02T00:00:00+01:00"
    assert [h["chapter"] for h in document["highlights"]] == [
        "Economy", "Where I Lived, and What I Lived For", "Where I Lived, and What I Lived For", "Visitors"]


def test_a_folder_of_downloads_converts_every_book_to_a_vault(run_cli, tmp_path):
    folder = tmp_path / "Play Books Notes"
    folder.mkdir()
    walden = notes_of(("Economy", [Row("Simplicity of life.", pg="GBS.PA12")]))
    word_file(folder / "Notes from Walden.docx", walden)
    web_page_zip(folder / "Notes from Meditations.zip", MEDITATIONS)
    unzipped = folder / "NotesfromSolitude"
    unzipped.mkdir()
    (unzipped / "NotesfromSolitude.html").write_text(web_page(notes_of(
        ("Solitude", [Row("I love to be alone.", pg="GBS.PA135")]), title="Solitude", volume="s0L1tud3")),
        encoding="utf-8")
    (unzipped / "images").mkdir()
    (unzipped / "images" / "image1.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    vault = tmp_path / "vault"
    result = run_cli("convert", folder, "--to", "obsidian", "--out", vault)
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in (vault / "Books").iterdir()) == [
        "Meditations.md", "Solitude.md", "Walden.md"]
    assert "I love to be alone." in (vault / "Books" / "Solitude.md").read_text(encoding="utf-8")


def test_a_bad_row_makes_the_run_partial_and_names_the_file_and_the_row(run_cli, tmp_path):
    rows = [Row("Kept.", pg="GBS.PA1"), Row("", page="2")]
    path = word_file(tmp_path / "a.docx", notes_of(("Economy", rows)))
    out = tmp_path / "x.json"
    result = run_cli("convert", path, "--to", "json", "--out", out)
    assert result.exit_code == 1
    assert f"{path}: row 2: one paragraph, 'May 5, 2021', and no coloured passage" in result.output
    (document,) = json.loads(out.read_text(encoding="utf-8"))["documents"]
    assert [h["text"] for h in document["highlights"]] == ["Kept."]


def test_a_document_that_is_no_notes_is_one_line_and_exit_code_2(run_cli, tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<html><body><h1>My page</h1><p>Hello.</p></body></html>", encoding="utf-8")
    result = run_cli("convert", page, "--from", "play-books", "--to", "json", "--out", tmp_path / "x.json")
    assert result.exit_code == 2
    assert f"{page}: not a Google Play Books notes document: no book title" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "x.json").exists()


def test_formats_lists_the_reader_and_its_option(run_cli):
    assert "Google Play Books notes" in run_cli("formats").output
    described = run_cli("formats", "play-books").output
    assert "play-books (input, --from)" in described
    assert "--timezone" in described

"""Notes our obsidian writer wrote read back with readwise-md: same documents and highlights."""

from __future__ import annotations

import json
import unicodedata

import pytest

from paths import CORPUS, EXAMPLES

# Without and with a note per highlight (the document's note then embeds them).
LAYOUTS = pytest.mark.parametrize("layout", [[], ["--atomic"]], ids=["document-notes", "atomic"])


@LAYOUTS
def test_our_notes_read_back_with_their_ids_texts_notes_and_book_locations(run_cli, tmp_path, layout):
    vault = tmp_path / "vault"
    assert run_cli("convert", EXAMPLES / "library.json", "--to", "obsidian", "--out", vault,
                   *layout).exit_code == 0
    result = run_cli("convert", vault, "--to", "json", "--out", tmp_path / "back.json")
    assert result.exit_code == 0
    original = {d["id"]: d for d in json.loads((EXAMPLES / "library.json").read_text())["documents"]}
    back = json.loads((tmp_path / "back.json").read_text())["documents"]
    assert sorted(d["id"] for d in back) == sorted(original)
    for document in back:
        source = original[document["id"]]
        assert (document["title"], document["author"], document["category"], document["url"]) == (
            source["title"], source["author"], source["category"], source["url"])
        expected = {h["id"]: h for h in source["highlights"]}
        # In reading order (the library lists Walden's as highlighted: 1337, 152, 1420).
        in_order = sorted(source["highlights"], key=lambda h: h["location"])
        assert [h["id"] for h in document["highlights"]] == [h["id"] for h in in_order]
        for highlight in document["highlights"]:
            want = expected[highlight["id"]]
            assert (highlight["text"], highlight["note"], highlight["tags"]) == (
                want["text"], want["note"], want["tags"])
            if source["category"] == "books":  # articles show links, not their order numbers
                assert highlight["location"] == want["location"]


def test_the_url_line_does_not_swallow_the_comment_markers_after_it(run_cli, tmp_path):
    vault = tmp_path / "vault"
    run_cli("convert", EXAMPLES / "library.json", "--to", "obsidian", "--out", vault)
    run_cli("convert", vault / "Articles" / "Self-Reliance.md", "--to", "json", "--out", tmp_path / "a.json")
    [document] = json.loads((tmp_path / "a.json").read_text())["documents"]
    assert document["url"] == "https://www.gutenberg.org/files/16643/16643-h/16643-h.htm"


@LAYOUTS
def test_kindle_notebooks_read_back_with_their_chapters(run_cli, tmp_path, layout):
    for notebook in sorted((CORPUS / "kindle_notebook_html").glob("*.html")):
        assert run_cli("convert", notebook, "--to", "json", "--out", tmp_path / "a.json").exit_code == 0
        vault = tmp_path / notebook.stem
        assert run_cli("convert", notebook, "--to", "obsidian", "--out", vault, *layout).exit_code == 0
        assert run_cli("convert", vault, "--to", "json", "--out", tmp_path / "b.json").exit_code == 0
        [original] = json.loads((tmp_path / "a.json").read_text())["documents"]
        [back] = json.loads((tmp_path / "b.json").read_text())["documents"]
        fields = ("id", "text", "note", "location", "chapter")
        assert [tuple(h[f] for f in fields) for h in back["highlights"]] == [
            tuple(h[f] for f in fields) for h in original["highlights"]], notebook.name
        assert any(h["chapter"] for h in back["highlights"]), notebook.name


def test_a_highlight_note_read_from_inside_a_vault_and_a_lost_one_reported(run_cli, tmp_path):
    vault = tmp_path / "vault"
    out = vault / "Readwise"  # the output folder inside the vault: embeds start there
    run_cli("convert", EXAMPLES / "library.json", "--to", "obsidian", "--out", out, "--atomic")
    [walden] = (out / "Books").glob("Walden*.md")
    lost = sorted((out / "Books" / walden.stem).glob("*.md"))[0]
    moved = lost.rename(tmp_path / lost.name)  # out of the vault
    result = run_cli("convert", walden, "--to", "json", "--out", tmp_path / "w.json")
    assert result.exit_code == 0
    [document] = json.loads((tmp_path / "w.json").read_text())["documents"]
    original = next(d for d in json.loads((EXAMPLES / "library.json").read_text())["documents"]
                    if d["title"] == document["title"])
    assert len(document["highlights"]) == len(original["highlights"]) - 1
    assert [h["text"] for h in document["highlights"]] == [
        h["text"] for h in original["highlights"] if h["text"] not in moved.read_text()]
    assert f"the note Books/{walden.stem}/{lost.stem}.md it embeds a highlight of is not found" in " ".join(
        result.output.split())


def test_an_embed_that_leaves_the_folder_is_not_followed(run_cli, tmp_path):
    vault = tmp_path / "vault"
    run_cli("convert", EXAMPLES / "library.json", "--to", "obsidian", "--out", vault, "--atomic")
    [walden] = (vault / "Books").glob("Walden*.md")
    outside = tmp_path / "secret.md"
    outside.write_text("%% excerpta:begin highlights %%\n- A secret. ^hl-x1\n%% excerpta:end highlights "
                       "0000000000000000 %%\n")
    text = walden.read_text()
    embed = "- ![[../../secret#^hl-x1]] ^hl-x1\n"
    walden.write_text(text.replace("## Highlights\n", "## Highlights\n" + embed, 1))
    result = run_cli("convert", walden, "--to", "json", "--out", tmp_path / "w.json")
    [document] = json.loads((tmp_path / "w.json").read_text())["documents"]
    assert "A secret." not in [h["text"] for h in document["highlights"]]
    assert "leaves the folder" in result.output


@LAYOUTS
def test_control_characters_from_the_source_never_reach_a_note_which_reads_back(run_cli, tmp_path, layout):
    # A PDF's NUL or ESC in a title or a highlight made the whole note binary, unreadable.
    junk = "\x00\x01\x1b\x7f\x9b"
    highlight = {"id": "h1", "text": f"PDF{junk} junk\x00here", "note": f"My{junk} note",
                 "location": 7, "location_type": "location", "chapter": "Part\x00 One",
                 "tags": [f"t{junk}ag"]}
    library = {"schema_version": 1, "documents": [
        {"id": "d1", "title": f"Bad{junk}Title", "author": "Henry\x00 Thoreau", "category": "books",
         "url": "https://example.com/\x00walden", "tags": ["a\x00b"], "document_note": f"Mine{junk}.",
         "highlights": [highlight]}]}
    (tmp_path / "lib.json").write_text(json.dumps(library))
    vault = tmp_path / "vault"
    written = run_cli("convert", tmp_path / "lib.json", "--to", "obsidian", "--out", vault, *layout)
    assert written.exit_code == 0
    for note in vault.rglob("*.md"):
        text = note.read_text(encoding="utf-8")
        assert not [c for c in text if unicodedata.category(c) == "Cc" and c not in "\t\n"], note
    assert run_cli("convert", vault, "--from", "readwise-md", "--to", "json",
                   "--out", tmp_path / "back.json").exit_code == 0
    [document] = json.loads((tmp_path / "back.json").read_text())["documents"]
    assert (document["title"], document["author"], document["url"]) == (
        "BadTitle", "Henry Thoreau", "https://example.com/walden")
    assert document["document_note"] == "Mine."
    [back] = document["highlights"]
    assert (back["id"], back["text"], back["note"], back["chapter"], back["tags"]) == (
        "h1", "PDF junkhere", "My note", "Part One", ["tag"])


@LAYOUTS
def test_a_highlight_of_no_chapter_after_a_chapters_reads_back_with_none(run_cli, tmp_path, layout):
    # A clipping newer than the notebook export: no chapter, after the chapter's highlights.
    def highlight(ident: str, location: int, chapter: str | None) -> dict:
        return {"id": ident, "text": f"At {location}.", "location": location, "location_type": "location",
                "chapter": chapter}

    highlights = [highlight("h1", 10, "Chapter 1"), highlight("h2", 500, None),
                  highlight("h3", 900, "Chapter 2"), highlight("h4", 950, None)]
    library = {"schema_version": 1, "documents": [
        {"id": "d1", "title": "Book", "category": "books", "highlights": highlights}]}
    (tmp_path / "lib.json").write_text(json.dumps(library))
    first, second = tmp_path / "first", tmp_path / "second"
    assert run_cli("convert", tmp_path / "lib.json", "--to", "obsidian", "--out", first,
                   *layout).exit_code == 0
    assert run_cli("convert", first, "--from", "readwise-md", "--to", "json",
                   "--out", tmp_path / "back.json").exit_code == 0
    [document] = json.loads((tmp_path / "back.json").read_text())["documents"]
    assert [(h["id"], h["chapter"]) for h in document["highlights"]] == [
        ("h1", "Chapter 1"), ("h2", None), ("h3", "Chapter 2"), ("h4", None)]
    # Written again from what was read: the same notes (no "- Chapter:" gained by --atomic's).
    assert run_cli("convert", tmp_path / "back.json", "--to", "obsidian", "--out", second,
                   *layout).exit_code == 0
    notes = sorted(path.relative_to(first) for path in first.rglob("*.md"))
    assert notes == sorted(path.relative_to(second) for path in second.rglob("*.md"))
    for note in notes:
        assert (second / note).read_text() == (first / note).read_text(), note


QUOTE = ("> {{ highlight_text }}{% if highlight_location_url %} ([{{ highlight_location }}]"
         "({{ highlight_location_url }})){% endif %}\n"
         "{% if highlight_note %}> **Note:** {{ highlight_note }}\n{% endif %}\n")
CALLOUT = ("> [!quote] {{ highlight_location }}\n> {{ highlight_text }}\n"
           "{% if highlight_note %}>\n> - Note: {{ highlight_note }}\n{% endif %}\n")


@pytest.mark.parametrize("template", [QUOTE, CALLOUT], ids=["quote", "callout"])
def test_notes_of_a_quote_or_callout_template_read_back_with_their_ids_texts_and_notes(
        run_cli, tmp_path, template):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "highlight.md.jinja").write_text(template)
    vault = tmp_path / "vault"
    assert run_cli("convert", EXAMPLES / "library.json", "--to", "obsidian", "--out", vault,
                   "--templates", templates).exit_code == 0
    assert "\n- " not in (vault / "Books" / "Walden.md").read_text().split("## Highlights")[1]
    assert run_cli("convert", vault, "--to", "json", "--out", tmp_path / "back.json").exit_code == 0
    original = [h for d in json.loads((EXAMPLES / "library.json").read_text())["documents"]
                for h in d["highlights"]]
    back = [h for d in json.loads((tmp_path / "back.json").read_text())["documents"]
            for h in d["highlights"]]
    assert sorted((h["id"], h["text"], h["note"]) for h in back) == sorted(
        (h["id"], h["text"], h["note"]) for h in original)


@LAYOUTS
def test_a_readable_title_reads_back_beside_the_full_title(run_cli, tmp_path, layout):
    page = CORPUS / "readwise" / "synthetic" / "v2-export-page1.synthetic.json"
    vault = tmp_path / "vault"
    assert run_cli("convert", page, "--to", "obsidian", "--out", vault, *layout).exit_code == 0
    assert (vault / "Books" / "An Example Book.md").is_file()
    assert run_cli("convert", vault, "--to", "json", "--out", tmp_path / "back.json").exit_code == 0
    back = {d["id"]: d for d in json.loads((tmp_path / "back.json").read_text())["documents"]}
    assert (back["readwise-90000001"]["title"], back["readwise-90000001"]["readable_title"]) == (
        "An Example Book: With a Long Subtitle", "An Example Book")
    assert (back["readwise-90000002"]["title"], back["readwise-90000002"]["readable_title"]) == (
        "la hipótesis del escalado: un ejemplo", "La Hipótesis Del Escalado: Un Ejemplo")

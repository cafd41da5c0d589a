"""The ``kindle-html`` reader on entries it cannot read whole: an export whose every entry is
skipped gives nothing (so a run refuses it rather than empty a good output), a heading whose
text was deleted is skipped, and one without a page or location is read in part; each is
reported with its line.

Inputs are the real krystofl export changed by code, or small pages written here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from kindle_reading import NOTEBOOK_HEAD as HEAD
from kindle_reading import NOTEBOOK_TAIL as TAIL
from kindle_reading import NOTEBOOKS
from kindle_reading import notebook_entry as entry
from kindle_reading import read_notebook as read

KRYSTOFL = NOTEBOOKS / "krystofl_example_notebook_en.html"
_HEADING = re.compile(r'<div class="noteHeading">.*?</div>\n', re.DOTALL)


def without_headings(folder: Path) -> Path:
    """The krystofl export with every entry's heading deleted, in ``folder``."""
    path = folder / "book.html"
    path.write_text(_HEADING.sub("", KRYSTOFL.read_text(encoding="utf-8")), encoding="utf-8")
    return path


def test_an_export_whose_every_entry_is_skipped_gives_no_document(tmp_path):
    documents, state = read(without_headings(tmp_path))
    assert documents == []
    assert len(state.problems) == 13
    assert all(p.reason.startswith("text without a heading of its own") and not p.kept
               for p in state.problems)


def test_an_export_whose_every_entry_is_skipped_leaves_a_good_output_as_it_was(run_cli, tmp_path):
    out = tmp_path / "books.json"
    assert run_cli("convert", KRYSTOFL, "--to", "json", "--out", out).exit_code == 0
    good = out.read_bytes()
    for damaged in (without_headings(tmp_path), tmp_path):  # the file, and the folder holding it
        result = run_cli("convert", damaged, "--to", "json", "--out", out)
        assert result.exit_code == 2
        said = f"{damaged}: nothing could be read as kindle-html (13 record(s) skipped; line 1"
        assert said in result.output
        assert "Traceback" not in result.output
        assert out.read_bytes() == good
    # A first run writes nothing either.
    result = run_cli("convert", tmp_path / "book.html", "--to", "json", "--out", tmp_path / "new.json")
    assert result.exit_code == 2
    assert not (tmp_path / "new.json").exists()


def test_an_export_with_a_title_and_no_entry_is_an_empty_book_not_an_error(run_cli, tmp_path):
    path = tmp_path / "n.html"
    path.write_text(HEAD + TAIL, encoding="utf-8")
    [document], state = read(path)
    assert (document.title, document.author, document.highlights, state.problems) == (
        "Der Prozess", "Kafka, Franz", [], [])
    # (Without a noteHeading it is not recognised as an export: named with --from.)
    result = run_cli("convert", path, "--from", "kindle-html", "--to", "json", "--out", tmp_path / "o.json")
    assert result.exit_code == 0
    assert [d["title"] for d in json.loads((tmp_path / "o.json").read_text())["documents"]] == ["Der Prozess"]


def test_in_a_folder_an_export_whose_every_entry_is_skipped_is_reported_and_the_others_read(
        run_cli, tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    without_headings(folder).rename(folder / "0-damaged.html")
    good = sorted(NOTEBOOKS.glob("*.html"))[:2]
    for path in good:
        (folder / path.name).write_bytes(path.read_bytes())
    documents, state = read(folder)
    assert documents == [read(path)[0][0] for path in good]
    assert {p.source for p in state.problems} == {str(folder / "0-damaged.html")}
    result = run_cli("convert", folder, "--to", "json", "--out", tmp_path / "books.json")
    assert result.exit_code == 1
    assert len(json.loads((tmp_path / "books.json").read_text())["documents"]) == 2


def test_a_highlight_whose_text_was_deleted_is_reported_with_its_line_and_skipped(run_cli, tmp_path):
    # The audit's heading_no_text.html: the noteText after "Location 592" removed.
    original = KRYSTOFL.read_text(encoding="utf-8")
    [whole], _ = read(KRYSTOFL)
    start = original.index("Location 592")
    text_start = original.index('<div class="noteText">', start)
    path = tmp_path / "n.html"
    path.write_text(original[:text_start] + original[original.index("</div>", text_start) + 7:],
                    encoding="utf-8")
    [document], state = read(path)
    assert [(p.where, p.reason, p.kept) for p in state.problems] == [
        (152, "entry 2, heading 'Highlight (yellow) - Location 592': a highlight without text "
              "(was its text deleted?)", False)]
    assert [h for h in document.highlights if h.location != 592] == [
        h for h in whole.highlights if h.location != 592]
    assert all(h.text for h in document.highlights)
    result = run_cli("convert", path, "--to", "json", "--out", tmp_path / "o.json")
    assert result.exit_code == 1
    assert f"skipped {path}:152: entry 2, heading" in result.output


def test_a_highlight_or_note_whose_heading_has_no_position_is_read_in_part(tmp_path):
    page = (HEAD + entry("Highlight - Location 5") + entry("Highlight - ", "No place.")
            + entry("Note - ", "A note of no place.", colour="") + entry("Bookmark - ", None, colour="")
            + entry("Highlight - Chapter 2 > ", "Chapter only.") + TAIL)
    path = tmp_path / "n.html"
    path.write_text(page, encoding="utf-8")
    [document], state = read(path, bookmarks=True)
    assert [(h.text, h.note, h.location, h.chapter) for h in document.highlights] == [
        ("Text.", None, 5, None), ("No place.", None, None, None), ("", "A note of no place.", None, None),
        ("", None, None, None), ("Chapter only.", None, None, "Chapter 2")]
    assert [(p.where, p.reason, p.kept) for p in state.problems] == [
        (4, "entry 2, heading 'Highlight (yellow) -': no page or location; read without one", True),
        (6, "entry 3, heading 'Note -': no page or location; read without one", True),
        (9, "entry 5, heading 'Highlight (yellow) - Chapter 2 >': no page or location; read without one",
         True)]


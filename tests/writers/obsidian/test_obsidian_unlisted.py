"""A highlight a note shows that the library does not list (see ``obsidian/unlisted.py``).

Without ``--state`` the library holds only the run's inputs: a highlight missing from them
(a cleared ``My Clippings.txt``) stays in its note; only a tombstone removes it. With
``--state`` a highlight its document no longer lists moved to another one, and leaves the note.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from excerpta.model import Document, Highlight, Library, LocationType
from excerpta.store import default_state_path
from excerpta.writers.obsidian.note import NoteMemo
from excerpta.writers.obsidian.region import find_regions
from excerpta.writers.obsidian.unlisted import reading_order_with

BOOK = "Walden (Thoreau, Henry David)"
KEPT = "highlights not in this run's input kept (without --state the library holds only this run's inputs)"


def _clipping(location: int, text: str, day: int = 1) -> str:
    return (f"{BOOK}\n- Your Highlight on Location {location}-{location + 2} | Added on "
            f"Monday, January {day}, 2024 10:00:00 AM\n\n{text}\n==========\n")


def _clippings(path: Path, *clippings: tuple[int, str]) -> Path:
    path.write_text("".join(_clipping(location, text) for location, text in clippings), encoding="utf-8")
    return path


def _to_vault(run_cli, source: Path, vault: Path, *options: str, state: Path | None = None) -> str:
    """``excerpta [--state STATE] convert SOURCE --to obsidian --out VAULT OPTIONS``: its output."""
    result = run_cli(*(("--state", state) if state else ()), "convert", source, "--to", "obsidian",
                     "--out", vault, *options)
    assert result.exit_code == 0, result.output
    return result.output


def _items(note: Path) -> list[str]:
    """The list items of a note's highlights region, in note order."""
    region = note.read_text(encoding="utf-8").split("%% excerpta:begin highlights %%")[1]
    return [line for line in region.splitlines() if line.startswith("- ")]


def _texts(note: Path) -> list[str]:
    """The highlight texts of a note's blocks, in note order."""
    return [item[2:].split(" (")[0] for item in _items(note)]


def _library(path: Path, *documents: dict[str, Any], edited: str = "") -> Path:
    """A canonical JSON library of ``documents`` (``{"id": …, "highlights": [(id, location, deleted)]}``);
    the text of highlight ``edited`` says so."""
    built = [Document(id=document["id"], title=f"Book {document['id']}", author="An Author", category="books",
                      highlights=[Highlight(id=ident, text=f"Passage {ident}{' edited' * (ident == edited)}.",
                                            location=location,
                                            location_type=LocationType.LOCATION, is_deleted=deleted)
                                  for ident, location, deleted in document["highlights"]])
             for document in documents]
    path.write_text(Library(documents=built).model_dump_json(), encoding="utf-8")
    return path


def test_without_state_a_cleared_clippings_file_keeps_every_earlier_highlight_in_location_order(
        run_cli, tmp_path):
    vault, clippings = tmp_path / "vault", tmp_path / "My Clippings.txt"
    _clippings(clippings, (100, "Alpha one"), (200, "Beta two"), (400, "Delta four"))
    _to_vault(run_cli, clippings, vault)
    note = vault / "Books" / "Walden.md"
    first = note.read_text(encoding="utf-8")
    # Cleared on the device, then two new clippings: one between the others, one before them.
    _clippings(clippings, (300, "Gamma three"), (50, "Zero"))
    output = _to_vault(run_cli, clippings, vault)
    assert _texts(note) == ["Zero", "Alpha one", "Beta two", "Gamma three", "Delta four"]
    assert f"update {note} " in output
    assert f"3 {KEPT}" in output
    # The kept blocks are as they were, and the region is still excerpta's as written.
    text = note.read_text(encoding="utf-8")
    assert all(line in text.splitlines() for line in first.splitlines() if line.startswith("- "))
    assert find_regions(text)["highlights"].pristine
    assert "highlights edited by hand" not in output
    assert "outputs: nothing changed" in _to_vault(run_cli, clippings, vault)
    # The old file again: its highlights are updated in place, never added a second time.
    _clippings(clippings, (100, "Alpha one"), (200, "Beta two"), (400, "Delta four"))
    output = _to_vault(run_cli, clippings, vault)
    assert _texts(note) == ["Zero", "Alpha one", "Beta two", "Gamma three", "Delta four"]
    assert f"2 {KEPT}" in output


def test_without_state_user_edits_stay_and_a_kept_highlight_is_said_once(run_cli, tmp_path):
    vault, clippings = tmp_path / "vault", tmp_path / "My Clippings.txt"
    _clippings(clippings, (100, "Alpha one"), (200, "Beta two"))
    _to_vault(run_cli, clippings, vault)
    note = vault / "Books" / "Walden.md"
    text = note.read_text(encoding="utf-8")
    edited = text.replace("- Alpha one (", "- Alpha one, so true (").replace(
        "- Beta two", "- My own line\n- Beta two")
    note.write_text(edited, encoding="utf-8")
    _clippings(clippings, (300, "Gamma three"))
    output = _to_vault(run_cli, clippings, vault)
    mine = next(line for line in edited.splitlines() if line.startswith("- Alpha one, so true ("))
    assert mine in _items(note)  # byte for byte
    assert [line[:20] for line in _items(note)] == [
        "- Alpha one, so true", "- My own line", "- Beta two (Location", "- Gamma three (Locat"]
    assert output.count(KEPT) == 1
    assert f"2 {KEPT}" in output
    assert "highlights edited by hand: 0 updated, 0 removed, 1 added" in output


def test_without_state_a_single_kept_highlight_is_named_in_the_singular(run_cli, tmp_path):
    vault, clippings = tmp_path / "vault", tmp_path / "My Clippings.txt"
    _to_vault(run_cli, _clippings(clippings, (100, "Alpha one")), vault)
    output = _to_vault(run_cli, _clippings(clippings, (300, "Gamma three")), vault)
    assert "1 highlight not in this run's input kept" in output
    assert _texts(vault / "Books" / "Walden.md") == ["Alpha one", "Gamma three"]


def test_a_tombstone_removes_its_block_with_or_without_state(run_cli, tmp_path):
    for state in (None, tmp_path / "state.sqlite"):
        vault = tmp_path / f"vault-{state is None}"
        _to_vault(run_cli, _library(tmp_path / "one.json", {"id": "a", "highlights": [
            ("h1", 10, False), ("h2", 20, False), ("h3", 30, False)]}), vault, state=state)
        # The source says h2 was deleted; h3 is not in this input at all.
        output = _to_vault(run_cli, _library(tmp_path / "two.json", {"id": "a", "highlights": [
            ("h1", 10, False), ("h2", 20, True)]}), vault, state=state)
        note = vault / "Books" / "Book a.md"
        assert _texts(note) == ["Passage h1.", "Passage h3."], state  # h3: kept, or still in the library
        assert ("1 highlight not in this run's input kept" in output) is (state is None)


def test_without_state_a_tombstone_is_struck_through_when_asked(run_cli, tmp_path):
    vault = tmp_path / "vault"
    _to_vault(run_cli, _library(tmp_path / "one.json", {"id": "a", "highlights": [
        ("h1", 10, False), ("h2", 20, False)]}), vault)
    _to_vault(run_cli, _library(tmp_path / "two.json", {"id": "a", "highlights": [("h2", 20, True)]}),
              vault, "--deleted-highlights", "strike")
    assert _texts(vault / "Books" / "Book a.md") == ["Passage h1.", "~~Passage h2.~~"]


def test_with_state_a_highlight_moved_to_another_document_leaves_the_old_note(run_cli, tmp_path):
    vault, state = tmp_path / "vault", tmp_path / "state.sqlite"
    _to_vault(run_cli, _library(tmp_path / "one.json", {"id": "a", "highlights": [
        ("h1", 10, False), ("h2", 20, False)]}), vault, state=state)
    # Readwise merged the books: h2 is now b's.
    moved = _library(tmp_path / "two.json", {"id": "a", "highlights": [("h1", 10, False)]},
                     {"id": "b", "highlights": [("h2", 20, False)]})
    dry = run_cli("--state", state, "convert", moved, "--to", "obsidian", "--out", vault, "--dry-run")
    assert f"would update {vault / 'Books' / 'Book a.md'}" in dry.output  # as the run then does
    output = _to_vault(run_cli, moved, vault, state=state)
    assert _texts(vault / "Books" / "Book a.md") == ["Passage h1."]
    assert _texts(vault / "Books" / "Book b.md") == ["Passage h2."]
    assert "not in this run's input" not in output


def test_overwrite_renders_exactly_the_library_even_without_state(run_cli, tmp_path):
    vault, clippings = tmp_path / "vault", tmp_path / "My Clippings.txt"
    _to_vault(run_cli, _clippings(clippings, (100, "Alpha one")), vault)
    _to_vault(run_cli, _clippings(clippings, (300, "Gamma three")), vault, "--sync-policy", "overwrite")
    assert _texts(vault / "Books" / "Walden.md") == ["Gamma three"]


def test_without_state_atomic_notes_keep_the_embed_of_a_highlight_not_in_the_input(run_cli, tmp_path):
    vault, clippings = tmp_path / "vault", tmp_path / "My Clippings.txt"
    _to_vault(run_cli, _clippings(clippings, (100, "Alpha one"), (200, "Beta two")), vault, "--atomic")
    own = {path: path.read_bytes() for path in (vault / "Books" / "Walden").glob("*.md")}
    assert len(own) == 2
    output = _to_vault(run_cli, _clippings(clippings, (300, "Gamma three")), vault, "--atomic")
    embeds = [line for line in (vault / "Books" / "Walden.md").read_text(encoding="utf-8").splitlines()
              if line.startswith("- ![[")]
    assert [embed.split("/")[2].split("#")[0] for embed in embeds] == ["Alpha one", "Beta two", "Gamma three"]
    assert {path: path.read_bytes() for path in own} == own  # the highlights' own notes untouched
    assert f"2 {KEPT}" in output


def test_without_state_and_with_the_default_state_lost_a_note_still_keeps_its_highlights(run_cli, tmp_path):
    vault, clippings = tmp_path / "vault", tmp_path / "My Clippings.txt"
    _to_vault(run_cli, _clippings(clippings, (100, "Alpha one"), (200, "Beta two")), vault)
    default_state_path().unlink()  # no memory of the blocks written: the note is found by its id
    output = _to_vault(run_cli, _clippings(clippings, (300, "Gamma three")), vault)
    # Where the kept ones sit is not known either: the new one goes by the neighbour rule.
    assert sorted(_texts(vault / "Books" / "Walden.md")) == ["Alpha one", "Beta two", "Gamma three"]
    assert f"2 {KEPT}" in output
    assert "edited by hand" not in output


def test_a_note_this_state_has_no_record_of_still_follows_upstream_edits_and_deletions(run_cli, tmp_path):
    vault = tmp_path / "vault"
    _to_vault(run_cli, _library(tmp_path / "one.json", {"id": "a", "highlights": [
        ("h1", 10, False), ("h2", 20, False), ("h3", 30, False), ("h4", 40, False)]}), vault)
    # A copy of the vault (another machine): excerpta knows none of its blocks' digests.
    copies = [shutil.copytree(vault, tmp_path / f"copy-{n}") for n in range(2)]
    # h1 edited upstream, h2 not in this input, h4 deleted.
    changed = _library(tmp_path / "two.json", {"id": "a", "highlights": [
        ("h1", 10, False), ("h3", 30, False), ("h4", 40, True)]}, edited="h1")
    for copy, options, texts in ((copies[0], ("--deleted-highlights", "strike"), ["~~Passage h4.~~"]),
                                 (copies[1], (), [])):
        output = _to_vault(run_cli, changed, copy, *options)
        note = copy / "Books" / "Book a.md"
        assert _texts(note) == ["Passage h1 edited.", "Passage h2.", "Passage h3.", *texts]
        assert f"update {note} " in output
        assert f"1 {KEPT.replace('highlights', 'highlight')}" in output
        assert find_regions(note.read_text(encoding="utf-8"))["highlights"].pristine


def test_adding_state_after_runs_without_it_keeps_the_highlights_they_kept(run_cli, tmp_path):
    vault, clippings, state = tmp_path / "vault", tmp_path / "My Clippings.txt", tmp_path / "state.sqlite"
    _to_vault(run_cli, _clippings(clippings, (100, "Alpha one"), (300, "Gamma three")), vault)
    _to_vault(run_cli, _clippings(clippings, (300, "Gamma three")), vault)  # cleared on the device
    note = vault / "Books" / "Walden.md"
    # The state takes over the default state's record of the note, current: nothing to write.
    output = _to_vault(run_cli, clippings, vault, state=state)
    assert _texts(note) == ["Alpha one", "Gamma three"]
    assert "outputs: nothing changed" in output
    # This state did not write Alpha one: it was not moved away, it is just not in its library.
    output = _to_vault(run_cli, _clippings(clippings, (400, "Delta four")), vault, state=state)
    assert _texts(note) == ["Alpha one", "Gamma three", "Delta four"]
    assert "1 highlight its document does not list kept (in the note before this state wrote it)" in output
    default_state_path().unlink()  # the state took the note's record over: it needs it no more
    output = _to_vault(run_cli, _clippings(clippings, (500, "Epsilon five")), vault, state=state)
    assert _texts(note) == ["Alpha one", "Gamma three", "Delta four", "Epsilon five"]
    assert "1 highlight its document does not list kept" in output


def test_kept_highlights_go_among_the_live_ones_by_location_each_kind_apart():
    location, page, offset = LocationType.LOCATION, LocationType.PAGE, LocationType.OFFSET
    places = {"a": (location, 100), "b": (location, 300), "p": (page, 5)}
    kept = {"k1": (location, 50), "k2": (location, 200), "k3": (location, 400), "k4": (page, 9),
            "k5": (offset, 1)}
    assert reading_order_with(["a", "b", "p"], places, kept) == ["k1", "a", "k2", "b", "k3", "p", "k4", "k5"]


def test_the_memo_of_blocks_not_from_the_library_keeps_its_json_key():
    # Memos in existing states say "kept": read and written under that key.
    memo = NoteMemo.from_json('{"blocks": {"hl-a": "d1", "hl-b": "d2"}, "kept": ["hl-b"]}')
    assert memo.not_from_library == ["hl-b"]
    assert memo.from_library() == {"hl-a"}
    assert json.loads(memo.to_json())["kept"] == ["hl-b"]

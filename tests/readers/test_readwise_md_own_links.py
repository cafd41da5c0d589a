"""A Readwise note of a highlight excerpta sent to Readwise carries excerpta's mark as its link
(``excerpta://highlight/<id>``): read back, it is no link, and no note excerpta writes links it
(review F7: the dead link came back into the vault)."""

from __future__ import annotations

import json

from readwise_md_reading import read, write_note

from excerpta.model import LocationType
from excerpta.writers.obsidian.links import link_url

from paths import EXAMPLES

NOTE = """# Walden

## Metadata
- Author: [[Henry David Thoreau]]
- Full Title: Walden
- Category: #books

## Highlights
- I went to the woods because I wished to live deliberately. ([Location 1298](excerpta://highlight/ha1f8))
- Simplify, simplify. ([View Highlight](https://hyp.is/abc#excerpta-h2))
"""


def test_excerptas_mark_is_read_as_no_link_and_keeps_the_location(tmp_path):
    [document], state = read(write_note(tmp_path / "Books" / "Walden.md", NOTE))
    woods, simplify = document.highlights
    assert (woods.url, woods.location, woods.location_type) == (None, 1298, LocationType.LOCATION)
    assert simplify.url == "https://hyp.is/abc"  # the highlight's own link, without the mark
    assert state.problems == []
    # The id each mark holds is the library's id it was sent as.
    assert (woods.external_ids, simplify.external_ids) == ({"excerpta": "ha1f8"}, {"excerpta": "h2"})


def test_a_sent_highlight_edited_in_readwise_and_read_from_its_note_is_no_second_highlight(
        run_cli, tmp_path):
    # Review F5, by the Readwise plugin's note: a typo fixed in Readwise broke the passage match.
    state, before, after = tmp_path / "state.sqlite", tmp_path / "before.jsonl", tmp_path / "after.jsonl"
    clippings = EXAMPLES / "My Clippings.txt"
    assert run_cli("--state", state, "convert", clippings, "--to", "jsonl", "--out", before).exit_code == 0
    kindle = [json.loads(line) for line in before.read_text(encoding="utf-8").splitlines()]
    (woods,) = [h for h in kindle if h["text"].startswith("I went to the woods")]
    edited = woods["text"].replace("woods", "forest")
    write_note(tmp_path / "vault" / "Books" / "Walden.md", NOTE.replace(
        "I went to the woods because I wished to live deliberately.", edited).replace("ha1f8", woods["id"]))
    result = run_cli("--state", state, "convert", tmp_path / "vault", "--from", "readwise-md",
                     "--to", "jsonl", "--out", after)
    assert result.exit_code == 0, result.output
    merged = {h["id"]: h for h in map(json.loads, after.read_text(encoding="utf-8").splitlines())}
    # One highlight: the Kindle's dated copy stays its text, as over any undated note's copy
    # (store/copies.settled); the note's copy is known by the id its mark holds.
    assert merged[woods["id"]]["external_ids"] == {"excerpta": woods["id"]}
    assert not any(h["text"] == edited for h in merged.values())
    assert len(merged) == len(kindle) + 1  # "Simplify, simplify." alone is new


def test_no_note_links_excerptas_mark():
    assert link_url("excerpta://highlight/ha1f8") == ""
    assert link_url("EXCERPTA://highlight/ha1f8") == ""
    assert link_url("https://readwise.io/open/1") == "https://readwise.io/open/1"

"""A Readwise note of a highlight excerpta sent to Readwise carries excerpta's mark as its link
(``excerpta://highlight/<id>``): read back, it is no link, and no note excerpta writes links it
(review F7: the dead link came back into the vault)."""

from __future__ import annotations

from readwise_md_reading import read, write_note

from excerpta.model import LocationType
from excerpta.writers.obsidian.links import link_url

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


def test_no_note_links_excerptas_mark():
    assert link_url("excerpta://highlight/ha1f8") == ""
    assert link_url("EXCERPTA://highlight/ha1f8") == ""
    assert link_url("https://readwise.io/open/1") == "https://readwise.io/open/1"

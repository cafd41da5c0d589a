"""Migration: a vault of notes the Readwise plugin wrote (copied from the corpus, with lines the
user added) is adopted in place: no duplicates, every user line kept, highlights now managed."""

from __future__ import annotations

import re
import shutil

import pytest
import yaml

from excerpta.adapters import ReadState
from excerpta.model import Highlight, LocationType
from excerpta.readers.readwise_md import ReadwiseMarkdownReader

from paths import CORPUS

OFFICIAL = CORPUS / "readwise" / "obsidian-official"
LUCAS = OFFICIAL / "lucasheriques-brain" / "Readwise"
JIMBRIG = OFFICIAL / "jimbrig-vault" / "Readwise"
UDS_V2 = LUCAS / "Books" / "Understanding Distributed Systems.v2-after-resync@709e2d2.md"
SOURCES = {  # vault path -> corpus note
    "Books/Understanding Distributed Systems.md": UDS_V2,
    "Books/Mindset.md": LUCAS / "Books" / "Mindset.md",
    "Articles/When Systems Collide.md": LUCAS / "Articles" / "When Systems Collide.md",
    "Articles/Stop Being a Junior.md": LUCAS / "Articles" / "Stop Being a Junior.md",
    "Articles/Book Review  Wardley Mapping.md": LUCAS / "Articles" / "Book Review  Wardley Mapping.md",
    "Tweets/Tweets From Charity Majors.md": LUCAS / "Tweets" / "Tweets From Charity Majors.md",
    "Articles/The Map of Mathematics.md": JIMBRIG / "Articles" / "The Map of Mathematics.md",
    "Tweets/Tweets From Massimo.md": JIMBRIG / "Tweets" / "Tweets From Massimo.md",
}
MINDSET_ABOVE = "Status:: reading\n\n"
MINDSET_BETWEEN = "My own summary line, between Metadata and Highlights.\n\n"
MINDSET_COMMENT = "    - my comment on this highlight\n"
MINDSET_BELOW = "\n## Reflections\nI should reread this.\n"
OWN_BULLET = "- my own bullet, not a highlight\n"


@pytest.fixture
def plugin_vault(vault):
    """The corpus notes copied into ``vault``, with lines the user added to three of them."""
    for relative, source in SOURCES.items():
        (vault / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, vault / relative)
    mindset = vault / "Books" / "Mindset.md"
    text = mindset.read_text()
    text = MINDSET_ABOVE + text.replace("## Highlights\n", MINDSET_BETWEEN + "## Highlights\n")
    text = text.replace("location=235))\n", "location=235))\n" + MINDSET_COMMENT) + MINDSET_BELOW
    mindset.write_text(text)
    collide = vault / "Articles" / "When Systems Collide.md"
    collide.write_text(collide.read_text() + OWN_BULLET)
    maths = vault / "Articles" / "The Map of Mathematics.md"
    maths.write_text(maths.read_text().replace("Source: reader\n", "Source: reader\nrating: 4\n"))
    return vault


@pytest.fixture
def library():
    """The same documents, as the library knows them; Mindset has one highlight more."""
    documents = []
    for source in SOURCES.values():
        documents += ReadwiseMarkdownReader().read(str(source), ReadState())
    mindset = next(d for d in documents if d.title == "Mindset")
    mindset.highlights.append(Highlight(id="readwise-999", text="A highlight the note lacks.",
                                        location=300, location_type=LocationType.LOCATION))
    return documents


def _notes(vault):
    return sorted(p.relative_to(vault).as_posix() for p in vault.rglob("*.md"))


def test_dry_run_shows_what_would_be_adopted_and_changes_nothing(plugin_vault, sync, library):
    before = {p: (plugin_vault / p).read_bytes() for p in _notes(plugin_vault)}
    sink = sync(library, dry_run=True)
    assert sorted((o.path.relative_to(plugin_vault.resolve()).as_posix(), o.action, o.reason)
                  for o in sink.outcomes) == sorted(
        (p, "update", "adopted a note written by the Readwise plugin") for p in SOURCES)
    assert {p: (plugin_vault / p).read_bytes() for p in _notes(plugin_vault)} == before


def test_plugin_notes_are_adopted_in_place_without_duplicates(plugin_vault, sync, library):
    sync(library)
    assert _notes(plugin_vault) == sorted(SOURCES)
    for relative in SOURCES:
        text = (plugin_vault / relative).read_text()
        assert text.count("%% excerpta:begin header %%\n") == 1
        assert text.count("%% excerpta:begin highlights %%\n") == 1
        assert text.count("## Highlights\n") == 1
        assert "## New highlights added" not in text


def test_every_line_the_user_wrote_is_still_there(plugin_vault, sync, library):
    sync(library)
    mindset = (plugin_vault / "Books" / "Mindset.md").read_text()
    for line in (MINDSET_ABOVE, MINDSET_BETWEEN, MINDSET_COMMENT, MINDSET_BELOW):
        assert line in mindset
    assert mindset.endswith(MINDSET_BELOW)
    assert OWN_BULLET in (plugin_vault / "Articles" / "When Systems Collide.md").read_text()
    maths = (plugin_vault / "Articles" / "The Map of Mathematics.md").read_text()
    # The user's own front matter (from their custom template) is kept byte for byte.
    assert ("Date: 2023-06-13\nAuthor: <redacted vault-owner name and e-mail>\nSource: reader\n"
            "rating: 4\nLink: https://www.youtube.com/watch?v=OmJ-4B-mS-Y\n"
            'Tags: ["#Type/Highlight/Article"]\n'
            'Aliases: ["The Map of Mathematics", "The Map of Mathematics"]\n---\n') in maths
    properties = yaml.safe_load(maths.split("---\n")[1])
    assert properties["excerpta-id"]
    assert properties["rating"] == 4


def test_adopted_highlights_are_managed_once_each(plugin_vault, sync, library):
    sync(library)
    text = (plugin_vault / "Books" / "Understanding Distributed Systems.md").read_text()
    links = re.findall(r"\(\[Location\u00a0\d+\]\((https://[^)]+)\)\)", text)
    assert len(links) == 77
    assert len(set(links)) == 77
    mindset = (plugin_vault / "Books" / "Mindset.md").read_text()
    region = mindset.split("%% excerpta:begin highlights %%\n")[1].split("%% excerpta:end")[0]
    assert "- A highlight the note lacks. ([Location\u00a0300](https://readwise.io/to_kindle?action=open&" \
           "asin=B01NASOQGG&location=300)) ^hl-readwise-999\n" in region
    assert region.count("^hl-") == 2


def test_adopted_notes_resync_like_our_own(plugin_vault, sync, library):
    sync(library)
    assert [o.action for o in sync(library).outcomes] == []
    mindset = next(d for d in library if d.title == "Mindset")
    mindset.highlights[1] = mindset.highlights[1].model_copy(update={"text": "Edited upstream."})
    sink = sync(library)
    assert [o.action for o in sink.outcomes] == ["update"]
    text = (plugin_vault / "Books" / "Mindset.md").read_text()
    assert "- Edited upstream. (" in text
    for line in (MINDSET_ABOVE, MINDSET_BETWEEN, MINDSET_COMMENT, MINDSET_BELOW):
        assert line in text


def test_adoption_can_be_turned_off(plugin_vault, sync, library):
    sync(library[:1], adopt=False)
    assert "Books/Understanding Distributed Systems 1" not in " ".join(_notes(plugin_vault))
    created = [p for p in _notes(plugin_vault) if p not in SOURCES]
    assert len(created) == 1
    assert created[0].startswith("Books/Understanding Distributed Systems ")


def test_a_highlight_line_the_user_edited_is_kept_not_replaced(plugin_vault, sync, library):
    note = plugin_vault / "Articles" / "Stop Being a Junior.md"
    original = note.read_text()
    edited_line = next(line for line in original.splitlines() if "That's it." in line)
    mine = edited_line.replace("That's it.", "That's **it**, I underlined this.")
    note.write_text(original.replace(edited_line, mine))
    collide = plugin_vault / "Articles" / "When Systems Collide.md"
    note_line = next(line for line in collide.read_text().splitlines()
                     if line.startswith("    - Note: The author"))
    collide.write_text(collide.read_text().replace(note_line, note_line + " (and I disagree)"))
    sync(library)
    assert mine + "\n" in note.read_text()
    assert note_line + " (and I disagree)\n" in collide.read_text()


def test_no_adopted_note_repeats_a_highlight(plugin_vault, sync, library):
    sync(library)
    for relative in SOURCES:
        text = (plugin_vault / relative).read_text()
        links = re.findall(r"\(\[[^\]]+\]\((https://[^)\s]+)\)\)", text)
        assert links, relative
        assert len(links) == len(set(links)), relative
        assert text.count(" ^hl-") == len(links), relative


def test_a_highlight_the_user_gave_a_block_id_is_kept_so_links_to_it_still_work(plugin_vault, sync, library):
    note = plugin_vault / "Books" / "Mindset.md"
    text = note.read_text()
    bullet = next(line for line in text.splitlines() if line.startswith("- Perdão"))
    note.write_text(text.replace(bullet, bullet + " ^rwhi123"))
    sync(library)
    assert bullet + " ^rwhi123\n" in note.read_text()


def test_with_atomic_notes_plugin_notes_are_adopted_and_each_highlight_gets_its_note(
        plugin_vault, sync, library):
    sync(library, atomic=True)
    notes = _notes(plugin_vault)
    assert [p for p in notes if p.count("/") == 1] == sorted(SOURCES)  # no duplicate document note
    for relative in SOURCES:
        document = next(d for d in library if (plugin_vault / relative).read_text().count(d.id) > 0)
        highlight_notes = [p for p in notes if p.startswith(relative[:-3] + "/")]
        assert len(highlight_notes) == len([h for h in document.highlights if h.text]), relative
        text = (plugin_vault / relative).read_text()
        assert text.count("![[") == len(highlight_notes), relative
    mindset = (plugin_vault / "Books" / "Mindset.md").read_text()
    for line in (MINDSET_ABOVE, MINDSET_BETWEEN, MINDSET_COMMENT, MINDSET_BELOW):
        assert line in mindset
    assert [o.action for o in sync(library, atomic=True).outcomes] == []


@pytest.mark.parametrize(("after", "mine"), [
    ("- Author: ", "    - see also [[Grit]]\n"),
    ("- Author: ", "Read in 2019; see [[Grit]] too.\n"),
    ("- Category: ", "- Category: #psychology\n"),  # the plugin writes a key once
], ids=["sub-bullet", "paragraph", "second-key"])
def test_a_line_the_user_wrote_inside_the_metadata_is_kept_once_and_no_metadata_line_doubles(
        plugin_vault, sync, library, after, mine):
    note = plugin_vault / "Books" / "Mindset.md"
    text = note.read_text()
    plugin_line = next(line for line in text.splitlines(keepends=True) if line.startswith(after))
    note.write_text(text.replace(plugin_line, plugin_line + mine))
    sync(library)
    text = note.read_text()
    for line in ("- Author: ", "- Full Title: Mindset\n", "- Category: #books\n", mine):
        assert text.count(line) == 1, line
    header_end = text.index("%% excerpta:end header ")
    assert header_end < text.index(mine) < text.index("%% excerpta:begin highlights %%")
    assert [o.action for o in sync(library).outcomes] == []


def test_a_plugin_note_without_full_title_is_adopted_by_its_heading_the_readable_title(vault, sync, library):
    # The plugin heads a note with the readable title; a template without "- Full Title:"
    # leaves only that to find it by, while the library holds the full title.
    note = vault / "Books" / "Mindset.md"
    note.parent.mkdir()
    note.write_text(SOURCES["Books/Mindset.md"].read_text().replace("- Full Title: Mindset\n", ""))
    mindset = next(d for d in library if d.title == "Mindset")
    full = mindset.model_copy(update={"title": "Mindset: The New Psychology of Success",
                                      "readable_title": "Mindset"})
    sync([full])
    assert _notes(vault) == ["Books/Mindset.md"]
    text = note.read_text()
    assert text.count("%% excerpta:begin header %%\n") == 1
    assert "# Mindset\n" in text
    assert "- Full Title: Mindset: The New Psychology of Success\n" in text


@pytest.mark.parametrize("copy", ["The Map of Mathematics (Laptop's conflicted copy 2026-01-02).md",
                                  "The Map of Mathematics 2.md", "The Map of Mathematics (1).md",
                                  "The Map of Mathematics - Copy.md"])
def test_of_a_plugin_note_and_its_copy_the_original_is_adopted(plugin_vault, sync, library, caplog, copy):
    # A sync tool's conflict copy (or a copy made in Finder, Drive, Explorer) sorts first; the
    # note the user keeps is the one with the plain name (portability audit).
    original = plugin_vault / "Articles" / "The Map of Mathematics.md"
    shutil.copyfile(original, plugin_vault / "Articles" / copy)
    copied = (plugin_vault / "Articles" / copy).read_bytes()
    sink = sync([d for d in library if d.title == "The Map of Mathematics"])
    assert [(o.path.name, o.action) for o in sink.outcomes] == [("The Map of Mathematics.md", "update")]
    assert "%% excerpta:begin highlights %%\n" in original.read_text()
    assert (plugin_vault / "Articles" / copy).read_bytes() == copied
    assert f"Articles/{copy}" in caplog.text
    assert "Articles/The Map of Mathematics.md is adopted" in caplog.text

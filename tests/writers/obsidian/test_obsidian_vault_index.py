"""The vault index: our notes found by their ``excerpta-id``, plugin notes by URL and title, and
every other note (most of a real vault) passed over without parsing its front matter."""

from __future__ import annotations

import os

from excerpta.writers.obsidian.frontmatter import note_body, note_id
from excerpta.writers.obsidian.vault import VaultIndex, the_original

PLUGIN_BODY = ("# Walden\n\n## Metadata\n- Author: [[Henry David Thoreau]]\n- Full Title: Walden\n"
               "- Category: #books\n\n## Highlights\n- Simplify, simplify. ([Location 47](https://x))\n")


def test_the_index_tells_our_notes_plugin_notes_and_the_users_own_apart(tmp_path):
    moved = tmp_path / "Moved" / "Deep"
    moved.mkdir(parents=True)
    (moved / "renamed.md").write_text("---\nexcerpta-id: d123\ntitle: Walden\n---\nbody\n")
    (tmp_path / "Walden.md").write_text("---\ntags:\n  - reading\n---\n" + PLUGIN_BODY)
    (tmp_path / "journal.md").write_text("---\ntitle: Journal\n---\nI saw `excerpta-id: d999` in a note.\n")
    (tmp_path / "broken.md").write_text("---\nexcerpta-id: [unclosed\n---\n" + PLUGIN_BODY)
    (tmp_path / ".obsidian").mkdir()
    (tmp_path / ".obsidian" / "hidden.md").write_text("---\nexcerpta-id: d777\n---\n")
    index = VaultIndex.scan(tmp_path)
    assert index.by_id == {"d123": ["Moved/Deep/renamed.md"]}
    # Both plugin notes carry the same key, in the sorted walk's order ("W" < "b").
    assert index.by_plugin_key == {"title:walden\x1fhenry david thoreau": ["Walden.md", "broken.md"]}
    (tmp_path / "Moved" / "broken.md").write_text((tmp_path / "broken.md").read_text())
    broken_only = VaultIndex.scan(tmp_path / "Moved")
    # Front matter that is not valid YAML hides no plugin note: found by its title and author.
    assert broken_only.by_plugin_key == {"title:walden\x1fhenry david thoreau": ["broken.md"]}


def test_note_id_reads_only_the_front_matter_and_note_body_drops_it_unparsed():
    assert note_id("---\nexcerpta-id: d1\n---\ntext") == "d1"
    assert note_id("---\ntitle: x\n---\nexcerpta-id: d2 in the body") is None
    assert note_id("no front matter at all") is None
    assert note_body("---\ntitle: [not yaml\n---\n# Body\n") == "# Body\n"
    assert note_body("---\nno closing fence\n# Body\n") == "---\nno closing fence\n# Body\n"
    assert note_body("# Just a body\n") == "# Just a body\n"


def test_note_id_is_read_from_its_own_line_as_yaml_and_from_the_whole_front_matter_when_unsure():
    # As Obsidian may rewrite it: quoted, among other properties, with a number for an id.
    assert note_id("---\ntags:\n  - a\nexcerpta-id: 'readwise-1'\naliases: [x]\n---\n") == "readwise-1"
    assert note_id('---\nexcerpta-id: "hl: 1 # not a comment"\n---\n') == "hl: 1 # not a comment"
    assert note_id("---\nexcerpta-id: 12345\n---\n") == "12345"
    assert note_id("---\nexcerpta-id:\n---\n") is None
    assert note_id("---\nexcerpta-id: null\n---\n") is None
    # The id line itself, even where another property is not valid YAML: the note is ours.
    assert note_id("---\ntitle: [broken\nexcerpta-id: d4\n---\n") == "d4"
    # Named elsewhere too (in another value, or twice): the whole front matter decides.
    assert note_id('---\nnote: "excerpta-id: fake"\n---\n') is None
    assert note_id("---\nalias: |\n  excerpta-id: inside a block\nexcerpta-id: d5\n---\n") == "d5"
    assert note_id("---\nexcerpta-id: d6\nexcerpta-id: d7\n---\n") == "d7"  # YAML: the last one
    assert note_id("---\nexcerpta-id: d8\nno closing fence\n") is None


def test_notes_still_as_written_are_indexed_from_the_state_without_being_read(vault, sync, books):
    sync([books(1)])
    note = (vault / "Books" / "Walden.md").resolve()
    stat = note.stat()
    known = {str(note): (stat.st_size, stat.st_mtime_ns, "readwise-1001")}  # as the writer passes it
    # Same size and modification time as recorded: taken as written, not read. (Shown by
    # swapping the id for another of the same length: the index still has the recorded one.)
    note.write_text(note.read_text().replace("excerpta-id: readwise-1001", "excerpta-id: readwise-9999"))
    os.utime(note, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    index = VaultIndex.scan(vault.resolve(), known=known)
    assert index.by_id == {"readwise-1001": ["Books/Walden.md"]}
    # Touched since (another modification time): read, and what it says now counts.
    os.utime(note, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert VaultIndex.scan(vault.resolve(), known=known).by_id == {"readwise-9999": ["Books/Walden.md"]}


def test_links_leading_outside_the_output_folder_are_neither_read_nor_indexed(tmp_path):
    vault, outside = tmp_path / "vault", tmp_path / "outside"
    (outside / "Deep").mkdir(parents=True)
    (vault / "Archive").mkdir(parents=True)
    (outside / "secret.md").write_text("---\nexcerpta-id: d1\n---\n")
    (outside / "Deep" / "deeper.md").write_text("---\nexcerpta-id: d2\n---\n")
    (outside / "Walden.md").write_text("---\ntags: []\n---\n" + PLUGIN_BODY)
    (vault / "Archive" / "kept.md").write_text("---\nexcerpta-id: d3\n---\n")
    (vault / "Books").symlink_to(outside)  # a folder, and notes, linking outside
    (vault / "linked.md").symlink_to(outside / "secret.md")
    (vault / "Walden.md").symlink_to(outside / "Walden.md")
    (vault / "alias.md").symlink_to(vault / "Archive" / "kept.md")  # inside: read as before
    (vault / "Shelf").symlink_to(vault / "Archive")  # a linked folder is not walked into

    whole = VaultIndex.scan(vault)
    assert (whole.by_id, whole.by_plugin_key) == ({"d3": ["alias.md", "Archive/kept.md"]}, {})
    for under in ("Books", "Books/Deep"):
        linked = VaultIndex.scan(vault, under=under)
        assert (linked.by_id, linked.by_plugin_key) == ({}, {})
    assert VaultIndex.scan(vault, under="Shelf").by_id == {"d3": ["Shelf/kept.md"]}


def test_of_notes_with_one_id_the_original_is_the_one_not_named_as_a_copy_wherever_it_was_moved():
    # The original moved, the copy ("Make a copy" in Obsidian) left where the note was; with
    # our record of its name, with none (a lost state), and after an upstream retitle.
    moved = ["Books/Walden 1.md", "Finished/Walden.md"]
    assert the_original(moved, "Books/Walden.md", "Walden.md") == "Finished/Walden.md"
    assert the_original(moved, "Books/Walden.md") == "Finished/Walden.md"
    assert the_original(moved, "Books/Walden, retitled.md", "Walden.md") == "Finished/Walden.md"
    # The original in place, the copy moved away.
    assert the_original(["Archive/Walden 1.md", "Books/Walden.md"], "Books/Walden.md") == "Books/Walden.md"
    # The original renamed (a copy made before, or after, under the new name).
    assert the_original(["Books/Walden 1.md", "Finished/Walden (read).md"], "Books/Walden.md",
                        "Walden.md") == "Finished/Walden (read).md"
    assert the_original(["Books/Walden (read) copy.md", "Finished/Walden (read).md"], "Books/Walden.md",
                        "Walden.md") == "Finished/Walden (read).md"
    # Copies by other tools, and a title that ends in a number.
    copies = ["Books/Walden (1).md", "Books/Walden - Copy (2).md", "Books/walden copy 2.md",
              "Books/Walden (Ann's conflicted copy 2024-01-02).md",
              "Books/Walden.sync-conflict-20240101-101010-ABCDEFG.md"]
    assert the_original([*copies, "Z/Walden.md"], "Books/Walden.md", "Walden.md") == "Z/Walden.md"
    # A hyphenated title is no copy (OneDrive's "-COMPUTERNAME" copies are not told apart).
    assert the_original(["Books/Self.md", "Essays/Self-Reliance.md"], "Essays/Self-Reliance.md",
                        "Self-Reliance.md") == "Essays/Self-Reliance.md"
    catch = ["Books/Catch 22 1.md", "Done/Catch 22.md"]
    assert the_original(catch, "Books/Catch 22.md") == "Done/Catch 22.md"


def test_of_two_notes_with_the_recorded_name_the_one_still_as_written_is_the_original():
    found = ["Archive/Walden.md", "Finished/Walden.md"]  # moved (its time kept), and a copy
    assert the_original(found, "Books/Walden.md", "Walden.md", ["Finished/Walden.md"]) == "Finished/Walden.md"
    # Else the one where a new note would go, or in its folder (unchanged from before).
    found = ["Archive/Walden.md", "Books/Walden 2.md", "Books/Walden.md"]
    assert the_original(found, "Books/Walden.md") == "Books/Walden.md"
    found = ["Archive/Walden.md", "Books/Walden.md"]
    assert the_original(found, "Books/Walden, retitled.md") == "Books/Walden.md"

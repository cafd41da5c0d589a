"""Adoption keeps what the user wrote in a Readwise-plugin note as they wrote it: blank lines,
lines under a highlight (still under it), line endings; and a note of ours that lost its
``excerpta-id`` is never taken for a plugin note."""

from __future__ import annotations

import shutil

import pytest

from excerpta.adapters import ReadState
from excerpta.readers.readwise_md import ReadwiseMarkdownReader

from paths import CORPUS

LUCAS = CORPUS / "readwise" / "obsidian-official" / "lucasheriques-brain" / "Readwise"
JUNIOR = LUCAS / "Articles" / "Stop Being a Junior.md"
MINDSET = LUCAS / "Books" / "Mindset.md"
REFLECTIONS = ("## My reflections\n\nFirst paragraph.\n\nSecond paragraph.\n\n"
               "```python\nprint('a')\n\nprint('b')\n```\n\n")
THATS_IT = "That's it. ([View Highlight](https://read.readwise.io/read/01h5df44g3cpp248gcz4ede9y0))"
COMMENT = "    - MY COMMENT on the 'That's it' highlight, see [[Career]]"


def _library(source):
    return list(ReadwiseMarkdownReader().read(str(source), ReadState()))


def _plugin_note(vault, source, relative, edit=lambda text: text):
    note = vault / relative
    note.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, note)
    note.write_bytes(edit(note.read_text()).encode("utf-8"))
    return note


def _region(text):
    return text.split("%% excerpta:begin highlights %%\n")[1].split("%% excerpta:end highlights ")[0]


def _bullet(region):
    """The line of the "That's it" highlight in ``region``, its block id checked."""
    bullet = next(line for line in region.split("\n") if THATS_IT.split(" ([")[0] in line)
    assert " ^hl-" in bullet
    return bullet


def test_blank_lines_the_user_wrote_between_plugin_highlight_sections_are_kept(vault, sync):
    # The plugin appends "## New highlights added" below whatever the user wrote last.
    appended = "## New highlights added"
    note = _plugin_note(vault, JUNIOR, "Articles/Stop Being a Junior.md",
                        lambda text: text.replace(appended, REFLECTIONS + appended))
    sync(_library(JUNIOR))
    text = note.read_text()
    assert REFLECTIONS in text
    assert "%% excerpta:end highlights " in text.split(REFLECTIONS)[0]
    assert "## New highlights added" not in text
    assert "\n\n- " not in _region(text)  # the blank lines between the plugin's bullets went
    assert [o.action for o in sync(_library(JUNIOR)).outcomes] == []


def test_a_line_the_user_wrote_under_a_highlight_stays_under_it_and_the_others_follow_upstream(vault, sync):
    note = _plugin_note(vault, JUNIOR, "Articles/Stop Being a Junior.md",
                        lambda text: text.replace(THATS_IT + "\n", f"{THATS_IT}\n{COMMENT}\n"))
    library = _library(JUNIOR)
    sync(library)
    region = _region(note.read_text())
    bullet = _bullet(region)
    assert f"{bullet}\n{COMMENT}\n" in region
    assert note.read_text().count(COMMENT) == 1
    document = library[0]
    last = document.highlights[-1]
    document.highlights[-1] = last.model_copy(update={"text": "Edited upstream."})
    sink = sync(library)
    assert [o.action for o in sink.outcomes] == ["update"]
    region = _region(note.read_text())
    assert f"{bullet}\n{COMMENT}\n" in region  # the user's block, kept as it is
    assert "- Edited upstream. (" in region
    assert last.text not in region


def test_a_crlf_plugin_note_stays_all_crlf_when_adopted(vault, sync):
    note = _plugin_note(vault, MINDSET, "Books/Mindset.md",
                        lambda text: ("Status:: reading\n\n" + text).replace("\n", "\r\n"))
    sync(_library(MINDSET))
    data = note.read_bytes()
    assert b"%% excerpta:begin highlights %%\r\n" in data
    assert data.startswith(b"---\r\n")
    assert b"Status:: reading\r\n" in data
    assert data.count(b"\n") == data.count(b"\r\n")
    assert [o.action for o in sync(_library(MINDSET)).outcomes] == []


def test_a_note_of_ours_whose_excerpta_id_was_removed_is_left_alone_not_adopted(vault, sync_forgetting):
    library = _library(MINDSET)
    sync_forgetting(library)  # a note excerpta wrote; then its state is lost (a new --state)
    note = vault / "Books" / "Mindset.md"
    mine = note.read_text().replace(f"excerpta-id: {library[0].id}\n", "")
    bullet = next(line for line in mine.split("\n") if " ^hl-" in line)
    note.write_text(mine.replace(bullet + "\n", bullet + "\n    - my thought\n"))
    before = note.read_bytes()
    sink = sync_forgetting(library)
    assert [(o.action, o.pending) for o in sink.outcomes] == [("conflict", True)]
    assert f"put back 'excerpta-id: {library[0].id}'" in sink.outcomes[0].reason
    assert note.read_bytes() == before  # never a second set of regions, nor a duplicate note
    assert sorted(p.name for p in vault.rglob("*.md")) == ["Mindset.md"]


@pytest.mark.parametrize("sub_item", ["    - Note: my own note, not the highlight's",
                                      "    - Tags: [[mine]]"])
def test_a_note_or_tags_line_the_user_edited_under_a_highlight_stays_under_it(vault, sync, sub_item):
    note = _plugin_note(vault, JUNIOR, "Articles/Stop Being a Junior.md",
                        lambda text: text.replace(THATS_IT + "\n", f"{THATS_IT}\n{sub_item}\n"))
    sync(_library(JUNIOR))
    region = _region(note.read_text())
    assert f"{_bullet(region)}\n{sub_item}\n" in region
    assert note.read_text().count(sub_item) == 1


CHARITY = LUCAS / "Tweets" / "Tweets From Charity Majors.md"
OLDER = "    - Note: first version"
EXPORT = (CORPUS / "readwise" / "markdown-export" / "steshinss" / "Readwise" / "Articles"
          / "Quickly add great reads from the Readwise community to your library.md")


def test_a_line_under_a_multi_line_highlight_leaves_the_highlight_text_once(vault, sync):
    thought = "    - my own thought on the tweet"
    note = _plugin_note(vault, CHARITY, "Tweets/Tweets From Charity Majors.md",
                        lambda text: text.rstrip("\n") + f"\n{thought}\n")
    sync(_library(CHARITY))
    text = note.read_text()
    region = _region(text)
    for line in ("2 -- how happy your users are", "3 -- how happy your people are"):
        assert text.count(line) == 1
    assert "conflict. https://t.co/nQSLPiyoKz ([View Tweet](https://twitter.com/mipsytipsy/status/" \
           "1693058666822303899)) ^hl-" in region
    assert region.split(" ^hl-")[1].split("\n", 1)[1].startswith(thought + "\n")
    assert [o.action for o in sync(_library(CHARITY)).outcomes] == []


def test_a_note_line_older_than_the_librarys_is_kept_outside_and_the_highlight_follows_upstream(vault, sync):
    # The plugin never rewrites a note once written: the note was edited in Readwise since.
    note = _plugin_note(vault, JUNIOR, "Articles/Stop Being a Junior.md",
                        lambda text: text.replace(THATS_IT + "\n", f"{THATS_IT}\n{OLDER}\n"))
    library = _library(JUNIOR)
    document = library[0]
    index = next(i for i, h in enumerate(document.highlights) if h.text.endswith("That's it."))
    revised = document.highlights[index].model_copy(update={"note": "revised in Readwise"})
    document.highlights[index] = revised
    sink = sync(library)
    assert "1 highlight(s) showed an older Note:/Tags: line than Readwise's" in sink.outcomes[0].reason
    region = _region(note.read_text())
    assert f"{_bullet(region)}\n    - Note: revised in Readwise\n" in region
    assert note.read_text().split("%% excerpta:end highlights ")[1].count(OLDER + "\n") == 1  # kept
    document.highlights[index] = revised.model_copy(update={"note": "revised again"})
    assert [o.action for o in sync(library).outcomes] == ["update"]  # not held as the user's
    assert f"{_bullet(_region(note.read_text()))}\n    - Note: revised again\n" in note.read_text()


def test_a_readwise_export_bold_note_line_is_read_as_the_plugins_not_the_users(vault, sync):
    note = _plugin_note(vault, EXPORT, "Articles/Quickly.md")
    library = _library(EXPORT)
    sink = sync(library)
    assert "you changed" not in sink.outcomes[0].reason
    highlight = library[0].highlights[0]
    library[0].highlights[0] = highlight.model_copy(update={"note": "asd, edited upstream"})
    sink = sync(library)
    assert [o.action for o in sink.outcomes] == ["update"]
    assert "you changed" not in (sink.outcomes[0].reason or "")
    region = _region(note.read_text())
    assert "    - Note: asd, edited upstream\n" in region
    assert "**Note:** asd" not in region


def test_an_older_note_line_with_the_users_own_line_keeps_both_and_shows_the_librarys(vault, sync):
    older = "    - Note: my reworded note"
    note = _plugin_note(vault, JUNIOR, "Articles/Stop Being a Junior.md",
                        lambda text: text.replace(THATS_IT + "\n", f"{THATS_IT}\n{older}\n{COMMENT}\n"))
    library = _library(JUNIOR)
    document = library[0]
    index = next(i for i, h in enumerate(document.highlights) if h.text.endswith("That's it."))
    document.highlights[index] = document.highlights[index].model_copy(update={"note": "Readwise's note"})
    sync(library)
    region = _region(note.read_text())
    assert f"{_bullet(region)}\n    - Note: Readwise's note\n{older}\n{COMMENT}\n" in region


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_blank_line_the_user_wrote_after_their_line_under_a_highlight_is_kept(vault, sync, newline):
    note = _plugin_note(vault, JUNIOR, "Articles/Stop Being a Junior.md",
                        lambda text: text.replace(THATS_IT + "\n", f"{THATS_IT}\n{COMMENT}\n\n")
                        .replace("\n", newline))
    sync(_library(JUNIOR))
    data = note.read_bytes().decode()
    region = data.split(f"%% excerpta:begin highlights %%{newline}")[1]
    assert f"{COMMENT}{newline}{newline}- " in region
    assert data.count("\n") == data.count(newline)
    assert [o.action for o in sync(_library(JUNIOR)).outcomes] == []

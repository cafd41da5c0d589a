"""Re-syncing a note's properties: ours are updated where they are, every line the user wrote in
the front matter comes back byte for byte (never read as YAML 1.1 and written again)."""

from __future__ import annotations

import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from excerpta.writers.obsidian.frontmatter import split_note
from excerpta.writers.obsidian.property_merge import NOT_SPLIT, NOT_VALID, MergedProperties, merge_properties

NOTE = "Books/Walden.md"
# Text to Obsidian (YAML 1.2), numbers, booleans or a UTC time to PyYAML (YAML 1.1).
USERS = ("zip: 012345\nversion: 1.10\nduration: 1:30:00\nfinished: no\ncountry: NO\n"
         "reviewed: 2024-05-01T10:30:00+02:00\nisbn: 0123456789\nrating: 0x1F\n"
         "summary: my summary  # why I read it\n# a comment line of mine\n\n"
         "shelves: [to-read,   later]\nquote: \"it's\"\nnested:\n    deep: 1\n")


def _read(vault) -> str:
    return (vault / NOTE).read_text(encoding="utf-8")


def _front(text: str) -> str:
    return text[:text.index("\n---\n", 4) + 5]


def test_the_users_properties_and_comments_survive_an_upstream_title_change_byte_for_byte(vault, sync, books):
    book = books(2)
    sync([book])
    (vault / NOTE).write_text(_read(vault).replace("category: books\n", "category: books\n" + USERS))
    retitled = book.model_copy(update={"title": "Walden; or, Life in the Woods"})
    sync([retitled])
    after = _read(vault)
    assert "category: books\n" + USERS + "tags:\n  - philosophy\n---\n" in _front(after)
    assert after.startswith("---\nexcerpta-id: readwise-1001\ntitle: Walden; or, Life in the Woods\n")
    sync([retitled])
    assert _read(vault) == after


def test_an_unchanged_property_of_ours_keeps_the_users_comment_and_style(vault, sync, books):
    book = books(2, tags=["philosophy", "nature"])
    sync([book])
    text = _read(vault).replace("category: books\n", "category: books  # my comment\n")
    text = text.replace("tags:\n  - philosophy\n  - nature\n", "tags: [philosophy, nature]\n")
    (vault / NOTE).write_text(text)
    sync([book.model_copy(update={"title": "Walden, retitled"})])
    front = _front(_read(vault))
    assert "category: books  # my comment\n" in front
    assert "tags: [philosophy, nature]\n" in front
    assert "title: Walden, retitled\n" in front


def test_a_property_we_no_longer_write_goes_and_the_comment_above_it_stays(vault, sync, articles):
    document = articles()
    sync([document])
    note = vault / "Articles/When Systems Collide.md"
    note.write_text(note.read_text(encoding="utf-8").replace("url: ", "# where I found it\nurl: "))
    sync([document.model_copy(update={"url": None})])
    front = _front(note.read_text(encoding="utf-8"))
    assert "url:" not in front
    assert "# where I found it\n" in front


def test_a_note_with_a_bom_and_crlf_keeps_both_when_its_properties_change(vault, sync, books):
    book = books(2)
    sync([book])
    text = "\ufeff" + _read(vault).replace("category: books\n", "category: books\nzip: 012345\n")
    (vault / NOTE).write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    sync([book.model_copy(update={"title": "Walden, retitled"})])
    after = (vault / NOTE).read_bytes().decode("utf-8")
    assert after.startswith("\ufeff---\r\nexcerpta-id: readwise-1001\r\ntitle: Walden, retitled\r\n")
    assert "\r\nzip: 012345\r\n" in after


def test_properties_put_into_a_note_without_front_matter_go_after_its_bom():
    merged = merge_properties(split_note("\ufeffMy note.\n"), {"excerpta-id": "d1"}, {"excerpta-id"})
    assert merged.text == "\ufeff---\nexcerpta-id: d1\n---\n"


def test_front_matter_that_cannot_be_changed_alone_is_left_as_it_is_and_said(vault, sync, books):
    book = books(2)
    sync([book])
    text = _read(vault).replace("---\nexcerpta-id:", "---\nshelf: &s reading\nexcerpta-id:", 1)
    (vault / NOTE).write_text(text.replace("category: books\n", "category: books\nalso: *s\n"))
    sink = sync([book.model_copy(update={"title": "Walden, retitled"})])
    assert _front(_read(vault)) == _front(text.replace("category: books\n", "category: books\nalso: *s\n"))
    assert "# Walden, retitled" in _read(vault)
    assert NOT_SPLIT in sink.outcomes[0].reason


def test_a_json_front_matter_is_written_as_yaml_with_its_values_unchanged():
    note = split_note('---\n{"excerpta-id": "d1", "title": "Old", "zip": "012345", "c": "NO"}\n---\n')
    merged = merge_properties(note, {"excerpta-id": "d1", "title": "New"}, {"excerpta-id", "title"})
    assert yaml.safe_load(merged.text[4:-4]) == {"excerpta-id": "d1", "title": "New", "zip": "012345",
                                                 "c": "NO"}


def test_a_flow_front_matter_without_any_of_ours_gets_them_and_still_parses():
    ours = {"excerpta-id": "d1", "title": "New"}
    json_note = split_note('---\n{"zip": "012345", "c": "NO"}\n---\n')
    merged = merge_properties(json_note, ours, set(ours))
    assert yaml.safe_load(merged.text[4:-4]) == {"zip": "012345", "c": "NO", **ours}
    yaml_flow = split_note("---\n{zip: 012345}\n---\n")  # YAML 1.1 would make a number of it
    assert merge_properties(yaml_flow, ours, set(ours)) == MergedProperties(yaml_flow.front_matter, NOT_SPLIT)


MANAGED = {"excerpta-id", "title", "tags"}
LINE_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r\x85\u2028\u2029"),
                    max_size=30)
# (kind, text): a property "u<n>: text", a comment "# text" or a blank line.
USER_LINES = st.lists(st.tuples(st.sampled_from(["property", "comment", "blank"]), LINE_TEXT), max_size=6)


@settings(max_examples=300, deadline=None)
@given(user=USER_LINES)
@example(user=[("property", "'"), ("property", "'")])  # one value quoted over two lines
def test_user_lines_of_any_text_come_back_byte_for_byte_when_ours_change(user):
    lines = {"property": "u{n}: {text}\n", "comment": "# {text}\n", "blank": "\n"}
    theirs = "".join(lines[kind].format(n=n, text=text) for n, (kind, text) in enumerate(user))
    text = f"---\nexcerpta-id: d1\ntitle: Old\n{theirs}tags:\n  - a\n---\nBody.\n"
    merged = merge_properties(split_note(text), {"excerpta-id": "d1", "title": "New", "tags": ["a"]}, MANAGED)
    if (merged.message or "").startswith(NOT_VALID.split(";")[0]):  # not YAML: nothing is changed
        assert merged.text == text[:-len("Body.\n")]
    elif merged.message == NOT_SPLIT:  # valid YAML, but not a property per line: left as it is
        front = yaml.safe_load(text[4:text.index("\n---\n")])
        assert [key for key in front if str(key).startswith("u")] != [
            f"u{n}" for n, (kind, _) in enumerate(user) if kind == "property"]
        assert merged.text == text[:-len("Body.\n")]
    else:
        assert merged.message is None
        assert merged.text == f"---\nexcerpta-id: d1\ntitle: New\n{theirs}tags:\n  - a\n---\n"

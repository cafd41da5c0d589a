"""Re-syncing a list property the note holds as one string, as Obsidian Linter's "Format YAML
array" writes it (``tags: nature reading``, ``tags: nature, reading``, ``aliases: a, b``): read as
Obsidian reads it, tags compared as Obsidian compares them (case ignored, without ``#``), and
written back in the note's style; a note with nothing new upstream is not written."""

from __future__ import annotations

import json
import os
import re

import pytest
import yaml

from .conftest import template_folder

NOTE = "Books/Walden.md"
_TAGS_LIST = re.compile(r"^tags:\n(?:  - .*\n)+", re.MULTILINE)


def _read(vault) -> str:
    return (vault / NOTE).read_text(encoding="utf-8")


def _front(vault) -> dict:
    text = _read(vault)
    return yaml.safe_load(text[4:text.index("\n---\n", 4)])


def _lint(vault, delimiter: str = " ", hashes: bool = False) -> None:
    """The Linter's "Format YAML array" on the note: a ``tags`` list becomes one string."""
    tags = _front(vault).get("tags")
    if isinstance(tags, list):
        text = delimiter.join(("#" if hashes else "") + tag for tag in tags)
        line = f"tags: {json.dumps(text) if hashes else text}\n"
        (vault / NOTE).write_text(_TAGS_LIST.sub(line, _read(vault)), encoding="utf-8")


def _edit(vault, old: str, new: str) -> None:
    text = _read(vault)
    assert old in text
    (vault / NOTE).write_text(text.replace(old, new), encoding="utf-8")


def _untouched(vault, sync, documents, **options) -> None:
    """A run that must leave the note as it is: its bytes and its mtime."""
    os.utime(vault / NOTE, (1_000_000, 1_000_000))
    before = _read(vault)
    sink = sync(documents, **options)
    assert [o.action for o in sink.outcomes if o.action in ("create", "update")] == []
    assert _read(vault) == before
    assert (vault / NOTE).stat().st_mtime == 1_000_000


@pytest.mark.parametrize("delimiter", [" ", ", "])
def test_a_tags_string_the_linter_writes_keeps_the_users_tag_drops_upstreams_and_stops_churning(
        vault, sync, books, delimiter):
    book = books(1, tags=["nature"])
    sync([book])
    _lint(vault, delimiter)
    _edit(vault, "tags: nature\n", f"tags: nature{delimiter}reading\n")  # the user adds "reading"
    _untouched(vault, sync, [book])
    classics = book.model_copy(update={"tags": ["nature", "classics"]})
    sync([classics])
    assert _front(vault)["tags"] == delimiter.join(["nature", "classics", "reading"])
    _lint(vault, delimiter)
    _untouched(vault, sync, [classics])
    only_classics = book.model_copy(update={"tags": ["classics"]})
    sync([only_classics])
    assert _front(vault)["tags"] == delimiter.join(["classics", "reading"])
    for _ in range(3):  # the Linter and excerpta in turn: nothing grows, nothing is written
        _lint(vault, delimiter)
        _untouched(vault, sync, [only_classics])
    assert _front(vault)["tags"] == delimiter.join(["classics", "reading"])


def test_a_tags_string_of_hashtags_is_read_as_tags_and_keeps_its_hashes(vault, sync, books):
    book = books(1, tags=["nature"])
    sync([book])
    _lint(vault, hashes=True)
    _edit(vault, 'tags: "#nature"\n', 'tags: "#nature #reading"\n')
    _untouched(vault, sync, [book])
    sync([book.model_copy(update={"tags": ["nature", "classics"]})])
    assert _front(vault)["tags"] == "#nature #classics #reading"
    sync([book.model_copy(update={"tags": ["classics"]})])
    assert _front(vault)["tags"] == "#classics #reading"


def test_a_hashtag_item_in_a_tags_list_is_ours_without_its_hash(vault, sync, books):
    book = books(1, tags=["nature"])
    sync([book])
    _edit(vault, "tags:\n  - nature\n", "tags:\n  - \"#nature\"\n  - reading\n")
    _untouched(vault, sync, [book])
    sync([book.model_copy(update={"tags": ["classics"]})])
    assert _front(vault)["tags"] == ["classics", "reading"]


@pytest.mark.parametrize(("written", "after"), [
    ("tags: Nature READING\n", "classics READING"),
    ("tags:\n  - Nature\n  - READING\n", ["classics", "READING"]),
])
def test_tags_differing_only_in_case_are_the_same_tag(vault, sync, books, written, after):
    book = books(1, tags=["nature"])
    sync([book])
    _edit(vault, "tags:\n  - nature\n", written)
    _untouched(vault, sync, [book])
    sync([book.model_copy(update={"tags": ["classics"]})])
    assert _front(vault)["tags"] == after


def test_a_nested_tag_is_one_tag_compared_without_case(vault, sync, books):
    book = books(1, tags=["inbox/to-read"])
    sync([book])
    _lint(vault)
    _edit(vault, "tags: inbox/to-read\n", "tags: Inbox/To-Read ideas/walking\n")
    _untouched(vault, sync, [book])
    sync([book.model_copy(update={"tags": ["inbox/done"]})])
    assert _front(vault)["tags"] == "inbox/done ideas/walking"


def test_a_tags_string_keeps_the_users_tags_when_upstream_has_none_left(vault, sync, books):
    book = books(1, tags=["nature"])
    sync([book])
    _lint(vault)
    _edit(vault, "tags: nature\n", "tags: nature reading\n")
    sync([book.model_copy(update={"tags": []})])
    assert _front(vault)["tags"] == "reading"


def test_an_aliases_string_is_split_at_its_commas_and_stays_a_string(tmp_path, vault, sync, books):
    templates = template_folder(tmp_path, {"frontmatter.yaml": "title: title\naliases: '[title] | list'\n"})
    book = books(1)
    sync([book], templates=templates)
    _edit(vault, "aliases:\n  - Walden\n", "aliases: Walden, Life in the Woods\n")
    _untouched(vault, sync, [book], templates=templates)
    sync([book.model_copy(update={"title": "Walden Pond"})], templates=templates)
    assert _front(vault)["aliases"] == "Walden Pond, Life in the Woods"


def test_an_alias_of_ours_holding_a_comma_is_written_as_a_list_and_read_back_from_a_string(
        tmp_path, vault, sync, books):
    templates = template_folder(tmp_path, {"frontmatter.yaml": "title: title\naliases: '[title] | list'\n"})
    book = books(1)
    sync([book], templates=templates)
    _edit(vault, "aliases:\n  - Walden\n", "aliases: Walden, Life in the Woods\n")
    retitled = book.model_copy(update={"title": "Walden, or Life"})
    sync([retitled], templates=templates)
    # "Walden, or Life, Life in the Woods" would be three aliases: a list says what is meant.
    assert _front(vault)["aliases"] == ["Walden, or Life", "Life in the Woods"]
    _edit(vault, "aliases:\n  - Walden, or Life\n  - Life in the Woods\n",
          "aliases: Walden, or Life, Life in the Woods\n")  # and the Linter makes a string of it again
    _untouched(vault, sync, [retitled], templates=templates)


def test_a_list_property_of_ours_held_as_one_string_stays_one_while_it_holds_one_item(vault, sync, books):
    book = books(1)
    sync([book])
    _edit(vault, "author:\n  - '[[Henry David Thoreau]]'\n", "author: '[[Henry David Thoreau]]'\n")
    _untouched(vault, sync, [book])
    sync([book.model_copy(update={"author": "Walt Whitman"})])
    assert "\nauthor: '[[Walt Whitman]]'\n" in _read(vault)

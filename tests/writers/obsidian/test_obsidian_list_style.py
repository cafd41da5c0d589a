"""List style: a formatter's restyling of a note's lists is no change of what it says, and
excerpta writes its lines in the style the formatter gave the note."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from excerpta.writers.obsidian.list_style import ListStyle, canonical_lines, canonical_text
from excerpta.writers.obsidian.region import digest_matches, region_digest

from .conftest import LIST_FORMATTERS

# A highlight as the default templates write it: text going on, a paragraph, tags, a note.
BLOCK = ("- First line of the highlight\n"
         "  its second line\n"
         "\n"
         "  a second paragraph ([Location 100](https://x/100)) ^hl-a\n"
         "    - Tags: [[one]] [[two]]\n"
         "    - Note: my note\n"
         "      on two lines")


def _two_space_nesting(text: str) -> str:  # Prettier: a sub-item at its parent's text column
    return re.sub(r"(?m)^    ", "  ", text)


FORMATTERS: dict[str, Callable[[str], str]] = {
    **LIST_FORMATTERS, "two-space nesting": _two_space_nesting,
    "asterisks and tabs": lambda text: LIST_FORMATTERS["tabs"](LIST_FORMATTERS["asterisks"](text)),
    "CRLF": lambda text: text.replace("\n", "\r\n"),
}


def _legacy_digest(body: str) -> str:
    """The digest excerpta recorded before it read list styles (frozen here: notes and states
    written by that version hold it)."""
    lines = [line.rstrip() for line in body.replace("\r\n", "\n").split("\n")]
    return hashlib.sha256("\n".join(lines).strip("\n").encode("utf-8")).hexdigest()[:16]


@pytest.mark.parametrize("name", FORMATTERS)
def test_a_formatters_restyling_keeps_the_digest_and_the_canonical_form(name):
    restyled = FORMATTERS[name](BLOCK)
    assert restyled != BLOCK
    assert canonical_text(restyled.replace("\r\n", "\n")) == BLOCK
    assert region_digest(restyled) == region_digest(BLOCK)
    assert digest_matches(restyled, _legacy_digest(BLOCK))  # a digest an older excerpta recorded


@pytest.mark.parametrize("name", [name for name in FORMATTERS if name != "CRLF"])
def test_excerpta_writes_its_block_in_the_style_a_formatter_gave_the_note(name):
    restyled = FORMATTERS[name](BLOCK)
    assert ListStyle.of(restyled).restyle(BLOCK) == restyled


@pytest.mark.parametrize("edit", [
    lambda text: text.replace("my note", "my own note"),  # a word
    lambda text: text + "\n    - my thought",  # a line added
    lambda text: text.replace("    - Note: my note", "    Note: my note"),  # a sub-item made text
    lambda text: text.replace("    - Tags:", "- Tags:"),  # a sub-item made a top-level item
    lambda text: text.replace("- First", "1. First"),  # an ordered item
    lambda text: text.replace("  its second", "its second"),  # text out of the item
])
def test_a_change_of_words_or_nesting_is_still_a_change_after_a_formatter(edit):
    for formatter in FORMATTERS.values():
        changed = formatter(edit(BLOCK))
        assert region_digest(changed) != region_digest(BLOCK)
        assert not digest_matches(changed, _legacy_digest(BLOCK))


def test_what_is_no_list_is_left_as_it_is():
    lines = ["# Walden", "", "\tindented text  ", "> - a quote's item", "*emphasis*", "**bold**", "-x",
             "1. one"]
    assert canonical_lines(lines) == [line.rstrip() for line in lines]


def test_a_style_that_cannot_nest_lines_as_excerpta_does_leaves_them_as_excerpta_writes_them():
    # The note shows a text line under a top-level item deeper than the sub-item after it:
    # written that way, excerpta's text line after a sub-item would join the sub-item.
    style = ListStyle.of("* a\n        text of a\n  * sub")
    block = "- b\n    - sub\n  text of b"
    assert style.restyle(block) == block


def test_a_depth_the_note_does_not_show_takes_the_nearest_marker_and_the_notes_tabs():
    style = ListStyle.of("*   a ^hl-1\n\t*   note of a")
    assert style.restyle("- b\n    - note\n        - deeper\n          text") == (
        "*   b\n\t*   note\n\t\t*   deeper\n\t\t  text")
    assert ListStyle.of("+ a").restyle("- b\n    - note\n      text") == "+ b\n    + note\n      text"


def test_lines_written_as_the_note_writes_them_are_left_alone():
    assert ListStyle.of(BLOCK).restyle(BLOCK) == BLOCK
    assert ListStyle.of("# Walden\n\nA paragraph.").restyle(BLOCK) == BLOCK
    # A template of the user's that writes two sub-items of one depth in two ways.
    template = "* a ^hl-1\n    + Tags: t\n    - Note: n"
    assert ListStyle.of(template).restyle(template.replace("a", "b")) == template.replace("a", "b")
    # A note of that template which a formatter made excerpta's style: the template's lines in it.
    assert ListStyle.of(BLOCK).restyle(template) == "- a ^hl-1\n    - Tags: t\n    - Note: n"


@st.composite
def _excerpta_lists(draw: st.DrawFn) -> str:
    """Highlights as excerpta's default templates write them, with headings and lines of the
    user's between them."""
    lines: list[str] = []
    for n in range(draw(st.integers(1, 4))):
        lines.append(f"- highlight {n}" + draw(st.sampled_from(["", " ^hl-x", "  "])))
        lines += draw(st.lists(st.sampled_from(["  going on", "", "  a paragraph"]), max_size=3))
        for _ in range(draw(st.integers(0, 2))):
            lines.append(draw(st.sampled_from(["    - Note: x", "    - Tags: [[a]]", "    - "])))
            lines += draw(st.lists(st.sampled_from(["      going on", ""]), max_size=2))
        lines += draw(st.lists(st.sampled_from(["", "## Chapter", "A paragraph of mine."]), max_size=2))
    return "\n".join(lines)


@settings(max_examples=300, deadline=None)
@given(body=_excerpta_lists())
def test_text_in_excerptas_style_keeps_the_digest_older_versions_recorded(body):
    # Notes of the default templates, written before list styles were read, are not taken
    # for hand-edited after an upgrade: their recorded digests are the digests of today.
    assert region_digest(body) == _legacy_digest(body)
    for formatter in FORMATTERS.values():
        assert digest_matches(formatter(body), _legacy_digest(body))


_ANY_LINE = st.text(alphabet=st.sampled_from([" ", "\t", "-", "*", "+", "a", "1", ".", "#"]), max_size=8)


@settings(max_examples=500, deadline=None)
@given(lines=st.lists(_ANY_LINE, max_size=10), note=st.lists(_ANY_LINE, max_size=10))
def test_whatever_the_lines_the_canonical_form_is_stable_and_restyling_keeps_it(lines, note):
    once = canonical_lines(lines)
    assert canonical_lines(once) == once
    text = "\n".join(lines)
    assert canonical_text(ListStyle.of("\n".join(note)).restyle(text)) == canonical_text(text)

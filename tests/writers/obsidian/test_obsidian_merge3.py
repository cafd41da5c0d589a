"""The three-way line merge behind a hand-edited header region."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from excerpta.writers.obsidian.merge3 import merge_lines, same_but_link_targets

BASE = ["# Walden", "", "## Metadata", "- Author: [[T]]", "- Full Title: Walden", "- Category: #books", ""]


def test_changes_to_different_lines_are_both_applied():
    ours = ["# Walden, new", *BASE[1:4], "- Full Title: Walden, new", "- Category: #books", "- URL: x", ""]
    theirs = [*BASE[:6], "- Rating: 5", ""]
    assert merge_lines(BASE, ours, theirs) == [
        "# Walden, new", "", "## Metadata", "- Author: [[T]]", "- Full Title: Walden, new",
        "- Category: #books", "- URL: x", "- Rating: 5", ""]


def test_the_same_line_changed_on_both_sides_is_no_merge():
    ours = ["# Walden, new", *BASE[1:]]
    theirs = ["# My Walden", *BASE[1:]]
    assert merge_lines(BASE, ours, theirs) is None


def test_the_same_change_on_both_sides_is_applied_once():
    both = ["# Walden, new", *BASE[1:]]
    assert merge_lines(BASE, both, both) == both


def test_a_line_the_user_deleted_stays_deleted_and_trailing_spaces_are_no_change():
    ours = ["# Walden, new", *BASE[1:]]
    theirs = [BASE[0] + "  ", *BASE[1:3], *BASE[4:]]  # trimmed Author line away, spaces added
    assert merge_lines(BASE, ours, theirs) == ["# Walden, new", *BASE[1:3], *BASE[4:]]


def test_a_link_obsidian_pointed_elsewhere_is_the_users_and_the_other_changes_still_apply():
    # The author's note was renamed in Obsidian (its link rewritten) while the title changed
    # upstream and the author link was re-rendered to the new path.
    ours = ["# Walden, new", *BASE[1:3], "- Author: [[People/T 2]]", *BASE[4:]]
    theirs = [*BASE[:3], "- Author: [[T 2]]", *BASE[4:]]
    assert merge_lines(BASE, ours, theirs) == ["# Walden, new", *BASE[1:3], "- Author: [[T 2]]", *BASE[4:]]
    # A change of more than the target is a real clash.
    assert merge_lines(BASE, ours, [*BASE[:3], "- Author: [[T 2]] and friends", *BASE[4:]]) is None
    assert same_but_link_targets("- ![[Books/Walden/x#^hl-1]] ^hl-1", "- ![[y#^hl-1]] ^hl-1")
    assert same_but_link_targets("[[a|Shown]] ", "[[b/c|Shown]]")
    assert not same_but_link_targets("[[a|Shown]]", "[[a|Other]]")
    assert not same_but_link_targets("[[a#^hl-1]]", "[[a#^hl-2]]")


lines = st.lists(st.sampled_from(["a", "b", "c", "d", "", "- x", "- y"]), max_size=8)


@settings(max_examples=300, deadline=None)
@given(base=lines, ours=lines, theirs=lines)
def test_one_side_unchanged_gives_the_other_and_agreement_gives_it(base, ours, theirs):
    assert merge_lines(base, ours, base) == ours
    assert merge_lines(base, base, theirs) == theirs
    assert merge_lines(base, ours, ours) == ours
    merged = merge_lines(base, ours, theirs)
    if merged is not None:  # a merge never loses a line only one side added
        for line in set(ours) - set(base):
            assert line in merged
        for line in set(theirs) - set(base):
            assert line in merged

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


def test_a_line_the_user_inserted_between_two_lines_upstream_changed_merges():
    # Upstream fixes the author and the title (two adjacent lines); the user's line sits
    # between them: neither side changed a line the other changed.
    ours = [*BASE[:3], "- Author: [[H. D. T]]", "- Full Title: Walden; or, Life", *BASE[5:]]
    theirs = [*BASE[:4], "- Translator: none (my line)", *BASE[4:]]
    assert merge_lines(BASE, ours, theirs) == [
        *BASE[:3], "- Author: [[H. D. T]]", "- Translator: none (my line)", "- Full Title: Walden; or, Life",
        *BASE[5:]]
    # The user's edit of either of those lines is a clash, and so is a line inserted among
    # lines upstream replaced by more lines (which new line stands for which old one is unknown).
    assert merge_lines(BASE, ours, [*BASE[:4], "- Full Title: My Walden", *BASE[5:]]) is None
    assert merge_lines(BASE, ours, [*BASE[:4], *BASE[5:]]) is None
    grown = [*BASE[:3], "- Author: [[H. D. T]]", "- Editor: X", "- Full Title: Walden; or, Life", *BASE[5:]]
    assert merge_lines(BASE, grown, theirs) is None


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


def test_lines_a_formatter_restyled_are_no_change_and_stay_as_it_left_them():
    # Obsidian Linter made the bullets asterisks, and the user added a line: upstream's new
    # title still arrives (in the note's style, as the caller gives it), every other line is
    # the user's, byte for byte.
    theirs = ["# Walden", "", "## Metadata", "*   Author: [[T]]", "*   Full Title: Walden",
              "*   Category: #books", "*   Status: reading", ""]
    ours = ["# Walden, new", *BASE[1:4], "*   Full Title: Walden, new", *BASE[5:]]
    assert merge_lines(BASE, ours, theirs) == [
        "# Walden, new", "", "## Metadata", "*   Author: [[T]]", "*   Full Title: Walden, new",
        "*   Category: #books", "*   Status: reading", ""]
    # Indents too: a sub-item indented with a tab is the one excerpta indented with spaces.
    nested = ["- Summary: one", "    - more", "- URL: x"]
    merged = merge_lines(nested, ["- Summary: two", "    - more", "- URL: x"],
                         ["- Summary: one", "\t- more", "- URL: y"])
    assert merged == ["- Summary: two", "\t- more", "- URL: y"]


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


@st.composite
def _edits_on_different_lines(draw: st.DrawFn) -> tuple[list[str], list[str], list[str], list[str]]:
    """A base, upstream's and the user's versions that change different base lines, and their
    merge. Upstream replaces lines one for one and inserts lines between lines nobody changed;
    the user replaces or deletes other lines and inserts anywhere (two insertions at one
    place: upstream's first). Every line is unique, so the diff finds exactly these edits."""
    n = draw(st.integers(0, 7))
    base = [f"b{i}" for i in range(n)]
    owner = draw(st.lists(st.sampled_from(["", "ours", "theirs-replace", "theirs-delete"]),
                          min_size=n, max_size=n))
    untouched = [i == 0 or not owner[i - 1] for i in range(n + 1)]  # line before gap i
    untouched = [u and (i == n or not owner[i]) for i, u in enumerate(untouched)]
    our_inserts = [draw(st.integers(0, 2)) if untouched[i] else 0 for i in range(n + 1)]
    their_inserts = [draw(st.integers(0, 2)) for _ in range(n + 1)]
    ours: list[str] = []
    theirs: list[str] = []
    merged: list[str] = []
    for i in range(n + 1):
        added_ours = [f"oi{i}.{k}" for k in range(our_inserts[i])]
        added_theirs = [f"ti{i}.{k}" for k in range(their_inserts[i])]
        ours += added_ours
        theirs += added_theirs
        merged += added_ours + added_theirs
        if i == n:
            break
        our_line = f"o{i}" if owner[i] == "ours" else base[i]
        their_line = {"theirs-replace": [f"t{i}"], "theirs-delete": []}.get(owner[i], [base[i]])
        ours.append(our_line)
        theirs += their_line
        merged += [our_line] if owner[i] == "ours" else their_line
    return base, ours, theirs, merged


@settings(max_examples=400, deadline=None)
@given(case=_edits_on_different_lines())
def test_changes_to_different_lines_always_merge_keeping_every_line_of_both(case):
    base, ours, theirs, merged = case
    assert merge_lines(base, ours, theirs) == merged


@settings(max_examples=300, deadline=None)
@given(case=_edits_on_different_lines(), data=st.data())
def test_the_user_changing_a_line_upstream_changed_is_never_merged(case, data):
    base, ours, theirs, _ = case
    changed = [n for n, line in enumerate(ours) if line.startswith("o") and not line.startswith("oi")]
    if not changed:
        return
    line = ours[changed[data.draw(st.sampled_from(range(len(changed))))]]
    at = theirs.index(f"b{line[1:]}")
    edited = data.draw(st.sampled_from([[f"u{line[1:]}"], []]))  # the user edits it or deletes it
    assert merge_lines(base, ours, [*theirs[:at], *edited, *theirs[at + 1:]]) is None

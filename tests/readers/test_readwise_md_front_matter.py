"""readwise-md: front matter, whatever a vault's notes hold, never stops the reader.

The Readwise notes are corpus notes read in place (copied into a vault made in a temporary
folder); the user's own notes and broken front matter are made by code.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from readwise_md_reading import read, write_note

from paths import CORPUS

BOOKS = CORPUS / "readwise" / "obsidian-official" / "lucasheriques-brain" / "Readwise" / "Books"
MINDSET = BOOKS / "Mindset.md"
SMALL_NOTE_BODY = ("# Small\n\n## Metadata\n- Author: [[Ann]]\n\n## Highlights\n"
                   "- Text ([Location 5](https://readwise.io/to_kindle?asin=X&location=5))\n")


@pytest.mark.parametrize("value", ["2023-02-30", "0000-01-01", "2023-01-01 25:00:00",
                                   "2023-01-01 10:00:00+99:00", "!!int 0x_"])
def test_a_users_own_note_with_an_impossible_date_is_skipped_and_the_vault_is_read(tmp_path, value):
    write_note(tmp_path / "vault" / "Readwise" / "Books" / "Mindset.md", MINDSET.read_text())
    write_note(tmp_path / "vault" / "Journal" / "day.md", f"---\ndate: {value}\n---\n# My journal entry\n")
    documents, state = read(tmp_path / "vault")
    assert [d.title for d in documents] == ["Mindset"]
    assert state.problems == []


def test_a_readwise_note_with_an_impossible_date_is_reported_with_its_line_and_read_from_its_body(tmp_path):
    write_note(tmp_path / "Books" / "Mindset.md", MINDSET.read_text())
    bad = write_note(tmp_path / "Books" / "Bad.md",
                     "---\ntitle: Bad\ndate: 2023-02-30\n---\n" + SMALL_NOTE_BODY)
    documents, state = read(tmp_path)
    assert [(d.title, len(d.highlights)) for d in documents] == [("Small", 1), ("Mindset", 1)]
    reason = "broken YAML front matter: day is out of range for month; read from the note's body without it"
    assert [(p.source, p.where, p.reason, p.kept) for p in state.problems] == [(str(bad), 3, reason, True)]
    documents, state = read(bad)
    assert [d.title for d in documents] == ["Small"]
    assert [str(p) for p in state.problems] == [f"{bad}:3: {reason}"]


@pytest.mark.parametrize(("front", "line"), [
    ("title: Some Article: With Colon\n", 2),  # a template's unquoted title: {{title}}
    ("Date: 2023-06-13\nAuthor: @example on Twitter\n", 3),  # a tweet's author
    ('Aliases: ["Say "hi" twice"]\n', 2),
])
def test_front_matter_a_template_broke_with_a_title_or_author_keeps_the_notes_highlights(tmp_path, front,
                                                                                          line):
    note = write_note(tmp_path / "Readwise" / "Articles" / "Some Article.md",
                      f"---\n{front}---\n" + SMALL_NOTE_BODY)
    documents, state = read(tmp_path)
    assert [[h.text for h in d.highlights] for d in documents] == [["Text"]]
    assert [(p.source, p.where, p.kept) for p in state.problems] == [(str(note), line, True)]


def test_front_matter_that_never_closes_leaves_the_note_unread(tmp_path):
    write_note(tmp_path / "Books" / "Mindset.md", MINDSET.read_text())
    open_ended = write_note(tmp_path / "Books" / "Open.md", "---\ntitle: Open\n" + SMALL_NOTE_BODY)
    documents, state = read(tmp_path)
    assert [d.title for d in documents] == ["Mindset"]
    assert [(p.source, p.where, p.reason, p.kept) for p in state.problems] == [
        (str(open_ended), 1, "front matter opened with '---' is never closed", False)]


def test_front_matter_nested_too_deeply_or_holding_itself_is_no_crash(tmp_path):
    nested = "[" * 1000 + "]" * 1000
    deep = write_note(tmp_path / "Deep.md", f"---\ntitle: {nested}\n---\n" + SMALL_NOTE_BODY)
    [document], state = read(deep)
    assert document.title == "Small"
    assert [str(p) for p in state.problems] == [f"{deep}:2: broken YAML front matter: nested too deeply; "
                                                "read from the note's body without it"]
    cyclic = write_note(tmp_path / "Cyclic.md",
                        "---\ntitle: &x [*x]\nauthor: &y [[*y]]\n---\n" + SMALL_NOTE_BODY)
    [document], _ = read(cyclic)
    assert document.title == "Small"



def test_aliases_repeating_far_more_than_the_note_holds_are_reported_and_the_vault_read(tmp_path):
    # "Billion laughs": each level of aliases multiplies the one before (nine levels of nine
    # took 17 s and 3.4 GB); refused once aliases add 100,000 characters, before any is built.
    write_note(tmp_path / "Books" / "Mindset.md", MINDSET.read_text())
    tens = ", ".join(["*a"] * 10)
    bomb = write_note(tmp_path / "Books" / "Bomb.md", (
        f"---\na: &a {'x' * 1000}\nb: &b [{tens}]\nc: &c [{tens.replace('a', 'b')}]\nurl: *c\n---\n"
        + SMALL_NOTE_BODY))
    documents, state = read(tmp_path)
    assert [d.title for d in documents] == ["Small", "Mindset"]
    reason = ("broken YAML front matter: its aliases (*name) repeat more than 100,000 characters; "
              "read from the note's body without it")
    assert [(p.source, p.where, p.reason) for p in state.problems] == [(str(bomb), 4, reason)]
    assert documents[0].url is None  # the alias was never spelt out


def test_aliases_a_user_writes_in_front_matter_are_read(tmp_path):
    note = write_note(tmp_path / "Small.md", "---\nwho: &who Ann Lee\nsource: *who\n"
                      "url: &u https://example.com/a*b\nsummary: [*u, *u]\n---\n" + SMALL_NOTE_BODY)
    [document], state = read(note)
    assert state.problems == []
    assert (document.source, document.url, document.summary) == (
        "Ann Lee", "https://example.com/a*b", "https://example.com/a*b, https://example.com/a*b")


def test_a_list_holding_itself_many_times_is_read_once_not_spelled_out_eight_levels_deep(tmp_path):
    # Its aliases add nothing as repr() writes it ([[...], [...], ...]); spelled out eight
    # lists deep, as_text would have joined 4 ** 8 = 65,536 "Ann" (nine aliases: 43 million).
    note = write_note(tmp_path / "Small.md",
                      "---\nsummary: &s [*s, *s, *s, *s, Ann]\n---\n" + SMALL_NOTE_BODY)
    [document], state = read(note)
    assert (document.summary, state.problems) == ("Ann", [])


_YAML_PIECES = st.sampled_from([
    "date: 2023-02-30", "d: 0000-01-01", "t: 2023-01-01 10:00:00+99:00", "h: 2023-1-1 25:00:00",
    "n: !!int 0x_", "f: !!float x", "b: !!binary '%%'", "s: !!set {a, b}", "x: &a [*a]",
    "author: [[Ann Lee]]", "title: [[" , "? [a]\n: b", "- item", "key: |\n  block", "  indented: 1",
    "tags: {a: [1, {b: 2}]}", "url: https://example.com/a#b", "'quoted: key': 'v'", "---", "...",
    "%YAML 1.1", "!tag x", "*undefined", "\t", "\ufeff", "",
])
_FRONT_MATTER = st.one_of(
    st.text(max_size=200),
    st.lists(_YAML_PIECES | st.text(max_size=20), max_size=8).map("\n".join),
)


@settings(max_examples=150, deadline=None)
@given(front=_FRONT_MATTER)
def test_any_front_matter_text_in_a_vaults_notes_never_crashes_the_reader(front):
    with tempfile.TemporaryDirectory() as folder:
        vault = Path(folder)
        write_note(vault / "Readwise" / "Books" / "Mindset.md", MINDSET.read_text())
        write_note(vault / "Readwise" / "Books" / "Fuzzed.md", f"---\n{front}\n---\n" + SMALL_NOTE_BODY)
        write_note(vault / "Journal" / "day.md", f"---\n{front}\n---\n# My journal entry\n")
        documents, state = read(vault)
    titles = [d.title for d in documents]
    assert "Mindset" in titles
    # The fuzzed Readwise note is read (read in part, when its front matter is broken) or
    # reported and skipped (front matter never closed).
    assert len(titles) + sum(not p.kept for p in state.problems) == 2
    assert all(p.kept == ("Small" in titles) for p in state.problems)
    assert all(p.source.endswith("Fuzzed.md") and "\n" not in p.reason for p in state.problems)

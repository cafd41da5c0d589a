"""readwise-md: a note's title is its full title, and the readable title the plugin shows (its
``# heading``, its file name) is kept beside it when it differs."""

from __future__ import annotations

import os

import pytest
from readwise_md_reading import read, write_note

from paths import CORPUS

OFFICIAL = CORPUS / "readwise" / "obsidian-official"
EXPORT = CORPUS / "readwise" / "markdown-export"
FULL = "Screenwriting: The Sequence Approach"
BODY = ("## Metadata\n- Author: [[Syd Field]]\n- Category: #books\n\n## Highlights\n"
        "- A passage. ([Location 47](https://readwise.io/to_kindle?action=open&asin=B0&location=47))\n")


def _read_one(path):
    documents, state = read(path)
    assert state.problems == []
    [document] = documents
    return document


@pytest.mark.parametrize("note", sorted(p for p in [*OFFICIAL.rglob("*.md"), *EXPORT.rglob("*.md")]
                                        if p.name != "Readwise Syncs.md"), ids=lambda p: p.name)
def test_a_corpus_note_whose_heading_is_its_full_title_has_no_readable_title(note):
    # Every corpus note heads with its Full Title, whatever its file name made of it
    # ("Book Review  Wardley Mapping.md" of "Book Review : Wardley Mapping").
    document = _read_one(note)
    assert document.readable_title is None


def test_a_heading_other_than_the_full_title_is_the_readable_title(tmp_path):
    note = write_note(tmp_path / "Books" / "Screenwriting.md", "# Screenwriting\n\n" + BODY.replace(
        "- Category:", "- Full Title: Screenwriting: The Sequence Approach\n- Category:"))
    document = _read_one(note)
    assert (document.title, document.readable_title) == (FULL, "Screenwriting")


def test_without_a_heading_the_file_name_the_full_title_goes_on_from_is_the_readable_title(tmp_path):
    full = "- Full Title: Screenwriting: The Sequence Approach\n"
    document = _read_one(write_note(tmp_path / "Books" / "Screenwriting.md",
                                    BODY.replace("- Category:", full + "- Category:")))
    assert (document.title, document.readable_title) == (FULL, "Screenwriting")


@pytest.mark.parametrize("stem", ["2024-05-01 Screenwriting", "Screenwriting The Sequence", "Screen",
                                  "Screenwriting The Sequence Approach"])
def test_a_file_name_of_another_template_or_cut_short_is_no_readable_title(tmp_path, stem):
    full = "- Full Title: Screenwriting: The Sequence Approach\n"
    document = _read_one(write_note(tmp_path / "Books" / f"{stem}.md",
                                    BODY.replace("- Category:", full + "- Category:")))
    assert (document.title, document.readable_title) == (FULL, None)


def test_a_note_without_a_title_named_in_latin1_is_titled_by_its_name_read_as_windows_1252(tmp_path):
    # A note a Latin-1 system named (b"Caf\xe9.md"): "Café", as an undecodable byte of a note's
    # text is read, never the lone surrogate Python gives it.
    document = _read_one(write_note(tmp_path / "Books" / os.fsdecode(b"Caf\xe9.md"), BODY))
    assert (document.title, document.readable_title) == ("Café", None)

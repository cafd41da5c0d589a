"""The ``inbox`` reader: what apps sent, as Readwise would hold it, read again only from where
the last read ended."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from excerpta.adapters import ReadState
from excerpta.errors import InputError
from excerpta.ingest.inbox import HEADER_LINE, inbox_summary
from excerpta.ingest.mapping import inline_tags
from excerpta.model import Document
from excerpta.readers.inbox import InboxReader

from paths import EXAMPLES


def line(highlight: dict) -> str:
    return json.dumps({"at": "2026-01-01T00:00:00Z", "via": None, "highlight": highlight}) + "\n"


def write_inbox(path: Path, *highlights: dict, torn: bytes = b"") -> Path:
    path.write_bytes(HEADER_LINE + "".join(map(line, highlights)).encode() + torn)
    return path


def append(path: Path, *highlights: dict) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write("".join(map(line, highlights)))


def texts(path: Path | str, cursor: str | None = None) -> list[str]:
    """The texts read from ``path`` (from ``cursor`` on)."""
    return [h.text for d in read(path, ReadState(cursor=cursor)) for h in d.highlights]


def read(path: Path | str, state: ReadState | None = None) -> list[Document]:
    return list(InboxReader().read(str(path), state or ReadState()))


def by_text(documents: list[Document]) -> dict[str, tuple[str, object]]:
    return {h.text: (d.title, h) for d in documents for h in d.highlights}


def test_the_bundled_inbox_reads_as_its_apps_sent_it():
    documents = read(EXAMPLES / "inbox.jsonl")
    assert [(d.title, d.author, d.category, d.source, len(d.highlights)) for d in documents] == [
        ("Walden", "Henry David Thoreau", "books", "moonreader", 2),
        ("Pride and Prejudice", "Jane Austen", "books", "excerpta", 1),
        ("Anna Karenina", "Leo Tolstoy", "books", "koreader", 1),
        ("On the design of tools", None, "articles", "my_script", 1)]
    walden, austen, tolstoy, essay = documents
    # Moon+ sent the second Walden passage again with its note changed: one highlight, the later note
    assert [(h.chapter, h.note) for h in walden.highlights] == [
        ("Where I Lived, and What I Lived For", None), ("Economy", "Still true, a century and a half on.")]
    [first] = austen.highlights
    # excerpta's own writer sent it: its id back, its inline tags as tags, the favourite mark
    assert (first.id, first.tags, first.is_favorite, first.note) == (
        "h0c5b2f2b1d7e4a8c9f01", ["openings"], True, "The most quoted first line in English.")
    assert (first.location, first.location_type, first.highlighted_at) == (
        1, "page", datetime(2026, 11, 21, 18, 59, tzinfo=UTC))
    assert (tolstoy.highlights[0].location, tolstoy.highlights[0].location_type) == (1, "order")
    assert essay.url == "https://example.org/essays/tools"


def test_a_highlight_sent_again_keeps_what_it_did_not_send_and_loses_what_it_sent_empty(tmp_path):
    inbox = write_inbox(tmp_path / "inbox.jsonl",
                        {"text": "t", "title": "B", "note": "kept", "chapter": "One", "color": "yellow"},
                        {"text": "t", "title": "B", "chapter": "Two"},  # no note, no colour: kept
                        {"text": "t", "title": "B", "color": ""})  # colour removed
    [document] = read(inbox)
    [highlight] = document.highlights
    assert (highlight.note, highlight.chapter, highlight.color) == ("kept", "Two", None)


def test_fields_never_sent_are_left_to_the_library(tmp_path):
    inbox = write_inbox(tmp_path / "inbox.jsonl", {"text": "t", "title": "B", "location": 5})
    state = ReadState()
    [document] = read(inbox, state)
    [highlight] = document.highlights
    assert state.left_out[highlight.id] == {"note", "tags", "is_favorite", "highlighted_at", "chapter",
                                            "color", "url"}
    # the title and author name the book: a library that holds it keeps the spelling it has
    assert state.document_left_out[document.id] == {"category", "source", "cover_image_url",
                                                    "title", "author"}


def test_identity_is_readwise_s_the_highlight_url_else_title_author_text_and_url(tmp_path):
    inbox = write_inbox(
        tmp_path / "inbox.jsonl",
        {"text": "same", "title": "Book", "author": "A", "location": 1},
        {"text": "same", "title": "book", "author": "a", "location": 9},  # the same: Readwise ignores place
        {"text": "same", "title": "Book", "author": "Someone else"},  # another book
        {"text": "first words", "title": "Book", "author": "A", "highlight_url": "https://app.test/h/7"},
        {"text": "edited words", "title": "Book", "author": "A", "highlight_url": "https://app.test/h/7"},
        {"text": "linked", "title": "Book", "author": "A", "highlight_url": "https://site.test/p#excerpta-h123",
         "source_type": "excerpta"})
    documents = read(inbox)
    assert [(d.title, d.author, [h.text for h in d.highlights]) for d in documents] == [
        ("Book", "A", ["same", "edited words", "linked"]), ("Book", "Someone else", ["same"])]
    linked = documents[0].highlights[2]
    assert (linked.id, linked.url) == ("h123", "https://site.test/p")
    assert documents[0].highlights[1].url == "https://app.test/h/7"


def test_a_highlight_sent_again_under_another_title_moves_there(tmp_path):
    inbox = write_inbox(tmp_path / "inbox.jsonl",
                        {"text": "t", "title": "Draft title", "highlight_url": "https://app.test/1"},
                        {"text": "u", "title": "Draft title"},
                        {"text": "t", "title": "Final title", "highlight_url": "https://app.test/1"})
    assert [(d.title, [h.text for h in d.highlights]) for d in read(inbox)] == [
        ("Draft title", ["u"]), ("Final title", ["t"])]


ONE_TWO = ({"text": "one", "title": "B"}, {"text": "two", "title": "B"})


def test_a_second_read_with_the_cursor_reads_only_what_came_since(tmp_path):
    inbox = write_inbox(tmp_path / "inbox.jsonl", *ONE_TWO)
    first = ReadState()
    assert [h.text for d in read(inbox, first) for h in d.highlights] == ["one", "two"]
    assert read(inbox, ReadState(cursor=first.next_cursor)) == []
    append(inbox, {"text": "three", "title": "B"}, {"text": "bad"}, {"nothing": "here"})
    with inbox.open("a", encoding="utf-8") as handle:
        handle.write("{not json\n")
    second = ReadState(cursor=first.next_cursor)
    assert [h.text for d in read(inbox, second) for h in d.highlights] == ["three", "bad"]
    assert [(p.where, p.reason) for p in second.problems] == [
        (6, "a highlight without text or note"), (7, "not a highlight the ingest endpoint wrote")]
    assert read(inbox, ReadState(cursor=second.next_cursor)) == []


def test_an_inbox_replaced_or_cut_is_read_whole_again(tmp_path):
    inbox = write_inbox(tmp_path / "inbox.jsonl", *ONE_TWO)
    state = ReadState()
    read(inbox, state)
    write_inbox(inbox, {"text": "uno", "title": "B"}, {"text": "dos", "title": "B"})  # as long, other bytes
    assert texts(inbox, state.next_cursor) == ["uno", "dos"]
    write_inbox(inbox, {"text": "x", "title": "B"})  # shorter than the cursor's offset
    assert texts(inbox, state.next_cursor) == ["x"]
    assert texts(inbox, "garbage") == ["x"]


def test_a_line_being_written_is_left_for_the_next_read(tmp_path):
    whole = {"text": "whole", "title": "B"}
    torn = b'{"at": "2026-01-01T00:00:00Z", "via": null, "hig'
    inbox = write_inbox(tmp_path / "inbox.jsonl", whole, torn=torn)
    state = ReadState()
    assert [h.text for d in read(inbox, state) for h in d.highlights] == ["whole"]
    assert state.problems == []
    write_inbox(inbox, whole, {"text": "finished", "title": "B"})  # the line, written whole
    assert texts(inbox, state.next_cursor) == ["finished"]


def test_the_default_inbox_not_made_yet_reads_as_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("EXCERPTA_INBOX", str(tmp_path / "nowhere" / "inbox.jsonl"))
    state = ReadState()
    assert read("inbox:", state) == []
    assert state.problems == []
    assert state.next_cursor is None
    write_inbox(tmp_path / "inbox.jsonl", {"text": "came", "title": "B"})
    monkeypatch.setenv("EXCERPTA_INBOX", str(tmp_path / "inbox.jsonl"))
    assert texts("inbox:") == ["came"]


def test_a_file_that_is_no_inbox_is_refused(tmp_path):
    other = tmp_path / "other.jsonl"
    other.write_text('{"text": "t"}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"other.jsonl: not an excerpta inbox \(its first line is not"):
        read(other)


def test_the_summary_counts_what_came_and_when_the_last_came(tmp_path):
    inbox = write_inbox(tmp_path / "inbox.jsonl", {"text": "a"}, {"text": "b"}, torn=b'{"at": "2030')
    assert inbox_summary(inbox) == (2, datetime(2026, 1, 1, tzinfo=UTC))
    assert inbox_summary(tmp_path / "none.jsonl") == (0, None)
    inbox.write_bytes(HEADER_LINE)
    assert inbox_summary(inbox) == (0, None)
    inbox.write_bytes(HEADER_LINE + b'{"at": "whenever", "highlight": {"text": "t"}}\n')
    assert inbox_summary(inbox) == (1, None)


def test_an_id_in_a_link_is_excerpta_s_only_when_excerpta_sent_it(tmp_path):
    link = "excerpta://highlight/hkindle0001"
    inbox = write_inbox(tmp_path / "inbox.jsonl", {"text": "a", "title": "B", "highlight_url": link},
                        {"text": "b", "title": "B", "highlight_url": link + "2", "source_type": "excerpta"})
    first, second = read(inbox)[0].highlights
    assert first.id.startswith("url-")  # another app cannot name (and so overwrite) a library's highlight
    assert first.url == link
    assert (second.id, second.url) == ("hkindle00012", None)


def test_lone_notes_of_one_book_are_each_kept(tmp_path):
    inbox = write_inbox(tmp_path / "inbox.jsonl", {"text": "", "note": "first thought", "title": "B"},
                        {"note": "second thought", "title": "B"})
    assert [h.note for d in read(inbox) for h in d.highlights] == ["first thought", "second thought"]


def test_a_highlight_without_a_date_is_dated_when_it_came(tmp_path):
    inbox = write_inbox(tmp_path / "inbox.jsonl", {"text": "t", "title": "B"})  # as Moon+ sends it
    state = ReadState()
    [document] = read(inbox, state)
    assert document.highlights[0].highlighted_at == datetime(2026, 1, 1, tzinfo=UTC)
    assert "highlighted_at" in state.left_out[document.highlights[0].id]  # a library's date stays
    append(inbox, {"text": "t", "title": "B"})  # sent again later: the first arrival stays
    assert read(inbox)[0].highlights[0].highlighted_at == datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(("note", "tags", "left"), [
    (".idea .favorite worth rereading", ["idea", "favorite"], "worth rereading"),
    ("...and then it ended", [], "...and then it ended"),
    (".5 mg is the dose", [], ".5 mg is the dose"),
    (".to-read .c++ later", ["to-read", "c++"], "later"),
])
def test_only_words_that_are_tags_are_taken_from_a_note(note, tags, left):
    assert inline_tags(note) == (left, tags)

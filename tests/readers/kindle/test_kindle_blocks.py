"""The block splitter reads every file exactly as the line grammar does: same records, same line
numbers, same problems, same documents, wherever the blocks happen to cut the file."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kindle_reading import CLIPPINGS

from excerpta.adapters import ReadState
from excerpta.readers.kindle.blocks import iter_file_records
from excerpta.readers.kindle.clippings import read_clippings, read_clippings_file
from excerpta.readers.kindle.metadata import MetadataError, parse_metadata
from excerpta.readers.kindle.records import RawRecord, iter_records

HIGHLIGHT = "- Your Highlight on page 3 | Location 40-42 | Added on Monday, March 2, 2020 10:00:00 AM"
NOTE = "- Your Note on page 3 | Location 42 | Added on Monday, March 2, 2020 10:00:05 AM"


def handle(data: bytes) -> io.TextIOWrapper:
    """``data`` opened the way the reader opens a file."""
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="replace", newline=None)


def view(record: tuple[int, str, str, str] | RawRecord) -> tuple[object, ...]:
    """What the reader uses of a record: line number, title line, metadata or problem, text."""
    if isinstance(record, RawRecord):
        return record.line_number, record.title_line, record.metadata, record.problem, record.text
    number, title_line, metadata_line, body = record
    try:
        return number, title_line, parse_metadata(metadata_line), None, body.strip()
    except MetadataError as err:
        return number, title_line, None, str(err), body.strip()


def assert_same_records(data: bytes, block_chars: int) -> None:
    by_lines = [view(r) for r in iter_records(handle(data))]
    by_blocks = [view(r) for r in iter_file_records(handle(data), block_chars)]
    assert by_blocks == by_lines


def assert_same_documents(data: bytes, **options: object) -> None:
    line_state, block_state = ReadState(), ReadState()
    by_lines = [d.model_dump() for d in read_clippings(handle(data), "f", line_state, **options)]
    by_blocks = [d.model_dump() for d in read_clippings_file(handle(data), "f", block_state, **options)]
    assert by_blocks == by_lines
    assert block_state.problems == line_state.problems


@pytest.mark.parametrize("block_chars", [7, 100, 4096, 1 << 18])
@pytest.mark.parametrize("path", sorted(CLIPPINGS.iterdir()), ids=lambda path: path.name)
def test_every_corpus_file_splits_into_the_line_grammars_records(path, block_chars):
    assert_same_records(path.read_bytes(), block_chars)


@pytest.mark.parametrize("path", sorted(CLIPPINGS.iterdir()), ids=lambda path: path.name)
def test_every_corpus_file_reads_into_the_same_documents_either_way(path):
    assert_same_documents(path.read_bytes())
    assert_same_documents(path.read_bytes(), keep_bookmarks=True)


def test_a_separator_typed_in_a_note_is_glued_back_as_the_line_grammar_does():
    text = (f"Walden (Thoreau)\n{HIGHLIGHT}\n\nwoods\n==========\nWalden (Thoreau)\n{NOTE}\n\nfirst\n"
            f"==========\nsecond part of the note\nand more\n==========\nWalden (Thoreau)\n{HIGHLIGHT}\n\n"
            "lake\n==========\n")
    records = list(iter_file_records(handle(text.encode())))
    assert [view(r)[4] for r in records] == ["woods", "first\n==========\nsecond part of the note\nand more",
                                              "lake"]
    assert_same_documents(text.encode())


def test_a_record_without_separator_in_a_body_is_split_at_its_metadata_line():
    text = (f"Walden (Thoreau)\n{HIGHLIGHT}\n\nwoods\n\nWalden (Thoreau)\n{NOTE}\n\nnote\n==========\n"
            f"— dialogue\n{HIGHLIGHT}\n\n- a dash\n==========\n")
    assert_same_records(text.encode(), 1 << 18)
    assert [view(r)[0] for r in iter_file_records(handle(text.encode()))] == [1, 6, 11]


FRAGMENTS = st.sampled_from([
    "==========", " ==========", "", "\ufeff", "Walden (Thoreau)", "\ufeffWalden (Thoreau)", HIGHLIGHT, NOTE,
    "- Your Bookmark on page 3 | Location 41 | Added on Monday, March 2, 2020 10:00:09 AM",
    "- Your Note at location 2 | Added on Monday, February 31, 2020 10:00:00", "- | | |", "-", "— text",
    " indented", "\t", "text", "more text", "\r", "\r\n", "- a dashed list item", "- a | b",
    "<You have reached the clipping limit for this item>",
])
RECORD = st.tuples(st.sampled_from(["Walden (Thoreau)", "\ufeffWalden (Thoreau)", "Emma"]),
                   st.sampled_from([HIGHLIGHT, NOTE, "- Your Highlight Loc. 40-42 | Added on Monday"]),
                   st.lists(st.one_of(FRAGMENTS, st.text(max_size=12)), max_size=3),
                   st.sampled_from(["==========", "==========", "", "========== "])).map(
    lambda r: [r[0], r[1], *r[2], r[3]])
LINES = st.lists(st.one_of(RECORD, RECORD, st.lists(st.one_of(FRAGMENTS, st.text(max_size=12)), max_size=3)),
                 max_size=20).map(lambda groups: [line for group in groups for line in group])


@settings(max_examples=300, deadline=None)
@given(lines=LINES, block_chars=st.sampled_from([1, 5, 16, 64, 1 << 18]), eol=st.sampled_from(["\n", "\r\n"]))
def test_clippings_shaped_text_splits_into_the_line_grammars_records(lines, block_chars, eol):
    assert_same_records(eol.join(lines).encode(), block_chars)


@settings(max_examples=150, deadline=None)
@given(lines=LINES, bookmarks=st.booleans())
def test_clippings_shaped_text_reads_into_the_same_documents_and_problems(lines, bookmarks):
    assert_same_documents("\n".join(lines).encode(), keep_bookmarks=bookmarks)


def test_blank_lines_and_stray_separators_before_a_title_are_skipped_as_the_line_grammar_does():
    text = (f"\n==========\n \nWalden (Thoreau)\n{HIGHLIGHT}\n\nwoods\n==========\n========== \n\t\n"
            f"Walden (Thoreau)\n{NOTE}\n\nnote\n==========\n")
    records = list(iter_file_records(handle(text.encode())))
    assert [view(r)[:2] for r in records] == [(4, "Walden (Thoreau)"), (11, "Walden (Thoreau)")]
    assert_same_records(text.encode(), 1 << 18)


def test_regular_records_in_any_wording_are_cut_from_blocks_not_read_line_by_line():
    russian = "– Ваша заметка в месте 21 | Добавлено: четверг, 3 марта 2014 г. в 07:33:37"
    text = (f"Walden (Thoreau)\n{HIGHLIGHT}\n\nwoods\n==========\nВойна и мир (Толстой)\n{russian}\n\n"
            f"заметка\n==========\n\ufeffWalden (Thoreau)\n{NOTE}\n\n— note\n==========\n")
    records = list(iter_file_records(handle(text.encode())))
    assert [type(r) for r in records] == [tuple, tuple, tuple]

"""A clippings file an unclean unplug damaged: NUL padding and endless lines are reported once
and skipped, and memory stays bounded however long they are."""

from __future__ import annotations

import io
import tracemalloc
from collections.abc import Callable

import pytest
from kindle_reading import Read, read_path

from excerpta.readers.kindle.damaged import CUT_LINE, BoundedText
from excerpta.readers.kindle.records import CLIPPING_LIMIT_CHARS

from paths import EXAMPLES

EXAMPLE = EXAMPLES / "My Clippings.txt"
MB = 1 << 20
HIGHLIGHT_HEAD = ("Long (Author)\n- Your Highlight on Location 1-2 | Added on Monday, 1 January 2024 "
                  "10:00:00\n\n")


def _peak_while(read: Callable[[], Read]) -> tuple[Read, int]:
    tracemalloc.start()
    try:
        result = read()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.fixture(scope="module")
def clean() -> Read:
    return read_path(EXAMPLE)


def _example_lines() -> int:
    return EXAMPLE.read_text(encoding="utf-8-sig").count("\n")


def test_nul_padding_after_the_records_is_one_problem_and_memory_stays_small(tmp_path, clean):
    path = tmp_path / "My Clippings.txt"
    path.write_bytes(EXAMPLE.read_bytes())
    with path.open("r+b") as handle:
        handle.truncate(24 * MB)  # what an unplug while writing leaves: zeros to the end
    read, peak = _peak_while(lambda: read_path(path))
    assert [h.id for h in read.highlights()] == [h.id for h in clean.highlights()]
    [problem] = read.problems
    assert problem.where == _example_lines() + 1
    assert problem.kept
    assert "NUL byte(s)" in problem.reason
    assert f"{24 * MB - EXAMPLE.stat().st_size:,}" in problem.reason
    assert peak < 8 * MB


def test_nul_padding_before_records_the_device_appended_later_leaves_them_readable(tmp_path, clean):
    path = tmp_path / "My Clippings.txt"
    path.write_bytes(EXAMPLE.read_bytes() + b"\0" * 5000 + EXAMPLE.read_bytes())
    read = read_path(path)
    assert {h.id for h in read.highlights()} == {h.id for h in clean.highlights()}
    assert [p.reason.split(" ", 1)[0] for p in read.problems] == ["5,000"]


@pytest.mark.parametrize("newline_after", [True, False])
def test_an_endless_line_is_skipped_with_its_record_reported_once_with_its_number(
        tmp_path, clean, newline_after):
    path = tmp_path / "My Clippings.txt"
    with path.open("wb") as handle:
        handle.write(EXAMPLE.read_bytes() + HIGHLIGHT_HEAD.encode())
        for _ in range(24):
            handle.write(b"word " * (MB // 5))
        if newline_after:
            handle.write(b"\n==========\n" + EXAMPLE.read_bytes())
    read, peak = _peak_while(lambda: read_path(path))
    assert {h.id for h in read.highlights()} == {h.id for h in clean.highlights()}
    [problem] = read.problems
    assert problem.where == _example_lines() + 4
    assert problem.reason.startswith(f"a line of {24 * (MB // 5) * 5:,} characters, longer than any clipping")
    assert not problem.kept
    assert peak < 8 * MB


def test_a_record_of_endless_short_lines_is_one_problem_and_memory_stays_small(tmp_path, clean):
    path = tmp_path / "My Clippings.txt"
    with path.open("wb") as handle:
        handle.write(EXAMPLE.read_bytes() + HIGHLIGHT_HEAD.encode())
        for _ in range(24 * MB // 100):
            handle.write(b"word " * 19 + b"word\n")
        handle.write(b"==========\n" + EXAMPLE.read_bytes())
    read, peak = _peak_while(lambda: read_path(path))
    assert {h.id for h in read.highlights()} == {h.id for h in clean.highlights()}
    [problem] = read.problems
    assert problem.where == _example_lines() + 1
    assert problem.reason.startswith("a record longer than any clipping")
    assert peak < 8 * MB


def test_the_longest_clipping_allowed_is_read_whole(tmp_path):
    text = "word " * ((CLIPPING_LIMIT_CHARS - 10) // 5)
    path = tmp_path / "My Clippings.txt"
    path.write_text(HIGHLIGHT_HEAD + text + "\n==========\n", encoding="utf-8")
    read = read_path(path)
    assert read.problems == []
    assert [h.text for h in read.highlights()] == [text.strip()]


@pytest.mark.parametrize("size", [1, 3, 7, 64])
def test_bounded_text_gives_every_line_back_but_nuls_and_cut_lines_whatever_the_reads(size):
    lines = ["short\n", "x" * 25 + "\n", "\0\0ab\0\n", "y" * 10 + "\n", "z" * 40]
    text = BoundedText(io.StringIO("".join(lines)), limit=20)  # type: ignore[arg-type]
    read = "".join(iter(lambda: text.read(size), ""))
    assert read == f"short\n{CUT_LINE}\nab\n{'y' * 10}\n{CUT_LINE}"
    assert text.cut_lines == [(2, 25), (5, 40)]
    assert (text.nul_chars, text.first_nul_line) == (3, 3)
    text.seek(0)  # a second pass reads the same and counts nothing again
    assert [text.readline() for _ in range(6)] == [*read.splitlines(keepends=True), ""]
    assert text.cut_lines == [(2, 25), (5, 40)]
    assert text.nul_chars == 3


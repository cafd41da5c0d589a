"""Records whose separator was lost by hand: a file an editor trimmed (to end in ``==========``
without its line break, or inside the last passage) before the Kindle appended more, separator
lines deleted (with or without the line they stood on) or damaged (9 or 11 ``=``). Each record
is still a record of its own, with its own book; before, such a record went silently into the
passage or note of the record before it, another book's."""

from __future__ import annotations

import io
import re

import pytest
from kindle_reading import CLIPPINGS, read_path, read_text, real_clippings

from excerpta.readers.kindle.blocks import iter_file_records
from excerpta.readers.kindle.records import RawRecord, iter_records

from paths import EXAMPLES

SEP = "=========="
LAST = ("论语 (孔子)\n- 您在位置 #1-2的标注 | 添加于 2020年3月1日星期日 上午10:00:00\n\n"
        "学而时习之，不亦说乎？\n" + SEP)
APPENDED = ("\ufeffWalden (Thoreau, Henry David)\r\n- Your Highlight on Location 4000-4001 | Added on "
            "Monday, March 4, 2024 10:00:00 AM\r\n\r\nNew highlight the Kindle appended.\r\n" + SEP + "\r\n")
META = "- Your Highlight on Location 1-2 | Added on Monday, July 4, 1845 9:16:00 AM"


def test_a_record_the_device_appended_after_a_trimmed_separator_is_a_record_of_its_own(tmp_path):
    read = read_text(tmp_path, (LAST + APPENDED).encode("utf-8"))
    assert read.problems == []
    assert [(h.text, h.note) for h in read.highlights()] == [
        ("学而时习之，不亦说乎？", None), ("New highlight the Kindle appended.", None)]
    assert read.titles() == ["论语", "Walden"]
    assert read.document("Walden").author == "Thoreau, Henry David"


def test_a_glued_record_at_the_files_start_has_its_title_without_the_separator(tmp_path):
    read = read_text(tmp_path, SEP + APPENDED.removeprefix("\ufeff"))
    assert read.titles() == ["Walden"]
    assert read.problems == []


@pytest.mark.parametrize("typed", [f"{SEP}not a title", f"a line\n{SEP}Todo\nbuy the sequel"])
def test_a_note_line_that_only_starts_with_a_separator_stays_in_the_note_as_typed(tmp_path, typed):
    meta = META.replace("Highlight", "Note")
    note = f"Walden (Thoreau, Henry David)\n{meta}\n\n{typed}\n{SEP}\n"
    for text in (note, note.removesuffix(f"\n{SEP}\n")):  # closed, or the file's last line
        [highlight] = read_text(tmp_path, text).highlights()
        assert highlight.note == typed


def _records(text: str, block_chars: int) -> tuple[list[object], list[object]]:
    def view(record: tuple[int, str, str, str] | RawRecord) -> tuple[object, ...]:
        if isinstance(record, RawRecord):
            return record.line_number, record.title_line, record.text
        return record[0], record[1], record[3].strip()

    def handle() -> io.TextIOWrapper:
        return io.TextIOWrapper(io.BytesIO(text.encode("utf-8")), encoding="utf-8", newline=None)

    by_blocks = [view(r) for r in iter_file_records(handle(), block_chars)]
    return [view(r) for r in iter_records(handle())], by_blocks


@pytest.mark.parametrize("block_chars", [7, 64, 4096])
def test_the_block_splitter_reads_a_glued_record_as_the_line_grammar_does(block_chars):
    regular = f"Walden (Thoreau, Henry David)\n{META}\n\nText.\n"
    text = (regular + SEP + "\n" + LAST + APPENDED + regular + f"{SEP}not a title\n" + SEP + "\n"
            + regular + "=========\n" + regular + "Call me Ishmael.\ufeff" + regular + SEP + "\n")
    by_lines, by_blocks = _records(text, block_chars)
    assert by_blocks == by_lines
    assert [title for _, title, _ in by_lines] == [
        "Walden (Thoreau, Henry David)", "论语 (孔子)", "Walden (Thoreau, Henry David)",
        "Walden (Thoreau, Henry David)", "Walden (Thoreau, Henry David)", "Walden (Thoreau, Henry David)",
        "\ufeffWalden (Thoreau, Henry David)"]


SECOND = CLIPPINGS / "zweihander_en_exact_duplicates.txt"


@pytest.mark.parametrize("first", [path for path in real_clippings()
                                   if path != SECOND and path.read_bytes().rstrip().endswith(b"=" * 10)],
                         ids=lambda path: path.name)
def test_two_real_files_end_to_end_read_as_each_alone_when_the_first_lost_its_line_break(tmp_path, first):
    second = SECOND
    joined = tmp_path / "joined.txt"
    joined.write_bytes(first.read_bytes().rstrip(b"\r\n") + second.read_bytes())
    alone = [read_path(first), read_path(second)]
    both = read_path(joined)
    assert len(both.problems) == sum(len(read.problems) for read in alone)
    assert sorted((h.text, h.note or "") for h in both.highlights()) == sorted(
        (h.text, h.note or "") for read in alone for h in read.highlights())


def _highlights(read) -> list[tuple[object, ...]]:
    return sorted((h.location, h.text, h.note or "") for h in read.highlights())


STRIPPABLE = [*real_clippings(), CLIPPINGS / "SYNTHETIC_gen_en_us_200.txt",
              CLIPPINGS / "SYNTHETIC_gen_mixed_locales_300.txt", EXAMPLES / "My Clippings.txt"]


@pytest.mark.parametrize("path", STRIPPABLE, ids=lambda path: path.name)
@pytest.mark.parametrize("left", [b"", b"\\1"], ids=["line deleted", "blank line left"])
def test_a_file_whose_separators_were_all_deleted_reads_as_it_did(tmp_path, path, left):
    stripped = tmp_path / "stripped.txt"
    stripped.write_bytes(re.sub(rb"(?m)^(?:\xef\xbb\xbf)?={10}[ \t]*(\r?\n)", left, path.read_bytes()))
    before, after = read_path(path), read_path(stripped)
    assert _highlights(after) == _highlights(before)
    assert after.titles() == before.titles()
    assert after.problems == before.problems


@pytest.mark.parametrize("trimmed", [b"", b"\r\n"], ids=["inside the passage", "after the passage"])
def test_a_file_trimmed_inside_its_last_record_then_appended_to_keeps_both_records(tmp_path, trimmed):
    records = (EXAMPLES / "My Clippings.txt").read_bytes().split(b"==========\r\n")[:-1]
    kept = b"==========\r\n".join(records[:8]).rstrip(b"\r\n") + trimmed  # "…Call me Ishmael."
    read = read_text(tmp_path, kept + b"==========\r\n".join(records[8:]) + b"==========\r\n")
    whole = read_path(EXAMPLES / "My Clippings.txt")
    assert _highlights(read) == _highlights(whole)
    assert read.titles() == whole.titles()


@pytest.mark.parametrize("row", ["=========", "===========", " ========= "])
@pytest.mark.parametrize("after", [0, 5, 8], ids=["a highlight", "a bookmark", "a note"])
def test_a_separator_damaged_by_hand_still_separates(tmp_path, row, after):
    lines = (EXAMPLES / "My Clippings.txt").read_text(encoding="utf-8-sig").split("\n")
    separators = [number for number, line in enumerate(lines) if line.strip("\ufeff\r") == SEP]
    damaged = list(lines)
    damaged[separators[after]] = row + "\r"
    read = read_text(tmp_path, "\n".join(damaged))
    whole = read_path(EXAMPLES / "My Clippings.txt")
    assert _highlights(read) == _highlights(whole)
    assert read.problems == []


def test_a_note_line_starting_with_a_separator_before_a_dashed_line_stays_as_typed(tmp_path):
    typed = f"Todo list\n{SEP}Ideas\n- buy the sequel"
    meta = META.replace("Highlight", "Note")
    text = f"Walden (Thoreau, Henry David)\n{meta}\n\n{typed}\n{SEP}\n"
    [highlight] = read_text(tmp_path, text).highlights()
    assert highlight.note == typed

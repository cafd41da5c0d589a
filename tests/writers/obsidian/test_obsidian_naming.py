"""Note file names are portable and collision-free; block ids are stable and Obsidian-valid."""

from __future__ import annotations

import re

import pytest

from excerpta.model import Category, Document, Highlight
from excerpta.writers.obsidian.naming import (
    LONGEST_MAX_NAME_BYTES,
    NameAllocator,
    block_id,
    fold_name,
    sanitize_name,
    short_hash,
)

from paths import EXAMPLES


@pytest.mark.parametrize(("title", "expected"), [
    ("Case Study: Modularizing a Package", "Case Study Modularizing a Package"),
    ('a:b|c?"d"*e<f>g\\h/i', "abcdefghi"),
    ("#88 [Link] ^caret", "88 Link caret"),
    ("../../x", "x"),
    ("CON", "CON_"),
    ("con.md", "con_.md"),
    ("Aux. verbs are helpers", "Aux_. verbs are helpers"),
    ("nul .tar.gz", "nul_ .tar.gz"),
    ("COM¹.log", "COM¹_.log"),
    ("Console. A history", "Console. A history"),
    ("lpt1", "lpt1_"),
    (".hidden", "hidden"),
    ("trailing dots...", "trailing dots"),
    ("  spaced  ", "spaced"),
    ("line\nbreak\ttab", "line break tab"),
    ("", "Untitled"),
    ("///", "Untitled"),
])
def test_titles_become_portable_file_names(title, expected):
    assert sanitize_name(title) == expected


@pytest.mark.parametrize("title", ["\u200b\u200b", "\u200b \u2060\ufeff", "\u3000\u3164", "\u2800"])
def test_a_title_of_which_nothing_shows_is_untitled_not_an_invisible_name(title):
    assert sanitize_name(title) == "Untitled"


def test_a_joiner_inside_a_visible_name_is_kept():
    assert sanitize_name("\U0001f469\u200d\U0001f52c notes") == "\U0001f469\u200d\U0001f52c notes"


@pytest.mark.parametrize("invisible", ["\ufeff", "\u200b", "\u2060", "\u00ad", "\u180e"])
def test_invisible_characters_no_typed_link_holds_are_dropped_from_names(invisible):
    # [[Walden]] typed by the user never reaches "\ufeffWalden.md".
    assert sanitize_name(f"{invisible}Wal{invisible}den{invisible}") == "Walden"


@pytest.mark.parametrize("joiner", ["\u200d", "\u200c"])
def test_a_joiner_at_either_end_of_a_name_joins_nothing_and_is_dropped(joiner):
    # (an interop audit's title "zero\u200bwidth\u200d\ufeff" gave "zerowidth\u200d.md")
    assert sanitize_name(f"{joiner}zero\u200bwidth{joiner}\ufeff") == "zerowidth"


def test_a_zero_width_non_joiner_a_word_needs_is_kept():
    word = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # Persian "I want"
    assert sanitize_name(word) == word


def test_a_file_name_template_saved_with_a_bom_gives_a_name_without_it(tmp_path, vault, sync, books):
    # Windows Notepad saves "UTF-8 with BOM", CRLF.
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "filename.jinja").write_bytes(b"\xef\xbb\xbf{{ title }}\r\n")
    sync([books(1)], templates=templates)
    assert [path.name for path in (vault / "Books").iterdir()] == ["Walden.md"]


@pytest.mark.parametrize("control", ["\u202e", "\u202a", "\u202b", "\u202c", "\u202d", "\u2066", "\u2067",
                                     "\u2068", "\u2069", "\u200e", "\u200f", "\u061c"])
def test_bidirectional_controls_are_stripped_from_names(control):
    # "\u202egpj.exe" shows as "exe.jpg" in a file manager.
    assert sanitize_name(f"{control}gpj.exe notes{control}") == "gpj.exe notes"


def test_long_cjk_title_is_cut_to_the_byte_limit_between_characters():
    title = "漢" * 100  # 300 bytes in UTF-8
    name = sanitize_name(title, max_bytes=120)
    assert name == "漢" * 40
    assert len(name.encode("utf-8")) == 120


def test_cut_never_separates_a_letter_from_its_combining_accent():
    title = "q\u0301" * 100  # q + combining acute (no precomposed form): 3 bytes a pair
    name = sanitize_name(title, max_bytes=10)
    assert name == "q\u0301" * 3


@pytest.mark.parametrize(("title", "kept"), [
    ("c" * 116 + "\U0001F1EB\U0001F1F7", "c" * 116),  # 🇫🇷 does not fit: not a lone 🇫
    ("c" * 112 + "\U0001F1EB\U0001F1F7\U0001F1E9\U0001F1EA", "c" * 112 + "\U0001F1EB\U0001F1F7"),
    ("b" * 100 + "\U0001F468\u200d\U0001F469\u200d\U0001F467\u200d\U0001F466", "b" * 100),  # a family of four
    ("a" * 117 + "\U0001F44D\U0001F3FD", "a" * 117),  # a thumbs-up keeps its skin tone
    ("a" * 114 + "\u2764\ufe0f", "a" * 114 + "\u2764\ufe0f"),  # 120 bytes: fits whole
    ("a" * 115 + "\u2764\ufe0f", "a" * 115),  # its variation selector never left off
])
def test_cut_never_splits_an_emoji_sequence_or_a_flag(title, kept):
    assert sanitize_name(title, max_bytes=120) == kept


def test_names_differing_only_by_case_or_unicode_form_clash(tmp_path):
    allocator = NameAllocator(tmp_path)
    first = allocator.allocate("Books", "Dune", "doc-a")
    second = allocator.allocate("Books", "DUNE", "doc-b")
    third = allocator.allocate("Books", "Caf\u00e9", "doc-c")
    fourth = allocator.allocate("Books", "Cafe\u0301", "doc-d")
    assert first == "Books/Dune.md"
    assert second.startswith("Books/DUNE ")
    assert second != "Books/DUNE.md"
    assert third == "Books/Café.md"
    assert fold_name(fourth) != fold_name(third)


def test_clash_suffix_is_a_stable_hash_of_the_document_id(tmp_path):
    one = NameAllocator(tmp_path)
    one.allocate("", "Dune", "doc-a")
    two = NameAllocator(tmp_path)
    two.allocate("", "Dune", "doc-a")
    assert one.allocate("", "Dune", "doc-b") == two.allocate("", "Dune", "doc-b")


def test_a_users_own_file_is_never_taken(tmp_path):
    (tmp_path / "Books").mkdir()
    (tmp_path / "Books" / "dune.md").write_text("mine")
    allocator = NameAllocator(tmp_path)
    assert allocator.allocate("Books", "Dune", "doc-a") != "Books/Dune.md"


def test_a_note_named_beside_a_users_file_of_the_books_name_says_why(tmp_path, caplog):
    (tmp_path / "Books").mkdir()
    (tmp_path / "Books" / "Dune.md").write_text("my own thoughts on Dune")
    allocator = NameAllocator(tmp_path)
    relative = allocator.allocate("Books", "Dune", "doc-a")
    [warning] = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert str(tmp_path / "Books" / "Dune.md") in warning
    assert "no record of" in warning
    assert relative in warning


def test_no_word_when_the_name_is_taken_by_another_book_or_a_recorded_note(tmp_path, caplog):
    (tmp_path / "Books").mkdir()
    (tmp_path / "Books" / "Emma.md").write_text("excerpta wrote this one")
    allocator = NameAllocator(tmp_path, {"Books/Emma.md"})
    allocator.allocate("Books", "Dune", "doc-a")
    assert allocator.allocate("Books", "Dune", "doc-b") != "Books/Dune.md"  # same title, another book
    assert allocator.allocate("Books", "Emma", "doc-c") != "Books/Emma.md"
    assert [r.getMessage() for r in caplog.records if r.levelname == "WARNING"] == []


def test_block_ids_keep_simple_ids_and_hash_others():
    assert block_id("readwise-123") == "hl-readwise-123"
    assert block_id("ha934d3cdecd4a6a01063") == "hl-ha934d3cdecd4a6a01063"
    odd = block_id("kobo:abc/def ghi")
    assert re.fullmatch(r"hl-[0-9a-f]{20}", odd)
    assert odd == block_id("kobo:abc/def ghi")


@pytest.mark.parametrize(("title", "stem_bytes"), [("長" * 100, 204), ("con." + "x" * 300, 205)],
                         ids=["cjk", "device-name"])
def test_at_the_longest_name_allowed_the_longest_clash_and_its_temporary_file_still_fit(
        vault, sync, title, stem_bytes):
    # The user's files hold the title's name and its 8-hex clash name: the note gets the 32-hex
    # one, and is written through a temporary ".<name>.<8 hex>.tmp" (ext4: 255 bytes a name).
    stem = sanitize_name(title, LONGEST_MAX_NAME_BYTES)
    assert len(stem.encode("utf-8")) == stem_bytes  # a device name gets its "_" after the cut
    (vault / "Books").mkdir()
    for taken in (stem, f"{stem} {short_hash('d1')}"):
        (vault / "Books" / f"{taken}.md").write_text("the user's\n", encoding="utf-8")
    book = Document(id="d1", title=title, category=Category.BOOKS,
                    highlights=[Highlight(id="h1", text="One.")])
    sink = sync([book], atomic=True, max_name_bytes=LONGEST_MAX_NAME_BYTES)
    name = f"{stem} {short_hash('d1', 32)}.md"
    assert [o.action for o in sink.outcomes] == ["create", "create"]
    assert (vault / "Books" / name).is_file()
    assert (vault / "Books" / name.removesuffix(".md")).is_dir()  # its highlights' folder
    assert len(f".{name}.01234567.tmp".encode()) == stem_bytes + 50 <= 255


def test_a_longer_name_than_leaves_room_for_clashes_is_a_one_line_option_error(run_cli, tmp_path):
    result = run_cli("convert", EXAMPLES / "library.json", "--to", "obsidian", "--out", tmp_path / "v",
                     "-O", f"max_name_bytes={LONGEST_MAX_NAME_BYTES + 1}")
    assert result.exit_code == 2
    assert "max_name_bytes" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "v").exists()

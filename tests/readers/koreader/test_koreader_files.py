"""A sidecar as a file: recognised by its content, and a damaged one refused in one line naming
the file and its line, never with a traceback."""

from __future__ import annotations

import codecs
import shutil

import pytest
from koreader_sidecars import CURRENT, LEGACY, annotation, book, read, sidecar_text, write_sidecar

from as_a_user import cli_as_a_user, unreadable_to_the_cli
from excerpta import registry
from excerpta.adapters import InputProbe
from excerpta.errors import InputError
from excerpta.readers import koreader

from paths import CORPUS


def _score(path) -> int:
    return registry.reader("koreader").recognize(InputProbe.of(str(path)))


def test_a_sidecar_is_recognised_by_its_content_whatever_its_name(tmp_path):
    renamed = tmp_path / "walden-highlights.lua"
    shutil.copyfile(CURRENT, renamed)
    for path in (CURRENT, LEGACY, renamed):
        assert registry.detect_reader(InputProbe.of(str(path))).name == "koreader"


@pytest.mark.parametrize("other", [
    CORPUS / "kindle_clippings" / "hadynz_simple.txt",
    CORPUS / "kindle_notebook_html" / "krystofl_example_notebook_en.html",
    *sorted((CORPUS / "readwise" / "csv-export").glob("*.csv"))[:1],
])
def test_other_formats_are_not_recognised(other):
    assert _score(other) == 0


def test_another_lua_table_is_not_a_sidecar_unless_named_like_one(tmp_path):
    config = tmp_path / "settings.reader.lua"
    config.write_text('return {\n    ["font_size"] = 22,\n}\n')
    assert _score(config) == 0
    named = tmp_path / "book.sdr" / "metadata.epub.lua"
    named.parent.mkdir()
    named.write_text('return {\n    ["font_size"] = 22,\n}\n')
    assert _score(named) == 40
    script = tmp_path / "plugin.lua"
    script.write_text('local x = require("ui")\nreturn { ["doc_props"] = 1, ["stats"] = 2 }\n')
    assert _score(script) == 0


def test_koreaders_backup_and_book_information_beside_a_sidecar_are_not_recognised(tmp_path):
    path = write_sidecar(tmp_path, book([annotation("x", 1)]))
    backup = path.with_name(path.name + ".old")
    shutil.copyfile(path, backup)
    custom = path.with_name("custom_metadata.lua")
    custom.write_text(sidecar_text({"custom_props": {"title": "Mine"}, "doc_props": {"title": "Walden"}}))
    assert (_score(path), _score(backup), _score(custom)) == (90, 0, 0)


@pytest.mark.parametrize(("content", "reason"), [
    (b"", "an empty file, not a KOReader sidecar (expected 'return { … }')"),
    (b" \n\n", "an empty file, not a KOReader sidecar (expected 'return { … }')"),
    (b'-- we can read Lua syntax here!\nreturn {\n    ["annotations"] = {\n        [1] = {\n',
     "not a KOReader sidecar: line 5: the file ends inside a table"),  # cut short by a crash
    (b"\x00" * 300, "not a KOReader sidecar: line 1: expected 'return {' (a Lua table)"),
    (b'return {\n    ["font_size"] = 22,\n}\n',
     "a Lua table without a KOReader book in it (expected doc_props, annotations or highlight)"),
    (b'return {\n  ["doc_props"] = {\n    ["title"] = "A \\y"\n  }\n}',
     "not a KOReader sidecar: line 3: invalid escape \\y in a string"),
])
def test_a_damaged_or_wrong_file_is_one_line_naming_the_file_and_its_line(tmp_path, content, reason):
    path = tmp_path / "metadata.epub.lua"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        read(path)
    assert str(caught.value) == f"{path}: {reason}"


def test_a_sidecar_re_saved_as_utf16_or_with_a_byte_order_mark_reads_the_same(tmp_path):
    text = CURRENT.read_text(encoding="utf-8")
    expected, _ = read(CURRENT)
    for name, data in [("utf16.lua", codecs.BOM_UTF16_LE + text.encode("utf-16-le")),
                       ("bom.lua", codecs.BOM_UTF8 + text.encode())]:
        (tmp_path / name).write_bytes(data)
        assert read(tmp_path / name)[0] == expected


def test_bytes_that_are_not_utf8_are_read_as_replacement_characters_and_reported(tmp_path):
    path = write_sidecar(tmp_path, book([annotation("Ma\u00f1ana", 1), annotation("plain", 2)]))
    data = path.read_bytes()
    path.write_bytes(data.replace("\u00f1".encode(), b"\xf1"))  # as a Latin-1 editor re-saves it
    line = data[:data.index("\u00f1".encode())].count(b"\n") + 1
    (document,), state = read(path)
    assert [h.text for h in document.highlights] == ["Ma\ufffdana", "plain"]
    assert [(p.where, p.reason, p.kept) for p in state.problems] == [
        (line, "bytes that are not UTF-8 (the first: 0xF1) read as '\ufffd': re-save the file as UTF-8",
         True)]


def test_a_file_far_larger_than_a_sidecar_is_refused_unread(tmp_path, monkeypatch):
    monkeypatch.setattr(koreader, "MAX_SIDECAR_BYTES", 1000)
    with pytest.raises(InputError, match=r"is far more than a KOReader sidecar holds \(at most 0 MB read\)"):
        read(CURRENT)


def test_a_missing_file_is_a_user_error(tmp_path):
    with pytest.raises(InputError, match="no such file or directory"):
        read(tmp_path / "metadata.epub.lua")


def test_a_sidecar_that_cannot_be_opened_is_a_user_error(tmp_path):
    path = write_sidecar(tmp_path, book([annotation("x", 1)]))
    path.chmod(0)
    try:
        if not unreadable_to_the_cli(path):
            pytest.skip("the CLI reads a file at mode 000 here (root, and setpriv cannot drop "
                        "CAP_DAC_OVERRIDE)")
        result = cli_as_a_user()("convert", path, "--from", "koreader", "--to", "json",
                                 "--out", tmp_path / "out.json")
        assert (result.exit_code, result.output) == (
            74, f"excerpta: error: {path}: Permission denied\n")
    finally:
        path.chmod(0o644)


def test_a_title_that_normalises_to_nothing_gives_way_to_the_file_name(tmp_path):
    (document,), _ = read(write_sidecar(tmp_path, {"doc_props": {"title": "\ufeff"},
                                                   "annotations": [annotation("x", 1)]}, book="Notes.epub"))
    assert document.title == "Notes"

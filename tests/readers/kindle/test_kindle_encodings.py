"""A clippings file re-saved as UTF-16 without a byte order mark is recognised and read as it was."""

from __future__ import annotations

import pytest
from kindle_reading import CLIPPINGS, read_corpus, read_path

from excerpta import registry
from excerpta.adapters import InputProbe
from excerpta.readers.kindle.clippings import KindleClippingsReader


def _content(read) -> list[tuple[str, list[tuple[str, str, str | None]]]]:
    return [(d.id, [(h.id, h.text, h.note) for h in d.highlights]) for d in read.documents]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("name", ["eugeneware_en_note_before_highlight_crlf_bom.txt",
                                  "zicai_zh_cn_page_loc_12h.txt", "yakimka_multilang_11locales.txt"])
def test_a_utf16_file_without_a_byte_order_mark_is_recognised_and_read_the_same(tmp_path, name, encoding):
    # Named unlike the device's file: only its content can tell what it is.
    resaved = tmp_path / "kindle export.txt"
    resaved.write_bytes((CLIPPINGS / name).read_text(encoding="utf-8-sig").encode(encoding))
    assert registry.detect_reader(InputProbe.of(str(resaved))) is KindleClippingsReader
    read = read_path(resaved)
    assert read.problems == []
    assert _content(read) == _content(read_corpus(name))


def test_a_nul_here_and_there_does_not_make_a_utf8_file_utf16(tmp_path):
    original = (CLIPPINGS / "hadynz_simple.txt").read_bytes()
    damaged = tmp_path / "My Clippings.txt"
    damaged.write_bytes(original[:200] + b"\0" + original[200:])
    assert [(h.location, h.text.replace("\0", "")) for h in read_path(damaged).highlights()] == [
        (h.location, h.text) for h in read_corpus("hadynz_simple.txt").highlights()]


@pytest.mark.parametrize("name", ["fyodor_pt_br_crlf_bom.txt", "samueldg_bilingual_en_gb_es.txt",
                                  "katrinleinweber_de_um_uhr_NO_SEPARATORS.txt"])
def test_a_file_re_saved_as_windows_1252_reads_as_the_original(tmp_path, name):
    # Every accented letter is a byte that is not UTF-8 ("p\xe1gina 467 | posi\xe7\xe3o"), read as
    # Windows-1252: the same books, texts, places and dates (März, março) as the UTF-8 file.
    path = tmp_path / name
    text = (CLIPPINGS / name).read_text(encoding="utf-8").replace("\ufeff", "")  # "ANSI" has no BOM
    path.write_bytes(text.encode("cp1252"))

    def content(read) -> list[tuple[object, ...]]:
        return sorted((d.id, d.title, d.author, h.id, h.text, h.note, h.location, h.end_location, h.page,
                       h.highlighted_at) for d in read.documents for h in d.highlights)

    read = read_path(path)
    assert content(read) == content(read_corpus(name))
    [problem] = read.problems
    assert problem.reason.endswith("not UTF-8, read as Windows-1252 (the first is this line): "
                                   "re-save the file as UTF-8")

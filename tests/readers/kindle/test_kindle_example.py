"""``examples/My Clippings.txt``: the README quick start's input reads completely, in every language."""

from __future__ import annotations

import json

import pytest
from kindle_reading import read_path

from paths import EXAMPLES

EXAMPLE = EXAMPLES / "My Clippings.txt"


def test_example_reads_every_language_without_a_problem():
    read = read_path(EXAMPLE)
    assert read.problems == []
    assert [d.author for d in read.documents] == [
        "Thoreau, Henry David", "Austen, Jane", "Melville, Herman", "Kafka, Franz", "Proust, Marcel",
        "Cervantes Saavedra, Miguel de", "Alighieri, Dante", "Assis, Machado de", "Multatuli",
        "Толстой, Лев", "夏目漱石", "孔子"]
    assert len(read.highlights()) == 12


def test_example_shows_notes_attached_and_a_re_saved_highlight_replaced():
    read = read_path(EXAMPLE)
    notes = {d.title: d.highlights[0].note for d in read.documents if d.highlights[0].note}
    assert notes == {
        "Walden": "Read this again every autumn.",
        "Pride and Prejudice": "The most famous first line in English?\nCompare with Anna Karenina.",
        "Moby-Dick; or, The Whale": "Three words, and the whole voice of the book is there.",
        "论语": "温故而知新。",
    }
    [austen] = read.document("Pride and Prejudice").highlights
    assert austen.text.endswith("must be in want of a wife.")
    assert (austen.location, austen.end_location) == (5, 7)


def test_quick_start_command_converts_the_example_without_from(tmp_path, run_cli):
    out = tmp_path / "library.json"
    result = run_cli("convert", EXAMPLE, "--to", "json", "--out", out, "--timezone", "Europe/London")
    assert result.exit_code == 0, result.output
    documents = json.loads(out.read_text(encoding="utf-8"))["documents"]
    assert len(documents) == 12
    walden = next(d for d in documents if d["title"] == "Walden")
    assert walden["highlights"][0]["highlighted_at"] == "2009-10-31T21:25:00Z"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_a_clippings_file_re_saved_as_unicode_is_recognised_and_read_the_same(tmp_path, run_cli, encoding):
    # Notepad's and Excel's "Unicode" is UTF-16 with a byte order mark.
    text = EXAMPLE.read_text(encoding="utf-8-sig")
    resaved = tmp_path / "My Clippings.txt"
    resaved.write_bytes(("\ufeff" + text).encode(encoding))
    for source, out in ((EXAMPLE, tmp_path / "original.json"), (resaved, tmp_path / "resaved.json")):
        result = run_cli("convert", source, "--to", "json", "--out", out, "--timezone", "UTC")
        assert result.exit_code == 0, result.output
    assert (tmp_path / "resaved.json").read_text() == (tmp_path / "original.json").read_text()

"""The registry's auto-detection: the most sure reader wins, and one reader failing to
recognise an input never stops the others."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from excerpta import registry
from excerpta.adapters import InputProbe, Reader

from paths import CORPUS

CLIPPINGS = CORPUS / "kindle_clippings" / "eugeneware_en_note_before_highlight_crlf_bom.txt"


@pytest.fixture
def broken_plugin() -> Iterator[type[Reader]]:
    """A reader (as a third-party plugin might ship one) whose recognize always raises;
    registered while the test runs."""

    class BrokenReader(Reader):
        name = "test-broken-recognizer"

        @classmethod
        def recognize(cls, probe: InputProbe) -> int:
            raise RuntimeError("bug in a plugin")

    yield BrokenReader
    registry._READERS.pop(BrokenReader.name)


def test_a_reader_whose_recognize_raises_is_taken_as_not_recognising(broken_plugin, caplog):
    assert broken_plugin.name in registry.readers()
    with caplog.at_level(logging.DEBUG, logger="excerpta.registry"):
        assert registry.detect_reader(InputProbe.of(str(CLIPPINGS))).name == "kindle"
    assert f"reader {broken_plugin.name} failed to recognise it" in caplog.text


def test_a_clippings_file_with_cr_only_line_endings_is_detected_as_kindle(tmp_path, run_cli):
    # Readwise CSV's recogniser used to crash on the lone CRs (csv: "new-line character seen").
    resaved = tmp_path / "My Clippings.txt"
    resaved.write_bytes(CLIPPINGS.read_bytes().replace(b"\r\n", b"\r").replace(b"\n", b"\r"))
    assert registry.detect_reader(InputProbe.of(str(resaved))).name == "kindle"
    result = run_cli("convert", resaved, "--to", "json", "--out", tmp_path / "o.json", "--timezone", "UTC")
    assert result.exit_code == 0, result.output


def test_the_readers_with_a_folder_mode_are_those_saying_which_files_of_a_folder_they_read():
    assert sorted(name for name, cls in registry.readers().items() if registry.reads_folders(cls)) == [
        "apple-books", "hypothesis", "kindle", "kindle-html", "koreader", "moonreader", "pocketbook",
        "pocketbook-html", "readwise-json", "readwise-md"]

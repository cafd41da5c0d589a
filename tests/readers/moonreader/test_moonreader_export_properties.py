"""Properties of the ``.mrexpt`` reader: any bytes after a header are reported, never a crash;
records made from any text, note and position read back to them."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from moonreader_exports import HEADER, export_text, walden, write_export

from excerpta.adapters import ReadState
from excerpta.errors import InputError
from excerpta.readers.moonreader import MoonReaderExportReader

# Any text a highlight may hold but NUL (a damaged row, skipped) and a literal "<BR>" (Moon+
# reads every <BR> back as a newline: it cannot be told from one); "#" lines and line breaks
# of every kind included.
_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40) \
    .filter(lambda text: "<BR>" not in text)
_LINE_TEXT = st.one_of(_TEXT, st.sampled_from(["#", "##", "#\n#", " # ", "*DELETED*", "\r\n", "\u2028x"]))


def _read(path):
    state = ReadState()
    return list(MoonReaderExportReader().read(str(path), state)), state


@settings(max_examples=150, deadline=None)
@given(tail=st.binary(max_size=3000), bom=st.sampled_from([b"", b"\xef\xbb\xbf"]))
def test_any_bytes_after_a_header_are_read_or_reported_never_a_crash(tail, bom):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.mrexpt"
        path.write_bytes(bom + HEADER.encode() + tail)
        message = ""
        try:
            _read(path)
        except InputError as err:  # only a file re-told as UTF-16 by its NULs loses its header
            message = str(err)
    assert not message or (message.startswith(str(path)) and "\n" not in message)


@settings(max_examples=100, deadline=None)
@given(entries=st.lists(st.tuples(_LINE_TEXT, _LINE_TEXT, st.integers(0, 50), st.integers(0, 3),
                                  st.integers(0, 10**6)), min_size=1, max_size=6,
                        unique_by=lambda entry: (entry[2], entry[3], entry[4])))
def test_records_read_back_to_their_text_note_and_position(entries):
    rows = [walden(original=text, note=note, lastChapter=chapter, lastSplitIndex=split, lastPosition=position)
            for text, note, chapter, split, position in entries]
    with tempfile.TemporaryDirectory() as folder:
        documents, state = _read(write_export(Path(folder) / "x.mrexpt", export_text(rows)))
    # What the backup's mapping makes of each row: text and note stripped, a row of neither
    # skipped (and reported), the rest in reading order (chapter, part, offset).
    expected = sorted(((chapter, split, position), text.strip(), note.strip() or None)
                      for text, note, chapter, split, position in entries if text.strip() or note.strip())
    read_back = [(h.text, h.note) for d in documents for h in d.highlights]
    assert read_back == [(text, note) for _, text, note in expected]
    assert len(state.problems) == len(entries) - len(expected)

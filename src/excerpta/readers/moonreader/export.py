"""Reader ``moonreader-export``: the ``.mrexpt`` file Moon+ Reader (Android) writes for one book's
highlights (its highlights list → Share → *Export to file*), or a folder of them.

What is read
    The rows of the book's ``notes`` table the file holds (:mod:`.export_format`), read by the
    backup reader's own mapping (:func:`~.books.documents_of_rows`, :mod:`.records`): the same
    Document id (from the book file's name) and the same highlight ids (its position and text)
    as ``moonreader`` gives the same rows in a backup, so reading both never duplicates a
    highlight. Text, note, colour, date and reading order as there; bookmarks left out unless
    ``--moonreader-bookmarks``. The title is the ``book`` column of its rows (the file holds no
    ``books`` table: a title edited on the shelf, and the author, come from a backup only; the
    library keeps an author it holds).

Two books whose files share a name: a backup tells them apart (:mod:`.books`: their ids
come from their whole paths where a name is shared), an export cannot, as it holds one
book's rows and its id must be the one a backup gives while the name is unique. So two
exports of different books whose files have one name (``Download/book.epub``,
``Books/Other/book.epub``) give one Document id: read into one output or library, their
highlights are filed under one book. Read such exports apart (separate outputs), or read
the backup.

What is not
    Records marked ``*DELETED*`` (deletions Moon+ passes on when it syncs): left out, never
    taken as the deletion of a highlight (Moon+'s own import deletes the book's note written at
    that ``time``; a library keeps what it holds). A record cut short, with more than 16
    values, or with a line over the limit is reported (file, line, why) and skipped, the rest
    read (exit 1); a file cut short in its last record is a source cut short
    (:attr:`~excerpta.read_state.ReadState.cut_short`). A file without the header is an
    InputError naming it (exit 2).

Encoding: Moon+ writes UTF-8 without a byte order mark, lines ended by ``\\n``; a BOM, ``\\r\\n``
ends and a file re-saved as UTF-16 (told as every text reader tells it,
:func:`~excerpta.wide_text.encoding_of`) are read too. Bytes that are not UTF-8 are reported
per value, as the backup reports them.

Verified from public code (read for facts, none copied):

* header, records, ``<BR>``, ``*DELETED*``: Moon+'s decompiled ``com.flyersoft.books.BookDb``
  (``exportNotesToText``: the book file's ``File.length()``, ``"indent:" + A.indentParagraph``,
  ``"trim:" + A.trimBlankSpace``, then per row ``#`` and every column of ``SELECT * FROM notes
  WHERE lowerFilename=?`` with ``\\n`` replaced by ``<BR>``; its second ``exportNotesToText``
  writes a deleted note as 16 values: ``0``, ``time`` at 10, an empty ``bookmark``,
  ``*DELETED*`` as ``bak``; ``importNotesFromText`` reads 16 values after each ``#``, ``<BR>``
  back to ``\\n`` in every value, and deletes by ``time`` for ``*DELETED*``), and the smali of
  ``com.flyersoft.moonreaderp.PrefChapters$20`` (the menu: ``.mrexpt``, ``exportNotesToFile``;
  a PDF's notes are not exported this way: "For Pdf document, please open it …");
* UTF-8 without BOM: ``T.saveFileText`` writes with ``FileWriter`` (the platform charset: UTF-8
  on Android), ``T.getFileText`` reads ``"UTF-8"``;
* the 16 values' order and meaning, ``indent:true``/``trim:false`` headers, ``#``/``##`` and
  ``#meaningful<BR><BR>…`` notes as values, bookmark rows (``(4.4%) …`` as ``bookmark``, the
  file's name as ``book``): two real exports in ``AB1908/obsidian-moon-reader``'s test data
  (``src/test/json/…/mrexpt.json``, ``parseMrexptContents…input….json``), and the parsers of
  ``lockcp/mrexpt2html`` (``mrexpt2html.py``: fields 5, 7, 12, 13) and of that plugin
  (``src/parseMrexptContents.ts``), which agree.

Not verified: what a PDF's export holds (Moon+ writes another text for PDFs, not read: such a
file lacks the header and is refused); whether Moon+ ever writes ``*DELETED*`` records into a
``.mrexpt`` (the export path writes none; the sync path does); whether other Moon+ versions
write more columns (a record of more than 16 values is reported, not guessed at).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import TextIO

from excerpta.adapters import InputProbe, Reader, ReadState
from excerpta.errors import InputError, InputIOError
from excerpta.input_files import input_file
from excerpta.model import Document
from excerpta.readers.moonreader.books import documents_of_rows
from excerpta.readers.moonreader.export_format import (
    HEADER_LINES,
    BadRecord,
    header_problem,
    iter_lines,
    iter_records,
)
from excerpta.readers.moonreader.options import (
    DOCUMENT_UNKNOWN_WHEN_EMPTY,
    UNKNOWN_WHEN_EMPTY,
    MoonReaderOptions,
)
from excerpta.readers.moonreader.records import NoteRow
from excerpta.wide_text import NUL_SAMPLE_BYTES, encoding_of

log = logging.getLogger(__name__)
SUFFIX = ".mrexpt"
EXPECTED = "expected the .mrexpt file Moon+ Reader exports a book's highlights to"


class MoonReaderExportReader(Reader):
    """Reads a Moon+ Reader ``.mrexpt`` highlight export; see the module docstring."""

    name = "moonreader-export"
    description = ("Moon+ Reader (Android) highlight export .mrexpt, one book's (Share → Export to "
                   "file): notes, colours, dates; the same ids as its backup")
    options_model = MoonReaderOptions
    options: MoonReaderOptions
    self_contained = True
    unknown_when_empty = UNKNOWN_WHEN_EMPTY
    document_unknown_when_empty = DOCUMENT_UNKNOWN_WHEN_EMPTY

    @classmethod
    def recognize(cls, probe: InputProbe) -> int:
        if probe.path is None or probe.is_dir:
            return 0
        lines = [line.removesuffix("\r") for line in probe.text_head.split("\n", HEADER_LINES)]
        if header_problem(lines[:HEADER_LINES]) is None:
            return 95
        # Named as Moon+ names it, but not its header (a PDF's notes, a damaged file): read,
        # to be refused with the reason rather than left unrecognised.
        return 10 if probe.suffix == SUFFIX else 0

    def read(self, source: str, state: ReadState) -> Iterator[Document]:
        path = input_file(source)
        try:
            handle = _opened(path)
        except OSError as err:
            raise InputError(f"{source}: cannot be read ({err.strerror or err})") from None
        with handle:
            try:
                yield from read_export(handle, source, state,
                                       keep_bookmarks=self.options.moonreader_bookmarks)
            except OSError as err:  # the machine failed partway: no fault of the file
                raise InputIOError(f"{source}: could not be read ({err.strerror or err}); "
                                   "reading it again may succeed") from None


def read_export(handle: TextIO, source: str, state: ReadState, *,
                keep_bookmarks: bool) -> Iterator[Document]:
    """The book(s) of the export ``handle`` (opened by :func:`_opened`); records that give no
    highlight reported to ``state`` under ``source``. Raises InputError if it has no header.
    Holds one file's rows (one book's, as Moon+ writes them) until its end: its highlights are
    ranked in reading order, as the backup ranks them."""
    lines = iter_lines(handle)
    head = list(islice(lines, HEADER_LINES))
    texts = [text for text, _ in head]
    if texts:
        texts[0] = texts[0].lstrip("\ufeff")
    problem = "a line too long" if any(cut for _, cut in head) else header_problem(texts)
    if problem is not None:
        raise InputError(f"{source}: not a Moon+ Reader highlight export ({problem}); {EXPECTED}")
    rows: list[NoteRow] = []
    deletions = 0
    for record in iter_records(lines, HEADER_LINES + 1):
        if isinstance(record, BadRecord):
            state.report(source, f"line {record.line}", record.reason)
            state.cut_short = state.cut_short or record.at_end
        elif record.deleted:
            deletions += 1
        else:
            rows.append(record.row)
    if deletions:
        # Said without -v where they are all the file holds: it gives nothing, and says why.
        log.log(logging.INFO if rows else logging.WARNING, "%s: left out %d record(s) marked "
                "*DELETED* (deletions Moon+ passes on; nothing is deleted)", source, deletions)
    # In the file's order, the rowid order Moon+ writes them in: as the backup reads them.
    yield from documents_of_rows(rows, source, state, keep_bookmarks=keep_bookmarks)


def _opened(path: Path) -> TextIO:
    """``path`` opened for :func:`~.export_format.iter_lines`: in the encoding its first bytes
    say, UTF-8's bad bytes kept as surrogate escapes (reported per value), a wide encoding's
    replaced (that codec cannot escape them)."""
    with path.open("rb") as handle:
        encoding = encoding_of(handle.read(NUL_SAMPLE_BYTES))
    errors = "surrogateescape" if encoding == "utf-8" else "replace"
    return path.open("r", encoding=encoding, errors=errors, newline="\n")

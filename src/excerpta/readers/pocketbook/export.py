"""Reader ``pocketbook-html``: the notes export of a PocketBook e-reader (the Notes app, *Export
notes*), one HTML file per book in the ``Notes`` folder of the device's drive; or that folder.

What is read
    The book's title (its heading without the export's date: ``2024-05-02 18:31:07 - Walden``
    is ``Walden``; the ``<title>`` where there is no heading) and author; each note's passage,
    the note typed on it, its page and colour, and the device's UUID for it
    (``external_ids["pocketbook"]``). The parts are found by :mod:`.export_parser`; the
    Document and its ids are made by :mod:`.documents`, as the ``pocketbook`` reader makes
    them from the device's database: the same notes get the same ids from both, and from every
    export of one book (the device names a second export of a book ``Walden (1).html``; ids
    never depend on a file's name). Bookmarks are left out unless ``--pocketbook-bookmarks``;
    snapshots of a page region (an image, no passage) are left out (the model holds no image).

What is not
    Dates: the export has none but the one it was made (in its heading), which is no note's.
    Chapters: the export names none.

A file is recognised by its generator (``PocketBook Bookmarks Export``), or by the classes of
its note blocks where that line is missing. An entry without passage or note, or cut short by
the end of the file, is reported with its line and skipped; one without a page is read without
one and reported (read in part). A file that is no export (no generator, no note block) or
has no book title is an InputError naming it; in a folder, that file's problem is reported
and the other exports read. The file is UTF-8 as the device writes it (UTF-16 once re-saved);
bytes that are not are read as the ``kindle-html`` reader reads them, and reported.

Verified from public code (read for facts, none copied): the generator line and the block,
part and colour classes (papis-extract's PocketBook extractor, a PocketBook Cloud export
parser's tests); the heading's ``date - title`` and the author's ``<span>`` in the first two
blocks (``trieloff/pocketbook-readwise`` ``pocketbook_sync.py``, a Rust ``PocketBookNotesExport``
parser); ``Bookmark`` as a bookmark's passage, UUIDs as ids and ``bm-color-note`` (comments
quoting real exports); ``cian``/``magenta`` colours (``PocketBook_note_extractor``'s README);
the bare page number and its "page #" words from the style sheet (a converter that copies the
export's CSS). Not verified (no real export at hand): the date's format in other languages,
whether a multi-author book lists its authors in one ``<span>``, what an export of a PDF's
notes holds, and whether the entries' UUIDs are the database's ``HashUUID``.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from excerpta.adapters import InputProbe, Reader, ReadState
from excerpta.errors import InputError
from excerpta.input_files import input_file
from excerpta.model import Document
from excerpta.readers import html_exports
from excerpta.readers.pocketbook.colours import colour_of_classes
from excerpta.readers.pocketbook.documents import Mark, book_document, tell
from excerpta.readers.pocketbook.export_parser import (
    GENERATOR,
    Block,
    ExportParser,
    squash,
)
from excerpta.readers.pocketbook.options import (
    DOCUMENT_UNKNOWN_WHEN_EMPTY,
    UNKNOWN_WHEN_EMPTY,
    PocketBookOptions,
)
from excerpta.readers.pocketbook.positions import page_range

log = logging.getLogger(__name__)
MAX_EXPORT_BYTES = 100 * 2**20  # a book's notes are kilobytes; a file far larger is no export
BOOKMARK_TEXT = "Bookmark"  # what the device writes as a bookmark's passage, in every language
SNAPSHOT_TEXT = "Snapshot"
# "2024-05-02 18:31:07 - " (or 02.05.2024 18:31): the export's date before the title.
_DATED = re.compile(r"\d{1,4}[-./]\d{1,2}[-./]\d{1,4}[ T]\d{1,2}:\d{2}(?::\d{2})?\s+-\s+(?=\S)")
_UUID = re.compile(r"[0-9A-Za-z{}-]{1,64}")
_MARKERS = ('"bm-text"', '"bm-page"', "bookmark")  # an export's classes, where its generator is missing


class PocketBookExportReader(Reader):
    """Reads a PocketBook notes export; see the module docstring."""

    name = "pocketbook-html"
    description = ("PocketBook notes export (Notes → Export notes: the HTML files of the device's "
                   "Notes folder): title, author, pages, colours, notes; the same ids as its database")
    self_contained = True
    options_model = PocketBookOptions
    options: PocketBookOptions
    unknown_when_empty = UNKNOWN_WHEN_EMPTY
    document_unknown_when_empty = DOCUMENT_UNKNOWN_WHEN_EMPTY

    @classmethod
    def recognize(cls, probe: InputProbe) -> int:
        if probe.path is None:
            return 0
        if probe.is_dir:
            # One above kindle-html's: a folder of both is read by this reader's folder mode,
            # which leaves the Kindle exports in it to kindle-html, file by file.
            return 66 if next(exports_in(probe.path), None) is not None else 0
        return export_score(probe.text_head)

    @classmethod
    def reads_in_folder(cls, folder: Path, probe: InputProbe) -> bool:
        # The exports directly in it; any other file is another reader's to recognise.
        return (probe.path is not None and probe.path.parent == folder
                and html_exports.is_html_name(probe.path) and export_score(probe.text_head) > 0)

    def read(self, source: str, state: ReadState) -> Iterator[Document]:
        folder = Path(source).expanduser()
        if not folder.is_dir():
            yield from self.read_export(input_file(source), source, state)
            return
        found = False
        for path in html_exports.html_files(folder):
            try:  # one export that cannot be read never loses the others
                if not export_score(InputProbe.of(str(path)).text_head):
                    continue
                found = True
                yield from self.read_export(path, str(path), state)
            except InputError as err:
                state.report(str(path), None, str(err).removeprefix(f"{path}: "))
            except OSError as err:
                found = True
                state.report(str(path), None, f"cannot be read: {err.strerror or err}")
        if not found:
            raise InputError(f"{source}: no PocketBook notes export (.html) in this folder")

    def read_export(self, path: Path, source: str, state: ReadState) -> Iterator[Document]:
        """The book of the export ``path`` (named ``source`` in problems); see the module
        docstring. Raises InputError for a file that is no export or names no book."""
        size = path.stat().st_size
        if size > MAX_EXPORT_BYTES:
            raise InputError(f"{source}: {size / 2**20:.0f} MB is far more than a PocketBook notes export "
                             f"holds (at most {MAX_EXPORT_BYTES // 2**20} MB read); is it the right file?")
        parser = _parsed(path, source, state)
        notes = [block for block in parser.blocks if block.is_note]
        if GENERATOR not in (parser.generator or "") and not notes:
            raise InputError(f"{source}: not a PocketBook notes export (no '{GENERATOR}' generator "
                             "and no note in it)")
        title = _title(parser)
        if not title:
            raise InputError(f"{source}: a PocketBook notes export without the book's title "
                             "(no heading and no <title>)")
        if parser.cut_short:
            log.warning("%s: ends before </body></html>: the file looks cut short", source)
        if parser.too_deep is not None:
            log.warning("%s:%d: elements nested more than %d deep (no export does that); their text "
                        "is read, their structure not", source, parser.too_deep,
                        html_exports.MAX_OPEN_ELEMENTS)
        tally: Counter[str] = Counter()
        marks = [mark for block in notes if (mark := _mark(block, source, state, tally)) is not None]
        document = book_document(title, _author(parser.blocks), marks, state,
                                 keep_bookmarks=self.options.pocketbook_bookmarks, tally=tally)
        tell(source, tally, ("bookmark", "snapshot"), given=document is not None,
             keep_bookmarks=self.options.pocketbook_bookmarks)
        if document is not None:
            yield document


def _parsed(path: Path, source: str, state: ReadState) -> ExportParser:
    # Bytes that are not UTF-8 read as the kindle-html reader reads them, and reported.
    parser = ExportParser()
    html_exports.parse_export(parser, path, source)(state)
    return parser


def _title(parser: ExportParser) -> str:
    # The heading's title, else the <title>'s, without the export's date before it.
    for text in (*parser.headings, squash("".join(parser.title))):
        dated = _DATED.match(text)
        title = text[dated.end():] if dated else text
        if title.strip():
            return title.strip()
    return ""


def _author(blocks: list[Block]) -> str | None:
    # The text of the book's blocks (those before the first note's) outside their heading.
    for block in blocks:
        if block.is_note:
            return None
        if author := squash("".join(block.loose)):
            return author
    return None


def _mark(block: Block, source: str, state: ReadState, tally: Counter[str]) -> Mark | None:
    """The Mark of a note's block; None for one reported and skipped or left out (counted)."""
    text, note = block.text_of("bm-text"), block.text_of("bm-note") or None
    if block.cut_short:
        state.report(source, block.line, "an entry cut short by the end of the file (its text is incomplete)")
        return None
    if "bm-image" in block.parts and text in ("", SNAPSHOT_TEXT):
        tally["snapshot"] += 1
        return None
    if not text and not note:
        state.report(source, block.line, "an entry without passage or note (was its text deleted?)")
        return None
    left_out: frozenset[str] = frozenset()
    page_text = squash("".join(block.parts.get("bm-page", [])))
    pages = page_range(page_text) if page_text else None
    if pages is None and (text != BOOKMARK_TEXT or note):  # a bare bookmark is nothing to report
        said = f"page {page_text[:40]!r} is no page number" if page_text else "no page"
        state.report(source, block.line, f"{said}: read without one", kept=True)
        left_out = frozenset({"location", "location_type", "end_location"})
    uuid = block.ident if block.ident and _UUID.fullmatch(block.ident) else None
    return Mark("bookmark" if text == BOOKMARK_TEXT else "highlight", text, note,
                pages[0] if pages else None, pages[1] if pages else None,
                colour_of_classes(block.classes), uuid=uuid, left_out=left_out)




def export_score(head: str) -> int:
    """How sure it is that a file starting with ``head`` is an export: 95 with the generator
    line, 70 with the note blocks' classes alone, else 0."""
    if GENERATOR in head:
        return 95
    return 70 if all(marker in head for marker in _MARKERS) else 0


def exports_in(folder: Path) -> Iterator[Path]:
    """The exports (``.html``/``.htm`` files that look like one) directly in ``folder``, by
    name; one that cannot be read is left out (reading the folder reports it)."""
    yield from html_exports.exports_in(folder, export_score)

"""Reader ``play-books``: Google Play Books notes, the Google Doc Play Books keeps per book in the
Drive folder "Play Books Notes" (with "Save notes, highlights and bookmarks in Google Drive"
on), as Drive downloads it: "Web page (.html, zipped)" (the zip, or the page once unzipped)
or "Microsoft Word (.docx)". A folder of them is read by the folder inputs' machinery (each
file by the reader that recognises it: :mod:`excerpta.folder_inputs`).

What is read
    One Document per notes document (see :mod:`.book`): the book's title, author (none where
    Play Books writes ``Unknown``), ``source`` ``playbooks``, its Play Books id as
    ``external_ids["playbooks"]``; one Highlight per annotation row (:mod:`.rows`): the
    passage, the note written on it, its colour named by hue as Moon+ Reader's are
    (``yellow``, ``green``, ``blue``, ``red``…; :mod:`excerpta.readers.moonreader.colours`), the
    chapter (the headings above it), the page (``location``, type ``page``; a roman numeral
    kept as text), the link opening the book there (``url``), and the day it was made
    (:mod:`.dates`: midnight starting that day in ``--timezone``, else this machine's zone, as
    the document gives no time).

What is not
    The publisher, the cover image, the document's "last synced" day and its counts; bookmarks
    (no document seen holds one). A highlight deleted in Play Books is gone from the next
    download: a ``--state`` library keeps its copy.

Verified from public documents and code (read for facts, none copied):

* real English documents: ``t27/highlights-convert`` (``raw/Play Books Notes/*.html``, 2016
  documents its author converted from the Word download with pandoc: the header table, the
  banner, ``59 notes/highlights``, chapter headings, rows of swatch, passage and day, page;
  days as ``March 2, 2016``); ``Otter-man/anki-cards-generator-for-play-books-notes``
  (``tests/test_parser_files/test_note*.html``, 2020 documents as Drive's API exports them:
  inline styles, the passage alone on ``#fde096``, ``#c5e1a5``, ``#93e3ed`` or ``#ffb8a1``,
  links through Google's redirect to ``play.google.com/books/reader?…&id=…&pg=GBS.PA9…``, an
  author ``Unknown``);
* parsers: ``Stvad/google_books_highlight_extractor`` (``export_books.py``: the Web page
  download's ``images/imageN.png`` swatches, cells of ``rowspan``/``colspan`` 1, a note between
  blank paragraphs, days ``%B %d, %Y``); ``amagee/google-books-highlights-export``
  (``google_books_highlights_export/notes.py``: a wrapping table per highlight);
  ``briancherin/Google-Play-Books-Highlights-Quiz`` (``src/api/gdriveNotesHelper.js``: the note
  the third of five paragraphs, the day the last); Otter-man's ``mnemocards/notegrabber.py``
  (the Word download: highlight, note, day and page as ``w:t`` text, the colour's hex in the
  table); and two parsers the code search found without naming their repository: one reading
  ``Annotations by color`` before ``All your annotations``, one (Japanese) saying later
  documents list each highlight twice, that the passage alone has a background colour, that
  the Word download keeps links in its relationships, with Japanese and Italian banners and a
  Japanese day in its tests.

Not verified: documents in other languages than English (the Japanese day ``2024年5月1日`` and
the Japanese and Italian banners are from that parser's tests, not a document), how a bookmark
or a highlight whose text the publisher hides is written, a note of several lines, and the Word
download's exact markup (read by WordprocessingML's rules: no public Word download was
readable as text).

Failures: an input that is no notes document (no title in a table at its top, or neither the
banner nor a link into Play Books), a damaged or encrypted zip, a Word file whose XML is not
well-formed, a part over :data:`~.files.MAX_NOTES_BYTES`: an InputError naming it, one line
(exit 2). A row that gives no highlight is reported with its number and skipped, the others
read (exit 1).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from excerpta.adapters import AdapterOptions, InputProbe, Reader, ReadState, fields_but
from excerpta.errors import InputError
from excerpta.input_files import input_file
from excerpta.model import Document, Highlight
from excerpta.readers.play_books.blocks import MAX_TABLE_DEPTH
from excerpta.readers.play_books.book import book_of
from excerpta.readers.play_books.files import ZIP_SUFFIXES, looks_like_notes, notes_documents
from excerpta.readers.play_books.layout import Layout, read_layout
from excerpta.zones import DeviceZone, zone_named

log = logging.getLogger(__name__)

__all__ = ["PlayBooksOptions", "PlayBooksReader"]


class PlayBooksOptions(AdapterOptions):
    """Options of the ``play-books`` reader."""

    timezone: DeviceZone = None


class PlayBooksReader(Reader):
    """Reads a Google Play Books notes document; see the module docstring."""

    name = "play-books"
    description = ("Google Play Books notes (the Drive 'Play Books Notes' doc downloaded as .docx or "
                   "zipped .html): titles, authors, chapters, colours, pages, notes, dates")
    options_model = PlayBooksOptions
    options: PlayBooksOptions
    self_contained = True
    # The document is rewritten whole at every sync, so what it says replaces the library's;
    # a field one row does not say is left out of that highlight alone (ReadState.leave_out).
    unknown_when_empty = fields_but(Highlight, "text", "note", "location", "location_type",
                                    "end_location", "chapter", "color", "highlighted_at", "url")
    document_unknown_when_empty = fields_but(Document, "title", "author", "category", "source")
    binary_suffixes = ZIP_SUFFIXES

    @classmethod
    def recognize(cls, probe: InputProbe) -> int:
        if not looks_like_notes(probe):
            return 0
        return 95 if probe.head.startswith(b"PK") else 90

    def read(self, source: str, state: ReadState) -> Iterator[Document]:
        path = input_file(source)
        zone = zone_named(self.options.timezone) if self.options.timezone else None
        others: list[str] = []  # pages of a zip archive that are no notes document
        found = False
        for notes in notes_documents(path, source):
            named = f"{source} ({notes.member})" if notes.member else source
            if notes.too_deep:
                log.warning("%s: tables nested more than %d deep (no notes document does that); their "
                            "text is read, their rows not", named, MAX_TABLE_DEPTH)
            layout = read_layout(notes.blocks)
            if layout.title is None or not layout.marked:
                if notes.member is None:
                    raise InputError(_not_notes(named, layout))
                others.append(notes.member)
                continue
            found = True
            document = book_of(layout, source, state, zone=zone, image=notes.image,
                               where=f"{notes.member}, " if notes.member else "")
            if document is not None:
                yield document
        if others and not found:
            raise InputError(f"{source}: no Google Play Books notes document among its pages "
                             f"({', '.join(others)})")
        if others:
            log.warning("%s: %d page(s) that are no Play Books notes document left out: %s", source,
                        len(others), ", ".join(others))

def _not_notes(named: str, layout: Layout) -> str:
    """Why the document ``named`` is refused as no Play Books notes document."""
    why = ("no book title (expected a heading in a table at its top)" if layout.title is None
           else "neither Play Books' banner nor a link into Play Books in it")
    return (f"{named}: not a Google Play Books notes document: {why}; give the document of Drive's "
            "'Play Books Notes' folder, downloaded as .docx or as a zipped Web page")

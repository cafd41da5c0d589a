"""Reader ``kindle-html``: the Kindle apps' "Export notebook" HTML (one book per file; given a
folder, every export directly in it, each file's problems reported on their own: one that
cannot be read is a problem, and the HTML files that are no export are named in one warning).

The file is parsed into fields and entries by :mod:`.notebook_parser`.

A heading reads ``Highlight (<span class="highlight_yellow">yellow</span>) - Chapter > Page 4 ·
Location 274``; the span's class suffix is the colour (``annotation_<colour>`` in newer apps), the
chapter path is optional, and page (possibly roman) and location are each optional. A
highlight's ``chapter`` is the ``sectionHeading`` above it followed by the heading's path
(``Week 1: Recovering a Sense of Safety > Shadow Artists``), either one alone where the other
is missing; its ``page`` is kept beside its location. A ``Note`` entry that follows a highlight
of its section (after that highlight's other notes and any bookmarks) is that highlight's note
when its location is at or after the highlight's start, not past the next highlight's start
(two highlights may start in one location), and within the reach of the highlight's text (the
notebook shows only a highlight's start; its note sits at its end: see :mod:`.notebook_notes`, by the
characters' script); any other note is kept as a highlight of its own with empty ``text`` (one
of no text is dropped). Bookmarks (heading only) are dropped unless ``kindle_bookmarks`` is set.
The export has no timestamps.

A heading is read by :mod:`.notebook_headings`, in English or Japanese wording or, in a
language whose words it does not know, by its shape; one warning per file says how many entries
were read so. The file is UTF-8 (UTF-16 once re-saved, with or without a byte order mark); bytes
that are not are read as U+FFFD and reported, as in ``My Clippings.txt``. An entry whose heading
cannot be read, or that the end of a file cut short, a highlight without text, and text with no
heading of its own (its heading deleted: see :mod:`.notebook_parser`) are reported with their line
and skipped; a highlight or note whose heading has neither page nor location is read without one
and reported as read in part. A file whose every entry was skipped gives no document (nothing of
it was read, so the run refuses it rather than replace the book's highlights with none); one with
a title and no entry at all gives the book with no highlights.

Ids follow the ``kindle`` reader's scheme, so the same book exported both ways agrees.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

from pydantic import Field

from excerpta.adapters import AdapterOptions, InputProbe, Reader, ReadState, fields_but
from excerpta.errors import InputError
from excerpta.identity import document_id, highlight_id
from excerpta.input_files import input_file
from excerpta.model import Category, Document, Highlight, LocationType
from excerpta.readers.html_exports import (
    MAX_OPEN_ELEMENTS,
    exports_in,
    html_files,
    is_html_name,
    parse_export,
)
from excerpta.readers.kindle.notebook_headings import Heading, HeadingError, parse_heading
from excerpta.readers.kindle.notebook_notes import following_starts, reach
from excerpta.readers.kindle.notebook_parser import (
    Entry,
    NotebookParser,
    body_text,
    squash,
)

log = logging.getLogger(__name__)

__all__ = ["MAX_EXPORT_BYTES", "KindleNotebookOptions", "KindleNotebookReader", "notebooks_in", "reach"]

# The largest exports seen are a few MB (thousands of highlights); a file far larger is not one.
MAX_EXPORT_BYTES = 100 * 2**20


class KindleNotebookOptions(AdapterOptions):
    """Options of the ``kindle-html`` reader."""

    kindle_bookmarks: bool = Field(
        default=False,
        description="keep Kindle bookmarks as empty highlights (dropped by default)",
        json_schema_extra={"cli": "kindle-bookmarks"},
    )


class KindleNotebookReader(Reader):
    """Reads a Kindle app notebook export; see the module docstring."""

    name = "kindle-html"
    self_contained = True
    description = ("Kindle app 'Export notebook' HTML (title, authors, chapters, colours, "
                   "page/location, notes)")
    resaves = True  # its id comes from the final text, the clippings' from the first copy's
    options_model = KindleNotebookOptions
    options: KindleNotebookOptions
    # Besides what it never carries (dates, ranges, tags: what My Clippings.txt or a Readwise CSV
    # adds for the same ids), an entry without a page, colour or note says nothing of them: the
    # clippings of the same highlight may have them, read before or after. See Reader.
    unknown_when_empty = fields_but(Highlight, "text", "location", "location_type")
    document_unknown_when_empty = fields_but(Document, "title", "author", "category", "source")

    @classmethod
    def recognize(cls, probe: InputProbe) -> int:
        if probe.is_dir and probe.path is not None:
            return 65 if next(notebooks_in(probe.path), None) is not None else 0
        if probe.path is None:
            return 0
        return 90 if _is_notebook(probe.text_head) else 0

    @classmethod
    def reads_in_folder(cls, folder: Path, probe: InputProbe) -> bool:
        # Every HTML file directly in it: an export is read, any other named in a warning.
        return probe.path is not None and probe.path.parent == folder and is_html_name(probe.path)

    def read(self, source: str, state: ReadState) -> Iterator[Document]:
        folder = Path(source).expanduser()
        if not folder.is_dir():
            yield from self._read_file(input_file(source), source, state)
            return
        # A folder of exports (one per book): one that cannot be read never loses the others.
        found = False
        others: list[str] = []  # HTML that is no export: a folder may hold other pages
        for path in html_files(folder):
            try:
                if not _is_notebook(InputProbe.of(str(path)).text_head):
                    others.append(path.name)
                    continue
                found = True
                yield from self._read_file(path, str(path), state)
            except InputError as err:
                state.report(str(path), None, str(err).removeprefix(f"{path}: "))
            except OSError as err:  # maybe an export: said, and the run is partial
                found = True
                state.report(str(path), None, f"cannot be read: {err.strerror or err}")
        if others:
            log.warning("%s: %d HTML file(s) that are not Kindle notebook exports were left out: %s",
                        source, len(others), ", ".join(others))
        if not found:
            raise InputError(f"{source}: no Kindle notebook export (.html) in this folder")

    def _read_file(self, path: Path, source: str, state: ReadState) -> Iterator[Document]:
        options = self.options
        size = path.stat().st_size
        if size > MAX_EXPORT_BYTES:
            raise InputError(f"{source}: {size / 2**20:.0f} MB is far more than a Kindle notebook export "
                             f"holds (at most {MAX_EXPORT_BYTES // 2**20} MB read); is it the right file?")
        parser = NotebookParser()
        report_bytes = parse_export(parser, path, source)
        title = " ".join(t for t in parser.fields["bookTitle"] if t)
        if not title:
            raise InputError(f"{source}: not a Kindle notebook export (no bookTitle element)")
        report_bytes(state)
        author = "; ".join(a for a in parser.fields["authors"] if a) or None
        doc_id = document_id(title, author)
        if parser.cut_short:
            log.warning("%s: ends before </body></html>: the file looks cut short", source)
        if parser.too_deep is not None:
            log.warning("%s:%d: elements nested more than %d deep (no export does that); their text "
                        "is read, their structure not", source, parser.too_deep, MAX_OPEN_ELEMENTS)
        entries = list(_headed(parser.entries, source, state))
        next_starts = following_starts(entries)
        highlights: list[Highlight] = []
        # The last highlight, its section, and the last location its note can be at.
        previous: tuple[Highlight, str | None, int] | None = None
        by_shape = 0
        for number, (entry, heading, text) in enumerate(entries):
            if heading is None:  # reported: it breaks the run of a highlight and its notes
                previous = None
                continue
            kind, location, location_type = heading.kind, heading.location, heading.location_type
            chapter = _chapter(entry.section, heading.path)
            by_shape += heading.by_shape
            if kind == "note" and not text:
                continue  # says nothing, as in My Clippings.txt
            if kind == "note" and previous is not None and isinstance(location, int) and (
                    previous[1] == entry.section and previous[0].location_type is location_type
                    and previous[0].location is not None
                    and previous[0].location <= location <= previous[2]
                    and location <= next_starts[number]):
                target = previous[0]
                target.note = f"{target.note}\n\n{text}" if target.note else text
                continue
            if kind == "bookmark" and not options.kindle_bookmarks:
                continue
            if kind == "note" and heading.by_shape:
                kind = "highlight"  # no highlight claimed it: more likely one without a colour
            key = None if location is None else ("" if kind == "highlight" else f"{kind}:") + (
                f"p{location}" if location_type is LocationType.PAGE else str(location))
            highlight = Highlight(
                id=highlight_id(doc_id, text, key),
                text="" if kind == "note" else text,
                note=text if kind == "note" else None,
                location=location,
                location_type=location_type,
                page=heading.page,
                chapter=chapter,
                color=entry.colour if kind == "highlight" else None,
            )
            highlights.append(highlight)
            if kind == "bookmark":
                continue  # a bookmark inside a highlight's range is no reason to keep its note apart
            previous = None
            if kind == "highlight" and isinstance(location, int):
                previous = (highlight, entry.section, reach(location, text))
        if by_shape:
            log.warning("%s: %d entr(y/ies) in a Kindle wording excerpta does not know were read by "
                        "their shape (coloured: a highlight, text only: its note, neither: a bookmark)",
                        source, by_shape)
        if not highlights and any(heading is None for _, heading, _ in entries):
            # Its entries all skipped (reported): the title alone is no record read, and a book of
            # no highlights would replace a good copy of it (see input_reads.check_something_read).
            return
        yield Document(id=doc_id, title=title, author=author, category=Category.BOOKS, source="kindle",
                       highlights=highlights)


def _headed(entries: list[Entry], source: str,
            state: ReadState) -> Iterator[tuple[Entry, Heading | None, str]]:
    # Each entry with its heading read, and its text; an unreadable one is reported (heading None).
    number = 0  # counts headings: text without one is no entry of the export
    for entry in entries:
        text = body_text(entry.text)
        if entry.headless:  # an empty one says nothing: nothing is lost
            if text:
                shown = squash(text) if len(text) <= 40 else f"{squash(text[:40])}…"
                state.report(source, entry.line, f"text without a heading of its own (was its "
                             f"heading deleted?): {shown!r}")
                yield entry, None, text
            continue
        number += 1
        said = f"entry {number}, heading {entry.heading!r}"
        try:
            if entry.cut_short:
                raise HeadingError("cut short by the end of the file (its text is incomplete)")
            heading = parse_heading(entry, text)
        except HeadingError as err:
            state.report(source, entry.line, f"{said}: {err}")
            yield entry, None, text
            continue
        if heading.kind == "highlight" and not text:  # a bookmark has none, an empty note says nothing
            state.report(source, entry.line, f"{said}: a highlight without text (was its text deleted?)")
            yield entry, None, text
            continue
        if heading.location_type is None and (heading.kind == "highlight" or text):
            state.report(source, entry.line, f"{said}: no page or location; read without one", kept=True)
        yield entry, heading, text


def notebooks_in(folder: Path) -> Iterator[Path]:
    """The notebook exports (``.html``/``.htm`` files that look like one) directly in
    ``folder``, by name; one that cannot be read is left out (reading the folder reports it)."""
    yield from exports_in(folder, _is_notebook)


def _is_notebook(head: str) -> bool:
    return "noteHeading" in head and "bookTitle" in head


def _chapter(section: str | None, path: str | None) -> str | None:
    path = squash(path or "")
    if not path:
        return section
    if section is None or path == section or path.startswith(f"{section} >"):
        return path
    return f"{section} > {path}"

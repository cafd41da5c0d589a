"""What the readers of an app's HTML export (the Kindle notebook's, PocketBook's notes) share:
the exports directly in a folder (:func:`exports_in`), a parser's bounded record of the
elements open inside the field it reads (:class:`BoundedNesting`), and an export fed to one
(:func:`parse_export`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path

from excerpta.adapters import InputProbe, ReadState
from excerpta.errors import InputError
from excerpta.input_files import open_text
from excerpta.readers.undecodable import MARK_ERRORS, MarkedText, report_undecodable

MAX_OPEN_ELEMENTS = 256  # an export nests a few deep; past this, a hostile file
HIDDEN = frozenset({"script", "style"})  # elements whose text a page never shows


def is_html_name(path: Path) -> bool:
    """Whether ``path`` is named as an HTML file (``.html``/``.htm``) that is not hidden."""
    return path.suffix.lower() in (".html", ".htm") and not path.name.startswith(".")


def html_files(folder: Path) -> Iterator[Path]:
    """The files directly in ``folder`` named as HTML (:func:`is_html_name`), by name."""
    for path in sorted(folder.iterdir()):
        if is_html_name(path) and path.is_file():
            yield path


def exports_in(folder: Path, looks_like: Callable[[str], object]) -> Iterator[Path]:
    """The HTML files directly in ``folder`` whose first text ``looks_like`` one export (true),
    by name; one that cannot be read is left out (reading the folder reports it)."""
    for path in html_files(folder):
        try:
            head = InputProbe.of(str(path)).text_head
        except OSError:
            continue
        if looks_like(head):
            yield path


class BoundedNesting(HTMLParser):
    """An HTML parser keeping the elements open inside the field it reads in ``_opened``, at
    most :data:`MAX_OPEN_ELEMENTS`: one nested deeper is counted in ``_untracked`` (its end tag
    closes it), and :attr:`too_deep` is the line where that first happened, so a file nested a
    million deep is read in linear time, its text kept and its structure not. A subclass's
    ``handle_starttag`` opens elements with ``_open`` (an empty-element tag is closed again
    here; one of :data:`HIDDEN` is not read at all)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._opened: list[str] = []  # elements opened inside the current field
        self._untracked = 0  # elements open past MAX_OPEN_ELEMENTS, whose end tags close them
        self.too_deep: int | None = None  # the line elements first nested past MAX_OPEN_ELEMENTS

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <span/>: opened (as handle_starttag opens it) and closed at once.
        if tag in HIDDEN:
            return
        opened = (len(self._opened), self._untracked)
        self.handle_starttag(tag, attrs)
        if self._untracked > opened[1]:
            self._untracked -= 1
        elif len(self._opened) > opened[0]:
            self._opened.pop()

    def _open(self, tag: str) -> None:
        if len(self._opened) < MAX_OPEN_ELEMENTS:
            self._opened.append(tag)
            return
        self._untracked += 1
        if self.too_deep is None:
            self.too_deep = self.getpos()[0]

    def _innermost(self, tag: str) -> int | None:
        # The index of the innermost open ``tag``, searched from the end without a copy: a
        # well-nested end tag is found at once.
        for index in range(len(self._opened) - 1, -1, -1):
            if self._opened[index] == tag:
                return index
        return None


def parse_export(parser: BoundedNesting, path: Path, source: str) -> Callable[[ReadState], None]:
    """Feed the export at ``path`` to ``parser`` in 1 MB pieces (the parser keeps the fields it
    wants, not the page): UTF-8 as the apps write it, or UTF-16 once re-saved; other bytes read
    as the undecodable are (:mod:`excerpta.readers.undecodable`). Returns what reports those
    bytes to a read's state, once the caller takes the file as an export. Raises InputError
    naming ``source`` where ``html.parser`` refuses a malformed declaration."""
    with open_text(path, errors=MARK_ERRORS) as raw_text:
        handle = MarkedText(raw_text)
        try:
            while chunk := handle.read(1 << 20):
                parser.feed(chunk)
            parser.close()
        except AssertionError as err:  # html.parser's way to refuse a malformed declaration
            raise InputError(f"{source}: not readable as HTML (line {parser.getpos()[0]}: {err})") from None
    return lambda state: report_undecodable(handle, raw_text.encoding, source, state)

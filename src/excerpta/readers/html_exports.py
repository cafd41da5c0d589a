"""What the readers of an app's HTML export (the Kindle notebook's, PocketBook's notes) share:
the exports directly in a folder (:func:`exports_in`), and a parser's bounded record of the
elements open inside the field it reads (:class:`BoundedNesting`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path

from excerpta.adapters import InputProbe

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

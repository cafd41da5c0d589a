"""PocketBook notes exports made by a test, in the structure the device writes (the generator
line, the book's heading and author blocks, one ``div.bookmark`` per note with its page,
passage and note), with public-domain passages."""

from __future__ import annotations

from pathlib import Path

from excerpta.adapters import ReadState
from excerpta.model import Document
from excerpta.readers.pocketbook import PocketBookExportReader, PocketBookOptions

DATE = "2024-05-02 18:31:07"
HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en">
<head>
<meta name="generator" content="PocketBook Bookmarks Export"></meta>
<title>{date} - {title}</title>
<style type="text/css">div.bm-color-yellow {{background-color:#fff3b2;}}</style>
</head>
<body>
"""
BOOK = """<div class="bookmark bm-color-none">
  <h1>{date} - {title}</h1>
</div>
<div class="bookmark bm-color-none">
  <span>{author}</span>
</div>
"""
TAIL = "</body>\n</html>\n"


def entry(text: str, page: int | str | None = 12, note: str | None = None, *, colour: str = "yellow",
          uuid: str = "6F9A1C2E-3B4D-5E6F-8A9B-0C1D2E3F4A5B") -> str:
    """One note's block; ``text`` and ``note`` are HTML (paragraphs, markup), ``page`` None: no
    page paragraph at all."""
    page_line = "" if page is None else f'  <p class="bm-page">{page}</p>\n'
    note_part = "" if note is None else f'  <div class="bm-note">\n    <p>{note}</p>\n  </div>\n'
    return (f'<div id="{uuid}" class="bookmark bm-color-{colour}">\n{page_line}'
            f'  <div class="bm-text">\n    <p>{text}</p>\n  </div>\n{note_part}</div>\n')


def export_html(entries: list[str], title: str = "Pride and Prejudice", author: str | None = "Jane Austen",
                *, date: str = DATE) -> str:
    """A whole export of ``entries`` (:func:`entry`) for the book ``title`` by ``author``."""
    book = BOOK.format(date=date, title=title, author=author or "")
    if author is None:
        book = book[: book.index('<div class="bookmark bm-color-none">\n  <span>')]
    return HEAD.format(date=date, title=title) + book + "".join(entries) + TAIL


def write_export(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """``text`` written to ``path``; the path."""
    path.write_text(text, encoding=encoding)
    return path


def read_export(path: Path | str, *, bookmarks: bool = False) -> tuple[list[Document], ReadState]:
    """Every document the ``pocketbook-html`` reader yields from ``path``, and the read's state."""
    state = ReadState()
    reader = PocketBookExportReader(PocketBookOptions(pocketbook_bookmarks=bookmarks))
    return list(reader.read(str(path), state)), state

"""The notes of a PocketBook ``books.db`` (its :class:`~.tables.Contents`) as one Document per
book.

A note item's book is the item its ``ParentID`` names (followed up, should an item hang under
another note's item, to the first that is a book). A book's title and authors are its
``Books`` row's (``Title``, ``Authors``), else its own tags' (``doc.book-title``; ``ro.authors``,
else ``doc.authors``' ``{"name": …}``): a book without a title anywhere has its notes reported
and skipped (a title is what a book's id is made of). Books are given in the order the device
added them (their OID); each book's notes in reading order (:mod:`.documents`).

Items the device deleted (``State`` other than 0) are left out, not read as deletions: a library
keeps the highlights it holds. Tags of an item ``Items`` does not list are reported (where
``Items`` was read whole); damage that lost rows is reported once per table, and the read is
cut short (a file output is left as it was without ``--state``). Where ``Tags`` lost rows, an
item whose passage is lost is in that report, not one of its own, and every other item is read
without saying its note or page (:data:`TORN_FIELDS`: a library keeps its own).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from excerpta.adapters import ReadState
from excerpta.errors import InputError
from excerpta.json_load import JsonTextError, loads
from excerpta.model import Document
from excerpta.readers.kobo.text import as_text
from excerpta.readers.pocketbook.documents import Mark, book_document, tell
from excerpta.readers.pocketbook.marks import Skipped, is_in_use, parse_item
from excerpta.readers.pocketbook.tables import Contents

MAX_PARENTS = 64  # items followed up to a book; past that (or round a loop) there is none
# What an item whose tags were read around damage may have lost, beside its passage.
TORN_FIELDS = frozenset({"note", "location", "location_type", "end_location"})


def documents_of(contents: Contents, source: str, state: ReadState, *,
                 keep_bookmarks: bool) -> Iterator[Document]:
    """Every book of ``contents`` with a note kept (see the module docstring); problems told
    to ``state`` under ``source``. Raises InputError where damage lost rows and no note could
    be read at all."""
    for table, lost in contents.lost.items():
        state.cut_short = True  # a file output keeps what it held (excerpta.hold_back)
        state.report(source, table, f"{lost}; the notes on them are left out")
    tally: Counter[str] = Counter()
    torn = "Tags" in contents.lost  # some tags of some items lost
    by_book: dict[int, list[Mark]] = {}
    for oid, tags in sorted(contents.marks.items()):
        where = f"Items OID {oid}"
        item = contents.items.get(oid)
        if item is None:
            if "Items" not in contents.lost:  # else the damage reported took it
                state.report(source, where, "skipped: tags of an item the Items table does not list")
            continue
        if not is_in_use(item):
            tally["deleted note"] += 1
            continue
        if (book := _book_of(oid, contents)) is None:
            state.report(source, where, "skipped: the book it is in is not in the database (ParentID)")
            continue
        if torn and "bm.quotation" not in tags:
            continue  # its passage was on the damaged pages reported above
        try:
            parsed = parse_item(item, tags)
        except Skipped as skipped:
            state.cut_short = state.cut_short or skipped.damaged
            if skipped.reported:
                state.report(source, where, f"skipped: {skipped}")
            else:
                tally[skipped.kind] += 1
            continue
        for problem in parsed.problems:
            state.report(source, where, problem, kept=True)
        if torn:  # its note or anchor may have been on the damaged pages: the library keeps its own
            parsed.mark.left_out |= TORN_FIELDS
        by_book.setdefault(book, []).append(parsed.mark)
    documents: list[Document] = []
    for book, marks in sorted(by_book.items()):
        title, author = _names(book, contents)
        if not title:
            state.report(source, f"Books OID {book}", f"skipped: a book without a title (its {len(marks)} "
                         "note(s) are left out)")
            continue
        document = book_document(title, author, marks, state, keep_bookmarks=keep_bookmarks, tally=tally)
        if document is not None:
            documents.append(document)
    if contents.lost and not documents:
        raise InputError(f"{source}: {next(iter(contents.lost.values()))}; no note could be read from it")
    tell(source, tally, ("bookmark", "deleted note", "drawing", "snapshot"), given=bool(documents),
         keep_bookmarks=keep_bookmarks)
    yield from documents


def _book_of(oid: int, contents: Contents) -> int | None:
    seen: set[int] = set()
    current = contents.parents.get(oid)
    while current is not None and current not in seen and len(seen) < MAX_PARENTS:
        if current in contents.books or current in contents.book_tags:
            return current
        seen.add(current)
        current = contents.parents.get(current)
    return None


def _names(book: int, contents: Contents) -> tuple[str, str | None]:
    # The book's title and author (see the module docstring); "" for no title.
    title, authors = contents.books.get(book, (None, None))
    tags = contents.book_tags.get(book, {})
    shown = _clean(title) or _clean(tags["doc.book-title"].value if "doc.book-title" in tags else None)
    author = _clean(authors) or _clean(tags["ro.authors"].value if "ro.authors" in tags else None)
    if author is None and "doc.authors" in tags:
        author = _author_of_json(_clean(tags["doc.authors"].value))
    return shown or "", author


def _author_of_json(value: str | None) -> str | None:
    # ``{"name": "Henry David Thoreau"}`` (as the device writes doc.authors), else the text.
    if value is None or not value.startswith("{"):
        return value
    try:
        data = loads(value)
    except JsonTextError:
        return None
    name = data.get("name") if isinstance(data, dict) else None
    return _clean(name) if isinstance(name, str) else None


def _clean(value: object) -> str | None:
    return " ".join((as_text(value) or "").split()) or None

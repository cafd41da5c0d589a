"""Benchmark of the readers of e-reader and annotation exports: ``kobo``, ``koreader``,
``apple-books``, ``hypothesis`` and ``moonreader``, each on a synthetic library of ``--highlights`` highlights
in books of ``--per-book`` (built on the shared corpus's own schemas).

Prints, per reader, the fastest of ``--repeat`` full reads (every document validated, as a
conversion reads them) in seconds and highlights per second. There is no peer here: the
PyPI exporters of these formats write files of their own rather than return records.

Usage: ``python benchmarks/device_readers.py [--highlights 50000] [--per-book 50] [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from excerpta import registry
from excerpta.adapters import ReadState

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
KOBO = CORPUS / "kobo" / "SYNTHETIC_KoboReader_v174_nocolor.sqlite"
BOOKS = CORPUS / "apple_books" / "SYNTHETIC"
CORE_DATA_EPOCH = 978_307_200  # 2001-01-01 in Unix seconds
WORDS = ("the", "reader", "kept", "this", "passage", "because", "it", "said", "something", "worth",
         "keeping")


def _text(n: int) -> str:
    return " ".join(WORDS[(n + i) % len(WORDS)] for i in range(18)) + f" ({n})"


def _empty_copy(schema_of: Path, target: Path, tables: tuple[str, ...]) -> sqlite3.Connection:
    """A new database at ``target`` with ``tables`` as ``schema_of`` creates them."""
    with sqlite3.connect(f"file:{schema_of}?mode=ro", uri=True) as source:
        sql = [row[0] for row in source.execute(
            f"SELECT sql FROM sqlite_master WHERE type = 'table' AND name IN ({','.join('?' * len(tables))})",
            tables)]
    db = sqlite3.connect(target)
    for statement in sql:
        db.execute(statement)
    return db


def _insert(db: sqlite3.Connection, table: str, row: dict[str, object]) -> None:
    """``row`` into ``table``, every NOT NULL column it leaves out given an empty value."""
    for _, name, kind, not_null, default, _ in db.execute(f"PRAGMA table_info({table})"):
        if not_null and default is None and name not in row:
            row[name] = 0 if "INT" in (kind or "").upper() else ""
    db.execute(f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
               list(row.values()))


def make_kobo(folder: Path, highlights: int, per_book: int) -> Path:
    path = folder / "KoboReader.sqlite"
    db = _empty_copy(KOBO, path, ("Bookmark", "content"))
    for book in range(highlights // per_book):
        volume = f"file:///mnt/onboard/Author {book}/Book {book}.epub"
        _insert(db, "content", {"ContentID": volume, "ContentType": 6, "Title": f"Book {book}",
                                "Attribution": f"Author {book}", "VolumeIndex": 0})
        for n in range(book * per_book, (book + 1) * per_book):
            _insert(db, "Bookmark", {
                "BookmarkID": f"00000000-0000-0000-0000-{n:012d}", "VolumeID": volume,
                "ContentID": f"{volume}#(0)OEBPS/ch.xhtml", "StartContainerPath": "x",
                "EndContainerPath": "x", "Text": _text(n),
                "DateCreated": f"2024-01-01T10:{n // 60 % 60:02d}:{n % 60:02d}.000",
                "ChapterProgress": (n % per_book) / per_book, "Hidden": "false", "Type": "highlight"})
    db.commit()
    db.close()
    return path


def make_apple_books(folder: Path, highlights: int, per_book: int) -> Path:
    annotations = folder / BOOKS.joinpath("AEAnnotation_v10312011_1727_local.sqlite").name
    library = folder / BOOKS.joinpath("BKLibrary-1-091020131601.sqlite").name
    shutil.copyfile(BOOKS / library.name, library)
    shutil.copyfile(BOOKS / annotations.name, annotations)
    lib, db = sqlite3.connect(library), sqlite3.connect(annotations)
    lib.execute("DELETE FROM ZBKLIBRARYASSET")
    db.execute("DELETE FROM ZAEANNOTATION")
    for book in range(highlights // per_book):
        asset = f"{book:032X}"
        lib.execute("INSERT INTO ZBKLIBRARYASSET (ZASSETID, ZTITLE, ZAUTHOR) VALUES (?, ?, ?)",
                    (asset, f"Book {book}", f"Author {book}"))
        for n in range(book * per_book, (book + 1) * per_book):
            db.execute("INSERT INTO ZAEANNOTATION (ZANNOTATIONDELETED, ZANNOTATIONSTYLE, ZANNOTATIONTYPE, "
                       "ZPLLOCATIONRANGESTART, ZANNOTATIONCREATIONDATE, ZANNOTATIONASSETID, "
                       "ZANNOTATIONLOCATION, ZANNOTATIONSELECTEDTEXT, ZANNOTATIONUUID) "
                       "VALUES (0, 3, 2, ?, ?, ?, ?, ?, ?)",
                       (n, 1_700_000_000 - CORE_DATA_EPOCH + n, asset,
                        f"epubcfi(/6/{8 + 2 * (n % per_book)}!/4/2/1,:0,:40)", _text(n),
                        f"00000000-0000-4000-8000-{n:012d}"))
    for each in (lib, db):
        each.commit()
        each.close()
    return annotations


def make_koreader(folder: Path, highlights: int, per_book: int) -> Path:
    for book in range(highlights // per_book):
        sdr = folder / f"Book {book}.epub.sdr"
        sdr.mkdir(parents=True)
        entries = "".join(
            f'        [{i + 1}] = {{\n            ["chapter"] = "Chapter {i // 10 + 1}",\n'
            f'            ["datetime"] = "2024-01-01 10:{i // 60 % 60:02d}:{i % 60:02d}",\n'
            f'            ["pageno"] = {i + 1},\n'
            f'            ["pos0"] = "/body/DocFragment[{i + 2}]/body/p[1]/text().0",\n'
            f'            ["pos1"] = "/body/DocFragment[{i + 2}]/body/p[1]/text().40",\n'
            f'            ["text"] = "{_text(book * per_book + i)}",\n        }},\n'
            for i in range(per_book))
        (sdr / "metadata.epub.lua").write_text(
            f'return {{\n    ["annotations"] = {{\n{entries}    }},\n    ["doc_props"] = {{\n'
            f'        ["authors"] = "Author {book}",\n        ["title"] = "Book {book}",\n    }},\n'
            f'    ["partial_md5_checksum"] = "{book:032x}",\n}}\n', encoding="utf-8")
    return folder


def make_hypothesis(folder: Path, highlights: int, per_book: int) -> Path:
    rows = [{"id": f"Annotation{n:012d}", "created": "2024-03-01T10:11:12.345678+00:00",
             "updated": "2024-03-01T10:12:00+00:00", "user": "acct:reader@hypothes.is",
             "uri": f"https://example.org/article/{n // per_book}", "text": "", "tags": ["reading"],
             "document": {"title": [f"Article {n // per_book}"]},
             "links": {"incontext": f"https://hyp.is/Annotation{n:012d}/example.org/"},
             "target": [{"source": f"https://example.org/article/{n // per_book}", "selector": [
                 {"type": "TextPositionSelector", "start": 100 * (n % per_book),
                  "end": 100 * (n % per_book) + 60},
                 {"type": "TextQuoteSelector", "exact": _text(n), "prefix": "", "suffix": ""}]}]}
            for n in range(highlights)]
    path = folder / "annotations.json"
    path.write_text(json.dumps({"total": highlights, "rows": rows}), encoding="utf-8")
    return path


# Moon+ Reader's notes table, as its BookDb creates it (version 7 of its schema).
MOON_NOTES = ("CREATE TABLE notes (_id integer primary key autoincrement, book text, filename text, "
              "lowerFilename text, lastChapter NUMERIC, lastSplitIndex NUMERIC, lastPosition NUMERIC, "
              "highlightLength NUMERIC, highlightColor NUMERIC, time NUMERIC, bookmark text, note text, "
              "original text, underline NUMERIC, strikethrough NUMERIC, bak text)")
MOON_BOOKS = "CREATE TABLE books (_id integer primary key autoincrement, book text, filename text, " \
             "lowerFilename text, author text)"


def make_moonreader(folder: Path, highlights: int, per_book: int) -> Path:
    database = folder / "mrbooks.db"
    db = sqlite3.connect(database)
    db.execute(MOON_NOTES)
    db.execute(MOON_BOOKS)
    for b in range(-(-highlights // per_book)):
        file = f"/storage/emulated/0/Books/Book {b}.epub"
        db.execute("INSERT INTO books (book, filename, lowerFilename, author) VALUES (?, ?, ?, ?)",
                   (f"Book {b}", file, file.lower(), f"Author {b % 97}"))
    db.executemany("INSERT INTO notes (book, filename, lowerFilename, lastChapter, lastSplitIndex, "
                   "lastPosition, highlightLength, highlightColor, time, bookmark, note, original, "
                   "underline, strikethrough, bak) "
                   "VALUES (?, ?, ?, ?, 0, ?, 60, -256, ?, '', ?, ?, 0, 0, '0')",
                   [(f"Book {n // per_book}", f"/storage/emulated/0/Books/Book {n // per_book}.epub",
                     f"/storage/emulated/0/books/book {n // per_book}.epub", (n % per_book) // 10,
                     100 * (n % per_book), 1_709_294_400_000 + n, "a note" if n % 5 == 0 else "", _text(n))
                    for n in range(highlights)])
    db.commit()
    db.close()
    path = folder / "backup.mrpro"
    package = "com.flyersoft.moonreaderp"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{package}/_names.list", f"/data/data/{package}/databases/mrbooks.db\n")
        archive.write(database, f"{package}/1.tag")
    database.unlink()
    return path


MAKERS: dict[str, Callable[[Path, int, int], Path]] = {
    "kobo": make_kobo, "koreader": make_koreader, "apple-books": make_apple_books,
    "hypothesis": make_hypothesis, "moonreader": make_moonreader}


def time_read(name: str, source: Path, repeat: int) -> tuple[float, int]:
    """The fastest of ``repeat`` full reads of ``source`` by reader ``name``, and how many
    highlights a read gives."""
    best, count = float("inf"), 0
    for _ in range(repeat):
        state = ReadState()
        start = time.perf_counter()
        documents = list(registry.reader(name)().read(str(source), state))
        best = min(best, time.perf_counter() - start)
        count = sum(len(document.highlights) for document in documents)
        if state.problems:
            raise SystemExit(f"{name}: {state.problems[0]}")
    return best, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--highlights", type=int, default=50_000)
    parser.add_argument("--per-book", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{args.highlights:,} highlights, {args.per_book} per book; fastest of {args.repeat} reads")
    for name, make in MAKERS.items():
        with tempfile.TemporaryDirectory(prefix=f"excerpta-bench-{name}-") as folder:
            source = make(Path(folder), args.highlights, args.per_book)
            seconds, count = time_read(name, source, args.repeat)
            print(f"{name:12} {seconds:6.2f} s  {count / seconds:9,.0f} highlights/s  ({count:,} read)")


if __name__ == "__main__":
    main()

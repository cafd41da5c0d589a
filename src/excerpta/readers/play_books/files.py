"""The notes documents an input holds, read into blocks (:func:`notes_documents`), and whether
an input looks like one (:func:`looks_like_notes`).

An input is one of what Google Drive downloads of a Play Books notes document:

* the Web page download, a zip archive holding the page (``*.html``) and its ``images/``, or
  the page alone once unzipped (read by :mod:`.html_blocks`);
* the Microsoft Word download (``.docx``), a zip archive holding ``word/document.xml`` (read by
  :mod:`.docx_blocks`).

Zip archives are never extracted: the few members read (every ``*.html``, or the Word parts)
are streamed from the archive into the parser, in chunks, and together may hold at most
:data:`MAX_NOTES_BYTES`. A member that says it holds more is refused before it is read, and a
read stops past the bound however little the archive says (a zip bomb). Every failure is an
InputError naming the input as the user gave it, in one line.
"""

from __future__ import annotations

import codecs
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, TypeVar

from excerpta.adapters import PROBE_BYTES, InputProbe
from excerpta.errors import InputError
from excerpta.readers.play_books.blocks import Block
from excerpta.readers.play_books.docx_blocks import (
    DocxSyntaxError,
    docx_blocks,
    heading_styles,
    relationship_targets,
)
from excerpta.readers.play_books.html_blocks import html_blocks
from excerpta.readers.play_books.layout import BANNERS, PLAY_BOOKS_LINK
from excerpta.wide_text import encoding_of

# A notes document of thousands of highlights is a few MB; one far larger is no notes document.
MAX_NOTES_BYTES = 100 << 20
MAX_IMAGE_BYTES = 1 << 20  # of one swatch image read for its colour
ZIP_MAGIC = b"PK\x03\x04"
ZIP_SUFFIXES = (".zip", ".docx")
HTML_SUFFIXES = (".html", ".htm")
DOCUMENT = "word/document.xml"
RELATIONSHIPS = "word/_rels/document.xml.rels"
STYLES = "word/styles.xml"
_CHUNK = 1 << 20
_MARKERS = (PLAY_BOOKS_LINK, *BANNERS)
_DOCX_SCAN_BYTES = 1 << 20  # of document.xml, for the banner, when recognising
_PROBED_PAGES = 8  # of a zip's pages, when recognising: a download holds one
_T = TypeVar("_T")


def _no_image(_: str) -> bytes | None:
    return None


@dataclass(frozen=True)
class NotesDocument:
    """One notes document of an input: its ``member`` name in a zip archive (None: the input
    itself), its blocks, whether tables nested too deep were read as text, and ``image``,
    which gives the bytes of an image it names (``images/image3.png``) where the input holds
    it (None elsewhere: a page's ``images/`` folder beside it is not read)."""

    member: str | None
    blocks: list[Block]
    too_deep: bool
    image: Callable[[str], bytes | None] = _no_image


def looks_like_notes(probe: InputProbe) -> bool:
    """Whether the file ``probe`` is (or holds) a Play Books notes document: a link into Play
    Books or its banner near the start. Never raises."""
    if probe.path is None or probe.is_dir:
        return False
    try:
        if probe.head.startswith(ZIP_MAGIC):
            return _archive_looks_like_notes(probe.path)
        return any(marker in probe.text_head for marker in _MARKERS)
    except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, ValueError,
            RuntimeError, NotImplementedError):
        return False


def _archive_looks_like_notes(path: Path) -> bool:
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        if DOCUMENT in names:
            heads = [_head(archive, name, _DOCX_SCAN_BYTES) for name in (RELATIONSHIPS, DOCUMENT)
                     if name in names]
            return any(marker.encode() in head for head in heads for marker in _MARKERS)
        return any(marker in _head(archive, name, PROBE_BYTES).decode("utf-8", "replace")
                   for name in _html_members(archive)[:_PROBED_PAGES] for marker in _MARKERS)


def _head(archive: zipfile.ZipFile, name: str, size: int) -> bytes:
    with archive.open(name) as handle:
        return handle.read(size)


def notes_documents(path: Path, source: str) -> Iterator[NotesDocument]:
    """The notes documents of the file ``path`` (the input ``source``), each read into blocks.
    Raises InputError for an input that cannot be read as one."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(len(ZIP_MAGIC))
    if head == ZIP_MAGIC or path.suffix.lower() in ZIP_SUFFIXES:
        yield from _archive_documents(path, source)
        return
    if size > MAX_NOTES_BYTES:
        raise _too_large(source, size)
    try:
        with path.open("rb") as handle:
            blocks, parser = html_blocks(_decoded(_chunks(handle, _Budget(source))))
    except ValueError as err:
        raise InputError(f"{source}: {err}") from None
    yield NotesDocument(None, blocks, parser.builder.too_deep)


def _archive_documents(path: Path, source: str) -> Iterator[NotesDocument]:
    with _archive(path, source) as archive:
        budget = _Budget(source)
        if DOCUMENT in archive.namelist():
            yield _docx_document(archive, source, budget)
            return
        members = _html_members(archive)
        if not members:
            raise InputError(f"{source}: a zip archive without a Play Books notes document (expected "
                             "the Web page download's .html, or a Word download's word/document.xml)")
        for name in members:
            budget.expect(archive.getinfo(name).file_size, name)
        for name in members:
            blocks, parser = _parsed(archive, name, budget, lambda chunks: html_blocks(_decoded(chunks)))
            yield NotesDocument(name if len(members) > 1 else None, blocks, parser.builder.too_deep,
                                _Images(archive, name))


def _docx_document(archive: zipfile.ZipFile, source: str, budget: _Budget) -> NotesDocument:
    names = set(archive.namelist())
    for name in (RELATIONSHIPS, STYLES, DOCUMENT):
        if name in names:
            budget.expect(archive.getinfo(name).file_size, name)
    links = _parsed(archive, RELATIONSHIPS, budget, relationship_targets) if RELATIONSHIPS in names else {}
    styles = _parsed(archive, STYLES, budget, heading_styles) if STYLES in names else {}
    blocks, builder = _parsed(archive, DOCUMENT, budget,
                              lambda chunks: docx_blocks(chunks, links, styles))
    return NotesDocument(None, blocks, builder.too_deep, _Images(archive, DOCUMENT))


def _parsed(archive: zipfile.ZipFile, name: str, budget: _Budget,
            parse: Callable[[Iterator[bytes]], _T]) -> _T:
    # ``parse`` given the member ``name``'s bytes, streamed within ``budget``; a failure of
    # its bytes or their syntax an InputError.
    source = budget.source
    try:
        with archive.open(name) as handle:
            return parse(_chunks(handle, budget, name))
    except DocxSyntaxError as err:
        raise InputError(f"{source}: {err}") from None
    except (zipfile.BadZipFile, zlib.error, EOFError) as err:
        raise InputError(f"{source}: {name} cannot be unzipped ({err or type(err).__name__}): a damaged "
                         "or incomplete download?") from None
    except ValueError as err:  # html.parser's refusal
        raise InputError(f"{source}: {name}: {err}") from None


def _html_members(archive: zipfile.ZipFile) -> list[str]:
    # The pages of a Web page download: *.html members, but macOS's resource forks.
    return sorted(info.filename for info in archive.infolist()
                  if not info.is_dir() and PurePosixPath(info.filename).suffix.lower() in HTML_SUFFIXES
                  and not PurePosixPath(info.filename).name.startswith(".")
                  and "__MACOSX" not in PurePosixPath(info.filename).parts)


@contextmanager
def _archive(path: Path, source: str) -> Iterator[zipfile.ZipFile]:
    try:
        with zipfile.ZipFile(path) as archive:
            yield archive
    except InputError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, ValueError) as err:
        raise InputError(f"{source}: not a readable zip archive ({err or type(err).__name__}): a damaged "
                         "or incomplete download? download it from Google Drive again") from None
    except RuntimeError as err:  # an encrypted member, asked for without a password
        raise InputError(f"{source}: cannot be unzipped ({err})") from None
    except NotImplementedError as err:
        raise InputError(f"{source}: cannot be unzipped ({err or 'an unsupported compression'})") from None
    except OSError as err:
        raise InputError(f"{source}: cannot be read ({err.strerror or err})") from None


class _Images:
    """The images of a zip archive's notes document (the member ``beside``) by the names it
    gives them, relative to its folder; at most :data:`MAX_IMAGE_BYTES` each (a swatch is a few
    hundred bytes), any failure None. Each is read once."""

    def __init__(self, archive: zipfile.ZipFile, beside: str) -> None:
        self.archive = archive
        self.folder = PurePosixPath(beside).parent
        self.read: dict[str, bytes | None] = {}

    def __call__(self, name: str) -> bytes | None:
        if name not in self.read:
            self.read[name] = self._bytes(name)
        return self.read[name]

    def _bytes(self, name: str) -> bytes | None:
        parts: list[str] = []
        for part in (self.folder / name).parts:  # "images/../images/a.png" as the zip names it
            if part == "..":
                if not parts:
                    return None
                parts.pop()
            elif part not in (".", ""):
                parts.append(part)
        member = "/".join(parts)
        try:
            info = self.archive.getinfo(member)
            if info.file_size > MAX_IMAGE_BYTES:
                return None
            with self.archive.open(info) as handle:
                return handle.read(MAX_IMAGE_BYTES + 1)[:MAX_IMAGE_BYTES]
        except (KeyError, zipfile.BadZipFile, zlib.error, EOFError, ValueError, RuntimeError,
                NotImplementedError, OSError):
            return None


class _Budget:
    """What may still be read of :data:`MAX_NOTES_BYTES` from one input."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.left = MAX_NOTES_BYTES  # of what is read
        self.declared = MAX_NOTES_BYTES  # of what the members read say they hold

    def expect(self, size: int, what: str) -> None:
        """Take the ``size`` bytes the member ``what`` says it holds; InputError (before a byte
        of it is read) when the members said so far hold more than the bound together."""
        self.declared -= size
        if self.declared < 0:
            raise InputError(f"{self.source}: {what} is larger than {MAX_NOTES_BYTES >> 20} MB (with the "
                             "parts read before it), more than a Play Books notes document holds; not read")

    def take(self, size: int, what: str) -> None:
        """Count ``size`` bytes read of ``what``; InputError past the bound."""
        self.left -= size
        if self.left < 0:
            raise InputError(f"{self.source}: {what} unzips to more than {MAX_NOTES_BYTES >> 20} MB, "
                             "more than a Play Books notes document holds; not read")


def _chunks(handle: IO[bytes], budget: _Budget, what: str = "") -> Iterator[bytes]:
    while chunk := handle.read(_CHUNK):
        budget.take(len(chunk), what or budget.source)
        yield chunk


def _decoded(chunks: Iterator[bytes]) -> Iterator[str]:
    # The text of a page: UTF-8 as Drive writes it, or the encoding a byte order mark (or
    # UTF-16's NULs) says once re-saved; bytes that are not read as U+FFFD.
    decoder = None
    for chunk in chunks:
        if decoder is None:
            decoder = codecs.getincrementaldecoder(encoding_of(chunk))("replace")
            yield decoder.decode(chunk).removeprefix("\ufeff")
        else:
            yield decoder.decode(chunk)
    if decoder is not None:
        yield decoder.decode(b"", final=True)


def _too_large(source: str, size: int) -> InputError:
    return InputError(f"{source}: {size / 2**20:.0f} MB is far more than a Play Books notes document "
                      f"holds (at most {MAX_NOTES_BYTES >> 20} MB read); is it the right file?")

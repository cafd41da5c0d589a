"""Reader ``koreader``: KOReader's sidecar files, ``<book>.sdr/metadata.<ext>.lua``.

A sidecar is a Lua chunk returning one table of the book's settings, metadata and annotations;
it is parsed as data, never run (:mod:`.lua_table`). Both schemas are read: the ``annotations``
list of KOReader 2024 and later, and the ``highlight`` + ``bookmarks`` tables before it
(:mod:`.annotations`); how a sidecar becomes a Document, its ids included, is
:mod:`.sidecar`'s. A sidecar with no highlight (a book opened, never marked) gives no document.

Given a file, that sidecar; given a folder (an e-reader's drive, a books folder, one ``.sdr``
folder, KOReader's ``docsettings``), every sidecar under it (:mod:`.places`), each read on its
own: one that cannot be read is reported and the others are still read. The backup copies
KOReader keeps beside a sidecar (``.lua.old``) are not read. The book information the user
edited in KOReader (``custom_metadata.lua`` beside the sidecar: ``custom_props``) is read over
the book's own, as KOReader shows and exports it; one that cannot be read is reported, and the
book's own is read.

Times are the device's wall clock; ``--timezone`` (default: this machine's zone) makes them
aware (:mod:`.dates`). A record that cannot be read (an annotation that is no table, a
highlight without text) is reported with its path in the table (``annotations[3]``) and
skipped; a date that does not parse is reported and the highlight read without it. A file that
is not a Lua table literal (a damaged sidecar, an empty file) is an InputError naming its line.
A sidecar is read whole: KOReader's are kilobytes; one over :data:`MAX_SIDECAR_BYTES` is
refused.

KOReader's JSON export (its exporter plugin's "Json" target) is read too, from a file
(:mod:`.exported_json`): the same books as their sidecars, but under other ids.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterator
from datetime import tzinfo
from pathlib import Path

from excerpta import json_load
from excerpta.adapters import AdapterOptions, InputProbe, Reader, ReadState, fields_but
from excerpta.errors import InputError
from excerpta.input_files import input_file
from excerpta.model import Document, Highlight
from excerpta.readers.koreader.annotations import has_annotations
from excerpta.readers.koreader.dates import device_zone
from excerpta.readers.koreader.exported_json import NotAnExport, export_documents, looks_exported
from excerpta.readers.koreader.lua_table import LuaSyntaxError, LuaTable, parse_lua_table
from excerpta.readers.koreader.places import (
    KOBO_KOREADER,
    RECOGNISE_FOLDERS,
    SETTINGS_FOLDERS,
    custom_metadata_of,
    is_koreader_file_name,
    is_sidecar_name,
    sidecars_in,
    title_from_path,
)
from excerpta.readers.koreader.sidecar import document_of
from excerpta.wide_text import encoding_of
from excerpta.zones import DeviceZone

Undecodable = Callable[[int, int], None]  # told (line, byte) of the first byte that is not UTF-8
MAX_SIDECAR_BYTES = 64 * 2**20  # the largest seen hold thousands of highlights in a few MB
# Keys of KOReader's sidecars, as dump.lua writes them: two of them make a Lua table one.
_SIDECAR_KEYS = ('["annotations"]', '["highlight"]', '["bookmarks"]', '["doc_props"]',
                 '["partial_md5_checksum"]', '["doc_path"]', '["cre_dom_version"]', '["percent_finished"]',
                 '["stats"]', '["summary"]', '["last_xpointer"]', '["doc_pages"]')
_LUA_TABLE_START = re.compile(r"\s*(?:--[^\n]*\n\s*)*(?:return\s*)?\{")
_BOOK_KEYS = ("doc_props", "partial_md5_checksum", "stats", "doc_path")


class KOReaderOptions(AdapterOptions):
    """Options of the ``koreader`` reader."""

    timezone: DeviceZone = None


class KOReaderReader(Reader):
    """Reads KOReader sidecars; see the module docstring."""

    name = "koreader"
    description = ("KOReader sidecar files (book.sdr/metadata.epub.lua), 2024 and older schemas, "
                   "and its JSON export")
    options_model = KOReaderOptions
    options: KOReaderOptions
    # Not self-contained: custom_metadata.lua beside a sidecar changes its book's title.
    self_contained = False
    # A highlight extended or trimmed on the device is saved again under a new id (text and start
    # change): merging matches it with the library's copy (see excerpta.store.resaves).
    resaves = True
    # A Kobo's drive is the kobo reader's: KOReader's settings on it are found all the same.
    hidden_places = tuple("/".join((*KOBO_KOREADER, name)) for name in SETTINGS_FOLDERS)
    # A sidecar holds every annotation of its book as it now is: text, note, page, chapter and
    # date are said (an empty note is a note removed). Colours exist since 2024, page labels only
    # in some books, an edit time only after an edit: their absence takes nothing back.
    unknown_when_empty = fields_but(Highlight, "text", "note", "location", "location_type", "chapter",
                                    "highlighted_at")
    document_unknown_when_empty = fields_but(Document, "title", "author", "category", "source",
                                             "document_note")

    @classmethod
    def recognize(cls, probe: InputProbe) -> int:
        if probe.path is None:
            return 0
        if probe.is_dir:
            # Below kindle's 70: on a Kindle's drive its reader reads the clippings and each
            # sidecar is still read, as a file of its own (see excerpta.folder_inputs).
            return 60 if next(sidecars_in(probe.path, folder_limit=RECOGNISE_FOLDERS), None) else 0
        name = probe.path.name
        if is_koreader_file_name(name) and not is_sidecar_name(name):
            return 0  # a backup, or the user's book information: not read (see .places)
        head = probe.text_head
        if looks_exported(head):
            return 90
        if not _LUA_TABLE_START.match(head):
            # A sidecar KOReader left empty (a crash while saving) is still one to report.
            return 30 if is_sidecar_name(name) and not head.strip() else 0
        keys = sum(key in head for key in _SIDECAR_KEYS)
        if keys >= 2 or (keys and is_sidecar_name(name)):
            return 90
        return 40 if is_sidecar_name(name) else 0

    @classmethod
    def reads_in_folder(cls, folder: Path, probe: InputProbe) -> bool:
        # The sidecars it reads, and the backups and book information beside them it leaves.
        return probe.path is not None and is_koreader_file_name(probe.path.name)

    def read(self, source: str, state: ReadState) -> Iterator[Document]:
        zone = device_zone(self.options.timezone)
        folder = Path(source).expanduser()
        if not folder.is_dir():
            path = input_file(source)
            try:
                exported = looks_exported(InputProbe.of(str(path)).text_head)
            except OSError as err:
                raise InputError(f"{source}: cannot be read: {err.strerror or err}") from None
            yield from (_read_export(path, source, state) if exported
                        else _read_sidecar(path, source, state, zone))
            return
        found = False
        for path in sidecars_in(folder):
            found = True
            try:
                yield from _read_sidecar(path, str(path), state, zone)
            except InputError as err:  # one damaged sidecar never loses the others
                state.report(str(path), None, str(err).removeprefix(f"{path}: "))
            except OSError as err:
                state.report(str(path), None, f"cannot be read: {err.strerror or err}")
        if not found:
            raise InputError(f"{source}: no KOReader sidecar (<book>.sdr/metadata.<ext>.lua) in this folder")


def _read_sidecar(path: Path, source: str, state: ReadState, zone: tzinfo | None) -> Iterator[Document]:
    def undecodable(line: int, byte: int) -> None:
        state.report(source, line, f"bytes that are not UTF-8 (the first: 0x{byte:02X}) read as "
                     "'\ufffd': re-save the file as UTF-8", kept=True)

    sidecar = load_sidecar(path, source, undecodable)
    document = document_of(sidecar, source, state, zone, title_from_path(path), _custom_props(path, state))
    if document is not None:
        yield document


def _read_export(path: Path, source: str, state: ReadState) -> Iterator[Document]:
    _check_size(path, source, "a KOReader export")
    data = json_load.load_file(path, source)
    try:
        yield from export_documents(data, source, state)
    except NotAnExport as err:
        raise InputError(f"{source}: {err}") from None


def _custom_props(sidecar: Path, state: ReadState) -> LuaTable:
    """The book information the user edited, from ``custom_metadata.lua`` beside ``sidecar``;
    one that cannot be read is reported (the book's own information is read)."""
    path = custom_metadata_of(sidecar)
    if path is None:
        return {}
    try:
        custom = load_lua_file(path, str(path), "KOReader's book information")
    except InputError as err:
        reason = str(err).removeprefix(f"{path}: ")
    except OSError as err:
        reason = f"cannot be read: {err.strerror or err}"
    else:
        props = custom.get("custom_props")
        return props if isinstance(props, dict) else {}
    state.report(str(path), None, f"{reason}; the book's own title and authors are read", kept=True)
    return {}


def load_sidecar(path: Path, source: str, undecodable: Undecodable | None = None) -> LuaTable:
    """The parsed sidecar at ``path`` (named ``source`` in messages); raises InputError for a
    file too large, empty, not text, not a Lua table literal, or a table with no book in it.
    ``undecodable`` is told the line and first byte of a UTF-8 file that is not UTF-8
    throughout (its strings read with U+FFFD there)."""
    sidecar = load_lua_file(path, source, undecodable=undecodable)
    if not has_annotations(sidecar) and not any(key in sidecar for key in _BOOK_KEYS):
        raise InputError(f"{source}: a Lua table without a KOReader book in it "
                         "(expected doc_props, annotations or highlight)")
    return sidecar


def _check_size(path: Path, source: str, what: str) -> None:
    try:
        size = path.stat().st_size
    except OSError as err:
        raise InputError(f"{source}: cannot be read: {err.strerror or err}") from None
    if size > MAX_SIDECAR_BYTES:
        raise InputError(f"{source}: {size / 2**20:.0f} MB is far more than {what} holds "
                         f"(at most {MAX_SIDECAR_BYTES // 2**20} MB read); is it the right file?")


def load_lua_file(path: Path, source: str, what: str = "a KOReader sidecar", *,
                  undecodable: Undecodable | None = None) -> LuaTable:
    """The table a file KOReader wrote holds (``return { … }``); raises InputError for a file
    too large, empty, not text or not a Lua table literal (a message saying it is not ``what``).
    ``undecodable``: see :func:`load_sidecar`."""
    _check_size(path, source, what)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError(f"{source}: cannot be read: {err.strerror or err}") from None
    if not data.strip():
        raise InputError(f"{source}: an empty file, not {what} (expected 'return {{ … }}')")
    encoding = encoding_of(data)
    if encoding != "utf-8":  # re-saved as "Unicode" by an editor; KOReader writes UTF-8
        try:
            data = data.decode(encoding).encode("utf-8")
        except UnicodeError as err:
            raise InputError(f"{source}: not {encoding} text throughout ({err.reason})") from None
    data = data.removeprefix(codecs.BOM_UTF8)
    if undecodable is not None and encoding == "utf-8":
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as err:  # the parser reads such bytes as U+FFFD: said once
            undecodable(data[:err.start].count(b"\n") + 1, data[err.start])
    try:
        return parse_lua_table(data)
    except LuaSyntaxError as err:
        raise InputError(f"{source}: not {what}: {err}") from None


__all__ = ["KOReaderOptions", "KOReaderReader", "load_sidecar"]

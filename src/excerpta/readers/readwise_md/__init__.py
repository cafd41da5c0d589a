"""Reader ``readwise-md``: notes Readwise wrote, by its Obsidian plugin or its Markdown export.

Input: one note, or a folder (a vault, its ``Readwise/`` folder, an unzipped Markdown export)
read recursively in sorted order, hidden folders such as ``.obsidian`` left out. One Document
is yielded per note. In a folder, files that are not Readwise notes (the ``Readwise Syncs.md``
log, the user's own notes) are skipped silently, never read as another format (a note of
pasted Kindle clippings is no ``kindle`` input); a single file that is not one, or a folder
holding none, is an InputError. A note that cannot be read (broken front matter, not UTF-8)
is reported with its line and skipped, and the other notes are read. A ``.md`` that is no
regular file (a device, a named pipe, a link to one) is left out with a warning, and a note
larger than :data:`~.note_file.MAX_NOTE_BYTES` is reported (see :mod:`.note_file`). A warning
names a note an edit left partly unread: one reading no highlight though list items in it end
with location links (a heading renamed), or a second ``Note:`` under one highlight (a deleted
highlight's, not read).

A note our obsidian writer gave highlights notes of their own embeds them (see :mod:`.embeds`):
an embedded note is read only from inside the folder given as input (for one note, its folder).

Ids (see :mod:`excerpta.identity`). Notes carry no Readwise book id, so a document's id is
``document_id(title, author, url)``: the same note read twice, or re-synced with more
highlights, keeps its id. A highlight's id comes from its location link when the link names it:

* ``https://readwise.io/open/<id>`` -> ``source_id("readwise", id)``, the namespace the
  Readwise API reader gives highlight ids (and ``external_ids["readwise"]``);
* ``https://read.readwise.io/read/<ulid>`` -> ``source_id("reader", ulid)`` (and
  ``external_ids["reader"]``, which the API reader fills from a highlight's ``external_id``);
* anything else (Kindle locations, tweets, no link) -> ``highlight_id(document id, text,
  location)``, with the Kindle location when the link gives one; a tweet's id is kept in
  ``external_ids["twitter"]``.

The Readwise API knows a Reader highlight by its numeric id, which a note does not show, so
the same highlight read from the API and from a note is two ids; ``external_ids["reader"]``
is what joins them.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from excerpta.adapters import InputProbe, Reader, ReadState, fields_but
from excerpta.errors import InputError
from excerpta.model import Document, Highlight
from excerpta.readers.readwise_md.front_matter import FrontMatterError, split_front_matter
from excerpta.readers.readwise_md.location_links import count_linked_items
from excerpta.readers.readwise_md.note import NotAReadwiseNote, build_document, is_readwise_note
from excerpta.readers.readwise_md.note_file import (
    UndecodableNote,
    UnreadableNoteFile,
    is_special,
    note_text,
    read_note_file,
)
from excerpta.readers.readwise_md.note_layout import parse_note_body

log = logging.getLogger(__name__)

NOTE_SUFFIX = ".md"
READWISE_FOLDER = "readwise"  # the plugin's default base folder in a vault
CATEGORY_FOLDERS = {"books", "articles", "tweets", "podcasts", "supplementals"}
PROBE_NOTES = 20  # notes a folder probe may open before giving up
PROBE_CHARS = 16 * 1024


class NoteProblem(ValueError):
    """A note that cannot be read; ``line`` is where, if known."""

    def __init__(self, line: int | None, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


def read_note(path: Path, root: Path | None = None,
              read_in_part: Callable[[int | None, str], None] | None = None) -> Document:
    """The Document of the note at ``path``; the notes it embeds are read from inside ``root``
    (the folder given as input; by default the note's own folder).

    Raises NotAReadwiseNote if it has no Readwise layout, NoteProblem if it cannot be read.
    Front matter that is not YAML (a template's unquoted ``title: {{title}}`` meeting a title
    with ``: `` in it, an author ``@handle``) does not lose the note: its body says all a
    Readwise note holds, so it is read without the front matter, and ``read_in_part`` is told
    the line and why (a note whose front matter never closes is a NoteProblem: where its
    body starts cannot be told).
    """
    try:
        raw = read_note_file(path)
    except OSError as err:
        raise NoteProblem(None, f"cannot be read: {err.strerror}") from None
    except UnreadableNoteFile as err:
        raise NoteProblem(None, str(err)) from None
    try:
        text = note_text(raw)
    except UndecodableNote as err:
        if looks_like_readwise_note(raw.decode("utf-8", errors="replace").replace("\r", "\n")):
            raise NoteProblem(err.line, err.reason) from None
        raise NotAReadwiseNote(str(path)) from None
    broken: FrontMatterError | None = None
    try:
        front, body = split_front_matter(text)
    except FrontMatterError as err:
        if not is_readwise_note(parse_note_body(text)):
            raise NotAReadwiseNote(str(path)) from None
        if err.body is None:
            raise NoteProblem(err.line, err.reason) from None
        front, body, broken = {}, err.body, err
    parsed = parse_note_body(body)
    try:
        document = build_document(parsed, front, path, path.parent if root is None else root)
    except NotAReadwiseNote:
        if parsed.has_metadata and (linked := count_linked_items(body)):
            log.warning("%s: a Metadata list and %d list item(s) ending with a Readwise location "
                        "link, but no 'Highlights' heading: not read as a Readwise note", path, linked)
        raise
    if not document.highlights and (linked := count_linked_items(body)):
        # A heading renamed, the bullets made "+ " or indented: all would go, and nothing said.
        log.warning("%s: no highlight read, but %d list item(s) end with a Readwise location link: "
                    "is the 'Highlights' heading renamed, or the list not made of '- ' bullets?",
                    path, linked)
    if broken is not None and read_in_part is not None:
        read_in_part(broken.line, f"{broken.reason}; read from the note's body without it")
    front_lines = text.count("\n") - body.count("\n")  # the front matter's, before the body's
    for line in parsed.second_notes:
        # A warning, as for the other lines the reader leaves out (a user's nested item, an
        # embed it cannot follow): the highlight it was under is most likely deleted on purpose.
        log.warning("%s: a second Note: under one highlight (line %d), not read: was its "
                    "highlight deleted?", path, front_lines + line)
    for line in parsed.nested_links:
        log.warning("%s: an item nested under a highlight ends with a location link (line %d), "
                    "read as yours, not as a highlight: was a highlight indented?", path, front_lines + line)
    return document


def iter_note_paths(folder: Path) -> Iterator[Path]:
    """Every ``.md`` file under ``folder``, sorted, hidden files and folders left out."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.lower().endswith(NOTE_SUFFIX) and not name.startswith("."):
                yield Path(root) / name


def looks_like_readwise_note(head: str) -> bool:
    """Whether the start of a Markdown file has a Readwise note's layout."""
    try:
        _, body = split_front_matter(head)
    except FrontMatterError:
        body = head
    return is_readwise_note(parse_note_body(body))


def _probe_roots(folder: Path) -> list[Path]:
    """Where a folder probe looks: a vault's ``Readwise`` folder first, then the folder itself."""
    readwise = [child for child in sorted(folder.iterdir())
                if child.is_dir() and child.name.casefold() == READWISE_FOLDER]
    return [*readwise, folder]


class ReadwiseMarkdownReader(Reader):
    """Reads notes written by the Readwise Obsidian plugin or Readwise's Markdown export."""

    name = "readwise-md"
    description = "Readwise notes in Markdown: Obsidian plugin vault/folder or Markdown export"
    # A note shows what its template shows: past a highlight's text, note and tags, and a
    # book's title and author, a value it lacks may be one the template left out. See Reader.
    unknown_when_empty = fields_but(Highlight, "text", "note", "location", "location_type",
                                    "tags", "is_favorite")
    document_unknown_when_empty = fields_but(Document, "title", "author")
    # A note lists its highlights as they are now: one edited in Readwise or in the note, without
    # a Readwise id in its link, comes with a new id (see excerpta.store.edited_copies).
    edited_copies = True

    @classmethod
    def recognize(cls, probe: InputProbe) -> int:
        if probe.path is None:
            return 0
        if not probe.is_dir:
            if probe.suffix != NOTE_SUFFIX:
                return 0
            head = probe.text_head.replace("\r\n", "\n").replace("\r", "\n")
            return 90 if looks_like_readwise_note(head) else 0
        for root in _probe_roots(probe.path):
            for count, path in enumerate(iter_note_paths(root)):
                if count >= PROBE_NOTES:
                    break
                if is_special(path):
                    continue  # opening a named pipe would wait for a writer
                try:
                    with path.open("r", encoding="utf-8", errors="replace") as handle:
                        head = handle.read(PROBE_CHARS).replace("\r\n", "\n").replace("\r", "\n")
                except OSError:
                    continue
                if looks_like_readwise_note(head):
                    return 80 if path.parent.name.casefold() in CATEGORY_FOLDERS else 60
        return 0

    @classmethod
    def reads_in_folder(cls, folder: Path, probe: InputProbe) -> bool:
        # Every note of the vault (iter_note_paths): a note that is no Readwise note is the
        # user's own, skipped silently, never read as another format (pasted clippings).
        return probe.path is not None and probe.path.name.lower().endswith(NOTE_SUFFIX)

    def read(self, source: str, state: ReadState) -> Iterator[Document]:
        path = Path(source).expanduser()
        if path.is_dir():
            yield from self._read_folder(path, state)
            return
        if not path.is_file():
            raise InputError(f"{source}: no such file or folder")
        try:
            yield read_note(path, read_in_part=lambda line, reason: state.report(
                source, line, reason, kept=True))
        except NotAReadwiseNote:
            raise InputError(
                f"{source}: not a Readwise note (expected a 'Highlights' section and 'Metadata' lines)"
            ) from None
        except NoteProblem as err:
            where = f":{err.line}" if err.line else ""
            raise InputError(f"{source}{where}: {err.reason}") from None

    def _read_folder(self, folder: Path, state: ReadState) -> Iterator[Document]:
        found = False
        for path in iter_note_paths(folder):
            if is_special(path):
                log.warning("%s: not a regular file (a device, a named pipe or a link to one); left out",
                            path)
                continue
            try:
                document = read_note(path, folder, lambda line, reason, note=str(path): state.report(
                    note, line, reason, kept=True))
            except NotAReadwiseNote:
                continue
            except NoteProblem as err:
                found = True
                state.report(str(path), err.line, err.reason)
                continue
            found = True
            yield document
        if not found:
            # As the other folder readers do: an empty folder is a wrong path far more often
            # than a library with nothing in it, and must not read as "everything was deleted".
            raise InputError(f"{folder}: no Readwise notes in this folder (expected Markdown notes "
                             "with a 'Highlights' section and 'Metadata' lines)")

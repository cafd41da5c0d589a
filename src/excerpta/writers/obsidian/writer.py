"""The ``obsidian`` writer: one note per document in a vault folder, re-synced without loss.

For each document (in library order, by :class:`.run.WriteRun`), and with the ``atomic``
option for each of its highlights first (:mod:`.atomic`: a highlight's own note is handled
like a document's):

1. unchanged since we last wrote it (same content, options and templates, file intact, see
   :meth:`~excerpta.output.OutputSink.is_current`): nothing is read or written;
2. its note is where we left it: merged (:func:`.note.merge_note`);
3. its note moved or was renamed inside the folder: found by ``excerpta-id``, merged there;
4. its note is gone: the user deleted it, it is not re-created (reported) unless
   ``recreate_deleted``; so too in a folder renamed or moved since (:mod:`.moved`). Said once:
   until its document changes, later runs neither look for it (a vault scan) nor report it;
5. never written by us: a note carrying its ``excerpta-id`` (state lost) is merged, a note
   written by the Readwise plugin for it (same URL, else same title and author) is adopted
   (``adopt``), otherwise a new note is created under a free portable name; but a document
   without a highlight to show (none, or all deleted upstream) gets no new note (logged with
   ``-v``): an empty note is noise, and a note we wrote before is still updated (case 2, 3).

Every byte goes through the :class:`~excerpta.output.OutputSink` (atomic; a merged note is
written with ``replaces=`` the hash of the bytes we read, so a file changed meanwhile is a
conflict, not lost).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable

from excerpta.adapters import AdapterOptions, Writer
from excerpta.identity import content_hash
from excerpta.model import Document
from excerpta.output import OutputSink
from excerpta.writers.obsidian.atomic import HighlightNoteRenderer
from excerpta.writers.obsidian.options import ObsidianOptions
from excerpta.writers.obsidian.render import NoteRenderer
from excerpta.writers.obsidian.run import WriteRun
from excerpta.writers.obsidian.templates import HIGHLIGHT_NOTE, NoteTemplates

# Bump when the rendering code changes what it writes, so every note is re-rendered once.
RENDER_VERSION = "obsidian-6"  # 2: source text made inert, a highlight's lines stripped; 3: dates
# in the display zone, not UTC; 4: a paragraph break in a text or note kept as a blank line; 5: an
# empty heading ends a chapter before highlights of none, a text ending as a location label
# ("(Page 9)") escaped; 6: emoji kept in tags, a wikilink to a value holding "/" or a character
# no file name holds given a note name as its target


class ObsidianWriter(Writer[OutputSink]):
    """Writes Readwise-compatible Obsidian notes that never destroy what the user wrote."""

    name = "obsidian"
    description = "Obsidian vault folder: Readwise-style notes per document (and per highlight), safe re-sync"
    options_model = ObsidianOptions
    target = "folder"
    options: ObsidianOptions

    def __init__(self, options: AdapterOptions | None = None) -> None:
        super().__init__(options)
        options = self.options
        warned: set[tuple[str, str]] = set()  # one warning of an unknown name per run, both sets
        self.templates = NoteTemplates.load(options.templates, warned=warned)
        fingerprints = [self.templates.fingerprint]
        embed, self.highlight_renderer, zone = None, None, options.display_zone()
        if options.atomic:
            atomic = NoteTemplates.load(options.templates, HIGHLIGHT_NOTE, warned=warned)
            fingerprints.append(atomic.fingerprint)
            embed = atomic.embed
            self.highlight_renderer = HighlightNoteRenderer(atomic, max_name_bytes=options.max_name_bytes,
                                                            zone=zone)
        self.renderer = NoteRenderer(self.templates, flat=options.flat, max_name_bytes=options.max_name_bytes,
                                     embed=embed, zone=zone)
        # An option added later is left out while off, so adding it re-renders no note; the
        # zone is in ``shown_in``.
        settings = options.model_dump_json(
            exclude={"templates", "timezone"} | (set() if options.atomic else {"atomic"}))
        # The zone dates are shown in, by name (not its offset now, which daylight saving
        # changes): moved to another zone, notes show their dates in the new one. The C
        # library's names only when the machine's zone has no IANA name (they can be shared:
        # America/Regina and Asia/Shanghai are both "CST").
        shown_in = zone.key if zone is not None else "|".join(time.tzname)
        self.fingerprint = hashlib.sha256(
            "\0".join([RENDER_VERSION, settings, shown_in, *fingerprints]).encode()).hexdigest()

    def source_hash(self, document: Document, *context: str) -> str:
        """What a note is rendered from: the document's content, the options, the templates
        and ``context`` (where the notes it links to are)."""
        return hashlib.sha256("\0".join([content_hash(document), self.fingerprint, *context]).encode()
                              ).hexdigest()

    def write(self, documents: Iterable[Document], sink: OutputSink) -> None:
        run = WriteRun(self, sink)
        for document in documents:
            if self.highlight_renderer is not None:
                run.write_atomic(document, self.highlight_renderer)
                continue
            source_hash = self.source_hash(document)
            if not run.is_current(document, source_hash):
                run.write_document(document, source_hash, self.renderer)
        run.say_unrecorded()

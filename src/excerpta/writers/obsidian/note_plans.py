"""What a run of the :mod:`.writer` does with each note, decided before anything is written:
:class:`NotePlanner` finds where a document's note is (where the state recorded it, moved
within the vault or with the folder, a Readwise-plugin note to adopt, or a new name) and
which case of the writer's module docstring it is (:class:`NotePlan`), which
:class:`~.run.WriteRun` then carries out through the run's sink.

A path is claimed as it is planned (never handed to another document), and a document is
planned once a run: asked again, the planner gives the same plan.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from excerpta.model import Document
from excerpta.output import OutputSink
from excerpta.writers.obsidian.adoption import document_keys
from excerpta.writers.obsidian.moved import FolderMoves
from excerpta.writers.obsidian.naming import NOTE_SUFFIX, NameAllocator, fold_name, in_icloud
from excerpta.writers.obsidian.note import NoteMemo
from excerpta.writers.obsidian.render import NoteRenderer
from excerpta.writers.obsidian.vault import VaultIndexes, known_notes, still_as_written, the_original

if TYPE_CHECKING:
    from excerpta.writers.obsidian.writer import ObsidianWriter

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NotePlan:
    """What to do with a document's note: ``merge`` it where it is (found again if
    ``moved_from`` is set), ``adopt`` a Readwise-plugin note, ``create`` it, ``skip`` it (the
    user deleted it), leave it ``gone`` (deleted, as the last run found, and its document
    unchanged since) or ``offline`` (in iCloud, not downloaded), or nothing (``none``:
    nothing to show, no note)."""

    action: Literal["merge", "adopt", "create", "skip", "gone", "none", "offline"]
    relative: str | None = None
    moved_from: str | None = None


class NotePlanner:
    """The plans of one ``write`` call: names handed out, the vault index once needed."""

    def __init__(self, writer: ObsidianWriter, sink: OutputSink, root: Path) -> None:
        self.writer = writer
        self.options = writer.options
        self.sink = sink
        self.root = root  # the output folder, resolved
        self._prefix = sink.prefix  # the root with its trailing separator
        self.vault = VaultIndexes(self.root, lambda: known_notes(sink.records().values()))
        self.moves = FolderMoves(self._prefix, sink.records, self.vault.of)
        self.placed: dict[str, NotePlan] = {}  # what plan() decided, by note key
        recorded = [self.relative(record.path) for record in sink.records().values()]
        self.names = NameAllocator(self.root, {path for path in recorded if path is not None})
        # Before this run writes anything into the folder (see _recreating).
        ours = sum(path is not None for path in recorded)
        self._starting_over = bool(ours) and _empty_or_gone(self.root)
        if self._starting_over:
            log.warning("%s: the folder is gone or empty, none of the %d notes excerpta wrote there "
                        "is left: writing them anew", self.root, ours)

    def relative(self, path: str) -> str | None:
        """``path``, a path the sink recorded, relative to the output folder (POSIX); None if
        it is not under it."""
        # The sink records absolute paths under its resolved root. String slicing, not
        # Path.relative_to: an unchanged re-run asks this for every note it skips.
        if not path.startswith(self._prefix):
            return None  # written under another --out: not this folder's business
        relative = path[len(self._prefix):]
        return relative.replace(os.sep, "/") if os.sep != "/" else relative

    def plan(self, document: Document, renderer: NoteRenderer, *, adopt: bool = True,
             within: str | None = None) -> NotePlan:
        """What :meth:`.run.WriteRun.act` is to do with the note of ``document``; the note's path is claimed
        (and a new note's name reserved) here. Asked twice in a run, gives the same answer.
        ``adopt``: may take over a Readwise-plugin note (a document's note may, a highlight's
        own note may not). ``within``: the folder a note we have no record of can only be in."""
        if (known := self.placed.get(document.id)) is not None:
            return known
        record = self.sink.previous(document.id)
        recorded = self.relative(record.path) if record is not None else None
        if recorded is not None and (self.root / recorded).is_file():
            plan = NotePlan("merge", recorded)
        elif recorded is not None and in_icloud(self.root / recorded):
            plan = NotePlan("offline", recorded)  # evicted by iCloud: there, but not to be read
        elif recorded is not None and record is not None and self._still_deleted(document, record.memo):
            # Not looked for again (a vault scan) until its document changes: a note the user
            # moved, not deleted, is found then.
            plan = NotePlan("gone", recorded)
        elif recorded is None and all(highlight.is_deleted for highlight in document.highlights):
            # Before the vault index: a library of such documents must not cost a vault scan
            # on every run.
            plan = NotePlan("none")
        elif (found := self._find(document, renderer, within if recorded is None else None)) is not None:
            plan = NotePlan("merge", found, moved_from=recorded)
        elif recorded is None and record is not None and (moved := self.moves.relative(record.path)):
            plan = NotePlan("create" if self._recreating() else "skip", moved)
        elif recorded is not None and not self._recreating():
            plan = NotePlan("skip", recorded)
        elif recorded is not None:
            plan = NotePlan("create", recorded)
        elif adopt and self.options.adopt and (plugin := self._plugin_note(document, renderer)) is not None:
            plan = NotePlan("adopt", plugin)
        else:
            plan = NotePlan("create", self._new_name(document, renderer))
        if plan.relative is not None:
            self.vault.claimed.add(fold_name(plan.relative))  # never handed to another document
        self.placed[document.id] = plan
        return plan

    def _recreating(self) -> bool:
        """Whether notes the user deleted are written again: ``--recreate-deleted``, or an output
        folder deleted, or emptied of everything, to start over (taking each note for one the
        user deleted would write nothing, and say little). A folder holding anything at all
        (a subfolder, an attachment, Obsidian's settings) is a vault whose deletions stand: the
        user may have deleted its notes one by one, or moved them elsewhere."""
        return self.options.recreate_deleted or self._starting_over

    def _still_deleted(self, document: Document, memo: str | None) -> bool:
        """True if ``memo`` (of the note of ``document``, which is not where we wrote it) says the
        note was found deleted when the document was as it is now."""
        if memo is None or '"deleted"' not in memo or self._recreating():
            return False  # (the test on the text spares reading the memo of a note just deleted)
        return NoteMemo.from_json(memo).deleted == self.writer.source_hash(document)

    def _find(self, document: Document, renderer: NoteRenderer, within: str | None = None) -> str | None:
        """The note in the vault (or in its folder ``within``) carrying ``document``'s id; of
        several, the original (:func:`.vault.the_original`), and the others are said."""
        found = self.vault.of(within).find_id(document.id)
        if len(found) <= 1:
            return found[0] if found else None
        record = self.sink.previous(document.id)
        chosen = the_original(found, renderer.place(document) + NOTE_SUFFIX,
                              None if record is None else os.path.basename(record.path),
                              still_as_written(self.root, found, record))
        log.warning("%s: %d notes carry its excerpta-id (%s); %s is updated, the others are left as "
                    "they are (a copy? delete its excerpta-id line to make it yours)",
                    document.title, len(found), ", ".join(found), chosen)
        return chosen

    def _plugin_note(self, document: Document, renderer: NoteRenderer) -> str | None:
        """The note the Readwise plugin wrote of ``document``, to adopt; of several (a sync
        tool's conflict copy, a copy made in Finder), the original (:func:`.vault.the_original`),
        and the others are said."""
        found = self.vault.of().find_plugin_notes(document_keys(document))
        if len(found) <= 1:
            return found[0] if found else None
        chosen = the_original(found, renderer.place(document) + NOTE_SUFFIX)
        log.warning("%s: %d notes written by the Readwise plugin match it (%s); %s is adopted, the "
                    "others are left as they are (copies?)", document.title, len(found), ", ".join(found),
                    chosen)
        return chosen

    def _new_name(self, document: Document, renderer: NoteRenderer) -> str:
        return self.names.allocate(renderer.folder(document), renderer.file_stem(document), document.id)


def _empty_or_gone(folder: Path) -> bool:
    """Whether ``folder`` is missing or holds nothing at all."""
    try:
        with os.scandir(folder) as entries:
            return next(entries, None) is None
    except FileNotFoundError:
        return True
    except OSError:  # unreadable: not known to be empty
        return False

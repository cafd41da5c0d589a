"""One run of the :mod:`.writer`: what to do with each note (:meth:`WriteRun.plan`, the cases
of the writer's module docstring) and doing it through the run's
:class:`~excerpta.output.OutputSink` (:meth:`WriteRun.act`)."""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from excerpta.model import Document
from excerpta.output import LINKED_OUTSIDE, OutputSink
from excerpta.writers.obsidian.adoption import document_keys
from excerpta.writers.obsidian.atomic import HighlightNoteRenderer, highlight_document, link_target
from excerpta.writers.obsidian.moved import FolderMoves
from excerpta.writers.obsidian.naming import NOTE_SUFFIX, NameAllocator, fold_name, in_icloud
from excerpta.writers.obsidian.note import NoteMemo, NoteText, adopt_note, merge_note, new_note
from excerpta.writers.obsidian.render import NoteRenderer
from excerpta.writers.obsidian.vault import VaultIndexes, known_notes, still_as_written, the_original

if TYPE_CHECKING:
    from excerpta.writers.obsidian.writer import ObsidianWriter

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Plan:
    """What to do with a document's note: ``merge`` it where it is (found again if
    ``moved_from`` is set), ``adopt`` a Readwise-plugin note, ``create`` it, ``skip`` it (the
    user deleted it), leave it ``gone`` (deleted, as the last run found, and its document
    unchanged since) or ``offline`` (in iCloud, not downloaded), or nothing (``none``:
    nothing to show, no note)."""

    action: Literal["merge", "adopt", "create", "skip", "gone", "none", "offline"]
    relative: str | None = None
    moved_from: str | None = None


class WriteRun:
    """The state of one ``write`` call: names handed out, the vault index once needed."""

    def __init__(self, writer: ObsidianWriter, sink: OutputSink) -> None:
        self.writer = writer
        self.options = writer.options
        self.sink = sink
        self.root = sink.root.resolve()
        self._prefix = sink.prefix  # the root with its trailing separator
        self.vault = VaultIndexes(self.root, lambda: known_notes(sink.records().values()))
        self.moves = FolderMoves(self._prefix, sink.records, self.vault.of)
        self.placed: dict[str, _Plan] = {}  # what plan() decided, by note key
        self.unrecorded: list[str] = []  # notes excerpta wrote that this state has no record of
        recorded = [self._relative(record.path) for record in sink.records().values()]
        self.names = NameAllocator(self.root, {path for path in recorded if path is not None})
        # Before this run writes anything into the folder (see _recreating).
        ours = sum(path is not None for path in recorded)
        self._starting_over = bool(ours) and _empty_or_gone(self.root)
        if self._starting_over:
            log.warning("%s: the folder is gone or empty, none of the %d notes excerpta wrote there "
                        "is left: writing them anew", self.root, ours)

    def _relative(self, path: str) -> str | None:
        # The sink records absolute paths under its resolved root. String slicing, not
        # Path.relative_to: an unchanged re-run asks this for every note it skips.
        if not path.startswith(self._prefix):
            return None  # written under another --out: not this folder's business
        relative = path[len(self._prefix):]
        return relative.replace(os.sep, "/") if os.sep != "/" else relative

    def is_current(self, document: Document, source_hash: str) -> bool:
        """True if this folder's note of ``document`` is intact and rendered from ``source_hash``."""
        record = self.sink.previous(document.id)
        return (record is not None and self._relative(record.path) is not None
                and self.sink.is_current(document.id, source_hash))

    def write_atomic(self, document: Document, highlights: HighlightNoteRenderer) -> None:
        """The notes of ``document``'s highlights, then the document's note embedding them."""
        renderer = self.writer.renderer
        plan = self.plan(document, renderer)
        # No note for the document (nothing to show): its name is not taken from another one.
        home = plan.relative or renderer.place(document)
        beside = highlights.beside(home)
        # The document's note is where the state says: a highlight's note it has no record of
        # is new, or was written by a run that died before its commit, in the folder of the
        # document's note (not the note's path); a scan of that folder finds it (a vault scan
        # costs 1 s at 100,000 notes).
        recorded = plan.action == "merge" and self.sink.previous(document.id) is not None
        within = beside.home if recorded else None
        links: dict[str, str] = {}
        for highlight in document.highlights:
            note = highlight_document(document, highlight)
            source_hash = self.writer.source_hash(note, beside.document_link)
            if self.is_current(note, source_hash):
                where = self._relative(self.sink.records()[note.id].path)
            else:
                where = self.act(self.plan(note, beside, adopt=False, within=within), note, source_hash,
                                 beside)
            if where is not None:
                links[highlight.id] = link_target(where)
        source_hash = self.writer.source_hash(document, *(f"{key}={value}" for key, value in links.items()))
        if not self.is_current(document, source_hash):
            self.act(plan, document, source_hash, renderer.with_links(links))

    def write_document(self, document: Document, source_hash: str, renderer: NoteRenderer) -> str | None:
        """Merge, find again, adopt, create or skip the note of ``document`` (module docstring);
        returns where the note is now (None: there is none)."""
        return self.act(self.plan(document, renderer), document, source_hash, renderer)

    def plan(self, document: Document, renderer: NoteRenderer, *, adopt: bool = True,
             within: str | None = None) -> _Plan:
        """What :meth:`act` is to do with the note of ``document``; the note's path is claimed
        (and a new note's name reserved) here. Asked twice in a run, gives the same answer.
        ``adopt``: may take over a Readwise-plugin note (a document's note may, a highlight's
        own note may not). ``within``: the folder a note we have no record of can only be in."""
        if (known := self.placed.get(document.id)) is not None:
            return known
        record = self.sink.previous(document.id)
        recorded = self._relative(record.path) if record is not None else None
        if recorded is not None and (self.root / recorded).is_file():
            plan = _Plan("merge", recorded)
        elif recorded is not None and in_icloud(self.root / recorded):
            plan = _Plan("offline", recorded)  # evicted by iCloud: there, but not to be read
        elif recorded is not None and record is not None and self._still_deleted(document, record.memo):
            # Not looked for again (a vault scan) until its document changes: a note the user
            # moved, not deleted, is found then.
            plan = _Plan("gone", recorded)
        elif recorded is None and all(highlight.is_deleted for highlight in document.highlights):
            # Before the vault index: a library of such documents must not cost a vault scan
            # on every run.
            plan = _Plan("none")
        elif (found := self._find(document, renderer, within if recorded is None else None)) is not None:
            plan = _Plan("merge", found, moved_from=recorded)
        elif recorded is None and record is not None and (moved := self.moves.relative(record.path)):
            plan = _Plan("create" if self._recreating() else "skip", moved)
        elif recorded is not None and not self._recreating():
            plan = _Plan("skip", recorded)
        elif recorded is not None:
            plan = _Plan("create", recorded)
        elif adopt and self.options.adopt and (plugin := self._plugin_note(document, renderer)) is not None:
            plan = _Plan("adopt", plugin)
        else:
            plan = _Plan("create", self._new_name(document, renderer))
        if plan.relative is not None:
            self.vault.claimed.add(fold_name(plan.relative))  # never handed to another document
        self.placed[document.id] = plan
        return plan

    def act(self, plan: _Plan, document: Document, source_hash: str, renderer: NoteRenderer) -> str | None:
        """Carry out ``plan`` for ``document``; returns where its note is (None: nowhere)."""
        relative = plan.relative
        if plan.action == "none":
            log.info("%s: no highlights to show; no note created", document.title)
        elif plan.action == "gone":
            log.info("%s: its note was deleted from the vault; not re-created (--recreate-deleted)",
                     document.title)
        elif plan.action == "offline" and relative is not None:
            self.sink.skip(relative, "in iCloud, not downloaded; left alone until it is", pending=True)
        elif plan.action == "skip" and relative is not None:
            self.sink.skip(relative, "deleted from the vault; not re-created (--recreate-deleted)")
            # Said once: the next runs leave it gone without a word (see plan()).
            gone = dataclasses.replace(self._memo(document.id), deleted=self.writer.source_hash(document))
            self.sink.remember(document.id, relative, gone.to_json())
        elif plan.action == "create" and relative is not None:
            text, memo = new_note(document, renderer, persistent_library=self.sink.persistent_library)
            self.sink.write(relative, text.encode("utf-8"), key=document.id, source_hash=source_hash,
                            memo=memo.to_json())
            return relative
        elif plan.action == "merge" and relative is not None:
            self._merge(document, relative, source_hash, renderer, plan.moved_from)
            return relative
        elif plan.action == "adopt" and relative is not None:
            self._adopt(document, relative, source_hash, renderer)
            return relative
        return None

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

    def _merge(self, document: Document, relative: str, source_hash: str, renderer: NoteRenderer,
               moved_from: str | None = None) -> None:
        existing = self._read(relative)
        if existing is None:
            return
        raw, text = existing
        if self.sink.previous(document.id) is None:
            self.unrecorded.append(relative)
        result = merge_note(text, document, renderer, policy=self.options.sync_policy,
                            keep_struck=self.options.deleted_highlights == "strike",
                            previous=self._memo(document.id),
                            persistent_library=self.sink.persistent_library)
        if moved_from is not None and moved_from != relative:
            result.messages.insert(0, f"found again by its excerpta-id (was {moved_from})")
        self._write_merged(document, relative, raw, result, source_hash)

    def _memo(self, document_id: str) -> NoteMemo:
        """What we remembered about the note we last wrote for the document in this folder, or
        where this folder was before the user moved it (the sink's records are this folder's
        alone, :meth:`~excerpta.output.OutputSink.records`): without it the highlights the
        user deleted from the note would come back."""
        record = self.sink.previous(document_id)
        return NoteMemo() if record is None else NoteMemo.from_json(record.memo)

    def _adopt(self, document: Document, relative: str, source_hash: str, renderer: NoteRenderer) -> None:
        existing = self._read(relative)
        if existing is not None:
            raw, text = existing
            result = adopt_note(text, document, renderer, persistent_library=self.sink.persistent_library)
            self._write_merged(document, relative, raw, result, source_hash)

    def _read(self, relative: str) -> tuple[bytes, str] | None:
        if self.sink.links_outside(relative):  # not ours to read either
            self.sink.skip(relative, LINKED_OUTSIDE, pending=True)
            return None
        try:
            raw = (self.root / relative).read_bytes()
        except OSError as err:
            self.sink.leave(relative, f"cannot be read ({err.strerror}); left as it is")
            return None
        try:
            return raw, raw.decode("utf-8")
        except UnicodeDecodeError:
            self.sink.leave(relative, "not UTF-8 text; left as it is")
            return None

    def _write_merged(self, document: Document, relative: str, raw: bytes, result: NoteText,
                      source_hash: str) -> None:
        reason = "; ".join(result.messages) or None
        if result.text is None:
            self.sink.leave(relative, reason or "left as it is")
            return
        # A note that could not take all of the document is not recorded as showing it, so
        # the next run tries again (and says so again) instead of taking it as current.
        self.sink.write(relative, result.text.encode("utf-8"), key=document.id,
                        source_hash=None if result.held else source_hash,
                        replaces=hashlib.sha256(raw).hexdigest(), reason=reason,
                        memo=result.memo.to_json(), pending=result.held)


    def say_unrecorded(self) -> None:
        """Warn, once a run, of the notes excerpta wrote that this state has no record of: only
        the state that wrote them knows what the user deleted from them (README audit)."""
        if self.unrecorded:
            log.warning("%s: %d note(s) excerpta wrote are not in this state's records (%s%s): "
                        "written under another --state, or before this one was lost; highlights "
                        "you deleted from them may come back, and notes you deleted are written "
                        "again (run with the state that wrote them)",
                        self.root, len(self.unrecorded), self.unrecorded[0],
                        ", …" if len(self.unrecorded) > 1 else "")


def _empty_or_gone(folder: Path) -> bool:
    """Whether ``folder`` is missing or holds nothing at all."""
    try:
        with os.scandir(folder) as entries:
            return next(entries, None) is None
    except FileNotFoundError:
        return True
    except OSError:  # unreadable: not known to be empty
        return False

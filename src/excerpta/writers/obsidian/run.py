"""One run of the :mod:`.writer`: what to do with each note (planned by
:class:`~.note_plans.NotePlanner`, the cases of the writer's module docstring) and doing it
through the run's :class:`~excerpta.output.OutputSink` (:meth:`WriteRun.act`)."""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from typing import TYPE_CHECKING

from excerpta.model import Document
from excerpta.output import LINKED_OUTSIDE, OutputSink
from excerpta.writers.obsidian.atomic import HighlightNoteRenderer, highlight_document, link_target
from excerpta.writers.obsidian.note import NoteMemo, NoteText, adopt_note, merge_note, new_note
from excerpta.writers.obsidian.note_plans import NotePlan, NotePlanner
from excerpta.writers.obsidian.render import NoteRenderer

if TYPE_CHECKING:
    from excerpta.writers.obsidian.writer import ObsidianWriter

log = logging.getLogger(__name__)

# Why a note excerpta wrote is not re-created where it was.
NOT_FOUND = ("not found in the output folder (deleted, or moved out of it); not re-created "
             "(--recreate-deleted)")


class WriteRun:
    """The state of one ``write`` call: its plans (names handed out, the vault index once
    needed) and the notes it found that the state has no record of."""

    def __init__(self, writer: ObsidianWriter, sink: OutputSink) -> None:
        self.writer = writer
        self.options = writer.options
        self.sink = sink
        self.root = sink.root.resolve()
        self.planner = NotePlanner(writer, sink, self.root)
        self.unrecorded: list[str] = []  # notes excerpta wrote that this state has no record of

    def is_current(self, document: Document, source_hash: str) -> bool:
        """True if this folder's note of ``document`` is intact and rendered from ``source_hash``."""
        record = self.sink.previous(document.id)
        return (record is not None and self.planner.relative(record.path) is not None
                and self.sink.is_current(document.id, source_hash))

    def write_atomic(self, document: Document, highlights: HighlightNoteRenderer) -> None:
        """The notes of ``document``'s highlights, then the document's note embedding them."""
        renderer = self.writer.renderer
        plan = self.planner.plan(document, renderer)
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
                where = self.planner.relative(self.sink.records()[note.id].path)
            else:
                plan_of_note = self.planner.plan(note, beside, adopt=False, within=within)
                where = self.act(plan_of_note, note, source_hash, beside)
            if where is not None:
                links[highlight.id] = link_target(where)
        source_hash = self.writer.source_hash(document, *(f"{key}={value}" for key, value in links.items()))
        if not self.is_current(document, source_hash):
            self.act(plan, document, source_hash, renderer.with_links(links))

    def write_document(self, document: Document, source_hash: str, renderer: NoteRenderer) -> str | None:
        """Merge, find again, adopt, create or skip the note of ``document`` (module docstring);
        returns where the note is now (None: there is none)."""
        return self.act(self.planner.plan(document, renderer), document, source_hash, renderer)

    def act(self, plan: NotePlan, document: Document, source_hash: str, renderer: NoteRenderer) -> str | None:
        """Carry out ``plan`` for ``document``; returns where its note is (None: nowhere)."""
        relative = plan.relative
        if plan.action == "none":
            log.info("%s: no highlights to show; no note created", document.title)
        elif plan.action == "gone":
            log.info("%s: its note is not in the output folder (deleted, or moved out of it); not "
                     "re-created (--recreate-deleted)", document.title)
        elif plan.action == "offline" and relative is not None:
            self.sink.skip(relative, "in iCloud, not downloaded; left alone until it is", pending=True)
        elif plan.action == "skip" and relative is not None:
            self.sink.skip(relative, NOT_FOUND)  # only the output folder is looked in
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

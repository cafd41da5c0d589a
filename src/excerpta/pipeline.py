"""The work behind ``excerpta convert`` and sync jobs: read inputs, merge into a library,
render, write.

Plain functions the CLI, the jobs (:mod:`excerpta.jobs`) and tests call; nothing here prints.
:func:`run_once` reads and merges its inputs once and writes each of its outputs under that
output's lock (:mod:`excerpta.locks`); :func:`convert` is it with one output.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from excerpta import registry
from excerpta.adapters import Reader, ReadState, RecordProblem
from excerpta.errors import said
from excerpta.hold_back import lost_inputs
from excerpta.input_reads import (
    FROM_FLAG,
    DocumentCallback,
    FormatChoice,
    Tally,
    check_something_read,
    read,
    read_found,
)
from excerpta.locks import output_lock
from excerpta.model import Document
from excerpta.output_records import Manifest
from excerpta.output_targets import foreign_suffix, make_sink, output_target
from excerpta.pipeline_writes import Output, write_outputs
from excerpta.pipes import named_as_given, spooled_pipes
from excerpta.preflight import check_options_apply, resolve_inputs
from excerpta.run_report import ConvertReport
from excerpta.selection import Selection
from excerpta.spool import spooled
from excerpta.store import LibraryStore, MergeRules
from excerpta.store.candidates import KINDLE
from excerpta.store.run_log import log_ended_by, signals_held
from excerpta.store.witness import TakeOver
from excerpta.unchanged_inputs import inputs_mark, kept_mark, mark_key, unchanged

log = logging.getLogger(__name__)
CONVERT_JOB = "convert"


# An input being read: its name, reader, read state, documents, tally, and whether it was
# found in a folder input.
_Input = tuple[str, Reader, ReadState, Iterator[Document], Tally, bool]


def convert(inputs: Sequence[str], *, to: str, out: str | Path, library: LibraryStore,
            state: LibraryStore, from_format: str | None = None,
            options: dict[str, Any] | None = None, typed: Mapping[str, str] | None = None,
            force: bool = False, dry_run: bool = False,
            selection: Selection | None = None, on_document: DocumentCallback | None = None,
            on_problem: Callable[[RecordProblem], None] | None = None,
            witnesses: Sequence[Manifest] = (),
            persistent_library: bool | None = None) -> ConvertReport:
    """Convert ``inputs`` into format ``to`` at ``out``: the documents ``selection`` selects
    (default: all) are written, the library still gets every one.

    ``library`` holds the documents (a throwaway in-memory store, or the persistent ``state``
    when the user gave ``--state``); ``state`` holds the output manifest and run log, and
    the read cursors when it is also the library. ``persistent_library``: ``library`` holds
    everything ever read, as the ``state``'s library does, or a dry run's copy of it (default:
    ``library is state``); the writer is told (see :class:`~excerpta.output.OutputSink`).
    The inputs are merged together or not at all (one that cannot be read leaves the library
    as it was); cursors and output records are committed together, after the files are on disk.
    ``typed`` says how each of ``options`` was given on the command line, for error messages
    (``{"deck": "--anki-deck", "flat": "-O flat"}``).
    A folder input holding files of several formats is read by each of their readers (see
    :func:`~excerpta.preflight.resolve_inputs`); a file found in it that cannot be read, or a
    subfolder that cannot be listed, is reported (the run partial), as one file of a folder a
    reader reads is.
    ``dry_run`` reads and renders but writes nothing. A pipe input (``-`` for standard input,
    ``/dev/stdin``) is read once into a temporary copy, detected and read from there
    (:mod:`excerpta.pipes`). Raises UserError (nothing written) for a bad command or an unreadable input.
    ``witnesses``: other states whose record of an output file's current bytes lets this run
    overwrite it although ``state`` never wrote it (see :class:`~excerpta.output.OutputSink`);
    their records of the output's files are the writer's too, and are committed into ``state``
    (:class:`~excerpta.store.witness.TakeOver`): the run takes the files over.
    """
    writer_cls = registry.writer(to)
    target = output_target(writer_cls, out)
    if (odd := foreign_suffix(writer_cls, target)) is not None:
        log.warning("%s", odd)
    writer = writer_cls.from_options(options or {}, typed)
    report = run_once(inputs, [Output(writer, target)], run_name=CONVERT_JOB, library=library,
                      state=state, from_format=from_format, options=options, typed=typed,
                      force=force, dry_run=dry_run, selection=selection, on_document=on_document,
                      on_problem=on_problem, witnesses=witnesses,
                      persistent_library=persistent_library)
    if report.failure is not None:  # its one output: nothing was written
        raise report.failure
    return report


def run_once(inputs: Sequence[str], outputs: Sequence[Output], *, run_name: str,
             library: LibraryStore, state: LibraryStore, from_format: str | None = None,
             options: dict[str, Any] | None = None, typed: Mapping[str, str] | None = None,
             force: bool = False, dry_run: bool = False, selection: Selection | None = None,
             on_document: DocumentCallback | None = None,
             on_problem: Callable[[RecordProblem], None] | None = None,
             witnesses: Sequence[Manifest] = (),
             persistent_library: bool | None = None,
             failed_outputs: Sequence[Exception] = (),
             format_choice: FormatChoice = FROM_FLAG) -> ConvertReport:
    """:func:`convert` into several ``outputs`` at once (a sync job's writers): the inputs are
    read and merged once, then each output is written in turn, its records committed once its
    files are on disk, and the read cursors with the last output's records. An output that
    fails does not stop the others: the report's ``failure`` is the first (the run is logged
    as failed, with what the others wrote), and the cursors stay where they were, so the next
    run reads it all again (the outputs written then find nothing changed). So do
    ``failed_outputs``, those the caller could not set up (a folder where a file goes): they
    are the first failures. A bad input or command is raised, nothing written.
    ``run_name`` names the run in the run log; ``format_choice``, where the user names an
    input's format (``--from``; a sync job's source ``format``), for the hint of an input
    that gave nothing (see :func:`~excerpta.input_reads.check_something_read`).
    ``options`` are the readers' (and, for :func:`convert`, the writer's too). Output records
    and read cursors are the library's, whatever the run's name: a scheduled job and a
    ``convert --state`` writing one output share its history. Every output's lock is held
    for the whole run."""
    persistent = library is state if persistent_library is None else persistent_library
    # The locks span reading the outputs (a writer merges into what is there) to committing
    # their records; a dry run writes nothing, so it does not wait for or block anyone. They
    # are taken first: a second run into an output stops at once, before it waits on the
    # state; in one order (by path), so two runs sharing outputs never hold one each.
    with ExitStack() as locks:
        for out in [] if dry_run else sorted({output.out for output in outputs}):
            locks.enter_context(output_lock(out))
        run_id = None
        try:
            if not dry_run:
                with signals_held():  # (a stop now is delivered once run_id is kept)
                    run_id = state.start_run(run_name)
            report = _run_locked(inputs, outputs, library=library, state=state,
                                 from_format=from_format, options=options or {}, typed=typed,
                                 force=force, dry_run=dry_run, persistent_library=persistent,
                                 selection=selection or Selection(), on_document=on_document,
                                 on_problem=on_problem, witnesses=witnesses,
                                 failure=next(iter(failed_outputs), None), format_choice=format_choice)
        except BaseException as err:  # the run log never keeps a run "running" for good
            if run_id is not None:
                log_ended_by(state, run_id, err)
            raise
        if run_id is not None:
            status = "failed" if report.failure else "partial" if report.exit_code else "ok"
            with signals_held():
                state.finish_run(run_id, status, report.counts(),
                                 None if report.failure is None else said(report.failure))
        return report


def _run_locked(inputs: Sequence[str], outputs: Sequence[Output], *,
                library: LibraryStore, state: LibraryStore, from_format: str | None,
                options: dict[str, Any], typed: Mapping[str, str] | None, force: bool,
                dry_run: bool, persistent_library: bool, selection: Selection,
                on_document: DocumentCallback | None,
                on_problem: Callable[[RecordProblem], None] | None,
                witnesses: Sequence[Manifest], failure: Exception | None,
                format_choice: FormatChoice) -> ConvertReport:
    manifest = TakeOver(state, witnesses) if witnesses else None
    sinks = [make_sink(type(output.writer), output.out, job=CONVERT_JOB, manifest=manifest or state,
                       force=force, dry_run=dry_run, witnesses=witnesses,
                       persistent_library=persistent_library, library=library) for output in outputs]
    with spooled_pipes(inputs) as readable, named_as_given(readable), ExitStack() as spools:
        paths = [readable[source] for source in inputs]
        given = dict(zip(paths, inputs, strict=True))
        settled = resolve_inputs(paths, from_format, options, typed,
                                 leave_out=[output.out for output in outputs])
        resolved = settled.inputs
        check_options_apply(options, [*(each.reader for each in resolved),
                                      *(output.writer for output in outputs)], typed)
        report = ConvertReport(failure=failure)
        for problem in settled.refused:  # a file of a folder input it may not open: partial
            report.problems.append(problem)
            if on_problem is not None:
                on_problem(problem)
        cursors = []
        reads: list[_Input] = []
        named = [(given.get(r.path, r.path), r.path, r.reader) for r in resolved]
        # Files the library took cleanly as they are now are not read again (excerpta.unchanged_inputs).
        mark = (inputs_mark(named) if library is state and persistent_library and not force
                and all(r.found_in is None for r in resolved) else None)
        sources = [source for source, _, _ in named]
        if unchanged(sources, mark, library, library.cursor(CONVERT_JOB, mark_key(sources))):
            report.inputs.extend((source, reader.name) for source, _, reader in named)
            report.unread, resolved = True, []
        for path, reader, found_in in ((r.path, r.reader, r.found_in) for r in resolved):
            source = given.get(path, path) if found_in is None else path
            read_state = ReadState(cursor=library.cursor(CONVERT_JOB, _cursor_key(source, reader)),
                                   on_problem=on_problem, source_names={path: source})
            tally = Tally()
            reading = read if found_in is None else read_found
            documents = reading(path, reader, read_state, on_document, tally)  # read while merged...
            if reader.remote:  # ...but a network source now, outside the transaction
                documents = spools.enter_context(spooled(documents))
            reads.append((source, reader, read_state, documents, tally, found_in is not None))
        # Every input's merges in one transaction: a run that cannot read one of its inputs
        # (after others were read) or is interrupted merges none of them. Merges stream into
        # it; SQLite spills to its journal, not to memory. The writing is left out of it, as
        # other runs sharing the state wait for it (a first render of 5,000 notes takes
        # seconds): should the writer fail, the library holds what was read, and the cursors,
        # committed with the output records below, still point before it.
        with library.transaction():
            for source, reader, read_state, documents, tally, found in reads:
                report.merged.add(library.merge(documents, MergeRules(
                    keep=reader.unknown_when_empty, keep_document=reader.document_unknown_when_empty,
                    left_out=read_state.left_out, document_left_out=read_state.document_left_out,
                    deleted=read_state.deleted, resaves=reader.resaves, edited=reader.edited_copies,
                    unify=not reader.library_ids, reader=_source_of(reader))))
                # Raised inside the transaction: no input of the run is merged, nothing written.
                if not reader.remote and not found:  # a found file's problems are reported
                    check_something_read(source, reader, read_state, tally.documents,
                                         named=from_format is not None, choice=format_choice)
                report.problems.extend(read_state.problems)
                report.inputs.append((source, reader.name))
                if read_state.next_cursor is not None and library is state:
                    cursors.append((CONVERT_JOB, _cursor_key(source, reader), read_state.next_cursor))
            if mark is not None and all(tally.documents and not read_state.problems
                                        for _, _, read_state, _, tally, _ in reads):
                # The library as these merges left it, before another run changes it.
                cursors.append((CONVERT_JOB, mark_key(sources), kept_mark(mark, library)))
        report.library_counts = library.counts()
        # Only a file output holds what the run read alone: a note keeps what an input omits.
        held_back = None if persistent_library or force else lost_inputs(
            [(source, reader, read_state, tally.documents)
             for source, reader, read_state, _, tally, _ in reads])
        report.writers = [output.writer for output in outputs]
        write_outputs(outputs, sinks, report, library=library, state=state, selection=selection,
                      force=force, dry_run=dry_run, persistent_library=persistent_library,
                      held_back=held_back, manifest=manifest, cursors=cursors)
    return report


def _cursor_key(source: str, reader: Reader) -> str:
    """What ``source``'s read cursor is kept under: the input as given, a network one in one
    spelling (``Readwise:`` reads what ``readwise:`` does)."""
    return source.strip().lower() if reader.remote else source


def _source_of(reader: Reader) -> str:
    """The source ``reader`` reads, for :mod:`excerpta.store.unify`: its name, except that the
    Kindle's clippings and notebook (the readers whose copies :mod:`excerpta.store.resaves`
    matches, under ids derived alike) are one source."""
    return KINDLE if reader.resaves else reader.name


"""How a run writes its outputs once its inputs are merged (:mod:`excerpta.pipeline`): each
output through its sink, rendered only if what it shows changed; one that fails leaves the
others written; what each wrote recorded in the state, the read cursors with the last output's
records, once every output is on disk."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from excerpta.adapters import Writer
from excerpta.errors import interrupted, said
from excerpta.hold_back import nothing_selected
from excerpta.output import OutputSink
from excerpta.remote_sink import RemoteSink
from excerpta.run_report import ConvertReport
from excerpta.selection import Selection
from excerpta.store import LibraryStore
from excerpta.store.witness import TakeOver
from excerpta.unchanged_outputs import fingerprint, left_as_written

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Output:
    """One output of a run: its writer, configured, and where it writes (``out`` as
    :func:`~excerpta.output_targets.output_target` settled it)."""

    writer: Writer
    out: Path


def write_outputs(outputs: Sequence[Output], sinks: Sequence[OutputSink | RemoteSink],
                  report: ConvertReport, *, library: LibraryStore, state: LibraryStore,
                  selection: Selection, force: bool, dry_run: bool, persistent_library: bool,
                  held_back: str | None, manifest: TakeOver | None,
                  cursors: list[tuple[str, str, str]]) -> None:
    """Write each of ``outputs`` through its sink (``sinks``, in order) from ``library``,
    counting into ``report``, and commit their records to ``state``, ``cursors`` with the
    last one's when none failed. ``held_back``: why a file output must not replace what it
    holds (an input lost); ``manifest``: the files a run with ``--state`` takes over."""
    for number, (output, sink) in enumerate(zip(outputs, sinks, strict=True), 1):
        report.left_out = report.selected = 0  # counted again by each output: the same ones
        # Rendered only if what it shows changed (excerpta.unchanged_outputs).
        one_file = (output.writer.target == "file" and library is state and persistent_library
                    and not force and selection == Selection())
        try:
            with sink:  # files appear together once the writer is done; none if it fails
                if one_file and left_as_written(sink, fingerprint(output.writer, library)):
                    report.selected = report.library_counts["documents"]  # all: no selection
                else:
                    output.writer.write(report.selecting(library.documents(), selection), sink)
                    reason = ((held_back if output.writer.target == "file" else None)
                              or (None if force else nothing_selected(selection, report)))
                    if reason is not None and sink.hold_back(reason):
                        report.held_back = reason
                    elif report.left_out and not report.selected:  # nothing there to keep
                        log.warning("%s: %s selects none of the library's %d document(s)",
                                    output.out, selection, report.left_out)
        except BaseException as err:  # the other outputs are still written
            # Whatever stopped the writer (Ctrl-C too): what it made that stays is recorded,
            # without the cursors (a file output's files were never published: nothing).
            outcomes, records = sink.left_after_failure()
            report.outcomes += outcomes
            if records and not dry_run:
                try:
                    state.commit_outputs(records)
                except Exception as lost:  # the error that stopped the writer is the one to tell
                    log.warning("%s: what was sent could not be recorded (%s); the next run sends "
                                "it again", output.out, said(lost))
            if not isinstance(err, Exception) or interrupted(err):  # a stop ends the run at once
                raise
            report.failure = report.failure or err
            continue
        report.outcomes += sink.outcomes
        if not dry_run:  # the cursors with the last records, once every output is on disk
            records = sink.pending_records()
            if manifest is not None:
                records += manifest.carried_over(sink.records(), records, sink.prefix)
            state.commit_outputs(records, cursors if number == len(outputs) and not report.failure
                                 else [])
            sink.committed()

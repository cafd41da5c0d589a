"""What a writer may call on the sink it is handed, whatever it writes to: :class:`Sink`.

Two sinks implement it: :class:`~excerpta.output.OutputSink` (files in a folder, written
atomically) and :class:`~excerpta.remote_sink.RemoteSink` (documents sent to a service, their
records kept). A writer states which one it takes as the parameter of its base class
(``Writer[OutputSink]``, ``Writer[RemoteSink]``, see :class:`~excerpta.adapters.Writer`),
which its ``target`` decides (:func:`~excerpta.output_targets.make_sink`): it may then call
what that sink adds (a file writer's ``write``, ``skip``, ``leave``; a remote writer's
``sent``, ``unchanged``, ``refused``), and on any sink only what this protocol names.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from excerpta.output_records import OutputRecord, WriteOutcome


@runtime_checkable
class Sink(Protocol):
    """Where one writer's output goes for one job, and what the writer wrote there before.

    ``force``: the writer is to write (send) everything again, whatever the records say;
    ``dry_run``: nothing is written (sent) nor recorded, the outcomes say what would be;
    ``outcomes``: what happened to each file or document so far, in order.
    """

    force: bool
    dry_run: bool
    outcomes: list[WriteOutcome]

    def records(self) -> dict[str, OutputRecord]:
        """What this job's writer wrote (sent) for this output before this run, by key (a
        document id, say): a snapshot taken at first use."""
        ...

    def previous(self, key: str) -> OutputRecord | None:
        """The record of what was last written (sent) for ``key``, if any."""
        ...

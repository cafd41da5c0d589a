"""Where a writer whose output is a service (``readwise``) reports what it sent: the
:class:`~excerpta.output.OutputSink` of an account instead of a folder.

A remote writer sends each document's changes itself (a POST, say); the sink keeps, per
document, the record of what the service accepted: the same :class:`OutputRecord` rows a file
writer leaves, keyed by document id, whose ``memo`` the writer reads back next run to send
only what changed. The records sit under a folder of excerpta's own state (``root``, see
:func:`remote_root`) that no file is ever written to; it names the output for its lock and
its records. A record is *pending* until the caller commits it: with the run's cursors when
the writer ends well (:meth:`RemoteSink.pending_records`), without them when it fails or is
stopped (:meth:`RemoteSink.left_after_failure`: what the service took is there). Only a
killed process sends the same again next run, which the writer makes harmless (an update in
place).

A dry run sends nothing and keeps no record; it reports what would be sent.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from platformdirs import user_state_path

from excerpta.output_folder import OutputFolder
from excerpta.output_records import OutputRecord, WriteOutcome

REMOTE_FOLDER = "remote"


def remote_root(service: str) -> Path:
    """The folder (never made) that names the output of a writer sending to ``service``."""
    return user_state_path("excerpta", appauthor=False) / REMOTE_FOLDER / service


@dataclass
class RemoteSink(OutputFolder):
    """The records and outcomes of one remote writer's run for one job; see the module
    docstring. ``label`` shows the service in outcomes (``readwise:``), ``service`` names it
    (``Readwise``); ``force``: the writer is to send everything again, whatever the records say."""

    label: str = ""
    service: str = ""
    force: bool = False
    dry_run: bool = False
    # The library's sources of each highlight of a document (LibraryStore.highlight_sources):
    # required, as without it nothing would be known to come from Readwise.
    highlight_sources: Callable[[str], dict[str, frozenset[str]]] = field(kw_only=True, repr=False)
    outcomes: list[WriteOutcome] = field(default_factory=list)
    _pending: list[OutputRecord] = field(default_factory=list)

    def shown(self, title: str) -> Path:
        """How an outcome names the document ``title`` (``readwise: Walden``)."""
        return Path(f"{self.label} {title}")

    def sent(self, key: str, title: str, *, size: int, highlights: int, digest: str, source_hash: str,
             memo: str, created: bool, reason: str | None = None) -> WriteOutcome:
        """Report that ``highlights`` highlights of document ``key`` were sent (``size`` bytes),
        or in a dry run would be, and keep its record (see :meth:`remember`). ``created``: the
        service had none of it before."""
        outcome = WriteOutcome(self.shown(title), "create" if created else "update", size, reason,
                               service=self.service, highlights=highlights)
        self.outcomes.append(outcome)
        self.remember(key, digest=digest, source_hash=source_hash, memo=memo)
        return outcome

    def remember(self, key: str, *, digest: str, source_hash: str, memo: str) -> None:
        """Keep the record of document ``key``, reporting nothing: ``digest`` of what the
        service holds of it, ``source_hash`` of what that was made from, ``memo`` for the
        writer's next run. Nothing is kept in a dry run."""
        if not self.dry_run:
            # Named by a hash of the key: a document id is any text ("..", "a/b").
            name = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
            self._pending.append(OutputRecord(str(self.resolve(name)), self.job, self.writer, key,
                                              digest, source_hash, datetime.now(UTC), memo=memo))

    def unchanged(self, title: str) -> WriteOutcome:
        """Report that a document had nothing to send (its record stays as it is)."""
        outcome = WriteOutcome(self.shown(title), "unchanged", 0, service=self.service)
        self.outcomes.append(outcome)
        return outcome

    def refused(self, title: str, reason: str, *, highlights: int) -> WriteOutcome:
        """Report that ``highlights`` of a document's changes could not be sent (the service
        refused them): left for the next run, which makes this one partial."""
        outcome = WriteOutcome(self.shown(title), "conflict", 0, reason, pending=True, service=self.service,
                               highlights=highlights)
        self.outcomes.append(outcome)
        return outcome

    def hold_back(self, reason: str) -> bool:
        """Nothing sent can be held back; nothing is (see OutputSink.hold_back)."""
        return False

    def __enter__(self) -> RemoteSink:
        return self

    def __exit__(self, *exc: object) -> None:
        """Nothing to publish or drop: what was sent is there."""

    def committed(self) -> None:
        """Say that the state now records this run's sendings (nothing to do: they are its records)."""

    def left_after_failure(self) -> tuple[list[WriteOutcome], list[OutputRecord]]:
        """What stays of a run whose writer failed or was stopped: what the service took
        before, its outcomes and records (committed without the cursors)."""
        return list(self.outcomes), self.pending_records()

    def pending_records(self) -> list[OutputRecord]:
        """Records of the documents sent so far, for the caller to commit to the manifest."""
        return list(self._pending)

    @property
    def conflicts(self) -> list[WriteOutcome]:
        """Outcomes of documents whose changes the service refused."""
        return [o for o in self.outcomes if o.action == "conflict"]

"""The ``readwise`` writer: sends the library's highlights to a Readwise account.

``excerpta convert "My Clippings.txt" --to readwise --out readwise:`` (or a job's writer with
``format = "readwise"`` and ``out = "readwise:"``), with the token in ``READWISE_TOKEN`` or
``READWISE_TOKEN_FILE`` as for reading. Each highlight goes out as Readwise's highlight CREATE
(:mod:`.payload`), in requests of at most :data:`BATCH` highlights, paced and retried by the
client (:mod:`excerpta.clients.readwise`).

Only what changed is sent: the record of each document (:class:`~excerpta.remote_sink.RemoteSink`)
keeps, per highlight, a hash of the fields sent and the ``highlight_url`` used, for this
account and API URL (another token or URL starts afresh; :mod:`.memo`). A document as it was
when sent is skipped whole; of one that changed, a highlight whose fields are as sent is not
sent again, and one edited since is sent again under the same ``highlight_url``, so Readwise
updates it in place. ``--force`` sends everything again (updates, no duplicates).

Not sent: highlights that came from Readwise (they are there already: a highlight or document
with a ``readwise`` id), deleted ones, and ones without text (a note alone; Readwise requires
text), each counted in a ``-v`` line. Nothing is ever deleted or edited in Readwise but by
sending a highlight again: a highlight deleted here stays there.

A request Readwise refuses (HTTP 400) is sent again document by document, so one document's
refusal is reported (its changes left for the next run, the run partial) and the others go.
A rejected token, or Readwise unreachable past the retries, fails the writer: what was sent
before is recorded all the same (see :func:`~excerpta.pipeline.run_once`).
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from excerpta.adapters import Writer
from excerpta.clients.readwise import ReadwiseClient, Rejected
from excerpta.clients.readwise_settings import ReadwiseSettings
from excerpta.model import Document
from excerpta.remote_sink import RemoteSink
from excerpta.writers.readwise.memo import Planned, account_of, sent_before, source_hash
from excerpta.writers.readwise.payload import (
    Fitting,
    digest,
    document_fields,
    highlight_fields,
    highlight_url,
    own_links,
)

# Per request: Readwise documents no limit; these keep a request under a megabyte (proxies
# refuse larger bodies) and a 100,000-highlight first run to ~200 requests, under a minute
# of the client's pacing below Readwise's 240 requests a minute.
BATCH = 500  # highlights
BATCH_BYTES = 1 << 20  # of JSON
READWISE_ID = "readwise"

log = logging.getLogger(__name__)


class ReadwiseWriter(Writer):
    """Sends highlights to Readwise; see the module docstring."""

    name = "readwise"
    target = "remote"
    remote_name = "readwise:"
    description = "Readwise account (--out readwise:): highlights sent through its API, only what changed"

    def write(self, documents: Iterable[Document], sink: RemoteSink) -> None:  # type: ignore[override]
        settings = ReadwiseSettings.from_env()
        account = account_of(sink.records(), settings.token.get_secret_value())
        with ReadwiseClient(settings) as client:
            run = _Run(sink, client, account, settings.api_url)
            for document in documents:
                run.add(document)
            run.flush()
        for phrase in run.fitting.said():
            log.warning("readwise: %s", phrase)
        for why, count in sorted(run.skipped.items()):
            log.info("readwise: %d highlight(s) not sent: %s", count, why)


@dataclass
class _Run:
    """One run of the writer: documents planned into batches, batches sent and recorded."""

    sink: RemoteSink
    client: ReadwiseClient
    account: str
    api_url: str
    fitting: Fitting = field(default_factory=Fitting)
    skipped: Counter[str] = field(default_factory=Counter)
    batch: list[Planned] = field(default_factory=list)

    def add(self, document: Document) -> None:
        """Plan ``document`` and queue its changes, sending the batch once it is full."""
        record = self.sink.previous(document.id)
        hashed = source_hash(document, self.account, self.api_url)
        if record is not None and record.source_hash == hashed and not self.sink.force:
            if record.hash != NOTHING_SENT:
                self.sink.unchanged(document.title)
            return
        planned = self.plan(document, hashed, sent_before(record, self.account, self.api_url))
        if not planned.send:  # what changed is nothing Readwise gets (a deleted highlight)
            memo = planned.memo(self.account, self.api_url)
            if planned.sent:
                self.sink.unchanged(document.title)
            self.sink.remember(planned.key, digest=_hash(memo) if planned.sent else NOTHING_SENT,
                               source_hash=hashed, memo=memo)
            return
        if self.batch and not _fits([*self.batch, planned]):
            self.flush()
        self.batch.append(planned)

    def plan(self, document: Document, hashed: str, before: dict[str, list[str]] | None) -> Planned:
        """What of ``document`` to send, given what was sent of it ``before``."""
        planned = Planned(document.id, document.title, hashed, created=not before, sent=dict(before or {}))
        shared = document_fields(document, self.fitting)
        links = own_links(document)
        from_readwise = READWISE_ID in document.external_ids
        for highlight in document.highlights:
            if from_readwise or READWISE_ID in highlight.external_ids:
                self.skipped["they came from Readwise"] += 1
            elif highlight.is_deleted:
                self.skipped["deleted"] += 1
            elif not highlight.text.strip():
                self.skipped["no highlighted text (a note alone)"] += 1
            else:
                old = planned.sent.get(highlight.id)
                link = old[1] if old else highlight_url(highlight, links)
                fields = {**shared, **highlight_fields(highlight, link, self.fitting)}
                fields_hash, size = digest(fields)
                if old is None or old[0] != fields_hash or self.sink.force:
                    planned.send.append(fields)
                    planned.sizes.append(size)
                    planned.sent[highlight.id] = [fields_hash, link]
        return planned

    def flush(self, batch: list[Planned] | None = None) -> None:
        """Send the queued batch (or ``batch``) in one request (a document past :data:`BATCH`
        highlights or :data:`BATCH_BYTES` in several), and record each document sent; a
        refused request is sent again document by document, a document refused alone reported."""
        if batch is None:
            batch, self.batch = self.batch, []
        if not batch:
            return
        try:
            if not self.sink.dry_run:
                for request in _requests(batch):
                    self.client.create_highlights(request)
        except Rejected as err:
            if len(batch) > 1:
                for planned in batch:
                    self.flush([planned])
                return
            self.sink.refused(batch[0].title, f"{err}; its changes are sent again next run")
            return
        for planned in batch:
            memo = planned.memo(self.account, self.api_url)
            self.sink.sent(planned.key, planned.title, size=sum(planned.sizes), created=planned.created,
                           memo=memo, digest=_hash(memo),
                           source_hash=planned.source_hash, reason=f"{len(planned.send)} highlight(s)")


# The record's hash of a document with nothing sent to Readwise (all of it came from
# Readwise, or was deleted): skipped without a word while it stays so.
NOTHING_SENT = "nothing sent"


def _hash(memo: str) -> str:
    return hashlib.sha256(memo.encode("utf-8")).hexdigest()


def _fits(batch: list[Planned]) -> bool:
    """Whether ``batch`` goes in one request."""
    return (sum(len(p.send) for p in batch) <= BATCH
            and sum(size for p in batch for size in p.sizes) <= BATCH_BYTES)


def _requests(batch: list[Planned]) -> list[list[dict[str, Any]]]:
    """``batch``'s highlights cut into requests of at most :data:`BATCH` highlights and
    :data:`BATCH_BYTES` (a highlight larger alone is a request of its own)."""
    requests: list[list[dict[str, Any]]] = [[]]
    used = 0
    for planned in batch:
        for fields, size in zip(planned.send, planned.sizes, strict=True):
            if requests[-1] and (len(requests[-1]) == BATCH or used + size > BATCH_BYTES):
                requests.append([])
                used = 0
            requests[-1].append(fields)
            used += size
    return requests

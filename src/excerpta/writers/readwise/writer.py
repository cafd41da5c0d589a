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

Not sent: highlights that came from Readwise and were never sent by this writer (they are
there already: the library says a Readwise source gave them, :data:`READWISE_SOURCES`, or
they carry a Readwise or Reader id), deleted ones, and ones without text (a note alone;
Readwise requires text), each counted in a ``-v`` line. A highlight of the same book that
came from elsewhere (a new Kindle highlight of a book Readwise has) is sent. Nothing is ever
deleted in Readwise: a highlight deleted here stays there (a removed note is sent as an
empty note).

A request Readwise refuses (HTTP 400, 413, 422) is halved until the highlights it refuses
stand alone: each is reported with its book (left for the next run, the run partial) and the
others go. A rejected token, or Readwise unreachable past the retries, fails the writer; what
was sent before, even when a stop (Ctrl-C, SIGTERM) ends the run, is recorded all the same
(:meth:`~excerpta.remote_sink.RemoteSink.left_after_failure`).
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
from excerpta.clients.readwise_settings import READWISE, ReadwiseSettings
from excerpta.model import Document, Highlight
from excerpta.remote_sink import RemoteSink
from excerpta.writers.readwise.memo import Planned, Sent, account_of, sent_before, source_hash
from excerpta.writers.readwise.payload import (
    Fitting,
    digest,
    document_fields,
    highlight_fields,
    highlight_url,
)

# Per request: Readwise documents no limit; these keep a request under a mebibyte (proxies
# refuse larger bodies, nginx by default) and a 100,000-highlight first run to ~200 requests,
# under a minute of the client's pacing below Readwise's 240 requests a minute.
BATCH = 500  # highlights
# The highlights' compact JSON; the envelope and commas add about a byte a highlight, still
# under a mebibyte.
BATCH_BYTES = 1_000_000
# The library's sources that are Readwise's: its API and saved pages (ids ``readwise-…``),
# its CSV export and its Markdown notes, and Reader's ids.
READWISE_SOURCES = frozenset({"readwise", "readwise-csv", "readwise-md", "reader"})
READWISE_IDS = ("readwise", "reader")  # keys of a highlight's external_ids
# The record's hash of a document with nothing sent to Readwise (all of it came from
# Readwise, or was deleted): skipped without a word while it stays so.
NOTHING_SENT = "nothing sent"

log = logging.getLogger(__name__)


class ReadwiseWriter(Writer[RemoteSink]):
    """Sends highlights to Readwise; see the module docstring."""

    name = "readwise"
    target = "remote"
    remote_name = "readwise:"
    api_settings = ReadwiseSettings
    description = "Readwise account (--out readwise:): highlights sent through its API, only what changed"

    def write(self, documents: Iterable[Document], sink: RemoteSink) -> None:
        """Send what changed of ``documents`` and record it in ``sink`` (a remote writer gets a
        RemoteSink). Raises ConfigError without a token (a dry run goes without one, see the
        module docstring) or with one that cannot be read, FatalSourceError for a rejected one
        or an answer that is not the API's, RetriableSourceError when Readwise stays
        unreachable; what was sent before is in ``sink`` then."""
        if sink.dry_run:  # no client at all: a dry run makes no request
            run = self._plan(sink)
            run.add_all(documents)
        else:
            settings = ReadwiseSettings.from_env()
            account = account_of(sink.records(), settings.token.get_secret_value())
            with ReadwiseClient(settings) as client:
                run = _Run(sink, client, account, settings.api_url)
                run.add_all(documents)
        for phrase in run.fitting.said():
            log.warning("readwise: %s", phrase)
        for why, count in sorted(run.skipped.items()):
            log.info("readwise: %d highlight(s) not sent: %s", count, why)

    @staticmethod
    def _plan(sink: RemoteSink) -> _Run:
        """A dry run's planning, offline: for the token's account when a token is given (its
        records say what it has), else as a first send to an account (said in a warning)."""
        if not ReadwiseSettings.token_given():
            log.warning("readwise: dry run without a token (%s or %s): what a first send to an account "
                        "would be, everything that did not come from Readwise; which of it an account "
                        "has already been sent cannot be told without its token",
                        READWISE.token_env, READWISE.token_file_env)
            return _Run(sink, None, None, "")
        settings = ReadwiseSettings.from_env()  # a token given but unreadable: as a run says it
        return _Run(sink, None, account_of(sink.records(), settings.token.get_secret_value()),
                    settings.api_url)


@dataclass
class _Run:
    """One run of the writer: documents planned into batches, batches sent and recorded."""

    sink: RemoteSink
    client: ReadwiseClient | None  # None: a dry run, which sends nothing
    account: str | None  # None: a dry run without a token, for an account of no records
    api_url: str
    fitting: Fitting = field(default_factory=Fitting)
    skipped: Counter[str] = field(default_factory=Counter)
    batch: list[Planned] = field(default_factory=list)

    def add_all(self, documents: Iterable[Document]) -> None:
        """Plan, queue and send every document's changes (see :meth:`add`), then the last batch."""
        for document in documents:
            self.add(document)
        self.flush()

    def add(self, document: Document) -> None:
        """Plan ``document`` and queue its changes, sending the batch once it is full."""
        if self.account is None:  # no account known: as if nothing of it was sent
            self.queue(self.plan(document, "", {}))
            return
        record = self.sink.previous(document.id)
        hashed = source_hash(document, self.account, self.api_url)
        if record is not None and record.source_hash == hashed and not self.sink.force:
            if record.hash != NOTHING_SENT:
                self.sink.unchanged(document.title)
            return
        planned = self.plan(document, hashed, sent_before(record, self.account, self.api_url) or {})
        if not planned.send:  # what changed is nothing Readwise gets (a deleted highlight)
            memo = planned.memo(self.account, self.api_url)
            if planned.sent:
                self.sink.unchanged(document.title)
            self.sink.remember(planned.key, digest=_hash(memo) if planned.sent else NOTHING_SENT,
                               source_hash=hashed, memo=memo)
            return
        self.queue(planned)

    def queue(self, planned: Planned) -> None:
        """Queue ``planned`` (if it has anything to send), sending the batch first if it is full."""
        if not planned.send:
            return
        if self.batch and not _fits([*self.batch, planned]):
            self.flush()
        self.batch.append(planned)

    def plan(self, document: Document, hashed: str, before: Sent) -> Planned:
        """What of ``document`` to send, given what was sent of it ``before``."""
        planned = Planned(document.id, document.title, hashed, before)
        shared = document_fields(document, self.fitting)
        sources = self.sink.highlight_sources(document.id)
        for highlight in document.highlights:
            old = before.get(highlight.id)
            if old is None and _from_readwise(highlight, sources.get(highlight.id, frozenset())):
                self.skipped["they came from Readwise"] += 1
            elif highlight.is_deleted:
                self.skipped["deleted"] += 1
            elif not highlight.text.strip():
                self.skipped["no highlighted text (a note alone)"] += 1
            else:
                link = old[1] if old else highlight_url(highlight)
                fields = {**shared, **highlight_fields(highlight, link, self.fitting)}
                fields_hash, size = digest(fields)
                if old is None or old[0] != fields_hash or self.sink.force:
                    planned.send.append((highlight.id, fields, size))
                    planned.sent[highlight.id] = [fields_hash, link]
        return planned

    def flush(self) -> None:
        """Send the queued batch in requests of at most :data:`BATCH` highlights and
        :data:`BATCH_BYTES`, and record each document sent; of a refused request, the
        highlights refused alone are reported and taken back, the others recorded."""
        batch, self.batch = self.batch, []
        refused: dict[str, str] = {}  # highlight id -> why
        if self.client is not None:
            for request in _requests(batch):
                refused.update(self._post(self.client, request))
        for planned in batch:
            mine = {highlight_id: refused[highlight_id] for highlight_id, _, _ in planned.send
                    if highlight_id in refused}
            if mine:
                planned.refused(set(mine))
                self.sink.refused(planned.title, f"{len(mine)} highlight(s) refused, sent again next "
                                                 f"run: {next(iter(mine.values()))}", highlights=len(mine))
            if planned.send:
                memo = planned.memo(self.account or "", self.api_url)
                # With a highlight refused, the document is not as sent: planned again next run.
                self.sink.sent(planned.key, planned.title, size=planned.size, highlights=len(planned.send),
                               created=not planned.before,
                               memo=memo, digest=_hash(memo), source_hash="" if mine else planned.source_hash,
                               reason=f"{len(planned.send)} highlight(s)")

    def _post(self, client: ReadwiseClient, request: list[tuple[str, dict[str, Any]]]) -> dict[str, str]:
        """Send ``request``; the highlights Readwise refused (id -> why), a refused request
        halved until each refused highlight stands alone."""
        try:
            client.create_highlights([fields for _, fields in request])
            return {}
        except Rejected as err:
            if len(request) == 1:
                return {request[0][0]: str(err)}
        middle = len(request) // 2
        return {**self._post(client, request[:middle]), **self._post(client, request[middle:])}


def _from_readwise(highlight: Highlight, sources: frozenset[str]) -> bool:
    """Whether ``highlight`` came from Readwise: a Readwise source gave it, or it has a
    Readwise or Reader id."""
    return bool(sources & READWISE_SOURCES) or any(key in highlight.external_ids for key in READWISE_IDS)


def _hash(memo: str) -> str:
    """The record's hash of what Readwise holds of a document: its memo's."""
    return hashlib.sha256(memo.encode("utf-8")).hexdigest()


def _fits(batch: list[Planned]) -> bool:
    """Whether ``batch`` goes in one request."""
    return (sum(len(p.send) for p in batch) <= BATCH and sum(p.size for p in batch) <= BATCH_BYTES)


def _requests(batch: list[Planned]) -> list[list[tuple[str, dict[str, Any]]]]:
    """``batch``'s highlights (id, fields) cut into requests of at most :data:`BATCH`
    highlights and :data:`BATCH_BYTES` (a highlight larger alone is a request of its own)."""
    requests: list[list[tuple[str, dict[str, Any]]]] = [[]]
    used = 0
    for planned in batch:
        for highlight_id, fields, size in planned.send:
            if requests[-1] and (len(requests[-1]) == BATCH or used + size > BATCH_BYTES):
                requests.append([])
                used = 0
            requests[-1].append((highlight_id, fields))
            used += size
    return [request for request in requests if request]

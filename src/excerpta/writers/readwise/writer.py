"""The ``readwise`` writer: sends the library's highlights to a Readwise account.

``excerpta convert "My Clippings.txt" --to readwise --out readwise:`` (or a job's writer with
``format = "readwise"`` and ``out = "readwise:"``), with the token in ``READWISE_TOKEN`` or
``READWISE_TOKEN_FILE`` as for reading. Each highlight goes out as Readwise's highlight CREATE
(:mod:`.payload`), in requests of at most :data:`BATCH` highlights, paced and retried by the
client (:mod:`excerpta.clients.readwise`).

Only what changed is sent: the record of each document (:class:`~excerpta.remote_sink.RemoteSink`)
keeps, per highlight, a hash of the fields sent and the ``highlight_url`` used, for this
account and API URL (another token or URL starts afresh). A highlight whose fields are as
sent is not sent again; one edited since is sent again under the same ``highlight_url``, so
Readwise updates it in place. ``--force`` sends everything again (updates, no duplicates).

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
import json
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from excerpta.adapters import Writer
from excerpta.clients.readwise import ReadwiseClient, Rejected
from excerpta.clients.readwise_settings import ReadwiseSettings
from excerpta.model import Document
from excerpta.output_records import OutputRecord
from excerpta.readwise.cursor import account_fingerprint, same_account
from excerpta.remote_sink import RemoteSink
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


@dataclass
class Planned:
    """One document's changes to send, and its record's memo once they are sent."""

    key: str
    title: str
    created: bool
    send: list[dict[str, Any]] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)  # of each of ``send`` as JSON
    sent: dict[str, list[str]] = field(default_factory=dict)  # highlight id -> [digest, link]

    def memo(self, account: str, api_url: str) -> str:
        return json.dumps({"account": account, "api_url": api_url, "highlights": self.sent},
                          sort_keys=True, separators=(",", ":"))


class ReadwiseWriter(Writer):
    """Sends highlights to Readwise; see the module docstring."""

    name = "readwise"
    target = "remote"
    remote_name = "readwise:"
    description = "Readwise account (--out readwise:): highlights sent through its API, only what changed"

    def write(self, documents: Iterable[Document], sink: RemoteSink) -> None:  # type: ignore[override]
        settings = ReadwiseSettings.from_env()
        token = settings.token.get_secret_value()
        self._account, self._api_url = account_fingerprint(token), settings.api_url
        fitting, skipped = Fitting(), Counter[str]()
        batch: list[Planned] = []
        with ReadwiseClient(settings) as client:
            for document in documents:
                planned = self._plan(document, sink, token, fitting, skipped)
                if planned is None:
                    continue
                if not planned.send:
                    sink.unchanged(planned.title)
                    continue
                if batch and not _fits([*batch, planned]):
                    self._flush(client, batch, sink)
                    batch = []
                batch.append(planned)
            self._flush(client, batch, sink)
        for phrase in fitting.said():
            log.warning("readwise: %s", phrase)
        for why, count in sorted(skipped.items()):
            log.info("readwise: %d highlight(s) not sent: %s", count, why)

    def _plan(self, document: Document, sink: RemoteSink, token: str, fitting: Fitting,
              skipped: Counter[str]) -> Planned | None:
        """What of ``document`` to send; None when it has nothing Readwise should get (all of
        it came from Readwise, or was deleted) and was never sent."""
        before = None if sink.force else _sent_before(sink.previous(document.id), token, self._api_url)
        planned = Planned(document.id, document.title, created=before is None, sent=dict(before or {}))
        shared = document_fields(document, fitting)
        links = own_links(document)
        from_readwise = READWISE_ID in document.external_ids
        for highlight in document.highlights:
            if from_readwise or READWISE_ID in highlight.external_ids:
                skipped["they came from Readwise"] += 1
            elif highlight.is_deleted:
                skipped["deleted"] += 1
            elif not highlight.text.strip():
                skipped["no highlighted text (a note alone)"] += 1
            else:
                old = planned.sent.get(highlight.id)
                link = old[1] if old else highlight_url(highlight, links)
                fields = {**shared, **highlight_fields(highlight, link, fitting)}
                hashed, size = digest(fields)
                if old is None or old[0] != hashed:
                    planned.send.append(fields)
                    planned.sizes.append(size)
                    planned.sent[highlight.id] = [hashed, link]
        return None if before is None and not planned.send else planned

    def _flush(self, client: ReadwiseClient, batch: list[Planned], sink: RemoteSink) -> None:
        """Send ``batch`` in one request (a document past :data:`BATCH` highlights or
        :data:`BATCH_BYTES` in several), and record each document sent; a refused request is
        sent again document by document, a document refused alone reported."""
        if not batch:
            return
        try:
            if not sink.dry_run:
                for request in _requests(batch):
                    client.create_highlights(request)
        except Rejected as err:
            if len(batch) > 1:
                for planned in batch:
                    self._flush(client, [planned], sink)
                return
            sink.refused(batch[0].title, f"{err}; its changes are sent again next run")
            return
        for planned in batch:
            memo = planned.memo(self._account, self._api_url)
            sink.sent(planned.key, planned.title, size=sum(planned.sizes), created=planned.created, memo=memo,
                      digest=hashlib.sha256(memo.encode("utf-8")).hexdigest(),
                      reason=f"{len(planned.send)} highlight(s)")


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


def _sent_before(record: OutputRecord | None, token: str, api_url: str) -> dict[str, list[str]] | None:
    """What the record says was sent of a document to this account at ``api_url`` (highlight
    id -> [digest, highlight_url]); None if nothing was (no record, another account or URL,
    or a memo that does not read)."""
    if record is None or not record.memo:
        return None
    try:
        memo = json.loads(record.memo)
    except ValueError:
        return None
    if not isinstance(memo, dict) or memo.get("api_url") != api_url \
            or not same_account(memo.get("account"), token):
        return None
    sent = memo.get("highlights")
    if not isinstance(sent, dict):
        return None
    return {key: value for key, value in sent.items()
            if isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)}

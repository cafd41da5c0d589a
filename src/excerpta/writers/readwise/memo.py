"""What the ``readwise`` writer remembers of a document it sent, in its output record.

The record's ``memo`` is JSON: the account (a salted hash of the token, never the token) and
API URL it went to, and per highlight the hash of the fields sent and the ``highlight_url``
they went with. Its ``source_hash`` (:func:`source_hash`) says what the document was when
sent, for that account, URL and field mapping: a run finding it the same skips the document
without working out its fields. One salt serves a state's records (:func:`account_of`), so
the hash can be made again without parsing each memo.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from excerpta.account_fingerprint import account_fingerprint, same_account
from excerpta.identity import content_hash
from excerpta.model import Document
from excerpta.output_records import OutputRecord

# Changed whenever payload.py maps a field otherwise: every document is then sent again.
FIELDS_VERSION = "1"

Sent = dict[str, list[str]]  # highlight id -> [hash of the fields sent, highlight_url]


@dataclass
class Planned:
    """One document's changes to send (``send``: highlight id, fields, their size as JSON in
    bytes), what was sent of it ``before``, and what will have been once they are (``sent``)."""

    key: str
    title: str
    source_hash: str
    before: Sent
    send: list[tuple[str, dict[str, Any], int]] = field(default_factory=list)
    sent: Sent = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.sent = dict(self.before)

    @property
    def size(self) -> int:
        return sum(size for _, _, size in self.send)

    def refused(self, highlight_ids: set[str]) -> None:
        """Take back these highlights, which Readwise refused: as they were before."""
        self.send = [item for item in self.send if item[0] not in highlight_ids]
        for highlight_id in highlight_ids:
            if highlight_id in self.before:
                self.sent[highlight_id] = self.before[highlight_id]
            else:
                self.sent.pop(highlight_id, None)

    def memo(self, account: str, api_url: str) -> str:
        """The record's memo (see the module docstring)."""
        return json.dumps({"account": account, "api_url": api_url, "highlights": self.sent},
                          sort_keys=True, separators=(",", ":"))


def memo_of(record: OutputRecord | None) -> dict[str, Any] | None:
    """The record's memo, parsed; None without one, or for one that does not read."""
    if record is None or not record.memo:
        return None
    try:
        memo = json.loads(record.memo)
    except ValueError:
        return None
    return memo if isinstance(memo, dict) else None


def account_of(records: Mapping[str, OutputRecord], token: str) -> str:
    """The fingerprint of ``token``'s account as the records made it (their salt), else a new
    one: a document recorded for this account then has the same source hash again."""
    for record in records.values():
        memo = memo_of(record)
        if memo is not None and same_account(memo.get("account"), token):
            return str(memo["account"])
    return account_fingerprint(token)


def source_hash(document: Document, account: str, api_url: str) -> str:
    """What a document was sent from: its content, the account, the API URL, the mapping."""
    parts = (content_hash(document), account, api_url, FIELDS_VERSION)
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def sent_before(record: OutputRecord | None, account: str, api_url: str) -> Sent | None:
    """What the record says was sent of a document to ``account`` at ``api_url``; None if
    nothing was (no record, another account or URL, or a memo that does not read)."""
    memo = memo_of(record)
    if memo is None or memo.get("api_url") != api_url or memo.get("account") != account:
        return None
    sent = memo.get("highlights")
    if not isinstance(sent, dict):
        return None
    return {key: value for key, value in sent.items()
            if isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)}

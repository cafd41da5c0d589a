"""The cursor of the ``readwise`` reader: where the next incremental pull starts, and for what.

An incremental pull is only right against the same data read the same way: the same API URL,
the same account (token) and the same mapping options (``keep_discarded`` changes what a
discarded highlight becomes, and an incremental pull would not bring the highlights already
synced). So the cursor records all three, and :meth:`ReadwiseCursor.mismatch` names the first
that differs; the reader then makes a full pull. Its JSON (``version`` 1; ``full_at``,
``account`` and ``mapping`` were added later: a cursor without ``account`` or ``mapping``
means a full pull, one without ``full_at`` a full pull unless ``full_export_days`` is 0)::

    {"version": 1, "updated_after": "<ISO 8601 UTC>", "api_url": "https://readwise.io",
     "full_at": "<ISO 8601 UTC: start of the last full pull>",
     "account": "<salt>:<fingerprint>", "mapping": {"keep_discarded": false}}

The account is never the token: it is a salted fingerprint of it
(:mod:`excerpta.account_fingerprint`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from excerpta.account_fingerprint import account_fingerprint, made_elsewhere, same_account

__all__ = ["CURSOR_VERSION", "ReadwiseCursor", "account_fingerprint", "same_account"]

CURSOR_VERSION = 1

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReadwiseCursor:
    """Where the next incremental pull starts, and what it was made against."""

    updated_after: datetime
    api_url: str
    full_at: datetime | None = None  # when the last full pull started (None: not known)
    account: str | None = None  # account_fingerprint of the token (None: not recorded)
    mapping: Mapping[str, Any] | None = None  # the mapping options (None: not recorded)

    def mismatch(self, api_url: str, token: str, mapping: Mapping[str, Any]) -> str | None:
        """Why this cursor cannot serve an incremental pull with these settings, or None."""
        return made_elsewhere(self.api_url, self.account, self.mapping, api_url=api_url, token=token,
                              options=mapping)

    def dumps(self) -> str:
        """The cursor as the JSON string saved in the state."""
        data: dict[str, Any] = {"version": CURSOR_VERSION, "api_url": self.api_url,
                                "updated_after": self.updated_after.astimezone(UTC).isoformat()}
        if self.full_at is not None:
            data["full_at"] = self.full_at.astimezone(UTC).isoformat()
        if self.account is not None:
            data["account"] = self.account
        if self.mapping is not None:
            data["mapping"] = dict(self.mapping)
        return json.dumps(data, sort_keys=True)

    @classmethod
    def parse(cls, text: str | None) -> ReadwiseCursor | None:
        """The cursor saved as ``text``; None when there is none or it cannot be used."""
        if not text:
            return None
        try:
            data = json.loads(text)
            if data["version"] != CURSOR_VERSION:
                return None
            when = datetime.fromisoformat(data["updated_after"])
            full_at = datetime.fromisoformat(data["full_at"]) if data.get("full_at") else None
            if when.tzinfo is None or (full_at is not None and full_at.tzinfo is None):
                return None
            account = data.get("account")
            mapping = data.get("mapping")
            return cls(when, str(data["api_url"]), full_at,
                       account if isinstance(account, str) else None,
                       mapping if isinstance(mapping, dict) else None)
        except (ValueError, TypeError, KeyError):
            log.warning("unreadable Readwise cursor in the state; doing a full pull")
            return None

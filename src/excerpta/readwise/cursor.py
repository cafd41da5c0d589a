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

The account is never the token: it is ``HMAC-SHA256(key=salt, token)`` truncated to 64 bits,
with a random 64-bit salt made for each cursor (so the same token gives different values in
different state files and nothing there can be matched against a list of known tokens).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

CURSOR_VERSION = 1
FINGERPRINT_HEX = 16  # 64 bits of the HMAC: enough to tell accounts apart, too few to be a token
SALT_BYTES = 8

log = logging.getLogger(__name__)


def account_fingerprint(token: str, salt: str | None = None) -> str:
    """``"<salt>:<hmac>"`` for ``token``: a new random salt unless one is given."""
    salt = salt if salt is not None else secrets.token_hex(SALT_BYTES)
    digest = hmac.new(salt.encode("ascii"), token.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"{salt}:{digest[:FINGERPRINT_HEX]}"


def same_account(fingerprint: str | None, token: str) -> bool:
    """True when ``fingerprint`` (from :func:`account_fingerprint`) was made from ``token``;
    False for None or a value that is not such a fingerprint."""
    if not isinstance(fingerprint, str):
        return False
    salt, colon, _ = fingerprint.partition(":")
    if not colon or not fingerprint.isascii():
        return False
    return hmac.compare_digest(account_fingerprint(token, salt), fingerprint)


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
        if self.api_url != api_url:
            return f"was made against {self.api_url}"
        if self.account is None:
            return "does not record its account"
        if not same_account(self.account, token):
            return "was made with another token (account)"
        if self.mapping is None:
            return "does not record its options"
        if dict(self.mapping) != dict(mapping):
            changed = sorted(k for k in {*self.mapping, *mapping} if self.mapping.get(k) != mapping.get(k))
            return f"was made with other options ({', '.join(changed)})"
        return None

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

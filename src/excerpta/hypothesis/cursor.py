"""The cursor of the ``hypothesis-api`` reader: where the next incremental pull starts, and for
what.

An incremental pull is only right against the same annotations: the same API URL, the same
account (token) and the same filters (a group). So the cursor records all three, and
:meth:`HypothesisCursor.mismatch` names the first that differs; the reader then pulls
everything. Its JSON (``version`` 1)::

    {"version": 1, "updated_after": "<ISO 8601 UTC>", "api_url": "https://api.hypothes.is",
     "account": "<salt>:<fingerprint>", "filters": {"group": null}}

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

from excerpta.account_fingerprint import made_elsewhere

CURSOR_VERSION = 1

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HypothesisCursor:
    """Where the next incremental pull starts (annotations updated after ``updated_after``),
    and what it was made against."""

    updated_after: datetime
    api_url: str
    account: str  # account_fingerprint of the token
    filters: Mapping[str, Any]

    def mismatch(self, api_url: str, token: str, filters: Mapping[str, Any]) -> str | None:
        """Why this cursor cannot serve an incremental pull with these settings, or None."""
        return made_elsewhere(self.api_url, self.account, self.filters, api_url=api_url, token=token,
                              options=filters)

    def dumps(self) -> str:
        """The cursor as the JSON string saved in the state."""
        return json.dumps({"version": CURSOR_VERSION, "api_url": self.api_url, "account": self.account,
                           "updated_after": self.updated_after.astimezone(UTC).isoformat(),
                           "filters": dict(self.filters)}, sort_keys=True)

    @classmethod
    def parse(cls, text: str | None) -> HypothesisCursor | None:
        """The cursor saved as ``text``; None when there is none or it cannot be used."""
        if not text:
            return None
        try:
            data = json.loads(text)
            if data["version"] != CURSOR_VERSION:
                return None
            when = datetime.fromisoformat(data["updated_after"])
            if when.tzinfo is None or not isinstance(data["account"], str) \
                    or not isinstance(data["filters"], dict):
                raise ValueError("incomplete")
            return cls(when, str(data["api_url"]), data["account"], data["filters"])
        except (ValueError, TypeError, KeyError):
            log.warning("unreadable Hypothesis cursor in the state; pulling every annotation")
            return None

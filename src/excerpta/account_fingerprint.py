"""Which account a saved cursor or output record was made for, without the token: a salted
fingerprint.

A cursor of a network source (Readwise, Hypothesis) serves an incremental pull only of the
account it was made with, and the ``readwise`` writer's records say what one account holds;
each records :func:`account_fingerprint` of the token, never the token: ``HMAC-SHA256(key=salt,
token)`` truncated to 64 bits, with a random 64-bit salt made for each cursor, and one shared
by a state's ``readwise`` records (so the same token gives different values in different
state files and nothing there can be matched against a list of known tokens).
:func:`made_elsewhere` says why a network source's cursor cannot serve a pull (another API URL,
account or options).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from typing import Any

FINGERPRINT_HEX = 16  # 64 bits of the HMAC: enough to tell accounts apart, too few to be a token
SALT_BYTES = 8


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


def made_elsewhere(made_at: str, made_by: str | None, made_with: Mapping[str, Any] | None, *,
                   api_url: str, token: str, options: Mapping[str, Any]) -> str | None:
    """Why a cursor made against ``made_at`` for the account ``made_by`` (a fingerprint) with
    ``made_with`` (options or filters; None: not recorded) cannot serve a pull with these
    settings, the first difference said as ``"was made …"``; None when it can."""
    if made_at != api_url:
        return f"was made against {made_at}"
    if made_by is None:
        return "does not record its account"
    if not same_account(made_by, token):
        return "was made with another token (account)"
    if made_with is None:
        return "does not record its options"
    if dict(made_with) != dict(options):
        changed = sorted(k for k in {*made_with, *options} if made_with.get(k) != options.get(k))
        return f"was made with other options ({', '.join(changed)})"
    return None

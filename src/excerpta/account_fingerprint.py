"""Which account a saved cursor or output record was made for, without the token: a salted
fingerprint.

A cursor of a network source (Readwise, Hypothesis) serves an incremental pull only of the
account it was made with, and the ``readwise`` writer's records say what one account holds;
each records :func:`account_fingerprint` of the token, never the token: ``HMAC-SHA256(key=salt,
token)`` truncated to 64 bits, with a random 64-bit salt made for each cursor, and one shared
by a state's ``readwise`` records (so the same token gives different values in different
state files and nothing there can be matched against a list of known tokens).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

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

"""The token and settings of the ingest endpoints the tests of ``tests/ingest`` start."""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr

from excerpta.ingest.settings import IngestSettings

TOKEN = "ingest-test-token-5b1f9e07c3"
AUTH = {"Authorization": f"Token {TOKEN}"}


def settings_for(inbox: Path, **changes: object) -> IngestSettings:
    """An endpoint on loopback, on a free port, taking :data:`TOKEN`, writing ``inbox``."""
    values: dict[str, object] = {"host": "127.0.0.1", "port": 0, "token": SecretStr(TOKEN), "inbox": inbox}
    return IngestSettings(**{**values, **changes})  # type: ignore[arg-type]

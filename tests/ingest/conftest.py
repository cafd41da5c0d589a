"""An ingest endpoint on this machine's loopback, for the tests of ``tests/ingest``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from ingest_helpers import settings_for

from excerpta.ingest.server import IngestServer


@pytest.fixture
def endpoint(tmp_path: Path) -> Iterator[IngestServer]:
    """A started endpoint writing ``tmp_path/inbox.jsonl``; stopped after the test."""
    server = IngestServer(settings_for(tmp_path / "inbox.jsonl"))
    server.start()
    yield server
    server.stop()

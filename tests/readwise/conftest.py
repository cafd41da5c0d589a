"""Fixtures of the Readwise tests: a fake Readwise server on 127.0.0.1 wired into the env."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from excerpta.readwise.cursor import ReadwiseCursor, account_fingerprint
from local_server import serving

from .fake_readwise import FakeReadwise


@pytest.fixture
def fake_readwise(monkeypatch):
    """``fake_readwise(highlights=N, ...)`` starts a fake server and points READWISE_* at it."""
    yield from serving(monkeypatch, FakeReadwise, token_env="READWISE_TOKEN", url_env="READWISE_API_URL")


def read_jsonl(path):
    """The highlights of a jsonl output, by id."""
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return {line["id"]: line for line in lines if "id" in line}, len(lines)


def cursor_for(server, updated_after: datetime, full_at: datetime | None, *,
               keep_discarded: bool = False) -> str:
    """A saved cursor of ``server``'s account, as a pull with these options leaves it."""
    return ReadwiseCursor(updated_after, server.url, full_at, account_fingerprint(server.token),
                          {"keep_discarded": keep_discarded}).dumps()

"""Fixtures of the Hypothesis API tests: a fake Hypothesis server on 127.0.0.1 wired into the env."""

from __future__ import annotations

import json

import pytest

from .fake_hypothesis import FakeHypothesis


@pytest.fixture
def fake_hypothesis(monkeypatch):
    """``fake_hypothesis(annotations=N, ...)`` starts a fake server and points HYPOTHESIS_* at it."""
    servers = []

    def start(**kwargs) -> FakeHypothesis:
        server = FakeHypothesis(**kwargs).__enter__()
        servers.append(server)
        monkeypatch.setenv("HYPOTHESIS_TOKEN", server.token)
        monkeypatch.setenv("HYPOTHESIS_API_URL", server.url)
        return server

    yield start
    for server in servers:
        server.__exit__(None, None, None)


def read_jsonl(path):
    """The highlights of a jsonl output, by id, and its number of lines."""
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return {line["id"]: line for line in lines if "id" in line}, len(lines)

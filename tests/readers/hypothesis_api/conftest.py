"""Fixtures of the Hypothesis API tests: a fake Hypothesis server on 127.0.0.1 wired into the env."""

from __future__ import annotations

import json

import pytest

from local_server import serving

from .fake_hypothesis import FakeHypothesis


@pytest.fixture
def fake_hypothesis(monkeypatch):
    """``fake_hypothesis(annotations=N, ...)`` starts a fake server and points HYPOTHESIS_* at it."""
    yield from serving(monkeypatch, FakeHypothesis, token_env="HYPOTHESIS_TOKEN",
                       url_env="HYPOTHESIS_API_URL")


def read_jsonl(path):
    """The highlights of a jsonl output, by id, and its number of lines."""
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return {line["id"]: line for line in lines if "id" in line}, len(lines)

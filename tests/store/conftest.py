"""Fixtures of the store tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


@pytest.fixture
def library(run_cli, tmp_path):
    """Convert into one --state; returns the library's documents as JSON after each call."""
    state = tmp_path / "state.sqlite"

    def convert(*inputs: Path, source: str | None = None) -> list[dict]:
        out = tmp_path / "out.json"
        args = ["--from", source] if source else []
        result = run_cli("--state", state, "convert", *inputs, *args, "--to", "json", "--out", out)
        assert result.exit_code == 0, result.output
        return json.loads(out.read_text())["documents"]

    return convert

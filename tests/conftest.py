"""Shared fixtures: every test runs with a private state folder and no real credentials."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import settings

from excerpta.cli import cli
from excerpta.store import SQLiteStore, open_store

from paths import CORPUS, EXAMPLES, REPO  # noqa: F401 - re-exported for older imports

# CI draws the same examples every run, so a run is red for a reason it shows again, never for
# a new draw; a run elsewhere explores (and keeps what failed in .hypothesis/).
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No test sees the user's state, tokens or API URLs (httpx's conftest does the same),
    nor the machine's time zone: dates default to it (Kindle clocks, Obsidian's display), and
    the expected values are written for UTC."""
    for name in ("EXCERPTA_STATE", "READWISE_TOKEN", "READWISE_TOKEN_FILE", "READWISE_API_URL",
                 "HYPOTHESIS_TOKEN", "HYPOTHESIS_TOKEN_FILE", "HYPOTHESIS_API_URL",
                 "EXCERPTA_INGEST_TOKEN", "EXCERPTA_INGEST_TOKEN_FILE", "EXCERPTA_INBOX"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("xdg-state")))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("xdg-config")))
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


@pytest.fixture
def state(tmp_path: Path) -> Iterator[SQLiteStore]:
    """An empty state database (library, manifest, run log) in the test's folder."""
    store = open_store(tmp_path / "state.sqlite")
    yield store
    store.close()


@pytest.fixture
def run_cli():
    """Run the CLI in-process: ``run_cli("convert", "a.json", ...)`` → click Result."""

    def run(*args: str | Path) -> Result:
        return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)

    return run

"""Shared fixtures: every test runs with a private state folder and no real credentials."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from excerpta.cli import cli

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"


def _find_corpus() -> Path:
    """The shared corpus of real export files: $EXCERPTA_CORPUS, else ``shared/corpus`` beside
    the checkout or above it (CI clones elsewhere but has /work/shared)."""
    override = os.environ.get("EXCERPTA_CORPUS")
    candidates = [Path(override)] if override else []
    candidates += [parent / "shared" / "corpus" for parent in REPO.parents]
    candidates.append(Path("/work/shared/corpus"))
    for candidate in candidates:
        if (candidate / "PROVENANCE.md").is_file():
            return candidate
    raise RuntimeError("shared corpus not found: set EXCERPTA_CORPUS to shared/corpus")


CORPUS = _find_corpus()


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No test sees the user's state, token or Readwise URL (httpx's conftest does the same)."""
    for name in ("EXCERPTA_STATE", "READWISE_TOKEN", "READWISE_TOKEN_FILE", "READWISE_API_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("xdg-state")))


@pytest.fixture
def run_cli():
    """Run the CLI in-process: ``run_cli("convert", "a.json", ...)`` → click Result."""

    def run(*args: str | Path) -> Result:
        return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)

    return run

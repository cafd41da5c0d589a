"""Configuration files of sync jobs for the tests of ``sync``, ``status`` and ``daemon``."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from paths import EXAMPLES

CLIPPINGS = EXAMPLES / "My Clippings.txt"
NEW_RECORD = ("Walden (Thoreau, Henry David)\n"
              "- Your Highlight on Location 3001-3002 | Added on Tuesday, March 3, 2020 10:00:00 AM\n\n"
              "Rather than love, than money, than fame, give me truth.\n==========\n")


def write_config(folder: Path, *jobs: str) -> Path:
    config = folder / "excerpta.toml"
    config.write_text(f'state = "{folder / "state.sqlite"}"\n' + "".join(jobs), encoding="utf-8")
    return config


def kindle_job(folder: Path, name: str = "kindle", source: Path | None = None, schedule: str = "") -> str:
    source = source or folder / "clip.txt"
    return (f'[[jobs]]\nname = "{name}"\n{schedule}\n[jobs.source]\ninput = "{source}"\n'
            f'[[jobs.writers]]\nformat = "obsidian"\nout = "{folder / "vault" / name}"\n'
            f'[[jobs.writers]]\nformat = "json"\nout = "{folder / f"{name}.json"}"\n')


def logged_runs(state: Path) -> list[tuple[str, str]]:
    """The run log of ``state`` as a daemon has it so far (nothing while it creates the state)."""
    try:
        with closing(sqlite3.connect(f"file:{state}?mode=ro", uri=True)) as db:
            return db.execute("SELECT job, status FROM runs ORDER BY id").fetchall()
    except sqlite3.OperationalError:
        return []


def wait_until(condition: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)

"""One writer per output: a second run into an output another run is writing stops at once."""

from __future__ import annotations

import getpass
import os
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time

import pytest

from excerpta.locks import lock_folder, lock_path, output_lock

from paths import EXAMPLES


def test_a_run_into_a_locked_output_writes_nothing_and_says_why(run_cli, tmp_path):
    vault = tmp_path / "vault"
    with output_lock(vault):
        result = run_cli("convert", EXAMPLES / "library.json", "--to", "obsidian", "--out", vault)
        assert result.exit_code == 75
        assert result.output.strip().endswith(
            "another excerpta run is writing this output; try again when it has finished")
        assert len(result.output.strip().splitlines()) == 1
        assert not vault.exists()
        # A dry run writes nothing, so it neither waits for nor blocks a real run.
        preview = run_cli("convert", EXAMPLES / "library.json", "--to", "obsidian", "--out", vault,
                          "--dry-run")
        assert preview.exit_code == 0, preview.output
    result = run_cli("convert", EXAMPLES / "library.json", "--to", "obsidian", "--out", vault)
    assert result.exit_code == 0, result.output
    assert len(list(vault.rglob("*.md"))) == 4


def test_the_lock_of_another_process_is_seen_and_released_when_it_dies(run_cli, tmp_path):
    out = tmp_path / "library.csv"
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time
            from pathlib import Path
            from excerpta.locks import output_lock
            with output_lock(Path({str(out)!r})):
                print("locked", flush=True)
                time.sleep(60)
        """)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        busy = run_cli("convert", EXAMPLES / "library.json", "--to", "csv", "--out", out)
        assert busy.exit_code == 75
        assert not out.exists()
    finally:
        holder.kill()
        holder.wait()
    result = run_cli("convert", EXAMPLES / "library.json", "--to", "csv", "--out", out)
    assert result.exit_code == 0, result.output
    assert out.exists()


def test_the_lock_is_per_output_and_never_inside_it(run_cli, tmp_path):
    with output_lock(tmp_path / "a.json"):
        result = run_cli("convert", EXAMPLES / "library.json", "--to", "json", "--out", tmp_path / "b.json")
        assert result.exit_code == 0, result.output
    # Spellings of one path share a lock; the lock file lives in the state folder.
    assert lock_path(tmp_path / "x" / ".." / "a.json") == lock_path(tmp_path / "a.json")
    assert tmp_path not in lock_path(tmp_path / "a.json").parents


def test_a_state_folder_that_cannot_be_made_falls_back_to_a_temporary_one(run_cli, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the state folder would go")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))
    folder = lock_folder()
    assert folder.is_dir()
    assert blocker not in folder.parents
    with output_lock(tmp_path / "out.json"):
        assert lock_path(tmp_path / "out.json").parent == folder


@pytest.mark.parametrize("planted", ["open to all", "a link"])
def test_a_temporary_lock_folder_another_could_write_to_is_refused(run_cli, tmp_path, monkeypatch, planted):
    # Security audit: the fallback's name is predictable; another user who made it first could
    # plant links in it for a run to write through (its staging list), or remove held locks.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the state folder would go")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    shared = tmp_path / "tmp" / f"excerpta-{getpass.getuser()}"
    if planted == "a link":
        (tmp_path / "elsewhere").mkdir(mode=0o700)
        (tmp_path / "tmp").mkdir()
        shared.symlink_to(tmp_path / "elsewhere")
    else:
        shared.mkdir(parents=True)
        shared.chmod(0o777)
    result = run_cli("--state", tmp_path / "st.sqlite", "convert", EXAMPLES / "library.json", "--to", "json",
                     "--out", tmp_path / "out.json")
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"excerpta: error: {shared}: not a folder of yours that others "
                                    "cannot write to; excerpta keeps no locks there")
    assert not (tmp_path / "out.json").exists()
    assert list((tmp_path / "elsewhere").iterdir() if planted == "a link" else shared.iterdir()) == []


def test_a_temporary_lock_folder_is_made_private(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the state folder would go")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    before = os.umask(0)
    try:
        folder = lock_folder()
    finally:
        os.umask(before)
    assert folder.parent.stat().st_mode & 0o777 == 0o700
    assert folder.stat().st_mode & 0o777 == 0o700


def test_a_run_into_a_locked_output_stops_at_once_even_while_the_state_is_busy(run_cli, tmp_path):
    # The first run holds the output's lock and, reading, a write transaction on a shared state:
    # the second stops on the lock before it would wait (30 s) for the state.
    state, vault = tmp_path / "state.sqlite", tmp_path / "vault"
    assert run_cli("--state", state, "convert", EXAMPLES / "library.json", "--to", "json",
                   "--out", tmp_path / "first.json").exit_code == 0
    busy = sqlite3.connect(state, isolation_level=None)
    busy.execute("BEGIN IMMEDIATE")
    try:
        with output_lock(vault):
            began = time.monotonic()
            result = run_cli("--state", state, "convert", EXAMPLES / "library.json", "--to", "obsidian",
                             "--out", vault)
            assert result.exit_code == 75
            assert time.monotonic() - began < 5
    finally:
        busy.execute("ROLLBACK")
        busy.close()


def test_one_output_typed_in_another_case_or_unicode_form_has_one_lock(tmp_path):
    # One folder on macOS, Windows or an exFAT stick: two runs into it must not overlap.
    assert lock_path(tmp_path / "Vault" / "Café") == lock_path(tmp_path / "VAULT" / "Cafe\u0301")

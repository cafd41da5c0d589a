"""File names that are not UTF-8 (``caf\\xe9``, written by a Latin-1 system): read, written,
recorded and named like any other, never an internal error. Python gives such a name with a
lone surrogate per undecodable byte; every test here makes real files of such names."""

from __future__ import annotations

import os
import shutil
import sqlite3
from contextlib import closing

import pytest

from excerpta.locks import daemon_lock, lock_path
from excerpta.store import open_store
from job_configs import CLIPPINGS, NEW_RECORD, kindle_job, write_config

LATIN1 = os.fsdecode(b"caf\xe9")  # 'caf\udce9'
SHOWN = "caf\\xe9"  # as a message shows it


def test_an_input_named_in_latin1_is_read_then_not_read_again_while_unchanged(run_cli, tmp_path):
    clippings = tmp_path / f"{LATIN1}.txt"
    shutil.copyfile(CLIPPINGS, clippings)
    run = ("convert", clippings, "--to", "json", "--out", tmp_path / "lib.json", "--state", tmp_path / "s.db")
    first = run_cli(*run)
    assert first.exit_code == 0, first.output
    assert "12 documents" in first.output
    again = run_cli(*run)
    assert again.exit_code == 0, again.output
    assert "1 input(s) unchanged since last read" in again.output
    # Without --state too (its cursors are looked up all the same).
    alone = run_cli("convert", clippings, "--to", "csv", "--out", tmp_path / "library.csv")
    assert alone.exit_code == 0, alone.output


@pytest.mark.parametrize("to", ["json", "csv", "anki"])
def test_an_output_file_named_in_latin1_is_written_then_found_unchanged(run_cli, tmp_path, to):
    out = tmp_path / f"{LATIN1}.{'apkg' if to == 'anki' else to}"
    first = run_cli("convert", CLIPPINGS, "--to", to, "--out", out)
    assert first.exit_code == 0, first.output
    assert out.is_file()
    assert f"create {tmp_path}/{SHOWN}." in first.output
    again = run_cli("convert", CLIPPINGS, "--to", to, "--out", out)
    assert again.exit_code == 0, again.output
    assert f"unchanged {tmp_path}/{SHOWN}." in again.output


def test_an_output_folder_named_in_latin1_gets_its_notes_then_nothing_changes(run_cli, tmp_path):
    vault = tmp_path / LATIN1
    first = run_cli("convert", CLIPPINGS, "--to", "obsidian", "--out", vault)
    assert first.exit_code == 0, first.output
    assert len(list(vault.rglob("*.md"))) == 12
    again = run_cli("convert", CLIPPINGS, "--to", "obsidian", "--out", vault)
    assert again.exit_code == 0, again.output
    assert "outputs: nothing changed" in again.output


def test_a_folder_input_holding_a_file_named_in_latin1_reads_it(run_cli, tmp_path):
    folder = tmp_path / "kindle"
    folder.mkdir()
    shutil.copyfile(CLIPPINGS, folder / f"{LATIN1}.txt")
    for _ in range(2):
        result = run_cli("convert", folder, "--from", "kindle", "--to", "json",
                         "--out", tmp_path / "out.json", "--state", tmp_path / "state.sqlite")
        assert result.exit_code == 0, result.output
        assert "12 documents" in result.output


def test_a_note_the_user_renamed_in_latin1_is_found_again_and_updated_there(run_cli, tmp_path):
    clippings, vault, state = tmp_path / "clip.txt", tmp_path / "vault", tmp_path / "state.sqlite"
    shutil.copyfile(CLIPPINGS, clippings)
    assert run_cli("convert", clippings, "--to", "obsidian", "--out", vault, "--state", state).exit_code == 0
    renamed = vault / "Books" / f"{LATIN1}.md"
    (vault / "Books" / "Walden.md").rename(renamed)
    with clippings.open("a", encoding="utf-8") as handle:
        handle.write(NEW_RECORD)
    result = run_cli("convert", clippings, "--to", "obsidian", "--out", vault, "--state", state)
    assert result.exit_code == 0, result.output
    assert f"update {vault}/Books/{SHOWN}.md" in result.output
    assert "Rather than love, than money" in renamed.read_text(encoding="utf-8")
    assert not (vault / "Books" / "Walden.md").exists()
    again = run_cli("convert", clippings, "--to", "obsidian", "--out", vault, "--state", state)
    assert again.exit_code == 0, again.output
    assert "outputs: nothing changed" in again.output


def test_a_state_database_named_in_latin1_keeps_the_library(run_cli, tmp_path):
    state = tmp_path / LATIN1 / f"{LATIN1}.sqlite"
    for said in ("12 documents", "1 input(s) unchanged since last read"):
        result = run_cli("convert", CLIPPINGS, "--to", "json", "--out", tmp_path / "o.json", "--state", state)
        assert result.exit_code == 0, result.output
        assert said in result.output
    with daemon_lock(state):  # one daemon per state, whatever its name
        pass


def test_each_path_named_in_latin1_has_a_lock_of_its_own(tmp_path):
    latin1, utf8 = tmp_path / LATIN1, tmp_path / "café"
    assert lock_path(latin1) == lock_path(tmp_path / LATIN1)
    assert lock_path(latin1) != lock_path(utf8)


def test_a_failure_naming_a_path_in_latin1_is_said_readably_and_logged(run_cli, tmp_path):
    blocker = tmp_path / LATIN1
    blocker.write_text("a file, where the output's folder goes", encoding="utf-8")
    state = tmp_path / "state.sqlite"
    result = run_cli("convert", CLIPPINGS, "--to", "json", "--out", blocker / "out.json", "--state", state)
    assert result.exit_code == 74, result.output
    told = result.output.strip().splitlines()[-1]
    assert told.startswith(f"excerpta: error: {tmp_path}/{SHOWN}: a file, not a folder"), told
    with closing(sqlite3.connect(state)) as db:
        [(status, error)] = db.execute("SELECT status, error FROM runs").fetchall()
    assert (status, error) == ("failed", told.removeprefix("excerpta: error: "))


def test_the_state_keeps_a_path_named_in_latin1_apart_from_its_utf8_spelling(run_cli, tmp_path):
    state = tmp_path / "state.sqlite"
    outs = [tmp_path / f"{LATIN1}.json", tmp_path / "café.json"]
    for out in outs:
        result = run_cli("convert", CLIPPINGS, "--to", "json", "--out", out, "--state", state)
        assert result.exit_code == 0, result.output
    store = open_store(state)
    try:
        history = store.output_history("convert", "json")[""]
    finally:
        store.close()
    # Read back as the paths written: the same file is the same record on every run.
    assert [record.path for record in history] == [str(out) for out in outs]


def test_a_sync_job_whose_vault_holds_notes_named_in_latin1_indexes_and_updates_them(run_cli, tmp_path):
    # The configuration's paths are UTF-8 (TOML is); the vault holds a note of the user's and
    # one excerpta wrote that the user renamed, both named by a Latin-1 system.
    clippings = tmp_path / "clip.txt"
    shutil.copyfile(CLIPPINGS, clippings)
    config = write_config(tmp_path, kindle_job(tmp_path, source=clippings))
    vault = tmp_path / "vault" / "kindle"
    assert run_cli("sync", "-c", config).exit_code == 0
    mine = vault / f"{LATIN1} notes.md"
    mine.write_bytes(b"---\nexcerpta-id: d-not-a-document\n---\nmy caf\xe9 notes\n")
    renamed = vault / "Books" / f"{LATIN1}.md"
    (vault / "Books" / "Walden.md").rename(renamed)
    with clippings.open("a", encoding="utf-8") as handle:
        handle.write(NEW_RECORD)
    result = run_cli("sync", "-c", config)
    assert result.exit_code == 0, result.output
    assert "Rather than love, than money" in renamed.read_text(encoding="utf-8")
    assert mine.read_bytes().endswith(b"my caf\xe9 notes\n")
    again = run_cli("sync", "-c", config)
    assert again.exit_code == 0, again.output
    assert "1 input(s) unchanged since last read" in again.output
    assert "outputs: 1 unchanged" in again.output  # the json; no note rewritten
    assert "ok" in run_cli("status", "-c", config).output

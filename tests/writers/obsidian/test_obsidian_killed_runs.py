"""Runs killed at any moment (``kill -9``: no cleanup, no exception) lose nothing and leave
nothing behind: the next run finishes the job, every document has one note, the user's lines
stand, the state database is intact, and a run after that writes nothing (reliability
reference, section 3.7)."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from excerpta.writers.obsidian.frontmatter import note_id

HIGHLIGHTS = 12  # per document
KILLS = 8
pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="kill -9 is POSIX")


def _library(path: Path, version: int, count: int) -> Path:
    documents = [{
        "id": f"doc-{d}", "title": f"Book {d}", "author": "An Author", "category": "books",
        "highlights": [{"id": f"doc-{d}-h{h}", "text": f"Passage {h} of book {d}, version {version}. " * 4,
                        "location": h * 10 + 1, "location_type": "location"} for h in range(HIGHLIGHTS)],
    } for d in range(count)]
    path.write_text(json.dumps({"schema_version": 1, "documents": documents}), encoding="utf-8")
    return path


def _convert(library: Path, vault: Path, state: Path, *options: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "excerpta", "--state", str(state), "convert", str(library),
         "--to", "obsidian", "--out", str(vault), *options],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _finish(library: Path, vault: Path, state: Path, *options: str) -> tuple[int, str]:
    process = _convert(library, vault, state, *options)
    out, err = process.communicate(timeout=300)
    return process.returncode, (out + err).decode()


def _wait_for_a_temporary_file(vault: Path, process: subprocess.Popen[bytes], deadline: float) -> None:
    folders = [vault / "Books", *(vault / "Books").glob("*/")]
    while time.monotonic() < deadline and process.poll() is None:
        if any(entry.name.endswith(".tmp") for folder in folders if folder.is_dir()
               for entry in os.scandir(folder)):
            return
        time.sleep(0.005)


@pytest.mark.parametrize(("documents", "options"), [(1000, ()), (120, ("--atomic",))],
                         ids=["document-notes", "atomic"])
def test_runs_killed_at_random_moments_lose_nothing_and_leave_nothing(tmp_path, documents, options):
    vault, state = tmp_path / "vault", tmp_path / "state.sqlite"
    began = time.monotonic()
    assert _finish(_library(tmp_path / "v1.json", 1, documents), vault, state, *options)[0] == 0
    duration = time.monotonic() - began  # a whole run: kills land anywhere in one
    expected_ids = [f"doc-{d}" for d in range(documents)]
    if options:
        expected_ids += [f"hl-doc-{d}-h{h}" for d in range(documents) for h in range(HIGHLIGHTS)]
    notes = sorted(vault.rglob("*.md"))
    assert len(notes) == len(expected_ids)
    mine = notes[::97]  # the user writes in some notes
    for note in mine:
        note.write_text(note.read_text(encoding="utf-8") + "\nMy own line.\n", encoding="utf-8")
    versions = [_library(tmp_path / f"v{version}.json", version, documents) for version in (2, 3)]
    rng = random.Random(20261125)
    # Half the kills while the notes are written (once the first temporary file is there),
    # half at any moment, the renames and the state's commit included; the two versions
    # alternate so that each run has work to do.
    left_behind = 0  # temporary files a killed run left (the next run into the vault removes them)
    for kill in range(KILLS):
        process = _convert(versions[kill % 2], vault, state, *options)
        if kill < KILLS // 2:
            _wait_for_a_temporary_file(vault, process, deadline=time.monotonic() + 10 * duration)
            time.sleep(rng.uniform(0.0, 0.1) * duration)
        else:
            time.sleep(rng.uniform(0.3, 1.3) * duration)
        process.send_signal(signal.SIGKILL)
        process.wait()
        left_behind += sum(1 for path in vault.rglob(".*")
                           if re.fullmatch(r"\..+\.[0-9a-f]{8}\.tmp", path.name))
    newer = versions[0]
    assert left_behind  # some run was killed while writing (else this test proves little)
    code, output = _finish(newer, vault, state, *options)
    assert code == 0, output
    assert [path for path in vault.rglob("*") if path.name.endswith(".tmp")] == []
    ids = [note_id(path.read_text(encoding="utf-8")) for path in sorted(vault.rglob("*.md"))]
    assert sorted(ids) == sorted(expected_ids)  # one note each, no copy
    for note in mine:
        assert note.read_text(encoding="utf-8").endswith("\nMy own line.\n")
    for note in vault.rglob("*.md"):  # every highlight at the version of the last run, whole
        text = note.read_text(encoding="utf-8")
        if options and note_id(text).startswith("doc-"):
            text = re.sub(r"!\[\[[^\]]*\]\]", "", text)  # embeds, named by the first version's words
            assert text.count("^hl-doc-") == HIGHLIGHTS
            continue
        assert text.count("version 2.") == (4 if options else 4 * HIGHLIGHTS)
        assert "version 1." not in text
        assert "version 3." not in text
    with sqlite3.connect(state) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    code, output = _finish(newer, vault, state, *options)
    assert (code, output.strip().splitlines()[-1]) == (0, "outputs: nothing changed")

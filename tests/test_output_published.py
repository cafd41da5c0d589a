"""A run killed (or stopped by a busy state, exit 75) after renaming its files into place and
before the state recorded them: the next runs take those files as excerpta's, not as edited by
the user (audit M4: a JSON, CSV or Anki file was then refused on every run until --force)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from excerpta.locks import staging_list
from excerpta.output import OutputSink
from excerpta.store import open_store

from paths import EXAMPLES


def _sink(out: Path, state, **kwargs) -> OutputSink:
    # As make_sink makes a run's: with the output's staging list, beside its lock.
    return OutputSink(out, "job", "json", manifest=state, staging_list=staging_list(out), **kwargs)


def _run(out: Path, state, files: dict[str, bytes], *, commit: bool = True,
         hold: bool = False) -> dict[str, str]:
    """One run writing ``files``; without ``commit``, killed once its files are on disk;
    ``hold``: the run holds its files back (a --tag selecting nothing)."""
    sink = _sink(out, state)
    actions = {name: sink.write(name, content, key=name, source_hash=content.hex()).action
               for name, content in files.items()}
    if hold:
        sink.hold_back("left as it was: --tag x selects none of the library's documents")
    records = sink.pending_records()  # published: on disk
    if commit:
        state.commit_outputs(records)
        sink.committed()
    return actions


def test_a_file_a_killed_run_published_is_updated_by_the_next_run(tmp_path, state):
    out = tmp_path / "out"
    _run(out, state, {"x.json": b"one"})
    _run(out, state, {"x.json": b"two"}, commit=False)
    assert (out / "x.json").read_bytes() == b"two"
    assert _run(out, state, {"x.json": b"three"}) == {"x.json": "update"}
    assert (out / "x.json").read_bytes() == b"three"
    assert not staging_list(out).with_suffix(".published").exists()  # recorded: the list is gone
    assert _run(out, state, {"x.json": b"four"}) == {"x.json": "update"}


def test_a_file_named_in_latin1_a_killed_run_published_is_updated_by_the_next_run(tmp_path, state):
    # The list keeps the name as JSON's \udce9 escape, read back as the same name; the state,
    # the lock and the staging list as its bytes (excerpta.file_names).
    out, name = tmp_path / os.fsdecode(b"caf\xe9"), os.fsdecode(b"caf\xe9.json")
    _run(out, state, {name: b"one"})
    _run(out, state, {name: b"two"}, commit=False)
    assert _run(out, state, {name: b"three"}) == {name: "update"}
    assert (out / name).read_bytes() == b"three"
    assert _run(out, state, {name: b"three"}) == {name: "unchanged"}


def test_a_file_the_user_edited_after_a_killed_run_is_still_left_alone(tmp_path, state):
    out = tmp_path / "out"
    _run(out, state, {"x.json": b"one"})
    _run(out, state, {"x.json": b"two"}, commit=False)
    (out / "x.json").write_bytes(b"the user's")
    assert _run(out, state, {"x.json": b"three"}) == {"x.json": "conflict"}
    assert (out / "x.json").read_bytes() == b"the user's"


def test_two_killed_runs_in_a_row_lose_nothing(tmp_path, state):
    out = tmp_path / "out"
    _run(out, state, {"a.json": b"a1", "b.json": b"b1"})
    _run(out, state, {"a.json": b"a2", "b.json": b"b1"}, commit=False)
    _run(out, state, {"a.json": b"a2", "b.json": b"b2"}, commit=False)  # a: unchanged, b: new
    assert _run(out, state, {"a.json": b"a3", "b.json": b"b3"}) == {"a.json": "update", "b.json": "update"}


def test_a_run_that_only_predicts_uses_the_list_and_keeps_it(tmp_path, state):
    out = tmp_path / "out"
    _run(out, state, {"x.json": b"one"})
    _run(out, state, {"x.json": b"two"}, commit=False)
    dry = _sink(out, state, dry_run=True)
    assert dry.write("x.json", b"three", key="x.json").action == "update"
    dry.committed()
    assert staging_list(out).with_suffix(".published").exists()


def test_a_list_cut_short_by_a_crash_is_read_as_far_as_it_goes(tmp_path, state):
    out = tmp_path / "out"
    _run(out, state, {"a.json": b"a1", "b.json": b"b1"})
    _run(out, state, {"a.json": b"a2", "b.json": b"b2"}, commit=False)
    listed = staging_list(out).with_suffix(".published")
    lines = listed.read_text(encoding="utf-8").splitlines()
    listed.write_text(lines[0] + "\n" + lines[1][:20], encoding="utf-8")  # the second line torn
    whole = Path(json.loads(lines[0])[0]).name  # a record: its path first
    torn = ({"a.json", "b.json"} - {whole}).pop()
    assert _run(out, state, {"a.json": b"a3", "b.json": b"b3"}) == {whole: "update", torn: "conflict"}


def test_convert_after_a_run_killed_before_its_state_commit_updates_the_json(tmp_path, run_cli):
    out, state_path = tmp_path / "highlights.json", tmp_path / "state.sqlite"
    first = run_cli("--state", state_path, "convert", EXAMPLES / "library.json", "--to", "json", "--out", out)
    assert first.exit_code == 0, first.output
    state = open_store(state_path)
    try:  # what a run killed after its rename leaves: the new file, the old record
        sink = OutputSink(out.parent, "convert", "json", file_name=out.name, manifest=state,
                          staging_list=staging_list(out))
        sink.write(out.name, b'{"schema_version": 1, "documents": []}\n', key=out.name)
        sink.finish()
    finally:
        state.close()
    again = run_cli("--state", state_path, "convert", EXAMPLES / "My Clippings.txt", "--to", "json",
                    "--out", out)
    assert again.exit_code == 0, again.output
    assert "not overwritten" not in again.output
    assert json.loads(out.read_text(encoding="utf-8"))["documents"]


def test_a_run_held_back_after_a_kill_still_commits_the_killed_runs_records(tmp_path, state):
    # Review F2: the held-back run dropped them, then removed the list: refused until --force.
    out = tmp_path / "out"
    _run(out, state, {"x.json": b"one"})
    _run(out, state, {"x.json": b"two"}, commit=False)
    _run(out, state, {"x.json": b""}, hold=True)
    assert (out / "x.json").read_bytes() == b"two"
    assert _run(out, state, {"x.json": b"three"}) == {"x.json": "update"}


def test_a_run_under_another_state_leaves_this_states_records_listed(tmp_path, state):
    # Review F3: another state's run took them into its own state and removed the list.
    out = tmp_path / "out"
    _run(out, state, {"x.json": b"one"})
    _run(out, state, {"x.json": b"two"}, commit=False)
    other = open_store(tmp_path / "other.sqlite")
    try:
        assert _run(out, other, {"x.json": b"two"}) == {"x.json": "unchanged"}
    finally:
        other.close()
    assert _run(out, state, {"x.json": b"three"}) == {"x.json": "update"}


def test_the_list_is_its_users_alone_and_a_file_never_renamed_is_not_taken_as_written(tmp_path, state):
    out = tmp_path / "out"
    _run(out, state, {"x.json": b"one"})
    _run(out, state, {"x.json": b"two"}, commit=False)
    listed = staging_list(out).with_suffix(".published")
    assert listed.stat().st_mode & 0o777 == 0o600  # note paths, headers, a deck's notes
    (out / "x.json").write_bytes(b"one")  # as if the rename never happened
    sink = _sink(out, state)
    assert sink.previous("x.json").hash == state.output_at(str(out / "x.json")).hash  # the state's

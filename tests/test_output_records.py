"""Which records are one output's past, when one state serves several outputs (two vaults, two
decks) and the user moves one of them: :func:`excerpta.output_records.records_of_output`,
through the sink that asks it."""

from __future__ import annotations

from pathlib import Path

from excerpta.output import OutputSink


def _sink(root: Path, state) -> OutputSink:
    return OutputSink(root, "job", "json", manifest=state)


def _write_and_commit(root: Path, state, name: str = "Books/a.json") -> str:
    sink = _sink(root, state)
    sink.write(name, b"same", key="k", source_hash="s1")
    state.commit_outputs(sink.pending_records())
    return str(sink.resolve(name))


def test_a_moved_output_gets_its_old_folders_record_not_the_newer_one_of_an_output_in_place(tmp_path, state):
    first, second, moved = tmp_path / "first", tmp_path / "second", tmp_path / "moved"
    old = _write_and_commit(first, state)
    _write_and_commit(second, state)  # the newest record of the key
    first.rename(moved)
    assert _sink(moved, state).previous("k").path == old


def test_a_new_output_has_no_past_in_another_output_still_in_place(tmp_path, state):
    _write_and_commit(tmp_path / "first", state)
    assert _sink(tmp_path / "new", state).previous("k") is None


def test_a_file_deleted_from_an_output_in_place_stays_that_outputs(tmp_path, state):
    # Its record is the newest and its file gone, yet its folder is there: the user deleted
    # the file, the output did not move.
    first, second, moved = tmp_path / "first", tmp_path / "second", tmp_path / "moved"
    old = _write_and_commit(first, state)
    Path(_write_and_commit(second, state)).unlink()
    first.rename(moved)
    assert _sink(moved, state).previous("k").path == old


def test_of_two_folders_since_gone_the_newer_record_is_the_past(tmp_path, state):
    # Moved twice: the record of where the output was last.
    first, second = tmp_path / "first", tmp_path / "second"
    _write_and_commit(first, state)
    first.rename(second)
    newer = _write_and_commit(second, state)
    second.rename(tmp_path / "third")
    assert _sink(tmp_path / "third", state).previous("k").path == newer


def test_a_file_rewritten_is_its_keys_newest_record(tmp_path, state):
    first, second = tmp_path / "first", tmp_path / "second"
    _write_and_commit(first, state)
    _write_and_commit(second, state)
    sink = _sink(first, state)
    sink.write("Books/a.json", b"rewritten", key="k", source_hash="s2")
    state.commit_outputs(sink.pending_records())
    first.rename(tmp_path / "gone-1")
    second.rename(tmp_path / "gone-2")
    assert _sink(tmp_path / "new", state).previous("k").source_hash == "s2"

"""The output sink: atomic, never clobbers what is not ours, never rewrites what did not change."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from excerpta.disk_flush import SYNCFS_MIN_FILES
from excerpta.errors import WriteConflictError
from excerpta.output import OutputSink, file_sha256
from excerpta.run_report import ConvertReport


def _sink(root: Path, state, **kwargs) -> OutputSink:
    return OutputSink(root, "job", "json", manifest=state, **kwargs)


def _write_and_commit(root: Path, state, name: str, content: bytes, **kwargs) -> str:
    sink = _sink(root, state, **kwargs)
    outcome = sink.write(name, content, key="k", source_hash="s1")
    state.commit_outputs(sink.pending_records())
    return outcome.action


def test_create_then_unchanged_then_update(tmp_path, state):
    out = tmp_path / "out"
    assert _write_and_commit(out, state, "a.json", b"one") == "create"
    before = os.stat(out / "a.json").st_mtime_ns
    assert _write_and_commit(out, state, "a.json", b"one") == "unchanged"
    assert os.stat(out / "a.json").st_mtime_ns == before
    assert _write_and_commit(out, state, "a.json", [b"tw", b"o"]) == "update"
    assert (out / "a.json").read_bytes() == b"two"


def test_a_private_file_s_new_content_is_never_readable_by_others_while_it_is_written(tmp_path, state):
    # Security audit: the temporary file was made with a new file's permissions (0644) and
    # given the target's 0600 only before the rename: 1.9 s for a 40 MB JSON.
    _write_and_commit(tmp_path, state, "a.json", b"ours")
    (tmp_path / "a.json").chmod(0o600)
    modes: list[int] = []

    def chunks():
        yield b"secret "
        modes.extend(path.stat().st_mode & 0o777 for path in tmp_path.glob(".a.json*.tmp"))
        yield b"notes"

    assert _write_and_commit(tmp_path, state, "a.json", chunks()) == "update"
    assert modes == [0o600]
    assert (tmp_path / "a.json").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "a.json").read_bytes() == b"secret notes"


def test_a_file_we_did_not_write_is_left_alone(tmp_path, state):
    (tmp_path / "a.json").write_bytes(b"the user's own file")
    assert _write_and_commit(tmp_path, state, "a.json", b"ours") == "conflict"
    assert (tmp_path / "a.json").read_bytes() == b"the user's own file"


def test_a_file_the_user_edited_after_we_wrote_it_is_left_alone(tmp_path, state):
    _write_and_commit(tmp_path, state, "a.json", b"ours")
    (tmp_path / "a.json").write_bytes(b"ours, edited by hand")
    sink = _sink(tmp_path, state)
    outcome = sink.write("a.json", b"ours, v2")
    assert outcome.action == "conflict"
    assert f"changed since excerpta wrote it, as the state {state.path} records" in (outcome.reason or "")
    assert (tmp_path / "a.json").read_bytes() == b"ours, edited by hand"
    assert sink.pending_records() == []


def test_force_overwrites_a_conflicting_file(tmp_path, state):
    (tmp_path / "a.json").write_bytes(b"theirs")
    assert _write_and_commit(tmp_path, state, "a.json", b"ours", force=True) == "update"
    assert (tmp_path / "a.json").read_bytes() == b"ours"


def test_replaces_lets_a_merging_writer_update_the_version_it_read(tmp_path, state):
    (tmp_path / "note.md").write_bytes(b"user text")
    read_hash = file_sha256(tmp_path / "note.md")
    sink = _sink(tmp_path, state)
    assert sink.write("note.md", b"user text + ours", replaces=read_hash).action == "update"
    assert sink.write("note.md", b"again", replaces="stale-hash").action == "conflict"


def test_paths_outside_the_root_are_refused(tmp_path, state):
    sink = _sink(tmp_path / "out", state)
    for hostile in ("../x", "a/../../x", "/etc/passwd", "", "..\\x"):
        with pytest.raises(WriteConflictError, match="outside"):
            sink.write(hostile, b"x")
    assert not (tmp_path / "x").exists()


def test_dry_run_writes_nothing_and_records_nothing(tmp_path, state):
    sink = _sink(tmp_path, state, dry_run=True)
    outcome = sink.write("sub/a.json", b"12345")
    assert (outcome.action, outcome.size) == ("create", 5)
    assert not (tmp_path / "sub").exists()
    assert sink.pending_records() == []


def test_no_temporary_files_are_left_behind(tmp_path, state):
    _write_and_commit(tmp_path, state, "a.json", b"one")
    _write_and_commit(tmp_path, state, "a.json", b"one")
    (tmp_path / "b.json").write_bytes(b"theirs")
    _write_and_commit(tmp_path, state, "b.json", b"ours")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "b.json", "state.sqlite",
                                                          "state.sqlite-shm", "state.sqlite-wal"]


def test_a_failing_render_leaves_the_old_file_intact(tmp_path, state):
    _write_and_commit(tmp_path, state, "a.json", b"complete old version")

    def chunks():
        yield b"half of the new"
        raise RuntimeError("render failed")

    with pytest.raises(RuntimeError):
        _sink(tmp_path, state).write("a.json", chunks())
    assert (tmp_path / "a.json").read_bytes() == b"complete old version"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_is_current_needs_the_same_source_hash_and_an_intact_file(tmp_path, state):
    _write_and_commit(tmp_path, state, "a.json", b"one")
    sink = _sink(tmp_path, state)
    assert sink.is_current("k", "s1")
    assert not sink.is_current("k", "s2")
    (tmp_path / "a.json").write_bytes(b"edited")
    assert not sink.is_current("k", "s1")


def test_a_new_file_gets_normal_permissions(tmp_path, state):
    _write_and_commit(tmp_path, state, "a.json", b"x")
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "a.json").stat().st_mode & 0o777 == 0o666 & ~umask


def test_files_appear_together_at_finish_and_not_before(tmp_path, state):
    sink = _sink(tmp_path, state)
    sink.write("a.md", b"one")
    sink.write("sub/b.md", b"two")
    assert not (tmp_path / "a.md").exists()
    sink.finish()
    assert ((tmp_path / "a.md").read_bytes(), (tmp_path / "sub" / "b.md").read_bytes()) == (b"one", b"two")


def test_an_error_inside_the_sink_context_discards_everything_staged(tmp_path, state):
    def crash() -> None:
        with _sink(tmp_path, state) as sink:
            sink.write("a.md", b"one")
            raise RuntimeError("writer crashed")

    with pytest.raises(RuntimeError):
        crash()
    assert not (tmp_path / "a.md").exists()
    assert list(tmp_path.rglob(".*.tmp")) == []


def test_a_file_the_user_saves_while_the_run_is_writing_is_left_alone(tmp_path, state):
    _write_and_commit(tmp_path, state, "a.md", b"ours, v1")
    sink = _sink(tmp_path, state)
    assert sink.write("a.md", b"ours, v2").action == "update"
    assert sink.write("b.md", b"new note").action == "create"
    (tmp_path / "a.md").write_bytes(b"the user saved this meanwhile")
    (tmp_path / "b.md").write_bytes(b"the user made this meanwhile")
    records = sink.pending_records()
    assert (tmp_path / "a.md").read_bytes() == b"the user saved this meanwhile"
    assert (tmp_path / "b.md").read_bytes() == b"the user made this meanwhile"
    assert [o.action for o in sink.outcomes] == ["conflict", "conflict"]
    assert sink.outcomes[0].reason == "changed while excerpta was writing; left alone"
    assert records == []
    assert list(tmp_path.rglob(".*.tmp")) == []


@pytest.mark.parametrize("count", [3, SYNCFS_MIN_FILES + 8])
def test_a_batch_small_or_large_lands_whole_in_every_folder(tmp_path, state, count):
    # A small batch is fsynced file by file, a large one flushed with one syncfs per file system.
    sink = _sink(tmp_path, state)
    for n in range(count):
        sink.write(f"{'ab'[n % 2]}/{n}.md", f"note {n}".encode())
    records = sink.pending_records()
    assert len(records) == count
    assert all((tmp_path / f"{'ab'[n % 2]}/{n}.md").read_text() == f"note {n}" for n in range(count))
    assert list(tmp_path.rglob(".*.tmp")) == []


def test_an_intact_file_is_told_by_its_size_and_mtime_and_a_touched_one_by_its_hash(tmp_path, state):
    _write_and_commit(tmp_path, state, "a.md", b"ours")
    path, record = tmp_path / "a.md", state.output_at(str(tmp_path / "a.md"))
    assert (record.size, record.mtime_ns) == (4, path.stat().st_mtime_ns)
    assert _sink(tmp_path, state).is_current("k", "s1")

    later = record.mtime_ns + 5_000_000_000
    os.utime(path, ns=(later, later))  # touched, same bytes: the hash decides
    assert _sink(tmp_path, state).is_current("k", "s1")
    path.write_bytes(b"mine")  # same size, new mtime: edited
    assert not _sink(tmp_path, state).is_current("k", "s1")
    # Like git's index, a rewrite that keeps the size and restores the mtime is not read again:
    # is_current only ever skips work, so this can miss a re-render, never lose the user's text.
    os.utime(path, ns=(record.mtime_ns, record.mtime_ns))
    assert _sink(tmp_path, state).is_current("k", "s1")


def test_temporary_files_a_killed_run_left_are_removed_where_the_next_run_writes(tmp_path, state):
    folder = tmp_path / "Books"
    folder.mkdir()
    names = {"stale": ".Walden.md.0123abcd.tmp", "fresh": ".Dune.md.89abcdef.tmp",
             "users": ".obsidian-notes.tmp", "no dot": "Walden.md.0123abcd.tmp", "hidden note": ".draft.md"}
    for name in names.values():
        (folder / name).write_text("x")
    two_hours_ago = os.stat(folder / names["stale"]).st_mtime - 7200
    for key in ("stale", "users", "no dot", "hidden note"):  # only ours and old enough may go
        os.utime(folder / names[key], (two_hours_ago, two_hours_ago))
    (tmp_path / "Articles").mkdir()
    elsewhere = tmp_path / "Articles" / names["stale"]
    elsewhere.write_text("x")
    os.utime(elsewhere, (two_hours_ago, two_hours_ago))
    _write_and_commit(tmp_path, state, "Books/Meditations.md", b"note")
    # The fresh one may be a run writing a folder inside this output right now.
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [names["fresh"], names["users"], names["no dot"], names["hidden note"], "Meditations.md"])
    assert elsewhere.exists()  # a folder this run did not write into is not even listed


def test_a_file_the_user_made_a_link_is_written_through_it_inside_the_output_only(tmp_path, state):
    out, outside = tmp_path / "out", tmp_path / "outside"
    outside.mkdir()
    assert _write_and_commit(out, state, "a.md", b"one") == "create"
    assert _write_and_commit(out, state, "b.md", b"one") == "create"
    (out / "kept").mkdir()
    (out / "a.md").rename(out / "kept" / "a.md")
    (out / "a.md").symlink_to(out / "kept" / "a.md")
    (out / "b.md").rename(outside / "b.md")
    (out / "b.md").symlink_to(outside / "b.md")

    assert _write_and_commit(out, state, "a.md", b"two") == "update"
    sink = _sink(out, state)
    outcome = sink.write("b.md", b"two", key="b", source_hash="s1")

    assert (out / "a.md").is_symlink()
    assert (out / "kept" / "a.md").read_bytes() == b"two"
    assert sorted(p.name for p in (out / "kept").iterdir()) == ["a.md"]  # no temporary file left
    assert _write_and_commit(out, state, "a.md", b"two") == "unchanged"
    assert (outcome.action, outcome.reason, outcome.pending) == (
        "skip", "a link to a file outside the output folder; left as it is", True)
    assert (outside / "b.md").read_bytes() == b"one"


def test_a_state_serving_two_outputs_gives_each_sink_the_records_under_its_own_root(tmp_path, state):
    # One state, two vaults written in turn: each sink must judge its own file, whichever
    # output was written last, or a file edited in one would be taken for intact in the other.
    first, second = tmp_path / "first", tmp_path / "second"
    for _ in range(2):
        for root in (first, second, first):
            _write_and_commit(root, state, "a.json", b"same")
    (second / "a.json").write_bytes(b"same, edited by hand")
    assert not _sink(second, state).is_current("k", "s1")
    assert _sink(first, state).is_current("k", "s1")
    assert _sink(second, state).previous("k").path == str((second / "a.json").resolve())
    assert _write_and_commit(second, state, "a.json", b"new") == "conflict"


def test_a_later_run_removes_what_a_killed_one_left_in_folders_it_has_no_reason_to_write(tmp_path, state):
    # A run killed while staging leaves temporary files beside notes that the next run finds
    # current: it writes nothing into their folder, yet must not leave the litter there.
    out, listing = tmp_path / "vault", tmp_path / "state" / "vault.staging"
    listing.parent.mkdir()
    _write_and_commit(out, state, "Books/a.md", b"one", staging_list=listing)
    killed = _sink(out, state, staging_list=listing)
    killed.write("Books/a.md", b"two", key="k", source_hash="s2")  # staged, never published
    [litter] = [p for p in (out / "Books").iterdir() if p.name.endswith(".tmp")]
    assert listing.read_text(encoding="utf-8").splitlines() == [str((out / "Books").resolve())]
    # Another output's, in the same folder: it may be being written (within the hour).
    other = _sink(out, state, staging_list=tmp_path / "state" / "other.staging")
    other.write("Books/b.md", b"its", key="b", source_hash="s")
    [its] = [p for p in (out / "Books").iterdir() if p.name.endswith(".tmp") and p != litter]
    # The output's own, the next run removes at once: it holds the output's lock.
    _sink(out, state, staging_list=listing).finish()
    assert not litter.exists()
    assert its.exists()
    assert listing.exists()  # still listed: another's is left there
    os.utime(its, (its.stat().st_mtime - 7200,) * 2)
    _sink(out, state, staging_list=listing).finish()
    assert not its.exists()  # an hour old: no run writes it any more
    assert not listing.exists()  # nothing left to sweep
    assert (out / "Books" / "a.md").read_bytes() == b"one"


def test_a_dry_run_keeps_no_staging_list(tmp_path, state):
    listing = tmp_path / "vault.staging"
    sink = _sink(tmp_path / "vault", state, staging_list=listing, dry_run=True)
    sink.write("a.md", b"one", key="k", source_hash="s1")
    sink.finish()
    assert not listing.exists()


def test_the_staging_list_is_swept_once_a_run_not_each_time_the_sink_finishes(tmp_path, state, monkeypatch):
    # A run finishes its sink twice (leaving its block, then handing out its records): the
    # second time there is nothing new to sweep, and no folder is scanned again.
    listing = tmp_path / "vault.staging"
    sink = _sink(tmp_path / "vault", state, staging_list=listing)
    for folder in ("a", "b", "c"):
        sink.write(f"{folder}/n.md", b"x", key=folder, source_hash="s")
    sink.finish()
    scans = []
    real_scandir = os.scandir
    monkeypatch.setattr(os, "scandir", lambda path=".": scans.append(path) or real_scandir(path))
    assert len(sink.pending_records()) == 3
    assert scans == []
    assert not listing.exists()


def test_nothing_is_written_through_a_folder_that_links_outside_the_output(tmp_path, state):
    # A folder of the vault replaced by a link (planted in a shared vault, say): only the last
    # part of a path used to be checked, so notes were created and updated outside.
    out, outside = tmp_path / "out", tmp_path / "outside"
    assert _write_and_commit(out, state, "Books/a.md", b"one") == "create"
    (out / "Books").rename(outside)
    (out / "Books").symlink_to(outside)
    sink = _sink(out, state)
    outcomes = [sink.write(name, b"two", key=name, source_hash="s2")
                for name in ("Books/a.md", "Books/new.md", "Books/Walden/deeper.md")]
    sink.finish()

    assert [(o.action, o.reason, o.pending) for o in outcomes] == [
        ("skip", "a link to a file outside the output folder; left as it is", True)] * 3
    assert sorted(p.name for p in outside.iterdir()) == ["a.md"]  # no new file, folder or temp file
    assert (outside / "a.md").read_bytes() == b"one"
    assert sink.links_outside("Books/a.md")
    assert not sink.links_outside("a.md")
    assert not sink.is_current("k", "s1")  # so the writer gets to say it is left alone


def test_a_folder_that_links_to_another_folder_of_the_output_is_written_through(tmp_path, state):
    out = tmp_path / "out"
    (out / "Archive").mkdir(parents=True)
    (out / "Books").symlink_to(out / "Archive")
    assert _write_and_commit(out, state, "Books/a.md", b"one") == "create"
    assert (out / "Archive" / "a.md").read_bytes() == b"one"
    assert _write_and_commit(out, state, "Books/a.md", b"two") == "update"
    assert (out / "Archive" / "a.md").read_bytes() == b"two"


def test_a_file_left_as_it_was_with_changes_it_could_not_take_is_left_alone(tmp_path, state):
    # A note whose markers or front matter are broken: the writer hands back its bytes as they
    # are, changes unwritten (pending). Not "unchanged": the run left it alone, and says so.
    out = tmp_path / "out"
    assert _write_and_commit(out, state, "a.md", b"one") == "create"
    sink = _sink(out, state)
    outcome = sink.write("a.md", b"one", key="k", reason="highlights markers removed", pending=True)
    assert (outcome.action, outcome.reason, outcome.pending) == (
        "conflict", "highlights markers removed", True)
    assert sink.conflicts == [outcome]
    report = ConvertReport(outcomes=sink.outcomes)
    assert (report.exit_code, report.counts()["conflicts"]) == (1, 1)
    assert [record.key for record in sink.pending_records()] == ["k"]  # its memo is kept as before

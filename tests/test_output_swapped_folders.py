"""Folders of the output made links to elsewhere while excerpta works (a sync tool, another
program, a planted link): no file is written, renamed or removed through them, whenever the
swap happens, and a link named like our temporary files is not followed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from excerpta import output_paths
from excerpta.disk import sweep_temporary_files
from excerpta.output import LINKED_OUTSIDE, OutputSink

STALE = 7200  # seconds: older than a run, so a sweep removes such a temporary file


@pytest.fixture(params=[True, False], ids=["dir_fd", "paths"])
def platform(request, monkeypatch) -> None:
    """Run with the folder opened for dir_fd calls, and as where the platform has none (Windows)."""
    if not request.param:
        monkeypatch.setattr(output_paths, "DIR_FD", False)


def _sink(root: Path, state, **kwargs) -> OutputSink:
    return OutputSink(root, "job", "json", manifest=state, **kwargs)


def _age(path: Path) -> None:
    then = path.lstat().st_mtime - STALE
    os.utime(path, (then, then), follow_symlinks=False)


def _tree(folder: Path) -> dict[str, bytes | str]:
    return {path.relative_to(folder).as_posix(): os.readlink(path) if path.is_symlink() else path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file() or path.is_symlink()}


def test_a_later_run_sweeps_no_folder_since_made_a_link_to_elsewhere(tmp_path, state):
    out, outside, listing = tmp_path / "out", tmp_path / "outside", tmp_path / "state" / "out.staging"
    outside.mkdir()
    listing.parent.mkdir()
    killed = _sink(out, state, staging_list=listing)
    killed.write("Books/a.md", b"one", key="k", source_hash="s")  # staged, never published
    shutil.rmtree(out / "Books")  # the user replaces the folder by a link to their own one
    (out / "Books").symlink_to(outside)
    users = outside / ".notes.md.0123abcd.tmp"  # named as ours are, and old enough
    users.write_bytes(b"the user's")
    _age(users)

    _sink(out, state, staging_list=listing).finish()

    assert users.read_bytes() == b"the user's"
    assert not listing.exists()  # not the output's: not kept to be swept again


def test_a_link_named_like_a_temporary_file_is_neither_followed_nor_removed_nor_counted(tmp_path):
    folder, precious = tmp_path / "Books", tmp_path / "precious.md"
    folder.mkdir()
    precious.write_bytes(b"keep me")
    link = folder / ".Walden.md.0123abcd.tmp"
    link.symlink_to(precious)
    _age(link)
    assert sweep_temporary_files(folder) == (0, 0)  # a link left is no litter to sweep again
    assert os.readlink(link) == str(precious)
    assert precious.read_bytes() == b"keep me"


def test_a_folder_made_a_link_to_elsewhere_between_two_writes_of_a_run_is_not_written_through(
        tmp_path, state, platform):
    # The sink checks each folder once a run: the write itself must see the swap.
    out, outside = tmp_path / "out", tmp_path / "outside"
    outside.mkdir()
    sink = _sink(out, state)
    assert sink.write("Books/a.md", b"one", key="a", source_hash="s").action == "create"
    sink.finish()
    shutil.move(out / "Books", tmp_path / "elsewhere")
    (out / "Books").symlink_to(outside)
    outcome = sink.write("Books/b.md", b"two", key="b", source_hash="s")
    records = sink.pending_records()

    assert (outcome.action, outcome.reason, outcome.pending) == ("skip", LINKED_OUTSIDE, True)
    assert _tree(outside) == {}  # no file, no temporary file
    assert [Path(record.path).name for record in records] == ["a.md"]


def test_a_folder_moved_out_and_linked_back_after_staging_keeps_its_files_and_gets_no_litter(
        tmp_path, state, platform):
    out, outside = tmp_path / "out", tmp_path / "outside"
    outside.mkdir()
    first = _sink(out, state)
    first.write("Books/a.md", b"one", key="a", source_hash="s")
    state.commit_outputs(first.pending_records())
    sink = _sink(out, state)
    sink.write("Books/a.md", b"two", key="a", source_hash="s2")
    sink.write("Books/new.md", b"new", key="n", source_hash="s2")
    sink.write("Other/c.md", b"three", key="c", source_hash="s2")
    shutil.move(out / "Books", outside / "Books")  # with the staged temporary files in it
    (out / "Books").symlink_to(outside / "Books")
    records = sink.pending_records()

    assert [(o.path.name, o.action, o.reason, o.pending) for o in sink.outcomes] == [
        ("a.md", "skip", LINKED_OUTSIDE, True), ("new.md", "skip", LINKED_OUTSIDE, True),
        ("c.md", "create", None, False)]
    assert _tree(outside) == {"Books/a.md": b"one"}  # as the user moved it: ours removed
    assert [Path(record.path).name for record in records] == ["c.md"]


def test_a_folder_named_by_proc_in_another_case_is_still_inside(tmp_path, state, monkeypatch):
    # A disk that ignores case (a USB stick, casefold ext4): /proc names the folder as the
    # kernel cached it (``OUT``), the resolved path as the user typed it (``out``).
    real_readlink = os.readlink

    def cased(path, *args, **kwargs):
        where = real_readlink(path, *args, **kwargs)
        return where.replace("/out", "/OUT") if str(path).startswith("/proc/self/fd/") else where

    monkeypatch.setattr(os, "readlink", cased)
    out = tmp_path / "out"
    sink = _sink(out, state)
    outcome = sink.write("Books/a.md", b"one", key="a", source_hash="s")
    sink.finish()
    assert (outcome.action, outcome.reason) == ("create", None)
    assert (out / "Books" / "a.md").read_bytes() == b"one"

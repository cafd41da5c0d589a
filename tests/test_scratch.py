"""A run's work folder (an Anki deck is built there, beside the output's lock): removed after,
and the machine refusing a file in it told as the output file the work is for, never the work
file the user never chose (audit L2)."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from excerpta.scratch import scratch_folder
from excerpta.writers.anki.package import zip_package


def _zip_onto_a_full_disk(collection: Path, staging: Path, deck: Path) -> None:
    with scratch_folder(staging, deck) as folder:
        (folder / "deck.apkg").symlink_to("/dev/full")  # the kernel's own "no space left"
        zip_package(collection, folder / "deck.apkg")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
def test_no_room_for_a_work_file_names_the_output_and_the_folder_whose_disk_is_full(tmp_path):
    staging, deck = tmp_path / "locks" / "abc.staging", tmp_path / "out" / "deck.apkg"
    collection = tmp_path / "collection.anki2"
    collection.write_bytes(b"a collection" * 1000)
    with pytest.raises(OSError, match="No space left on device") as caught:
        _zip_onto_a_full_disk(collection, staging, deck)
    assert (caught.value.errno, caught.value.filename) == (errno.ENOSPC, str(deck))
    assert caught.value.strerror == (
        f"No space left on device (preparing it in excerpta's working folder {tmp_path / 'locks'}, "
        "whose disk is full: make room on it and run again)")
    assert not staging.with_suffix(".scratch").exists()


def test_an_error_about_another_file_is_left_as_it_is(tmp_path):
    raised = FileNotFoundError(errno.ENOENT, "No such file or directory", str(tmp_path / "elsewhere"))
    with pytest.raises(FileNotFoundError) as caught, scratch_folder(tmp_path / "a.staging", tmp_path / "x"):
        raise raised
    assert caught.value is raised

"""An input file the library took cleanly as it is now is not read again (excerpta.unchanged_inputs);
one that changed, is read with other options, had problems, or whose outputs were not all
written, is."""

from __future__ import annotations

import json
import time

import pytest

from job_configs import CLIPPINGS, NEW_RECORD

NOT_READ = "unchanged since it was last read; not read again"


@pytest.fixture
def convert(run_cli, tmp_path):
    clip = tmp_path / "My Clippings.txt"
    clip.write_bytes(CLIPPINGS.read_bytes())

    def run(*options: str, out: str = "out.json"):
        return run_cli("-v", "--state", tmp_path / "state.sqlite", "convert", clip, "--to", "json",
                       "--out", tmp_path / out, *options)

    return run, clip


def _texts(path) -> list[str]:
    library = json.loads(path.read_text(encoding="utf-8"))
    return [h["text"] for d in library["documents"] for h in d["highlights"]]


def test_an_unchanged_file_is_not_read_again_and_a_changed_one_is(convert, tmp_path):
    run, clip = convert
    assert NOT_READ not in run().output
    again = run()
    assert again.exit_code == 0
    assert f"{clip}: {NOT_READ}" in again.output
    assert "read 1 input(s); library: 12 documents, 12 highlights" in again.output
    with clip.open("a", encoding="utf-8") as appended:
        appended.write(NEW_RECORD)
    grown = run()
    assert NOT_READ not in grown.output
    assert "Rather than love, than money, than fame, give me truth." in _texts(tmp_path / "out.json")
    # Another output from the same state: the library holds what the file gave.
    other = run(out="other.json")
    assert NOT_READ in other.output
    assert _texts(tmp_path / "other.json") == _texts(tmp_path / "out.json")


def test_other_reader_options_read_it_again(convert, tmp_path):
    run, _ = convert
    assert run("--timezone", "UTC").exit_code == 0
    berlin = run("--timezone", "Europe/Berlin")
    assert NOT_READ not in berlin.output
    assert NOT_READ in run("--timezone", "Europe/Berlin").output


def test_a_move_to_another_time_zone_reads_it_again(convert, tmp_path, monkeypatch):
    # Device-local times are read in the machine's zone when no --timezone is given.
    run, _ = convert
    try:
        for zone in ("UTC", "Asia/Tokyo"):
            monkeypatch.setenv("TZ", zone)
            time.tzset()
            assert NOT_READ not in run().output
        assert NOT_READ in run().output
    finally:
        monkeypatch.undo()
        time.tzset()


def test_a_file_with_problems_is_read_again_and_says_them_again(convert, tmp_path):
    run, clip = convert
    broken = (b"Broken (Nobody)\n- Your Highlight on Location 10-12 | Added on Monday, February 31, 2021 "
              b"10:00:00 AM\n\ntext\n==========\n")  # no such day
    clip.write_bytes(CLIPPINGS.read_bytes() + broken)
    first = run()
    assert first.exit_code == 1
    again = run()
    assert again.exit_code == 1  # still partial: its problem said again
    assert NOT_READ not in again.output
    assert "1 record(s) skipped" in again.output


def test_a_file_whose_outputs_were_not_all_written_is_read_again(convert, tmp_path):
    run, _ = convert
    (tmp_path / "out.json").mkdir()  # a folder where the file goes: the writer fails
    assert run().exit_code != 0
    (tmp_path / "out.json").rmdir()
    written = run()
    assert written.exit_code == 0
    assert NOT_READ not in written.output
    assert len(_texts(tmp_path / "out.json")) == 12

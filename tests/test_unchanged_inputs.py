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
    assert "1 input(s) unchanged since last read; library: 12 documents, 12 highlights" in again.output
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
    assert "1 read in part" in again.output  # the record, without the date no calendar has


def test_a_file_whose_outputs_were_not_all_written_is_read_again(convert, tmp_path):
    run, _ = convert
    (tmp_path / "out.json").mkdir()  # a folder where the file goes: the writer fails
    assert run().exit_code != 0
    (tmp_path / "out.json").rmdir()
    written = run()
    assert written.exit_code == 0
    assert NOT_READ not in written.output
    assert len(_texts(tmp_path / "out.json")) == 12


@pytest.fixture
def two_copies(run_cli, tmp_path):
    """Two JSON exports holding one highlight in two wordings (no update times: the input
    merged last settles it), and a run converting both, or the ones given, into a state."""
    run_cli("convert", CLIPPINGS, "--to", "json", "--out", tmp_path / "first.json")
    first = json.loads((tmp_path / "first.json").read_text(encoding="utf-8"))
    for highlight in (h for d in first["documents"] for h in d["highlights"]):
        highlight["text"] = "SECOND " + highlight["text"]
    (tmp_path / "second.json").write_text(json.dumps(first), encoding="utf-8")

    def run(*inputs: str, state: str = "state.sqlite", out: str = "out.json"):
        return run_cli("-v", "--state", tmp_path / state, "convert",
                       *(tmp_path / each for each in inputs), "--to", "json", "--out", tmp_path / out)

    return run


def test_when_one_input_changed_every_input_is_read_again(two_copies, tmp_path):
    run = two_copies
    assert run("first.json", "second.json").exit_code == 0
    assert all(text.startswith("SECOND ") for text in _texts(tmp_path / "out.json"))
    assert NOT_READ in run("first.json", "second.json").output
    # A change in the first: reading it alone would let its wording win over the second's.
    first = json.loads((tmp_path / "first.json").read_text(encoding="utf-8"))
    first["documents"][0]["title"] += " (revised)"
    (tmp_path / "first.json").write_text(json.dumps(first), encoding="utf-8")
    again = run("first.json", "second.json")
    assert NOT_READ not in again.output
    fresh = run("first.json", "second.json", state="fresh.sqlite", out="fresh.json")
    assert fresh.exit_code == again.exit_code == 0
    assert _texts(tmp_path / "out.json") == _texts(tmp_path / "fresh.json")
    assert all(text.startswith("SECOND ") for text in _texts(tmp_path / "out.json"))


def test_a_library_another_run_changed_has_its_inputs_read_again(two_copies, tmp_path):
    # Two jobs sharing a state: what one merged since, the other's inputs settle again.
    run = two_copies
    assert run("first.json", "second.json").exit_code == 0
    assert run("first.json", out="other.json").exit_code == 0
    assert not any(text.startswith("SECOND ") for text in _texts(tmp_path / "other.json"))
    both = run("first.json", "second.json")
    assert NOT_READ not in both.output
    assert all(text.startswith("SECOND ") for text in _texts(tmp_path / "out.json"))
    assert NOT_READ in run("first.json", "second.json").output


def test_force_reads_every_input_again(convert):
    run, _ = convert
    assert run().exit_code == 0
    forced = run("--force")
    assert forced.exit_code == 0
    assert NOT_READ not in forced.output


def test_a_note_that_may_embed_others_is_always_read(run_cli, tmp_path):
    # readwise-md: a note's highlights may be embeds of other notes (the obsidian writer's
    # atomic option), whose changes the note's own bytes do not show.
    vault = tmp_path / "vault"
    assert run_cli("convert", CLIPPINGS, "--to", "obsidian", "--out", vault).exit_code == 0
    note = next(vault.rglob("*.md"))
    for _ in range(2):
        result = run_cli("-v", "--state", tmp_path / "state.sqlite", "convert", note, "--from",
                         "readwise-md", "--to", "json", "--out", tmp_path / "out.json")
        assert result.exit_code == 0, result.output
        assert NOT_READ not in result.output

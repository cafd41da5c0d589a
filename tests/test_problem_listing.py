"""A damaged input's record problems are listed up to a limit per input, then counted in one
line, so thousands of them never bury the run's summary (convert and sync alike); -v lists
every one, -q none."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from excerpta.cli.progress import LIST_PROBLEMS_PER_INPUT_UP_TO
from job_configs import CLIPPINGS, kindle_job, write_config

DAMAGED = "Book (A)\r\n- Your Highlight on Location x | Added on nonsense\r\n\r\ntext {}\r\n==========\r\n"
MORE = 7  # damaged records beyond the limit


def _damaged_copy(folder: Path, name: str, damaged: int) -> Path:
    """The real clippings file with ``damaged`` records whose metadata line is cut short."""
    copy = folder / name
    copy.write_bytes(CLIPPINGS.read_bytes() + "".join(DAMAGED.format(n) for n in range(damaged)).encode())
    return copy


def _listed(stderr: str, source: Path) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith(f"skipped {source}:")]


def test_convert_lists_an_inputs_first_problems_and_counts_the_rest(run_cli, tmp_path):
    limit = LIST_PROBLEMS_PER_INPUT_UP_TO
    damaged = _damaged_copy(tmp_path, "damaged.txt", limit + MORE)
    few = _damaged_copy(tmp_path, "few.txt", 2)
    result = run_cli("convert", damaged, few, "--to", "json", "--out", tmp_path / "a.json")
    assert result.exit_code == 1
    assert len(_listed(result.stderr, damaged)) == limit
    assert len(_listed(result.stderr, few)) == 2
    more = [line for line in result.stderr.splitlines() if line.startswith("… and")]
    assert more == [f"… and {MORE} more record problem(s) in {damaged} (-v lists every one)"]
    # The summary still counts every one, and every good highlight was read.
    assert f"{limit + MORE + 2} record(s) skipped" in result.stderr
    assert (tmp_path / "a.json").is_file()


@pytest.mark.parametrize(("flag", "listed"), [("-v", LIST_PROBLEMS_PER_INPUT_UP_TO + MORE), ("-q", 0)])
def test_verbose_lists_every_problem_and_quiet_none(run_cli, tmp_path, flag, listed):
    damaged = _damaged_copy(tmp_path, "damaged.txt", LIST_PROBLEMS_PER_INPUT_UP_TO + MORE)
    result = run_cli(flag, "convert", damaged, "--to", "json", "--out", tmp_path / "a.json")
    assert result.exit_code == 1
    assert len(_listed(result.stderr, damaged)) == listed
    assert "… and" not in result.stderr


def test_an_input_of_nothing_but_problems_says_how_many_more_before_its_error(run_cli, tmp_path):
    only = tmp_path / "only.txt"
    only.write_bytes("".join(DAMAGED.format(n) for n in range(LIST_PROBLEMS_PER_INPUT_UP_TO + MORE)).encode())
    result = run_cli("convert", only, "--from", "kindle", "--to", "json", "--out", tmp_path / "a.json")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[-2] == f"… and {MORE} more record problem(s) in {only} (-v lists every one)"
    assert re.match(r"excerpta: error: .*only\.txt: nothing could be read as kindle", lines[-1])


def test_sync_lists_a_jobs_problems_alike(run_cli, tmp_path):
    _damaged_copy(tmp_path, "clip.txt", LIST_PROBLEMS_PER_INPUT_UP_TO + MORE)
    config = write_config(tmp_path, kindle_job(tmp_path))
    result = run_cli("sync", "-c", config)
    assert result.exit_code == 1
    assert len(_listed(result.stderr, tmp_path / "clip.txt")) == LIST_PROBLEMS_PER_INPUT_UP_TO
    assert [line for line in result.stderr.splitlines() if line.startswith("… and")] == [
        f"… and {MORE} more record problem(s) in {tmp_path / 'clip.txt'} (-v lists every one)"]

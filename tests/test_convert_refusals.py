"""`excerpta convert` refusing a run that would damage what the user has: an input read in the
wrong format, an --out that is not a file (or folder) excerpta can write."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from excerpta.store import default_state_path
from excerpta.store.migrations import MIGRATIONS

from paths import CORPUS, EXAMPLES

SAMPLE = EXAMPLES / "library.json"


def test_an_input_nothing_of_which_reads_as_the_named_format_leaves_the_output_alone(run_cli, tmp_path):
    out = tmp_path / "out.json"
    assert run_cli("convert", SAMPLE, "--to", "json", "--out", out).exit_code == 0
    written = out.read_bytes()
    result = run_cli("convert", SAMPLE, "--from", "kindle", "--to", "json", "--out", out)
    assert result.exit_code == 2
    error = result.output.splitlines()[-1]
    assert error.startswith(f"excerpta: error: {SAMPLE}: nothing could be read as kindle (1 record(s) "
                            "skipped; line 1: expected a metadata line")
    assert error.endswith("is --from right?")
    assert out.read_bytes() == written


@pytest.mark.parametrize("empty", ["", "  "])
def test_an_empty_input_path_is_refused_not_read_as_the_current_folder(run_cli, tmp_path, monkeypatch, empty):
    shutil.copy(EXAMPLES / "My Clippings.txt", tmp_path)
    monkeypatch.chdir(tmp_path)  # what Path("") would read: clippings and older outputs alike
    result = run_cli("convert", empty, "--to", "json", "--out", "out.json")
    assert result.exit_code == 2
    assert result.output == "excerpta: error: an empty input path (an unset shell variable?)\n"
    assert not (tmp_path / "out.json").exists()


def test_a_wrong_format_merges_none_of_the_run_s_inputs_into_the_state(run_cli, tmp_path):
    state = tmp_path / "state.sqlite"
    html = CORPUS / "kindle_notebook_html" / "krystofl_example_notebook_en.html"
    result = run_cli("--state", state, "convert", EXAMPLES / "My Clippings.txt", html,
                     "--from", "kindle", "--to", "json", "--out", tmp_path / "a.json")
    assert result.exit_code == 2
    assert f"{html}: nothing could be read as kindle" in result.output
    assert sqlite3.connect(state).execute("SELECT COUNT(*) FROM documents").fetchone() == (0,)
    assert not (tmp_path / "a.json").exists()


def test_an_empty_input_without_problems_is_still_an_empty_library(run_cli, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    result = run_cli("convert", empty, "--from", "kindle", "--to", "json", "--out", tmp_path / "a.json")
    assert result.exit_code == 0
    assert '"documents": []' in (tmp_path / "a.json").read_text()


def test_an_input_partly_read_is_partial_not_refused(run_cli, tmp_path):
    clippings = (EXAMPLES / "My Clippings.txt").read_text(encoding="utf-8-sig")
    mixed = tmp_path / "mixed.txt"
    mixed.write_text("garbage line\n==========\n" + clippings, encoding="utf-8")
    result = run_cli("convert", mixed, "--from", "kindle", "--to", "json", "--out", tmp_path / "a.json")
    assert result.exit_code == 1
    assert (tmp_path / "a.json").exists()


@pytest.mark.parametrize(("to", "out", "message"), [
    ("json", "/dev/zero", "/dev/zero: not a regular file (json writes one file)"),
    ("obsidian", "/dev/null", "/dev/null: not a folder (obsidian writes a folder of files)"),
    ("json", "", "--out is empty; give a file name"),
    ("obsidian", "", "--out is empty; give a folder name"),
    ("json", "-", "--out -: writing to standard output is not supported; give a file name"),
    ("json", "newdir/", "newdir/: names a folder; give a file name (json writes one file)"),
])
def test_an_out_that_is_not_a_file_excerpta_can_write_is_refused_before_reading(
        run_cli, tmp_path, monkeypatch, to, out, message):
    monkeypatch.chdir(tmp_path)
    result = run_cli("convert", SAMPLE, "--to", to, "--out", out)
    assert (result.exit_code, result.output) == (2, f"excerpta: error: {message}\n")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("to", "name", "warned"), [
    ("anki", "deck.json", "writing anki to a name that ends as json files do (its files end in .apkg)"),
    ("csv", "rows.apkg", "writing csv to a name that ends as anki files do (its files end in .csv)"),
    ("csv", "rows.txt", None),  # no writer's: a name of the user's choosing
    ("json", "library.JSON", None),
])
def test_an_out_named_as_another_writers_files_is_questioned_and_still_written(run_cli, tmp_path, to, name,
                                                                               warned):
    out = tmp_path / name
    result = run_cli("convert", SAMPLE, "--to", to, "--out", out)
    assert result.exit_code == 0
    assert out.exists()
    said = [line for line in result.output.splitlines() if "warning" in line]
    assert said == ([f"excerpta: warning: {out}: {warned}"] if warned else [])
    config = tmp_path / "excerpta.toml"
    config.write_text(f'[[jobs]]\nname = "j"\n[jobs.source]\ninput = "{SAMPLE}"\n'
                      f'[[jobs.writers]]\nformat = "{to}"\nout = "{out}"\n', encoding="utf-8")
    checked = run_cli("config", "check", config)
    assert checked.exit_code == 0
    assert [line.split(": ", 2)[-1] for line in checked.output.splitlines() if "warning" in line] == (
        [f"{out}: {warned}"] if warned else [])


def test_a_trailing_slash_names_the_folder_of_a_folder_writer(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run_cli("convert", SAMPLE, "--to", "obsidian", "--out", "vault/").exit_code == 0
    assert (tmp_path / "vault").is_dir()


@pytest.mark.parametrize(("args", "message"), [
    (["--to", "anki", "--anki-cards", "book,foo"],
     "--anki-cards (anki option cards): expected 'book', 'cloze' or 'qa', got 'foo'"),
    (["--to", "anki", "-O", "cards=book,foo"],
     "anki option cards[1]: expected 'book', 'cloze' or 'qa', got 'foo'"),
    (["--to", "anki", "--anki-cards", ","], "--anki-cards (anki option cards): needs at least one value"),
    (["--to", "json", "--timezone", "Mars/Base"],
     "--timezone (kindle option timezone): unknown time zone 'Mars/Base' (expected e.g. Europe/Berlin)"),
    (["--to", "obsidian", "-O", "flat=maybe"], "obsidian option flat: expected true or false, got 'maybe'"),
    (["--to", "json", "--anki-deck", "X"], "--anki-deck does not apply to kindle → json (their options: "
                                           "--kindle-bookmarks, --timezone; see `excerpta formats`)"),
    (["--to", "obsidian", "-O", "bogus=1"], "-O bogus does not apply to kindle → obsidian (their options: "),
])
def test_an_option_error_names_the_option_as_typed_in_plain_words(run_cli, tmp_path, args, message):
    result = run_cli("convert", EXAMPLES / "My Clippings.txt", *args, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert result.output.startswith(f"excerpta: error: {message}")
    assert result.output.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_a_clippings_file_of_nul_bytes_alone_leaves_the_output_alone(run_cli, tmp_path):
    # An unplugged Kindle can leave My Clippings.txt as NUL bytes only: its padding is reported
    # "read in part", and nothing else is read; the output the user had must stay.
    out = tmp_path / "out.json"
    assert run_cli("convert", SAMPLE, "--to", "json", "--out", out).exit_code == 0
    written = out.read_bytes()
    padded = tmp_path / "My Clippings.txt"
    padded.write_bytes(b"\0" * 100_000)
    result = run_cli("convert", padded, "--from", "kindle", "--to", "json", "--out", out)
    assert result.exit_code == 2
    assert f"{padded}: nothing could be read as kindle" in result.output
    assert out.read_bytes() == written


def test_an_out_in_the_home_of_no_such_user_is_one_line(run_cli, tmp_path):
    result = run_cli("convert", SAMPLE, "--to", "json", "--out", "~no-such-user-here/x.json")
    assert result.exit_code == 2
    assert result.output == "excerpta: error: ~no-such-user-here/x.json: no such user's home folder\n"


def test_files_written_without_state_are_taken_over_by_a_run_given_state_unless_edited(run_cli, tmp_path):
    # Runs without --state record their files in the default state: a first run with --state
    # trusts a file holding exactly the bytes recorded there, and says which state it asked.
    clippings = CORPUS / "kindle_clippings" / "hadynz_simple.txt"
    outputs = {fmt: tmp_path / f"lib.{fmt}" for fmt in ("json", "csv", "anki")}
    outputs["anki"] = tmp_path / "deck.apkg"
    for fmt, out in outputs.items():
        assert run_cli("convert", clippings, "--to", fmt, "--out", out).exit_code == 0
    state = tmp_path / "state.sqlite"
    more = CORPUS / "kindle_clippings" / "hadynz_first-scenario.txt"
    for fmt, out in outputs.items():
        before = out.read_bytes()
        result = run_cli("--state", state, "convert", clippings, more, "--to", fmt, "--out", out)
        assert result.exit_code == 0, result.output
        assert out.read_bytes() != before
    # a file edited since is still left alone, and the message names the state it asked
    edited = tmp_path / "edited.json"
    assert run_cli("convert", clippings, "--to", "json", "--out", edited).exit_code == 0
    edited.write_text(edited.read_text() + " ")
    result = run_cli("--state", state, "convert", clippings, "--to", "json", "--out", edited)
    assert result.exit_code == 1
    assert f"exists and the state {state} has no record of excerpta writing it; left alone" in result.output


def _older_state(path: Path) -> None:
    # A state database as the excerpta before the last migration left it.
    with sqlite3.connect(path) as db:
        for version, (name, script) in enumerate(MIGRATIONS[:-1], start=1):
            for statement in filter(str.strip, script.split(";")):
                db.execute(statement)
            db.execute("INSERT INTO migrations VALUES (?, ?)", (name, "2020-01-01T00:00:00+00:00"))
            db.execute(f"PRAGMA user_version = {version}")
    sqlite3.connect(path).close()


@pytest.mark.parametrize("schema", ["current", "older"])
def test_the_default_state_asked_as_a_witness_is_never_written(run_cli, tmp_path, schema):
    # --state names another database: the default one only vouches for the files it records,
    # read-only (not migrated, not switched to WAL), by a dry run and a run alike.
    clippings = CORPUS / "kindle_clippings" / "hadynz_simple.txt"
    out = tmp_path / "lib.json"
    assert run_cli("convert", clippings, "--to", "json", "--out", out).exit_code == 0
    default = default_state_path()
    if schema == "older":
        default.unlink()
        _older_state(default)
    before = default.read_bytes()
    more = CORPUS / "kindle_clippings" / "hadynz_first-scenario.txt"
    for dry_run in (["--dry-run"], []):
        result = run_cli("--state", tmp_path / "other.sqlite", "convert", clippings, more,
                         "--to", "json", "--out", out, *dry_run)
        # the current default state vouches for the file it wrote; an older one for nothing
        assert result.exit_code == (0 if schema == "current" else 1), result.output
        assert default.read_bytes() == before
        assert not default.with_name(default.name + "-wal").exists()
    with sqlite3.connect(default) as db:
        version = db.execute("PRAGMA user_version").fetchone()[0]
    assert version == len(MIGRATIONS) - (schema == "older")


@pytest.mark.parametrize("from_format", [None, "kindle"])
def test_an_input_that_cannot_be_reached_says_why_not_that_it_is_missing(run_cli, tmp_path, from_format):
    (tmp_path / "l1").symlink_to(tmp_path / "l2")
    (tmp_path / "l2").symlink_to(tmp_path / "l1")
    (tmp_path / "dangling").symlink_to(tmp_path / "gone")
    named = ["--from", from_format] if from_format else []
    for source, reason in [("l1", "a symbolic link that loops (too many levels of symbolic links)"),
                           ("dangling", "a symbolic link to nothing (its target is missing)"),
                           ("nope", "no such file or directory")]:
        result = run_cli("convert", tmp_path / source, *named, "--to", "json", "--out", tmp_path / "o.json")
        assert result.exit_code == 2
        assert result.output == f"excerpta: error: {tmp_path / source}: {reason}\n"


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_an_out_that_is_one_of_the_inputs_is_refused_even_with_force(run_cli, tmp_path, force):
    export = tmp_path / "export.csv"
    shutil.copyfile(CORPUS / "readwise" / "csv-export" / "dpastoor-readwise-data.2019.excerpt.csv", export)
    before = export.read_bytes()
    (tmp_path / "link.csv").symlink_to(export)
    result = run_cli("convert", export, "--to", "csv", "--out", tmp_path / "link.csv", *force)
    assert result.exit_code == 2
    assert result.output == (f"excerpta: error: {export}: is also this run's output; write to another "
                             "file (an output never replaces an input)\n")
    assert export.read_bytes() == before


def test_an_out_that_is_a_symbolic_link_loop_is_one_line(run_cli, tmp_path):
    (tmp_path / "a.json").symlink_to(tmp_path / "b.json")
    (tmp_path / "b.json").symlink_to(tmp_path / "a.json")
    result = run_cli("convert", SAMPLE, "--to", "json", "--out", tmp_path / "a.json")
    assert result.exit_code == 2
    assert result.output == (f"excerpta: error: {tmp_path / 'a.json'}: a symbolic link that loops (too many "
                             "levels of symbolic links)\n")

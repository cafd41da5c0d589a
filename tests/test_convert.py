"""`excerpta convert` end to end: round trips, bad input, clashes, dry runs, state."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from excerpta import registry
from excerpta.model import Library
from excerpta.pipeline import convert
from excerpta.store import open_store
from excerpta.writers.canonical_json import render_json
from state_checks import try_writing

from paths import EXAMPLES
from strategies import libraries

SAMPLE = EXAMPLES / "library.json"
CLIPPINGS = EXAMPLES / "My Clippings.txt"


def test_example_round_trips_through_jsonl_exactly(run_cli, tmp_path):
    assert run_cli("convert", SAMPLE, "--to", "jsonl", "--out", tmp_path / "x.jsonl").exit_code == 0
    back = run_cli("convert", tmp_path / "x.jsonl", "--to", "json", "--out", tmp_path / "x.json")
    assert back.exit_code == 0
    assert (tmp_path / "x.json").read_bytes() == SAMPLE.read_bytes()
    written = Library.model_validate_json((tmp_path / "x.json").read_bytes())
    assert written == Library.model_validate_json(SAMPLE.read_bytes())


def test_converting_again_leaves_our_unchanged_output_untouched(run_cli, tmp_path):
    out = tmp_path / "x.json"
    run_cli("convert", SAMPLE, "--to", "json", "--out", out)
    mtime = out.stat().st_mtime_ns
    result = run_cli("convert", SAMPLE, "--to", "json", "--out", out)
    assert result.exit_code == 0
    assert "unchanged" in result.output
    assert out.stat().st_mtime_ns == mtime


def test_a_file_we_did_not_write_is_reported_and_left_alone_unless_forced(run_cli, tmp_path):
    out = tmp_path / "notes.json"
    out.write_text("precious")
    result = run_cli("convert", SAMPLE, "--to", "json", "--out", out)
    assert result.exit_code == 1
    assert "not overwritten" in result.output
    assert "--force" in result.output
    assert out.read_text() == "precious"
    assert run_cli("convert", SAMPLE, "--to", "json", "--out", out, "--force").exit_code == 0
    assert out.read_bytes() == SAMPLE.read_bytes()


def test_dry_run_prints_what_would_be_written_and_writes_nothing(run_cli, tmp_path):
    result = run_cli("convert", SAMPLE, "--to", "jsonl", "--out", tmp_path / "x.jsonl", "--dry-run")
    assert result.exit_code == 0
    assert f"would create {tmp_path / 'x.jsonl'}" in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_dry_run_lists_what_would_change_and_unchanged_files_only_as_a_run_would(run_cli, tmp_path):
    vault = tmp_path / "vault"
    assert run_cli("convert", CLIPPINGS, "--to", "obsidian", "--out", vault).exit_code == 0
    changed = next(vault.rglob("Walden.md"))
    changed.unlink()
    records = run_cli("--state", tmp_path / "other.sqlite", "convert", CLIPPINGS, "--to", "obsidian",
                      "--out", vault, "--dry-run", "--recreate-deleted")
    # 12 notes the other state has no record of: each said, as 12 is few enough to list all
    assert records.output.count("unchanged ") == 11
    assert f"would create {changed}" in records.output
    quiet = run_cli("-q", "--state", tmp_path / "other.sqlite", "convert", CLIPPINGS, "--to", "obsidian",
                    "--out", vault, "--dry-run", "--recreate-deleted")
    assert quiet.output.splitlines() == [f"would create {changed} (675 bytes)"]  # -q: what would change


def test_a_dry_run_of_many_files_lists_the_first_twenty_and_says_how_many_more(run_cli, tmp_path):
    # A first sync's dry run would print 5,000 lines (scale audit): -v lists them all.
    documents = [{"id": f"d{n}", "title": f"Book {n:02}", "highlights": [{"id": f"h{n}", "text": "x"}]}
                 for n in range(30)]
    (tmp_path / "library.json").write_text(json.dumps({"schema_version": 1, "documents": documents}),
                                           encoding="utf-8")
    args = ("convert", tmp_path / "library.json", "--to", "obsidian", "--out", tmp_path / "v", "--dry-run")
    for quiet in ([], ["-q"]):
        lines = run_cli(*quiet, *args).stdout.splitlines()
        assert [line.split("/")[-1].split(" (")[0] for line in lines[:20]] == [
            f"Book {n:02}.md" for n in range(20)]
        assert lines[20:] == ["… and 10 more (-v lists every one)"]
    every = run_cli("-v", *args).stdout.splitlines()
    assert len(every) == 30
    assert all(line.startswith("would create ") for line in every)
    assert not (tmp_path / "v").exists()


def _bad_inputs(tmp_path):
    malformed = tmp_path / "malformed.json"
    malformed.write_text('{"schema_version": 1, "documents": [{"id": ')
    future = tmp_path / "future.json"
    future.write_text('{"schema_version": 2, "documents": []}')
    return {
        "malformed": ([malformed, "--to", "json"], f"{malformed}:1: malformed JSON"),
        "schema": ([future, "--to", "json"], f"{future}: schema_version 2 is not supported"),
        "missing": ([tmp_path / "nope.json", "--to", "json"], f"{tmp_path / 'nope.json'}: no such file"),
        "unknown-to": ([SAMPLE, "--to", "docx"],
                       f"unknown output format 'docx' (known: {', '.join(registry.writers())})"),
        "unknown-from": ([SAMPLE, "--from", "docx", "--to", "json"], "unknown input format 'docx'"),
    }


@pytest.mark.parametrize("case", ["malformed", "schema", "missing", "unknown-to", "unknown-from"])
def test_bad_input_is_one_line_exit_2_no_traceback_nothing_written(run_cli, tmp_path, case):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    args, message = _bad_inputs(inputs)[case]
    out = tmp_path / "out" / "x.json"
    result = run_cli("convert", *args, "--out", out)
    assert result.exit_code == 2
    assert result.output == f"excerpta: error: {message}" + result.output.split(message, 1)[1]
    assert result.output.count("\n") == 1
    assert "Traceback" not in result.output
    assert not out.parent.exists()


def test_verbose_shows_the_traceback_of_a_user_error(run_cli, tmp_path):
    result = run_cli("-v", "convert", tmp_path / "nope.json", "--from", "json", "--to", "json",
                     "--out", tmp_path / "x.json")
    assert result.exit_code == 2
    assert "Traceback" in result.output


def test_a_skipped_record_makes_the_run_partial(run_cli, tmp_path):
    data = json.loads(SAMPLE.read_text())
    data["documents"][1]["highlights"][0]["highlighted_at"] = "yesterday"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    result = run_cli("convert", bad, "--to", "json", "--out", tmp_path / "x.json")
    assert result.exit_code == 1
    assert f"skipped {bad}: documents[1].highlights[0].highlighted_at: invalid datetime" in result.output
    written = json.loads((tmp_path / "x.json").read_text())
    # Only the bad highlight is skipped: its document and its other highlight are kept.
    assert [(d["title"], len(d["highlights"])) for d in written["documents"]] == [
        ("Walden", 3), ("Meditations", 1), ("Faust: Eine Tragödie", 1), ("Self-Reliance", 2)]


def test_quiet_prints_nothing_on_success(run_cli, tmp_path):
    result = run_cli("--quiet", "convert", SAMPLE, "--to", "json", "--out", tmp_path / "x.json")
    assert (result.exit_code, result.output) == (0, "")
    again = run_cli("convert", SAMPLE, "--to", "json", "--out", tmp_path / "y.json", "-q")
    assert (again.exit_code, again.output) == (0, "")


def test_verbose_is_accepted_after_the_command_too(run_cli, tmp_path):
    result = run_cli("convert", tmp_path / "nope.json", "--from", "json", "--to", "json",
                     "--out", tmp_path / "x.json", "-v")
    assert result.exit_code == 2
    assert "Traceback" in result.output


def test_explicit_state_accumulates_the_library_across_runs(run_cli, tmp_path):
    state = tmp_path / "state.sqlite"
    jsonl = tmp_path / "one.jsonl"
    jsonl.write_text('{"id": "h-new", "text": "new", "document": {"id": "d-new", "title": "New"}}\n')
    run_cli("--state", state, "convert", SAMPLE, "--to", "json", "--out", tmp_path / "a.json")
    run_cli("--state", state, "convert", jsonl, "--to", "json", "--out", tmp_path / "a.json")
    titles = [d["title"] for d in json.loads((tmp_path / "a.json").read_text())["documents"]]
    assert titles == ["Walden", "Meditations", "Faust: Eine Tragödie", "Self-Reliance", "New"]
    runs = sqlite3.connect(state).execute("SELECT status FROM runs ORDER BY id").fetchall()
    assert runs == [("ok",), ("ok",)]


def test_a_run_whose_later_input_is_unreadable_merges_none_of_its_inputs(run_cli, tmp_path):
    state, out = tmp_path / "state.sqlite", tmp_path / "a.json"
    jsonl = tmp_path / "one.jsonl"
    jsonl.write_text('{"id": "h-new", "text": "new", "document": {"id": "d-new", "title": "New"}}\n')
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema_version": 1, "documents": [{"id": broken')
    assert run_cli("--state", state, "convert", jsonl, "--to", "json", "--out", out).exit_code == 0
    written = out.read_bytes()
    result = run_cli("--state", state, "convert", EXAMPLES / "My Clippings.txt", broken, "--to", "json",
                     "--out", out)
    assert result.exit_code == 2
    assert "broken.json:1: malformed JSON" in result.output
    db = sqlite3.connect(state)
    assert db.execute("SELECT id FROM documents").fetchall() == [("d-new",)]
    assert db.execute("SELECT status FROM runs ORDER BY id").fetchall() == [("ok",), ("failed",)]
    assert out.read_bytes() == written


def test_a_dry_run_with_a_state_leaves_its_library_as_it_was(run_cli, tmp_path):
    state = tmp_path / "state.sqlite"
    jsonl = tmp_path / "one.jsonl"
    jsonl.write_text('{"id": "h-new", "text": "new", "document": {"id": "d-new", "title": "New"}}\n')
    run_cli("--state", state, "convert", jsonl, "--to", "json", "--out", tmp_path / "a.json")
    dry = run_cli("--state", state, "convert", SAMPLE, "--to", "json", "--out", tmp_path / "a.json",
                  "--dry-run")
    assert dry.exit_code == 0
    assert "would update" in dry.output  # it saw the library with the sample in it
    assert sqlite3.connect(state).execute("SELECT COUNT(*) FROM documents").fetchone() == (1,)
    run_cli("--state", state, "convert", jsonl, "--to", "json", "--out", tmp_path / "a.json")
    assert [d["title"] for d in json.loads((tmp_path / "a.json").read_text())["documents"]] == ["New"]


def test_a_dry_run_creates_no_state_database_lock_or_folder(run_cli, tmp_path):
    state_home = Path(os.environ["XDG_STATE_HOME"])
    for state in ([], ["--state", tmp_path / "typo" / "new.sqlite"]):
        result = run_cli(*state, "convert", SAMPLE, "--to", "obsidian", "--out", tmp_path / "vault",
                         "--dry-run")
        assert result.exit_code == 0, result.output
        assert "outputs (dry run, nothing written): 4 new" in result.output
        assert list(state_home.iterdir()) == []  # neither the default state nor locks/
        assert list(tmp_path.iterdir()) == []


def test_without_state_convert_outputs_exactly_its_inputs(run_cli, tmp_path):
    jsonl = tmp_path / "one.jsonl"
    jsonl.write_text('{"id": "h-new", "text": "new", "document": {"id": "d-new", "title": "New"}}\n')
    run_cli("convert", SAMPLE, "--to", "json", "--out", tmp_path / "a.json")
    run_cli("convert", jsonl, "--to", "json", "--out", tmp_path / "a.json")
    titles = [d["title"] for d in json.loads((tmp_path / "a.json").read_text())["documents"]]
    assert titles == ["New"]


def test_a_folder_as_out_for_a_file_format_is_a_user_error(run_cli, tmp_path):
    result = run_cli("convert", SAMPLE, "--to", "json", "--out", tmp_path)
    assert result.exit_code == 2
    assert "writes one file" in result.output


def test_several_inputs_merge_into_one_output(run_cli, tmp_path):
    run_cli("convert", SAMPLE, "--to", "jsonl", "--out", tmp_path / "x.jsonl")
    result = run_cli("convert", SAMPLE, tmp_path / "x.jsonl", "--to", "json", "--out", tmp_path / "x.json")
    assert result.exit_code == 0
    assert (tmp_path / "x.json").read_bytes() == SAMPLE.read_bytes()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(documents=libraries)
def test_convert_is_lossless_and_ids_are_stable_across_runs(tmp_path_factory, documents):
    folder = tmp_path_factory.mktemp("prop")
    source = folder / "in.json"
    source.write_bytes(b"".join(render_json(documents)))
    outputs = []
    for run in range(2):  # two runs, two fresh libraries: same ids, same bytes
        state, library = open_store(folder / f"state{run}.sqlite"), open_store(":memory:")
        convert([str(source)], to="json", out=folder / f"out{run}.json", library=library, state=state)
        outputs.append((folder / f"out{run}.json").read_bytes())
    assert outputs[0] == outputs[1] == source.read_bytes()


def test_many_outputs_are_summarised_and_listed_only_with_verbose(run_cli, tmp_path):
    lines = [json.dumps({"id": f"h{n}", "text": "x", "document": {"id": f"d{n}", "title": f"Book {n}"}})
             for n in range(25)]
    source = tmp_path / "many.jsonl"
    source.write_text("\n".join(lines) + "\n")
    result = run_cli("convert", source, "--to", "obsidian", "--out", tmp_path / "vault")
    assert result.exit_code == 0
    assert "create " not in result.output
    assert "outputs: 25 new" in result.output
    verbose = run_cli("-v", "convert", source, "--to", "obsidian", "--out", tmp_path / "vault2")
    assert verbose.output.count("create ") == 25


def test_an_option_no_adapter_of_the_conversion_takes_is_a_user_error(run_cli, tmp_path):
    typo = run_cli("convert", SAMPLE, "--to", "obsidian", "--out", tmp_path / "v",
                   "-O", "sync_polcy=overwrite")
    assert typo.exit_code == 2
    assert typo.output.startswith("excerpta: error: -O sync_polcy does not apply to json → obsidian")
    other = run_cli("convert", SAMPLE, "--to", "json", "--out", tmp_path / "x.json", "--anki-deck", "X")
    assert other.exit_code == 2
    assert other.output.startswith("excerpta: error: --anki-deck does not apply to json (their options: none")
    assert not (tmp_path / "v").exists()
    assert not (tmp_path / "x.json").exists()


def test_a_run_interrupted_midway_is_logged_as_interrupted_not_left_running(tmp_path):
    store = open_store(tmp_path / "state.sqlite")

    def press_ctrl_c(document):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        convert([str(SAMPLE)], to="json", out=tmp_path / "x.json", library=store, state=store,
                on_document=press_ctrl_c)
    assert [run.status for run in store.runs()] == ["interrupted"]
    assert not (tmp_path / "x.json").exists()
    store.close()


def test_the_writing_does_not_hold_the_state_other_runs_share(tmp_path):
    # Another run sharing the --state (a sync into another output) must be able to write it
    # while this run renders and writes its files (a first render of thousands of notes takes
    # seconds), and a writer that fails leaves the cursors and output records uncommitted.
    from excerpta.writers.canonical_json import JsonWriter

    path = tmp_path / "state.sqlite"
    probed: list[str] = []

    class ProbingJsonWriter(JsonWriter):
        name = "json-probing"

        def write(self, documents, sink):
            probed.append(try_writing(path))
            super().write(documents, sink)

    state = open_store(path)
    try:
        report = convert([str(EXAMPLES / "library.json")], to="json-probing", out=tmp_path / "a.json",
                         library=state, state=state)
    finally:
        registry._WRITERS.pop("json-probing")
        state.close()
    assert probed == ["written"]
    assert report.exit_code == 0
    assert json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))["documents"]

"""``excerpta sync`` and ``status``: the configuration's jobs run once, into every writer,
sharing the state's library, cursors and output records (:mod:`excerpta.jobs`)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from excerpta.locks import output_lock
from job_configs import CLIPPINGS, NEW_RECORD, kindle_job, write_config


@pytest.fixture
def clippings(tmp_path: Path) -> Path:
    copy = tmp_path / "clip.txt"
    shutil.copyfile(CLIPPINGS, copy)
    return copy


def notes(vault: Path) -> dict[str, int]:
    """Each note's modification time, by path."""
    return {str(p.relative_to(vault)): p.stat().st_mtime_ns for p in sorted(vault.rglob("*.md"))}


def runs(state: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(state) as db:
        return db.execute("SELECT job, status FROM runs ORDER BY id").fetchall()


def texts(library: Path) -> list[str]:
    return sorted(h["text"] for d in json.loads(library.read_text(encoding="utf-8"))["documents"]
                  for h in d["highlights"])


def test_a_job_writes_every_writer_then_nothing_until_its_source_grows(run_cli, tmp_path, clippings):
    config = write_config(tmp_path, kindle_job(tmp_path))
    first = run_cli("sync", "-c", config)
    assert first.exit_code == 0, first.output
    vault = tmp_path / "vault" / "kindle"
    written = notes(vault)
    assert len(written) == 12
    assert len(texts(tmp_path / "kindle.json")) == 12
    assert "job kindle:" in first.output
    assert "outputs: 13 new" in first.output

    again = run_cli("sync", "-c", config)
    assert again.exit_code == 0
    assert "outputs: 1 unchanged" in again.output
    assert notes(vault) == written

    with clippings.open("a", encoding="utf-8") as file:
        file.write(NEW_RECORD)
    grown = run_cli("sync", "-c", config)
    assert grown.exit_code == 0
    assert "outputs: 2 changed" in grown.output
    assert "give me truth" in (vault / "Books" / "Walden.md").read_text(encoding="utf-8")
    assert len(texts(tmp_path / "kindle.json")) == 13
    changed = notes(vault)
    assert [name for name in written if changed[name] != written[name]] == ["Books/Walden.md"]
    assert runs(tmp_path / "state.sqlite") == [("kindle", "ok")] * 3


def test_a_job_takes_up_an_output_a_convert_with_its_state_wrote(run_cli, tmp_path, clippings):
    # Output records are the state's, not the job's: the vault a `convert --state` wrote is
    # the job's own, nothing rewritten and nothing reported as not ours.
    config = write_config(tmp_path, kindle_job(tmp_path))
    vault = tmp_path / "vault" / "kindle"
    converted = run_cli("--state", tmp_path / "state.sqlite", "convert", clippings, "--to", "obsidian",
                        "--out", vault)
    assert converted.exit_code == 0, converted.output
    before = notes(vault)
    synced = run_cli("sync", "-c", config)
    assert synced.exit_code == 0, synced.output
    assert "outputs: 1 new" in synced.output  # the json only
    assert notes(vault) == before


def test_a_failing_job_is_reported_and_the_next_one_still_runs(run_cli, tmp_path, clippings):
    config = write_config(tmp_path, kindle_job(tmp_path, "missing", source=tmp_path / "nowhere.txt"),
                          kindle_job(tmp_path, "kindle"))
    result = run_cli("sync", "-c", config)
    assert result.exit_code == 2
    assert f"excerpta: error: job missing: {tmp_path / 'nowhere.txt'}: " in result.output
    assert len(notes(tmp_path / "vault" / "kindle")) == 12
    assert not (tmp_path / "missing.json").exists()
    assert runs(tmp_path / "state.sqlite") == [("missing", "failed"), ("kindle", "ok")]


def test_sync_runs_the_jobs_named_and_refuses_a_name_it_does_not_have(run_cli, tmp_path, clippings):
    config = write_config(tmp_path, kindle_job(tmp_path, "one"), kindle_job(tmp_path, "two"))
    assert run_cli("sync", "-c", config, "two").exit_code == 0
    assert (tmp_path / "two.json").exists()
    assert not (tmp_path / "one.json").exists()
    unknown = run_cli("sync", "-c", config, "three")
    assert unknown.exit_code == 2
    assert unknown.output == f"excerpta: error: {config}: no job named 'three'; its jobs: one, two\n"


def test_a_configuration_without_jobs_or_file_is_one_line(run_cli, tmp_path, monkeypatch):
    empty = write_config(tmp_path)
    assert run_cli("sync", "-c", empty).output == (
        f"excerpta: error: {empty}: no [[jobs]] to run (see config/excerpta.example.toml)\n")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config-home"))
    missing = run_cli("sync")
    assert missing.exit_code == 2
    assert missing.output == (f"excerpta: error: {tmp_path / 'config-home' / 'excerpta' / 'excerpta.toml'}: "
                              "no such configuration file\n")
    monkeypatch.setenv("EXCERPTA_CONFIG", str(empty))
    assert "no [[jobs]] to run" in run_cli("status").output


def test_a_dry_run_writes_nothing_and_creates_no_state(run_cli, tmp_path, clippings):
    config = write_config(tmp_path, kindle_job(tmp_path))
    result = run_cli("sync", "-c", config, "--dry-run")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()  # the job's name with its outcomes, as convert prints them
    assert lines[0] == "job kindle:"
    assert all(line.startswith("would create ") for line in lines[1:])
    assert len(lines) == 14
    quiet = run_cli("-q", "sync", "-c", config, "--dry-run")
    assert quiet.stdout.splitlines() == lines  # -q: no summary, what would change still said
    assert quiet.stderr == ""
    assert not (tmp_path / "vault").exists()
    assert not (tmp_path / "state.sqlite").exists()


def test_status_tells_each_jobs_last_run_and_when_it_is_due(run_cli, tmp_path, clippings):
    config = write_config(tmp_path, kindle_job(tmp_path, "daily", schedule='schedule = { every = "1d" }'),
                          kindle_job(tmp_path, "missing", source=tmp_path / "nowhere.txt",
                                     schedule='schedule = { cron = "0 6 * * *" }'),
                          kindle_job(tmp_path, "manual"))
    before = run_cli("status", "-c", config).output.splitlines()
    assert before == ["daily: every 1d", "  last run: never", "  due: now",
                      'missing: cron "0 6 * * *"', "  last run: never", "  due: now",
                      "manual: not scheduled", "  last run: never"]
    run_cli("sync", "-c", config, "daily", "missing")
    after = run_cli("status", "-c", config).output.splitlines()
    assert after[0] == "daily: every 1d"
    assert after[1].startswith("  last run: ")
    assert after[1].endswith(
        ", ok, 13 file(s) written, 0 left alone, 0 record(s) skipped")
    assert after[2].startswith("  due: ")
    assert after[2] != "  due: now"
    assert after[4].endswith(", failed")
    assert after[5].startswith(f"  error: {tmp_path / 'nowhere.txt'}: ")
    assert after[6].startswith("  due: ")
    assert after[6] != "  due: now"


def test_a_writer_that_fails_leaves_the_others_written_and_the_job_failed(run_cli, tmp_path, clippings):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "highlight.md.jinja").write_text("- {{ 1 // 0 }}\n", encoding="utf-8")
    config = write_config(tmp_path, kindle_job(tmp_path).replace(
        'format = "obsidian"\n', f'format = "obsidian"\noptions = {{ templates = "{templates}" }}\n'))
    result = run_cli("sync", "-c", config)
    assert result.exit_code == 2
    # what the other writers wrote is said, then the failure
    assert result.output.splitlines()[-1] == ("excerpta: error: job kindle: template highlight.md.jinja, "
                                              "line 1: integer division or modulo by zero")
    assert f"create {tmp_path / 'kindle.json'} (" in result.output
    assert len(texts(tmp_path / "kindle.json")) == 12  # written after the one that failed
    assert not (tmp_path / "vault").exists()
    assert runs(tmp_path / "state.sqlite") == [("kindle", "failed")]
    status = run_cli("status", "-c", config).output
    assert ", failed, 1 file(s) written, 0 left alone, 0 record(s) skipped\n  error: template " in status


def test_a_writer_whose_out_cannot_be_written_leaves_the_others_written(run_cli, tmp_path, clippings):
    # A folder where the json file goes: refused for that writer alone, as a failing writer is.
    (tmp_path / "kindle.json").mkdir()
    config = write_config(tmp_path, kindle_job(tmp_path))
    result = run_cli("sync", "-c", config)
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (f"excerpta: error: job kindle: {tmp_path / 'kindle.json'}: "
                                              "is a folder; json writes one file (give a file name)")
    assert len(notes(tmp_path / "vault" / "kindle")) == 12
    assert runs(tmp_path / "state.sqlite") == [("kindle", "failed")]
    (tmp_path / "kindle.json").rmdir()
    fixed = run_cli("sync", "-c", config)
    assert fixed.exit_code == 0, fixed.output
    assert "outputs: 1 new" in fixed.output  # the json; the notes were written
    assert len(texts(tmp_path / "kindle.json")) == 12


def test_a_file_writers_out_ending_in_a_slash_is_refused_before_anything_is_written(run_cli, tmp_path,
                                                                                    clippings):
    # "out/" names the folder meant: a json file of that name would stand in its way.
    job = kindle_job(tmp_path).replace(f'out = "{tmp_path / "kindle.json"}"', f'out = "{tmp_path / "out"}/"')
    config = write_config(tmp_path, job)
    error = (f"excerpta: error: {config}: jobs[0].writers[1].out (job \"kindle\", line 12): "
             f"{tmp_path / 'out'}/: names a folder; give a file name (json writes one file)\n")
    for command in ("config", "check", config), ("sync", "-c", config):
        result = run_cli(*command)
        assert (result.exit_code, result.output) == (2, error), command
    assert not (tmp_path / "out").exists()
    assert not (tmp_path / "vault").exists()


@pytest.mark.parametrize(("source_format", "hint"), [
    ('format = "readwise-csv"\n', 'is format = "readwise-csv" in the job\'s source right?'),
    ("", 'add format = "…" to the job\'s source if it is not readwise-csv'),  # detected
])
def test_a_job_whose_input_gives_nothing_names_the_key_to_change_not_a_flag(run_cli, tmp_path, source_format,
                                                                            hint):
    export = tmp_path / "export.csv"  # sync has no --from: the job's source names the format
    export.write_text("Highlight,Book Title,Book Author,Amazon Book ID,Note,Color,Tags,Location Type,"
                      "Location,Highlighted at,Document tags\na,B,C\nb,B,C,,\n", encoding="utf-8")
    job = kindle_job(tmp_path, source=export).replace("[jobs.source]\n", f"[jobs.source]\n{source_format}")
    result = run_cli("sync", "-c", write_config(tmp_path, job))
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        f"excerpta: error: job kindle: {export}: nothing could be read as readwise-csv (2 record(s) skipped; "
        f"line 2: expected 11 fields, found 3); {hint}")
    assert not (tmp_path / "kindle.json").exists()


def test_a_run_kept_out_by_another_writing_its_output_is_logged(run_cli, tmp_path, clippings):
    config = write_config(tmp_path, kindle_job(tmp_path))
    with output_lock(tmp_path / "kindle.json"):
        busy = run_cli("sync", "-c", config)
    assert busy.exit_code == 75
    assert busy.output == (f"excerpta: error: job kindle: {tmp_path / 'kindle.json'}: another excerpta "
                           "run is writing this output; try again when it has finished\n")
    # Daemon audit: logged as failed, it was a run to count the schedule from; it did nothing.
    assert runs(tmp_path / "state.sqlite") == [("kindle", "busy")]
    assert not (tmp_path / "vault").exists()
    scheduled = config.read_text(encoding="utf-8").replace('name = "kindle"\n',
                                                           'name = "kindle"\nschedule = { every = "1h" }\n')
    config.write_text(scheduled, encoding="utf-8")
    status = run_cli("status", "-c", config).output.splitlines()
    assert status[1] == "  last run: never"  # tried, but it did nothing
    assert status[2].startswith("  kept out: ")
    assert status[2].endswith(f", busy: {tmp_path / 'kindle.json'}: another excerpta run is writing this "
                              "output; try again when it has finished")
    assert status[-1] == "  due: now"  # never ran: due at once, not an hour after the refusal


def test_status_shows_the_run_that_worked_not_a_later_one_kept_out_by_it(run_cli, tmp_path, clippings):
    # Audit s22 L3: a manual sync kept out while the daemon's run wrote was shown as the last
    # run, with its error, and the run that wrote every file was hidden.
    config = write_config(tmp_path, kindle_job(tmp_path, schedule='schedule = { every = "1h" }'))
    assert run_cli("sync", "-c", config).exit_code == 0
    ok = run_cli("status", "-c", config).output.splitlines()
    assert ok[1].endswith(", ok, 13 file(s) written, 0 left alone, 0 record(s) skipped")
    for _ in range(2):
        with output_lock(tmp_path / "kindle.json"):
            assert run_cli("sync", "-c", config).exit_code == 75
    status = run_cli("status", "-c", config).output.splitlines()
    assert status[:2] == ok[:2]
    assert status[2].startswith("  kept out later: 2 runs, the last ")
    assert status[2].endswith(f", busy: {tmp_path / 'kindle.json'}: another excerpta run is writing "
                              "this output; try again when it has finished")
    assert status[3:] == ok[2:]  # due as before: an hour after the run that worked
    assert len(status) == 4


def test_jobs_reading_one_input_with_other_options_are_refused(run_cli, tmp_path, clippings):
    tokyo = kindle_job(tmp_path, "tokyo").replace(
        "[[jobs.writers]]", 'options = { timezone = "Asia/Tokyo" }\nformat = "kindle"\n[[jobs.writers]]', 1)
    config = write_config(tmp_path, tokyo, kindle_job(tmp_path, "ny"))
    result = run_cli("config", "check", config)
    assert result.exit_code == 2
    assert result.output == (
        f'excerpta: error: {config}: jobs[0].source (job "tokyo", line 5) and jobs[1].source '
        f"(job \"ny\", line 18) both read {tmp_path / 'clip.txt'} but "
        "with another format or options: they share one library and read cursor, so each would undo the "
        "other's; give them the same, or make one job of both with all the writers\n")
    assert run_cli("sync", "-c", config).exit_code == 2
    assert not (tmp_path / "state.sqlite").exists()


def test_jobs_reading_one_input_alike_are_not_refused_however_written(run_cli, tmp_path, clippings):
    # The format detected or given, the options left out or given as their defaults, the path
    # spelled another way: one input read one way.
    spelled = kindle_job(tmp_path, "given", source=tmp_path / "." / "clip.txt").replace(
        "[[jobs.writers]]", 'format = "kindle"\noptions = { kindle_bookmarks = false }\n[[jobs.writers]]', 1)
    config = write_config(tmp_path, spelled, kindle_job(tmp_path, "detected"))
    result = run_cli("config", "check", config)
    assert result.exit_code == 0, result.output


def test_the_readwise_api_however_spelled_is_one_input(run_cli, tmp_path):
    job = ('[[jobs]]\nname = "{name}"\n[jobs.source]\ninput = "{input}"\nformat = "readwise"\n{options}'
           '[[jobs.writers]]\nformat = "json"\nout = "{out}"\n')
    plain = job.format(name="a", input="readwise:", options="", out=tmp_path / "a.json")
    other = job.format(name="b", input=" Readwise:", options="options = { keep_discarded = true }\n",
                       out=tmp_path / "b.json")
    config = write_config(tmp_path, plain, other)
    result = run_cli("config", "check", config)
    assert result.exit_code == 2
    assert ('jobs[0].source (job "a", line 4) and jobs[1].source (job "b", line 12) both read  Readwise: but '
            "with another format") in result.output


def test_an_input_in_the_home_of_no_user_is_one_line(run_cli, tmp_path):
    config = write_config(tmp_path, kindle_job(tmp_path, source=Path("~no_such_user_here/clip.txt")))
    result = run_cli("config", "check", config)
    assert result.exit_code == 2
    assert result.output == (f'excerpta: error: {config}: jobs[0].source (job "kindle", line 5): input '
                             "~no_such_user_here/clip.txt: "
                             "no such user's home folder\n")


def test_a_file_the_machine_refuses_is_told_alike_on_screen_and_in_the_run_log(run_cli, tmp_path, clippings):
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    config = write_config(tmp_path, kindle_job(tmp_path).replace(
        f'out = "{tmp_path / "kindle.json"}"', f'out = "{tmp_path / "a-file" / "kindle.json"}"'))
    result = run_cli("sync", "-c", config)
    assert result.exit_code == 74
    told = result.output.splitlines()[-1].removeprefix("excerpta: error: job kindle: ")
    assert "Errno" not in told
    assert told.startswith(str(tmp_path / "a-file"))
    assert f"  error: {told}" in run_cli("status", "-c", config).output.splitlines()


def test_two_jobs_sharing_one_vault_write_one_note_per_book_with_both_sources(run_cli, tmp_path, clippings):
    # Two devices' clippings into one vault: the jobs share the writer (format, out and options
    # alike), so each writes the one library there and finds the other's notes its own.
    vault, second = tmp_path / "vault", tmp_path / "second.txt"
    second.write_text(NEW_RECORD, encoding="utf-8")
    shared = f'[[jobs.writers]]\nformat = "obsidian"\nout = "{vault}"\n'
    config = write_config(tmp_path,
                          f'[[jobs]]\nname = "kindle"\n[jobs.source]\ninput = "{clippings}"\n{shared}',
                          f'[[jobs]]\nname = "second"\n[jobs.source]\ninput = "{second}"\n{shared}')
    assert run_cli("config", "check", config).exit_code == 0
    first = run_cli("sync", "-c", config)
    assert first.exit_code == 0, first.output
    walden = vault / "Books" / "Walden.md"
    assert len(notes(vault)) == 12  # one note per book
    assert walden.read_text(encoding="utf-8").count(" ^hl-") == 2  # with both sources' highlights
    written = notes(vault)
    again = run_cli("sync", "-c", config)
    assert again.output.count("nothing changed") == 2
    assert notes(vault) == written
    with second.open("a", encoding="utf-8") as file:
        moby_dick = "Moby-Dick; or, The Whale (Melville, Herman)"
        file.write(NEW_RECORD.replace("Walden (Thoreau, Henry David)", moby_dick)
                   .replace("3001-3002", "10-11").replace("give me truth", "call me Ishmael"))
    assert run_cli("sync", "-c", config, "second").exit_code == 0
    moby = "Books/Moby-Dick; or, The Whale.md"
    assert "call me Ishmael" in (vault / moby).read_text(encoding="utf-8")
    assert [path for path, mtime in notes(vault).items() if mtime != written[path]] == [moby]
    # a writer of the same out with other options is two writers fighting over it
    config.write_text(config.read_text(encoding="utf-8").replace(
        f'out = "{vault}"\n', f'out = "{vault}"\noptions = {{ flat = true }}\n', 1), encoding="utf-8")
    refused = run_cli("config", "check", config)
    assert refused.exit_code == 2
    assert ('jobs[0].writers[0] (job "kindle", line 6) and jobs[1].writers[0] (job "second", line 14) '
            'both write') in refused.output


def test_sync_takes_the_way_out_its_messages_name(run_cli, tmp_path, clippings):
    # Long-lived-use audit: a job's CSV or JSON saved from a spreadsheet was left alone with
    # "(--force overwrites)" on every run, and a deleted note's skip said "--recreate-deleted":
    # sync had neither flag, so the daemon's outputs went stale for good.
    config = write_config(tmp_path, kindle_job(tmp_path))
    assert run_cli("sync", "-c", config).exit_code == 0
    backup, walden = tmp_path / "kindle.json", tmp_path / "vault" / "kindle" / "Books" / "Walden.md"
    backup.write_text('{"edited": "in a spreadsheet"}', encoding="utf-8")
    walden.unlink()
    with clippings.open("a", encoding="utf-8") as file:
        file.write(NEW_RECORD)

    refused = run_cli("sync", "-c", config)
    assert refused.exit_code == 1
    assert "changed since excerpta wrote it" in refused.output
    assert "(--force overwrites)" in refused.output
    assert "(--recreate-deleted)" in refused.output
    assert "edited" in backup.read_text(encoding="utf-8")
    assert not walden.exists()

    forced = run_cli("sync", "-c", config, "--force", "--recreate-deleted")
    assert forced.exit_code == 0, forced.output
    assert any("give me truth" in text for text in texts(backup))
    assert "give me truth" in walden.read_text(encoding="utf-8")
    # for that run only: the next leaves a new edit alone again
    backup.write_text("{}", encoding="utf-8")
    assert run_cli("sync", "-c", config).exit_code == 1
    assert backup.read_text(encoding="utf-8") == "{}"


def test_what_a_job_logs_while_it_runs_names_the_job(run_cli, tmp_path, clippings):
    # Daemon audit: a Readwise job's retry warnings named no job; in a journal of several jobs
    # nothing told whose they were.
    config = write_config(tmp_path, kindle_job(tmp_path))
    books = tmp_path / "vault" / "kindle" / "Books"
    books.mkdir(parents=True)
    (books / "Walden.md").write_text("my own thoughts on Walden", encoding="utf-8")
    result = run_cli("sync", "-c", config)
    assert result.exit_code == 0, result.output
    [warning] = [line for line in result.output.splitlines() if "warning" in line]
    assert warning.startswith(f"excerpta: warning: job kindle: {books / 'Walden.md'}: a file this state has "
                              "no record of")
    failed = run_cli("sync", "-c", write_config(tmp_path, kindle_job(tmp_path, source=tmp_path / "gone.txt")))
    assert f"excerpta: error: job kindle: {tmp_path / 'gone.txt'}" in failed.output  # named once



def test_with_v_a_failing_writers_traceback_is_its_errors(run_cli, tmp_path, clippings):
    # A job reports its writer's failure after the except block: the traceback logged was
    # "NoneType: None".
    (tmp_path / "kindle.json").mkdir()
    result = run_cli("sync", "-v", "-c", write_config(tmp_path, kindle_job(tmp_path)))
    assert result.exit_code == 2
    assert "NoneType: None" not in result.output
    assert "Traceback (most recent call last):" in result.output
    assert "excerpta.errors.UserError: " in result.output

"""The configuration file: validated up front, one line naming the file and the bad key."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from excerpta.config import load_config, parse_duration
from excerpta.daemon import first_run
from excerpta.errors import ConfigError

from paths import REPO

GOOD = """
state = "/data/state.sqlite"
[[jobs]]
name = "backup"
schedule = { every = "1h" }
source = { input = "examples/library.json" }
writers = [{ format = "jsonl", out = "/data/x.jsonl" }]
"""


def _write(tmp_path, text: str):
    path = tmp_path / "excerpta.toml"
    path.write_text(text)
    return path


def test_a_valid_file_loads(tmp_path):
    config = load_config(_write(tmp_path, GOOD))
    [job] = config.jobs
    assert (job.name, job.source.input, job.writers[0].format) == ("backup", "examples/library.json", "jsonl")
    assert job.schedule is not None
    assert parse_duration(job.schedule.every or "") == timedelta(hours=1)


@pytest.mark.parametrize(("change", "message"), [
    (('format = "jsonl"', 'format = "docx"'),
     "jobs[0].writers[0] (job \"backup\", line 7): unknown output format 'docx'"),
    (('every = "1h"', 'every = "soon"'),
     "jobs[0].schedule.every (job \"backup\", line 5): expected a duration"),
    (('every = "1h"', 'every = "1h", cron = "* * * * *"'), "give exactly one of 'every' or 'cron'"),
    (('every = "1h"', 'every = "99999999999999999999d"'),
     "jobs[0].schedule.every (job \"backup\", line 5): '99999999999999999999d' is too long: the longest "
     "is 36500d (100 years)"),
    (('every = "1h"', 'every = "99999999999999s"'), "'99999999999999s' is too long: the longest is 36500d"),
    (('every = "1h"', 'every = "36501d"'), "'36501d' is too long: the longest is 36500d"),
    (('every = "1h"', f'every = "{"9" * 5000}m"'), "is too long: the longest is 36500d"),
    (('name = "backup"', 'name = "has space"'),
     "jobs[0].name (job \"has space\", line 4): string should match pattern"),
    (('state =', 'stat ='), "stat (line 2): unknown field"),
    (('out = "/data/x.jsonl"', 'out = "/data/x.jsonl", options = { colour = 1 }'),
     "jobs[0].writers[0] (job \"backup\", line 7): option 'colour' does not apply to jsonl"),
    (('[[jobs]]', '[[jobs]'), "invalid TOML"),
    (('every = "1h"', 'cron = "daily please"'),
     'jobs[0].schedule.cron (job "backup", line 5): expected 5 crontab fields (minute hour day month '
     'weekday) like "0 6 * * *", got \'daily please\''),
    (('every = "1h"', 'cron = "not a cron at all"'),  # five fields: what is wrong with them
     'jobs[0].schedule.cron (job "backup", line 5): got \'not a cron at all\': invalid month name "at"'),
    (('every = "1h"', 'cron = "0 25 * * *"'), "the last value (25) is higher than the maximum value (23)"),
    (('every = "1h"', 'cron = "0 6 * *"'), "wrong number of fields; got 4, expected 5"),
    (('state =', '[readwise]\nbase_url = "not a url"\nstate ='),
     "readwise.base_url (line 3): not a valid http(s) URL: it must start with https://"),
    (('state =', '[readwise]\nbase_url = "http://[::1"\nstate ='),
     "readwise.base_url (line 3): not a valid http(s) URL"),
    (('input = "examples/library.json"', 'input = "readwise:", options = { bogus = 1 }'),
     'jobs[0].source (job "backup", line 6): options need a format: add format = "readwise" (detected from '
     'readwise: now)'),
    (('input = "examples/library.json"', 'input = "/nonexistent/x.json", options = { bogus = 1 }'),
     'jobs[0].source (job "backup", line 6): options need a format: add format = "…" '
     '(see `excerpta formats`)'),
    (('out = "/data/x.jsonl"', 'out = "/data/x\\u0000.jsonl"'),
     "jobs[0].writers[0].out (job \"backup\", line 7): a path cannot hold a zero byte (\\u0000)"),
    (('"/data/state.sqlite"', '"/data/\\u0000state.sqlite"'),
     "state (line 2): a path cannot hold a zero byte"),
    (('"examples/library.json"', '"examples/library.json\\u0000"'),
     "jobs[0].source.input (job \"backup\", line 6): a path cannot hold a zero byte"),
    (('"examples/library.json"', '""'),  # an unset variable where a template filled it in
     "jobs[0].source.input (job \"backup\", line 6): an empty input path (an unset shell variable?)"),
    (('"examples/library.json"', '" "'),
     "jobs[0].source.input (job \"backup\", line 6): an empty input path"),
    (('state =', '[readwise]\ntoken_file = "t\\u0000"\nstate ='),
     "readwise.token_file (line 3): a path cannot hold a zero byte"),
    (('out = "/data/x.jsonl"', 'out = "/data/Out/"'),  # pathlib would drop the slash: a file "Out"
     'jobs[0].writers[0].out (job "backup", line 7): /data/Out/: names a folder; give a file name '
     "(jsonl writes one file)"),
    (('"/data/state.sqlite"', "5"), "state (line 2): expected a path as a string"),
    (('out = "/data/x.jsonl"', "out = 5"),
     'jobs[0].writers[0].out (job "backup", line 7): expected a path as a string'),
    (('format = "jsonl", out = "/data/x.jsonl"',
      'format = "obsidian", out = "/data/v", options = { templates = 5 }'),
     'jobs[0].writers[0] (job "backup", line 7): obsidian option templates: expected a path as a string, '
     "got 5"),
])
def test_mistakes_are_one_line_naming_the_key(tmp_path, change, message):
    path = _write(tmp_path, GOOD.replace(*change))
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)


def test_the_longest_every_is_one_the_daemon_can_count_with(tmp_path):
    config = load_config(_write(tmp_path, GOOD.replace('every = "1h"', 'every = "0036500d"')))
    [job] = config.jobs
    assert job.schedule is not None
    assert parse_duration(job.schedule.every or "") == timedelta(days=36500)
    last = datetime(2026, 11, 27, tzinfo=UTC)
    assert first_run(job.schedule, last, last, UTC) == last + timedelta(days=36500)


def test_an_every_too_long_is_a_user_error_in_each_command_reading_the_file(run_cli, tmp_path):
    path = _write(tmp_path, GOOD.replace('every = "1h"', 'every = "9999999999d"'))
    for command in (("config", "check", path), ("sync", "-c", path), ("status", "-c", path),
                    ("daemon", "-c", path)):
        result = run_cli(*command)
        assert (result.exit_code, result.output) == (2, (
            f"excerpta: error: {path}: jobs[0].schedule.every (job \"backup\", line 5): '9999999999d' "
            "is too long: the longest is 36500d (100 years)\n")), command


def test_a_folder_writers_out_may_end_in_a_slash(tmp_path):
    config = load_config(_write(tmp_path, GOOD.replace('format = "jsonl", out = "/data/x.jsonl"',
                                                       'format = "obsidian", out = "/data/Vault/"')))
    assert config.jobs[0].writers[0].out == Path("/data/Vault")


def test_a_base_url_ending_in_api_v2_loses_it(tmp_path):
    text = GOOD + '[readwise]\nbase_url = "https://readwise.io/api/v2/"\n'
    assert load_config(_write(tmp_path, text)).readwise.base_url == "https://readwise.io"


def test_a_valid_crontab_is_accepted(tmp_path):
    config = load_config(_write(tmp_path, GOOD.replace('every = "1h"', 'cron = "*/15 6-18 * * mon-fri"')))
    assert config.jobs[0].schedule is not None
    assert config.jobs[0].schedule.cron == "*/15 6-18 * * mon-fri"


def test_a_file_that_is_not_utf8_names_the_line_and_byte(run_cli, tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes(GOOD.replace("/data/state", "/data/café").encode("latin-1"))
    result = run_cli("config", "check", path)
    assert result.exit_code == 2
    assert result.output == (f"excerpta: error: {path}: line 2: not UTF-8 text (byte 0xe9 at offset 19); "
                             "save the file as UTF-8\n")


def test_a_file_starting_with_a_utf8_byte_order_mark_is_read(run_cli, tmp_path):
    path = tmp_path / "notepad.toml"  # as Windows Notepad saves UTF-8
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.lstrip().encode())
    assert load_config(path).jobs[0].name == "backup"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.lstrip().replace("every", "evry").encode())
    result = run_cli("config", "check", path)  # its lines counted as before
    assert result.output == (f"excerpta: error: {path}: jobs[0].schedule.evry (job \"backup\", line 4): "
                             "unknown field\n")


def test_toml_nested_too_deeply_is_a_user_error(run_cli, tmp_path):
    path = _write(tmp_path, "a = " + "[" * 100_000 + "]" * 100_000)
    result = run_cli("config", "check", path)
    assert result.exit_code == 2
    assert result.output == f"excerpta: error: {path}: invalid TOML: arrays or tables nested too deeply\n"


def test_duplicate_job_names_are_refused(tmp_path):
    text = GOOD + GOOD.split("state = \"/data/state.sqlite\"")[1]
    with pytest.raises(ConfigError, match="job names must be unique: backup"):
        load_config(_write(tmp_path, text))


def test_config_check_command_summarises_jobs(run_cli, tmp_path):
    result = run_cli("config", "check", _write(tmp_path, GOOD))
    assert result.exit_code == 0
    assert "backup: examples/library.json → jsonl → /data/x.jsonl (every 1h)" in result.output


def test_config_check_refuses_a_file_without_jobs_and_reads_the_file_sync_reads(run_cli, tmp_path,
                                                                                 monkeypatch):
    empty = _write(tmp_path, "")
    result = run_cli("config", "check", empty)
    assert result.exit_code == 2  # as `sync` and `daemon` would refuse it
    assert result.output == (f"excerpta: error: {empty}: no [[jobs]] to run "
                             "(see config/excerpta.example.toml)\n")
    monkeypatch.setenv("EXCERPTA_CONFIG", str(_write(tmp_path, GOOD)))
    result = run_cli("config", "check")
    assert result.exit_code == 0
    assert result.output.startswith(f"{tmp_path / 'excerpta.toml'}: ok, 1 job(s)\n")


def test_config_check_takes_the_file_with_c_as_sync_does(run_cli, tmp_path, monkeypatch):
    # Audit s22 L5: "no such option '-c'" for `config check -c FILE`.
    path = _write(tmp_path, GOOD)
    expected = run_cli("config", "check", path).output
    for option in ("-c", "--config"):
        result = run_cli("config", "check", option, path)
        assert (result.exit_code, result.output) == (0, expected)
    monkeypatch.chdir(tmp_path)
    assert run_cli("config", "check", "-c", path, "./excerpta.toml").exit_code == 0  # one file
    other = tmp_path / "other.toml"
    other.write_text(GOOD, encoding="utf-8")
    refused = run_cli("config", "check", "-c", path, other)
    assert refused.exit_code == 2
    assert refused.output.startswith(f"excerpta: error: config check: -c/--config {path} and PATH {other} "
                                     "name two files: give one (")
    monkeypatch.setenv("EXCERPTA_CONFIG", str(path))  # the default's, not a second name
    assert run_cli("config", "check", other).output.startswith(f"{other}: ok")


def test_a_missing_file_is_a_user_error(run_cli, tmp_path):
    result = run_cli("config", "check", tmp_path / "nope.toml")
    assert result.exit_code == 2
    assert result.output == f"excerpta: error: {tmp_path / 'nope.toml'}: no such configuration file\n"


def test_the_example_readwise_writer_uncommented_is_valid(tmp_path):
    example = (REPO / "config" / "excerpta.example.toml").read_text(encoding="utf-8")
    block = '# [[jobs.writers]]\n# format = "readwise"\n# out = "readwise:"\n'
    assert block in example
    path = _write(tmp_path, example.replace(block, block.replace("# ", "")))
    assert [w.format for w in load_config(path).jobs[1].writers] == ["json", "csv", "readwise"]


def test_the_example_hypothesis_table_uncommented_is_valid(tmp_path):
    example = (REPO / "config" / "excerpta.example.toml").read_text(encoding="utf-8")
    block = ('# [hypothesis]\n# base_url = "https://api.hypothes.is"\n'
             '# token_file = "/config/hypothesis-token"\n')
    assert block in example
    config = load_config(_write(tmp_path, example.replace(block, block.replace("# ", ""))))
    assert (config.hypothesis.base_url, config.hypothesis.token_file) == (
        "https://api.hypothes.is", Path("/config/hypothesis-token"))


def test_the_example_ingest_table_and_job_uncommented_are_valid(tmp_path):
    example = (REPO / "config" / "excerpta.example.toml").read_text(encoding="utf-8")
    start = example.index("# [ingest]\n")
    block = example[start:example.index("\n\n# Hypothesis API settings")]
    uncommented = "\n".join(line.removeprefix("# ").removeprefix("#") for line in block.splitlines())
    config = load_config(_write(tmp_path, example[:start] + uncommented))
    assert config.ingest is not None
    assert (config.ingest.listen, config.ingest.inbox) == ("127.0.0.1:8765", Path("/data/inbox.jsonl"))
    assert [(job.name, job.source.input, job.schedule) for job in config.jobs][2] == ("phone", "inbox:", None)


def test_the_example_configuration_is_valid():
    config = load_config(REPO / "config" / "excerpta.example.toml")
    assert [job.name for job in config.jobs] == ["readwise-to-vault", "kindle-backup"]
    assert [w.format for job in config.jobs for w in job.writers] == ["obsidian", "anki", "json", "csv"]


@pytest.mark.parametrize(("old", "new", "first", "second"), [
    ('out = "/data/kindle.csv"', 'out = "/data/kindle.json"',
     'jobs[1].writers[0] (job "kindle-backup", line 72)',
     'jobs[1].writers[1] (job "kindle-backup", line 76)'),
    ('out = "/data/kindle.csv"', 'out = "/data/../data/highlights.apkg"',
     'jobs[0].writers[1] (job "readwise-to-vault", line 53)',
     'jobs[1].writers[1] (job "kindle-backup", line 76)'),
])
def test_two_writers_writing_one_path_are_refused_naming_both(run_cli, tmp_path, old, new, first, second):
    example = (REPO / "config" / "excerpta.example.toml").read_text(encoding="utf-8")
    path = _write(tmp_path, example.replace(old, new))
    result = run_cli("config", "check", path)
    assert result.exit_code == 2
    assert result.output.startswith(f"excerpta: error: {path}: {first} and {second} both write ")
    assert result.output.count("\n") == 1


def test_two_writers_of_one_format_one_inside_the_other_are_refused(run_cli, tmp_path):
    # Two obsidian outputs, a vault and a folder of it: each would take the other's notes for
    # its own past. A json file inside the vault is another format's: allowed.
    example = (REPO / "config" / "excerpta.example.toml").read_text(encoding="utf-8")
    nested = example + ('\n[[jobs]]\nname = "inner"\nschedule = { every = "1h" }\n\n[jobs.source]\n'
                        'input = "examples/library.json"\n\n'
                        '[[jobs.writers]]\nformat = "obsidian"\nout = "/vault/Readwise/Kindle"\n')
    result = run_cli("config", "check", _write(tmp_path, nested))
    assert result.exit_code == 2
    assert result.output.endswith('jobs[0].writers[0] (job "readwise-to-vault", line 39) and '
                                  'jobs[2].writers[0] (job "inner", line 121) both write obsidian, '
                                  "/vault/Readwise/Kindle inside /vault/Readwise: each would take the "
                                  "other's files for its own; give them folders side by side\n")
    beside = example.replace('out = "/data/kindle.json"', 'out = "/vault/Readwise/kindle.json"')
    assert run_cli("config", "check", _write(tmp_path, beside)).exit_code == 0


def test_one_folder_spelled_through_a_link_is_one_output(run_cli, tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "alias").symlink_to(tmp_path / "data")
    example = (REPO / "config" / "excerpta.example.toml").read_text(encoding="utf-8")
    linked = (example.replace('out = "/data/kindle.json"', f'out = "{tmp_path}/data/k.json"')
              .replace('out = "/data/kindle.csv"', f'out = "{tmp_path}/alias/k.json"'))
    result = run_cli("config", "check", _write(tmp_path, linked))
    assert result.exit_code == 2
    assert ('jobs[1].writers[0] (job "kindle-backup", line 72) and jobs[1].writers[1] '
            '(job "kindle-backup", line 76) both write') in result.output


def test_config_check_warns_of_an_ingest_table_without_a_token(run_cli, tmp_path):
    config = _write(tmp_path, GOOD + '[ingest]\nlisten = "127.0.0.1:8765"\n')
    result = run_cli("config", "check", config)
    assert result.exit_code == 0, result.output
    assert "[ingest]: no ingest token: run `excerpta ingest token` to make one" in result.stderr

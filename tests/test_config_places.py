"""A configuration mistake names the job by its name and the line it is on, not only an index
the user would have to count ``[[jobs]]`` headers for."""

from __future__ import annotations

import pytest

from excerpta.config import load_config
from excerpta.errors import ConfigError

THREE_JOBS = """\
# excerpta jobs
state = "/data/state.sqlite"

[[jobs]]   # the first
name = "readwise"
[jobs.source]
input = "readwise:"
[[jobs.writers]]
format = "json"
out = "/data/readwise.json"

[[jobs]]
name = "kindle"
schedule = { every = "1h" }
[jobs.source]
input = "/kindle/My Clippings.txt"
[[jobs.writers]]
format = "json"
out = "/data/kindle.json"
[[jobs.writers]]
format = "csv"
out = "/data/kindle.csv"
[jobs.writers.options]
profile = "spreadsheet"

[[ jobs ]]
"name" = "notebooks"
source.input = "/notebooks"
writers = [{ format = "jsonl", out = "/data/notebooks.jsonl" }]
"""


def _error(tmp_path, text: str) -> str:
    path = tmp_path / "excerpta.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    return message.removeprefix(f"{path}: ")


@pytest.mark.parametrize(("old", "new", "expected"), [
    # the options of the second job's second writer: that writer's line
    ('profile = "spreadsheet"', 'profile = "spreadsheet"\ncolour = "red"',
     'jobs[1].writers[1] (job "kindle", line 20): option \'colour\' does not apply to csv'),
    # an unknown key: its line, under the right job however many writers came before
    ('input = "/kindle/My Clippings.txt"', 'input = "/kindle/My Clippings.txt"\nbadkey = 1',
     'jobs[1].source.badkey (job "kindle", line 17): unknown field'),
    # a missing key: its table's line
    ('input = "readwise:"\n', '', 'jobs[0].source.input (job "readwise", line 6): field required'),
    # inside an inline table: the line of the key holding it
    ('every = "1h"', 'every = "soon"', 'jobs[1].schedule.every (job "kindle", line 14): expected a duration'),
    # a dotted key, a quoted key and spaces in the header
    ('source.input = "/notebooks"', 'source.input = "/notebooks"\nsource.colour = 1',
     'jobs[2].source.colour (job "notebooks", line 29): unknown field'),
    ('format = "jsonl"', 'format = "docx"',
     'jobs[2].writers[0] (job "notebooks", line 29): unknown output format'),
    # a top-level key
    ('state = "/data/state.sqlite"', 'stat = "/data/state.sqlite"', "stat (line 2): unknown field"),
])
def test_a_mistake_names_its_job_and_line(tmp_path, old, new, expected):
    assert old in THREE_JOBS
    assert expected in _error(tmp_path, THREE_JOBS.replace(old, new, 1))


def test_two_places_are_each_named(tmp_path):
    message = _error(tmp_path, THREE_JOBS.replace('"/data/kindle.csv"', '"/data/readwise.json"'))
    assert message.startswith('jobs[0].writers[0] (job "readwise", line 8) and jobs[1].writers[1] '
                              '(job "kindle", line 20) both write /data/readwise.json')


def test_a_job_without_a_name_is_named_by_its_line_alone(tmp_path):
    message = _error(tmp_path, THREE_JOBS.replace('name = "kindle"\n', ""))
    assert message == "jobs[1].name (line 12): field required"


def test_a_value_that_looks_like_a_header_or_key_is_not_taken_for_one(tmp_path):
    text = THREE_JOBS.replace('out = "/data/readwise.json"',
                              'out = "/data/readwise.json"\n# [[jobs]]\n# badkey = 1')
    text = text.replace('input = "/kindle/My Clippings.txt"', 'input = "/kindle/[[jobs]].txt"\nbadkey = 1')
    assert 'jobs[1].source.badkey (job "kindle", line 19): unknown field' in _error(tmp_path, text)
